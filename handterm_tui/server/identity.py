"""The identity provider the routes talk to: one small interface, two homes.

`serve-local` answers with `MotoIdentity` (the hardened moto backend in this process, under
cognito.LOCK); the AWS Lambda answers with `handterm_tui.aws.runtime.CognitoIdentity` (boto3
`cognito-idp`). Both raise `IdpError(code, message)` with Cognito's error codes, so the routes map
errors once. Authorizers (authorizer.py) share the `verify(token) -> Identity` shape likewise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from . import cognito
from .authorizer import Identity
from .base import cognito_error
from .poolstore import Pool


class IdpError(Exception):
    """A Cognito service error: `code` is its error type (e.g. NotAuthorizedException)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code, self.message = code, message


@dataclass(frozen=True)
class SignedUp:
    confirmed: bool
    sub: str
    delivery: dict[str, Any] | None
    code: str | None  # an emulator's test mailbox; real Cognito e-mails it instead


class IdentityProvider(Protocol):
    blocking: bool  # True: network calls, run them off the event loop

    def sign_up(self, username: str, password: str, email: str) -> SignedUp: ...

    def confirm_sign_up(self, username: str, code: str) -> None: ...

    def sign_in(self, username: str, password: str) -> tuple[dict[str, Any] | None, str | None]:
        """(AuthenticationResult or None when a challenge is pending, GitHub username)."""
        ...

    def refresh(self, refresh_token: str) -> dict[str, Any]: ...

    def sign_out(self, access_token: str) -> None: ...

    def change_password(self, access_token: str, old: str, new: str) -> None: ...

    def attributes(self, identity: Identity) -> dict[str, str] | None:
        """The user's attributes, or None when the user is gone."""
        ...


class Authorizing(Protocol):
    def verify(self, token: str | None) -> Identity: ...


def _wrap(exc: Exception) -> Exception:
    err = cognito_error(exc)
    return IdpError(*err) if err is not None else exc


class MotoIdentity:
    """The hardened moto pool in this process (what `serve-local` has always called)."""

    blocking = False

    def __init__(self, pool: Pool) -> None:
        self.pool = pool

    def sign_up(self, username: str, password: str, email: str) -> SignedUp:
        attributes = [{"Name": "email", "Value": email}]
        with cognito.LOCK:
            try:
                user, delivery = self.pool.backend.sign_up(
                    self.pool.client_id, username, password, attributes
                )
            except Exception as exc:
                raise _wrap(exc) from None
            code = getattr(cognito._LAST_CODE, "value", None)
            return SignedUp(user.status == "CONFIRMED", str(user.id), delivery, code)

    def confirm_sign_up(self, username: str, code: str) -> None:
        with cognito.LOCK:
            try:
                cognito.confirm_sign_up(self.pool.backend, self.pool.client_id, username, code)
            except Exception as exc:
                raise _wrap(exc) from None

    def sign_in(self, username: str, password: str) -> tuple[dict[str, Any] | None, str | None]:
        params = {"USERNAME": username, "PASSWORD": password}
        with cognito.LOCK:
            try:
                result = self.pool.backend.initiate_auth(
                    self.pool.client_id, "USER_PASSWORD_AUTH", params
                )
            except Exception as exc:
                raise _wrap(exc) from None
            tokens = result.get("AuthenticationResult")
            gh = None
            if tokens:
                user = self.pool.pool._get_user(username)
                gh = user.attribute_lookup.get("custom:gh_username") if user else None
            return tokens, gh

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        with cognito.LOCK:
            try:
                result = self.pool.backend.initiate_auth(
                    self.pool.client_id, "REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": refresh_token}
                )
            except Exception as exc:
                raise _wrap(exc) from None
        return dict(result.get("AuthenticationResult") or {})

    def sign_out(self, access_token: str) -> None:
        with cognito.LOCK:
            try:
                self.pool.backend.global_sign_out(access_token)
            except Exception as exc:
                raise _wrap(exc) from None

    def change_password(self, access_token: str, old: str, new: str) -> None:
        with cognito.LOCK:
            try:
                self.pool.backend.change_password(access_token, old, new)
            except Exception as exc:
                raise _wrap(exc) from None

    def attributes(self, identity: Identity) -> dict[str, str] | None:
        with cognito.LOCK:
            user = self.pool.pool.users.get(identity.username)
            return dict(user.attribute_lookup) if user is not None else None
