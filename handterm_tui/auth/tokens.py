"""The token set of one signed-in session.

Expiry comes from the access token's ``exp`` claim, read without verifying the signature
(the server verifies; we only need to know when to refresh). ``ExpiresIn`` is never used:
refresh replies do not carry it, which is what kept HandTerm's web client refreshing forever.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass, replace
from typing import Any

from handterm_tui.core.owner import account_key

DEFAULT_LIFETIME = 3600.0  # Cognito's default access-token lifetime, used when iat is missing


class TokenFormatError(ValueError):
    """A token that is not a readable JWT (the message never contains the token)."""


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, decoded but NOT verified."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        raise TokenFormatError("not a JWT")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise TokenFormatError("JWT payload is not base64url JSON") from None
    if not isinstance(claims, dict):
        raise TokenFormatError("JWT payload is not an object")
    return claims


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def display_username(typed: str, access_token: str) -> str:
    """The access token's ``username`` claim, unless it is just the ``sub`` (pools where the
    email is the username give every user a UUID username): then what the user typed."""
    try:
        claims = jwt_claims(access_token)
    except TokenFormatError:
        return typed
    claim = str(claims.get("username") or "")
    if claim and claim != claims.get("sub"):
        return claim
    return typed or claim


@dataclass(frozen=True, repr=False)
class TokenSet:
    access_token: str
    id_token: str
    refresh_token: str
    username: str
    expires_at: float  # access token ``exp``, epoch seconds (server clock)
    issued_at: float  # access token ``iat`` (or when we received it)
    refresh_issued_at: float  # when the refresh token was issued: the sign-in time

    @classmethod
    def from_tokens(
        cls,
        access_token: str,
        id_token: str,
        refresh_token: str,
        *,
        username: str | None = None,
        refresh_issued_at: float | None = None,
        now: float | None = None,
    ) -> TokenSet:
        """Build from raw tokens; raises :class:`TokenFormatError` when ``exp`` is unreadable."""
        claims = jwt_claims(access_token)
        exp = _number(claims, "exp")
        if exp is None:
            raise TokenFormatError("access token has no exp claim")
        received = time.time() if now is None else now
        iat = _number(claims, "iat")
        if iat is None or iat > exp:
            iat = min(received, exp)
        if not username:
            username = str(claims.get("username") or "")
        if not username and id_token:
            try:
                username = str(jwt_claims(id_token).get("cognito:username") or "")
            except TokenFormatError:
                username = ""
        return cls(
            access_token=access_token,
            id_token=id_token,
            refresh_token=refresh_token,
            username=username or str(claims.get("sub") or "?"),
            expires_at=exp,
            issued_at=iat,
            refresh_issued_at=received if refresh_issued_at is None else refresh_issued_at,
        )

    def refreshed(
        self,
        access_token: str,
        id_token: str | None,
        refresh_token: str | None,
        *,
        now: float | None = None,
    ) -> TokenSet:
        """The set after a refresh. A missing refresh token (July-2024 API) keeps the old one.

        A rotated refresh token keeps the original issue time: rotation does not extend the
        absolute session.
        """
        fresh = TokenSet.from_tokens(
            access_token,
            id_token or self.id_token,
            refresh_token or self.refresh_token,
            username=self.username,
            refresh_issued_at=self.refresh_issued_at,
            now=now,
        )
        return fresh

    @property
    def account(self) -> str:
        """Who these tokens belong to (core.owner.account_key: pool and sub)."""
        try:
            claims = jwt_claims(self.access_token)
        except TokenFormatError:
            claims = {}
        return account_key(claims, self.username)

    @property
    def lifetime(self) -> float:
        span = self.expires_at - self.issued_at
        return span if span > 0 else DEFAULT_LIFETIME

    def to_dict(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "id_token": self.id_token,
            "refresh_token": self.refresh_token,
            "username": self.username,
            "expires_at": self.expires_at,
            "issued_at": self.issued_at,
            "refresh_issued_at": self.refresh_issued_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenSet:
        """Rebuild a stored set; ``exp``/``iat`` are re-read from the token, not trusted."""
        try:
            access = str(data["access_token"])
            refresh = str(data["refresh_token"])
        except KeyError as exc:
            raise TokenFormatError(f"stored session lacks {exc.args[0]}") from None
        stored = cls.from_tokens(
            access,
            str(data.get("id_token") or ""),
            refresh,
            username=str(data.get("username") or "") or None,
            refresh_issued_at=float(data.get("refresh_issued_at") or time.time()),
        )
        issued = data.get("issued_at")
        if isinstance(issued, int | float) and stored.issued_at == stored.expires_at:
            stored = replace(stored, issued_at=float(issued))
        return stored

    def __repr__(self) -> str:
        return (
            f"TokenSet(username={self.username!r}, expires_at={self.expires_at:.0f}, "
            f"refresh_issued_at={self.refresh_issued_at:.0f}, tokens=<redacted>)"
        )

    __str__ = __repr__
