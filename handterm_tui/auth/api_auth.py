"""Authentication through the HandTerm API's own routes, for ``auth = "api"`` profiles
(deployments that publish only an API URL).

The API signs in with USER_PASSWORD_AUTH, so the password goes to the server (TLS); prefer
``auth = "cognito"`` where the pool is known. The API's error shapes differ by version (bare
strings in July 2024, ``{code, message}`` later) and refresh failures all come back as 500:
the mapping below reads codes first, then the words.
"""

from __future__ import annotations

import re

from handterm_tui.api.client import AuthReply, HandTermApi
from handterm_tui.api.errors import (
    ApiError,
    BadResponse,
    Forbidden,
    NotFound,
    ServerError,
    Unauthorized,
    Unreachable,
)
from handterm_tui.auth import cognito_direct
from handterm_tui.auth.base import SignUpResult
from handterm_tui.auth.cognito import LOCKED_OUT, limit_words
from handterm_tui.auth.errors import (
    SESSION_END_PATTERNS,
    AuthError,
    AuthServiceError,
    ChallengeRequired,
    CodeExpired,
    CodeMismatch,
    InvalidParameter,
    InvalidPassword,
    LimitExceeded,
    NotSupported,
    ServiceUnreachable,
    SessionEnded,
    TokenRejected,
    UserExists,
    UserNotConfirmed,
    UserNotFound,
    WrongCredentials,
)
from handterm_tui.auth.tokens import TokenFormatError, TokenSet, display_username

_POLICY = re.compile(r"polic|conform|requirement", re.IGNORECASE)


def _words(exc: ApiError) -> str:
    return f"{exc.message} {exc.detail or ''}".lower()


def _clause(message: str) -> str:
    """A message to go inside a sentence: no capital, no full stop."""
    text = message.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _common(exc: ApiError, operation: str = "") -> AuthError | None:
    if isinstance(exc, Unreachable):
        return ServiceUnreachable(
            "The HandTerm API cannot be reached — working offline, will retry."
        )
    if isinstance(exc, BadResponse):
        return AuthServiceError(exc.message)
    words = _words(exc)
    if "password attempts exceeded" in words:
        return LimitExceeded(LOCKED_OUT)
    if (
        "attempt limit exceeded" in words
        or "attempts exceeded" in words
        or exc.code in ("LimitExceeded", "TooManyRequests")
    ):
        return LimitExceeded(limit_words(operation))
    return None


def _sign_in_error(exc: ApiError) -> AuthError:
    found = _common(exc)
    if found:
        return found
    words, code = _words(exc), exc.code or ""
    if code == "UserNotConfirmed" or "not confirmed" in words:
        return UserNotConfirmed()
    if code in ("NotAuthorized", "UserNotFound") or "incorrect username" in words:
        return WrongCredentials()
    if "does not exist" in words:
        return WrongCredentials()
    if "failed or incomplete" in words:
        return AuthServiceError(
            "The server wants another step (a new password or a code) that its API cannot do: "
            'use a profile with auth = "cognito".'
        )
    if isinstance(exc, ServerError):
        return ServiceUnreachable("The HandTerm API had an internal error — try again soon.")
    return AuthServiceError(exc.message)


def _sign_up_error(exc: ApiError) -> AuthError:
    found = _common(exc)
    if found:
        return found
    words, code = _words(exc), exc.code or ""
    if code == "InvalidPassword" or ("password" in words and _POLICY.search(words)):
        return InvalidPassword(exc.detail or exc.message)
    if code == "UsernameExists" or "already exists" in words:
        return UserExists()
    if code == "InvalidParameter":
        return InvalidParameter(exc.detail or exc.message)
    if isinstance(exc, ServerError):
        return ServiceUnreachable("The HandTerm API had an internal error — try again soon.")
    return AuthServiceError(exc.message)


def _refresh_error(exc: ApiError) -> AuthError:
    """400/401 are final; 500 is final only when its words say the refresh token is done."""
    if isinstance(exc, Unreachable | BadResponse):
        return _common(exc) or AuthServiceError(exc.message)
    if exc.status in (400, 401) or SESSION_END_PATTERNS.search(_words(exc)):
        return SessionEnded(code=exc.code)
    if isinstance(exc, NotFound):
        return ServiceUnreachable("This API has no /refreshToken route — check api_url.")
    return ServiceUnreachable("The HandTerm API could not refresh the session — will retry.")


class ApiAuth:
    kind = "api"

    def __init__(
        self, api: HandTermApi, *, cognito_endpoint: str = "", client_id: str = ""
    ) -> None:
        self.api = api
        # Only for sign-out where the API cannot do it (see cognito_direct).
        self.cognito_endpoint = cognito_endpoint
        self.client_id = client_id

    def _tokens(self, reply: AuthReply, typed: str) -> TokenSet:
        try:
            return TokenSet.from_tokens(
                reply.access_token,
                reply.id_token or "",
                reply.refresh_token or "",
                username=display_username(typed, reply.access_token),
            )
        except TokenFormatError as exc:
            raise AuthServiceError(f"The API sent an unreadable token ({exc}).") from None

    def sign_up(self, username: str, password: str, email: str) -> SignUpResult:
        try:
            reply = self.api.sign_up(username, password, email)
        except ApiError as exc:
            raise _sign_up_error(exc) from None
        return SignUpResult(
            username=reply.username,
            confirmed=bool(reply.confirmed),
            delivery="EMAIL" if "email" in reply.message.lower() else None,
        )

    def confirm_sign_up(self, username: str, code: str) -> str:
        try:
            return self.api.confirm_sign_up(username, code)
        except ApiError as exc:
            found = _common(exc, "confirm_sign_up")
            if found:
                raise found from None
            words = _words(exc)
            if isinstance(exc, NotFound):
                if "user not found" in words:
                    raise UserNotFound() from None
                raise NotSupported(
                    "This API has no /confirm-signup route: its accounts are confirmed on sign-up."
                ) from None
            if "expired" in words:
                raise CodeExpired() from None
            if "invalid confirmation code" in words or "code" in words:
                raise CodeMismatch() from None
            raise AuthServiceError(exc.message) from None

    def resend_code(self, username: str) -> str | None:
        raise NotSupported(
            'The HandTerm API cannot resend codes: use a profile with auth = "cognito".'
        )

    def sign_in(self, username: str, password: str) -> TokenSet:
        try:
            reply = self.api.sign_in(username, password)
        except ApiError as exc:
            raise _sign_in_error(exc) from None
        return self._tokens(reply, username)

    def answer_new_password(self, username: str, password: str, new_password: str) -> TokenSet:
        raise NotSupported(
            'The HandTerm API cannot set a required new password: use auth = "cognito".'
        )

    def answer_mfa(self, challenge: ChallengeRequired, code: str) -> TokenSet:
        raise NotSupported('The HandTerm API cannot answer MFA: use auth = "cognito".')

    def refresh(self, tokens: TokenSet) -> TokenSet:
        try:
            reply = self.api.refresh_token(tokens.refresh_token)
        except ApiError as exc:
            raise _refresh_error(exc) from None
        try:
            return tokens.refreshed(reply.access_token, reply.id_token, reply.refresh_token)
        except TokenFormatError as exc:
            raise AuthServiceError(f"The API sent an unreadable token ({exc}).") from None

    def check(self, access_token: str) -> str:
        """getUser is routed in every version and its authorizer checks the token."""
        try:
            return self.api.get_user(access_token=access_token).user_id
        except (Unauthorized, Forbidden):
            raise TokenRejected() from None
        except (NotFound, ServerError):
            # The authorizer let us through; the handler failed (July 2024: no profile yet).
            return ""
        except ApiError as exc:
            raise _common(exc) or AuthServiceError(exc.message) from None

    def change_password(self, access_token: str, previous: str, proposed: str) -> None:
        try:
            self.api.change_password(previous, proposed, access_token=access_token)
        except (Unauthorized, Forbidden):
            raise TokenRejected() from None
        except ApiError as exc:
            found = _common(exc)
            if found:
                raise found from None
            words = _words(exc)
            if "incorrect" in words or "not authorized" in words:
                raise WrongCredentials("The current password is not right.") from None
            if _POLICY.search(words):
                raise InvalidPassword(exc.message) from None
            raise AuthServiceError(exc.message) from None

    def forgot_password(self, username: str) -> str | None:
        raise NotSupported(
            'The HandTerm API has no password reset: use a profile with auth = "cognito".'
        )

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None:
        raise NotSupported(
            'The HandTerm API has no password reset: use a profile with auth = "cognito".'
        )

    def sign_out(self, access_token: str, refresh_token: str | None = None) -> None:
        """The API's sign-out route; where it has none (July/August 2024: 404) or it fails
        (late 2024 answers 400 by a bug), Cognito itself is told (GlobalSignOut, else
        RevokeToken). Raises an AuthError saying why when nobody could be told."""
        try:
            self.api.sign_out(access_token)
            return
        except ApiError as exc:
            api_error = exc
        try:
            cognito_direct.end_session(
                self.cognito_endpoint, self.client_id, access_token, refresh_token
            )
        except SessionEnded:
            raise
        except AuthError as exc:
            if isinstance(api_error, NotFound):
                raise AuthServiceError(
                    f"the API has no sign-out route, and {_clause(exc.message)}"
                ) from None
            said = (
                "the HandTerm API cannot be reached"
                if isinstance(api_error, Unreachable)
                else f"the API did not confirm the sign-out ({_clause(api_error.message)})"
            )
            raise AuthServiceError(f"{_clause(said)}; {_clause(exc.message)}") from None

    def close(self) -> None:
        self.api.close()
