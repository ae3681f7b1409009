"""What every route shares: the request context, JSON replies, API errors, parsing helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .authorizer import Identity
from .storage import Storage

if TYPE_CHECKING:
    from .identity import Authorizing, IdentityProvider

MAX_BODY = 6 * 1024 * 1024  # Lambda's synchronous payload limit
MAX_REPLY = 6 * 1024 * 1024  # ... both ways: a reply that works here works on AWS too
MAX_LIMIT = 1000
JULY2024 = "july2024"
HIDDEN_ATTRIBUTES = {"custom:gh_token", "custom:gh_refresh_token"}  # L leaked these (section 9)


class ApiError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers


def reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


class _Rendered(Response):
    def __init__(self, status: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code, self.body, self.raw_headers = status, body, raw_headers
        self.background = None


def fixed_reply(status: int, body: Any) -> Callable[[], Response]:
    """A constant reply rendered once, not per request (a hot route's success answer)."""
    proto = reply(status, body)
    rendered = bytes(proto.body)
    return lambda: _Rendered(proto.status_code, rendered, list(proto.raw_headers))


@dataclass
class Ctx:
    request: Request
    identity: Identity | None
    body: bytes

    @property
    def user_id(self) -> str:
        assert self.identity is not None
        return self.identity.username

    def json(self, *, empty_ok: bool = False) -> dict[str, Any]:
        """The body as a JSON object; 400s for the cases the originals crashed on."""
        if not self.body.strip():
            if empty_ok:
                return {}
            raise ApiError(400, {"message": "Invalid request body"})
        try:
            # Strict UTF-8 (json.loads(bytes) would let CESU-8 surrogates through); NaN and
            # Infinity are not JSON; deep nesting ends in RecursionError, not a crash.
            data = json.loads(self.body.decode("utf-8"), parse_constant=_not_json)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, {"message": "Invalid JSON in request body"}) from None
        if not isinstance(data, dict):
            raise ApiError(400, {"message": "Invalid request body"})
        if _MAYBE_SURROGATE.search(self.body) and _has_lone_surrogate(data):
            # "\ud800" parses, but no store, password hash or reply can encode it.
            raise ApiError(400, {"message": "Invalid JSON in request body: not valid Unicode"})
        return data


_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _has_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:  # iterative: the document may be as deep as the parser allowed
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


Handler = Callable[[Ctx], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    handler: Handler
    auth: bool


def cognito_error(exc: Exception) -> tuple[str, str] | None:
    """(Cognito error code, message) for a moto service error, else None."""
    code = getattr(exc, "error_type", None)
    if isinstance(code, str) and code:
        return code, str(getattr(exc, "message", "") or code)
    return None


def first_str(data: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def parse_limit(value: Any, default: int = 10) -> int:
    """`limit` as an integer in 0..1000 (the original sliced with the raw string)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ApiError(400, {"message": "limit must be an integer"})
    try:
        number = int(value)  # 1e400 parses as inf: OverflowError; NaN: ValueError
    except (TypeError, ValueError, OverflowError):
        raise ApiError(400, {"message": "limit must be an integer"}) from None
    if number < 0:
        raise ApiError(400, {"message": "limit must not be negative"})
    return min(number, MAX_LIMIT)


class RouteBase:
    """State the route mixins use; Api (app.py) fills it in."""

    idp: IdentityProvider
    storage: Storage
    authorizer: Authorizing
    compat: str | None

    async def _idp(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call the identity provider: inline for the in-process pool, in a thread for boto3."""
        if self.idp.blocking:
            return await run_in_threadpool(fn, *args)
        return fn(*args)

    async def _io(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a storage call: inline on disk (fast, single writer), in a thread for S3."""
        if self.storage.blocking:
            return await run_in_threadpool(fn, *args)
        return fn(*args)
