"""The API's Lambda-authorizer stand-in: verify a Cognito access token the L way, plus revocation.

Checks, in order: RS256 signature against the pool's JWKS, `iss`, `token_use == "access"`,
`client_id` (ID tokens and other clients' tokens fail), `exp`, and that Cognito still knows the
token (GlobalSignOut removes it) and the user is enabled. Verified signatures are cached per token,
so a request pays for a dict lookup, not an RSA verify; expiry and revocation are checked on
every call.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

from . import clock
from .poolstore import Pool

_CACHE_MAX = 50_000


class Denied(Exception):
    """The token is not acceptable (maps to the gateway's 403)."""


@dataclass(frozen=True)
class Identity:
    username: str
    exp: int
    token: str


def public_jwks() -> dict[str, Any]:
    """moto's public JWKS (shared by every pool; its private half ships in the moto wheel)."""
    utils: Any = importlib.import_module("moto.utilities.utils")
    data = utils.load_resource("cognitoidp/resources/jwks-public.json")
    return dict(data) if isinstance(data, dict) else dict(json.loads(data))


def bearer(header: str | None) -> str | None:
    """Token from an Authorization value: `Bearer <t>` (any case) or a bare token, like L."""
    if not header:
        return None
    value = header.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    elif value.lower() == "bearer":
        return None
    return value or None


def bearer_july2024(header: str | None) -> str | None:
    """The July 2024 authorizer: the part after the exact `Bearer ` (case-sensitive, one
    space); `bearer x` or a bare token was denied (403)."""
    if not header or not header.startswith("Bearer "):
        return None
    return header[7:] or None


def access_claims(jwt: Any, keys: Any, token: str, issuer: str, client_id: str) -> tuple[str, int]:
    """(username, exp) of an access token of this pool and app client, its signature checked
    with ``keys`` (joserfc); raises Denied. Shared by serve-local and the Lambda."""
    try:
        claims = jwt.decode(token, keys, algorithms=["RS256"]).claims
    except Exception as exc:  # joserfc raises many types for bad input
        raise Denied("bad signature or format") from exc
    username, exp = claims.get("username"), claims.get("exp")
    if (
        claims.get("iss") != issuer
        or claims.get("token_use") != "access"
        or claims.get("client_id") != client_id
        or not isinstance(username, str)
        or not isinstance(exp, int)
    ):
        raise Denied("wrong claims")
    return username, exp


def remember(cache: dict[str, tuple[str, int]], token: str, found: tuple[str, int]) -> None:
    """A bounded cache of verified tokens: cleared whole when full (they expire soon anyway)."""
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[token] = found


class Authorizer:
    def __init__(self, pool: Pool, region: str) -> None:
        self._jwt: Any = None  # joserfc is imported on first use: it costs startup time
        self._keys: Any = None
        self._pool = pool
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool.pool_id}"
        self._cache: dict[str, tuple[str, int]] = {}

    def _decode(self, token: str) -> tuple[str, int]:
        if self._jwt is None:
            jwk: Any = importlib.import_module("joserfc.jwk")
            self._keys = jwk.KeySet.import_key_set(public_jwks())
            self._jwt = importlib.import_module("joserfc.jwt")
        found = access_claims(self._jwt, self._keys, token, self.issuer, self._pool.client_id)
        remember(self._cache, token, found)
        return found

    def verify(self, token: str | None) -> Identity:
        if not token:
            raise Denied("no token")
        found = self._cache.get(token) or self._decode(token)
        username, exp = found
        from .cognito import STATE  # the hardening's expiry, on the server's own clock

        if STATE.token_exp.get(token, exp) <= clock.now():
            raise Denied("expired")
        pool = self._pool.pool
        if token not in pool.access_tokens:  # revoked by GlobalSignOut (or pruned)
            raise Denied("revoked")
        user = pool.users.get(username)
        if user is None or not user.enabled:
            raise Denied("no such user")
        return Identity(username, exp, token)
