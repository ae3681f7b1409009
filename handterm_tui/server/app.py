"""The HandTerm HTTP API as a small ASGI app (canonical contract, handterm-api.md section 10).

A plain dict router keeps per-request overhead close to a bare uvicorn route. The outer app plays
API Gateway: 404 for unknown routes or methods, 401 when a protected route has no Authorization
header, 403 when the authorizer denies, 413 past the payload limit, and 500 for crashes. Handlers
turn every bad input into a 400 with a JSON message instead of crashing as the originals did.

The routes reach Cognito and storage through small interfaces (identity.py, storage.py), so the
same core has two homes: serve-local (identity.MotoIdentity: the hardened moto backend in this
process, under cognito.LOCK, which also answers pycognito over HTTP on the moto port, so both
paths see one user pool) and the AWS Lambda (handterm_tui.aws: boto3 Cognito and S3, Mangum).
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import openapi
from .authorizer import Denied, bearer, bearer_july2024
from .base import JULY2024, MAX_BODY, ApiError, Ctx, Route, reply
from .faults import Faults
from .identity import Authorizing, IdentityProvider
from .routes_auth import AuthRoutes
from .routes_data import DataRoutes
from .storage import Storage

# As the original stack's HTTP API configured CORS (handterm-api.md, section 1): these
# origins, GET/POST/OPTIONS, Content-Type and Authorization, credentials allowed. Exposing the
# paging header is ours: without it a browser could not see where the rest of a reply starts.
DEFAULT_CORS_ORIGINS = ("http://localhost:5173", "https://handterm.com")
_PREFLIGHT = [
    (b"access-control-allow-methods", b"GET,OPTIONS,POST"),
    (b"access-control-allow-headers", b"authorization,content-type"),
]
_EXPOSE = [(b"access-control-expose-headers", openapi.NEXT_HEADER.lower().encode())]


def _cors(origin: bytes, extra: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-origin", origin),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
        *extra,
    ]


def _with_headers(send: Any, headers: list[tuple[bytes, bytes]]) -> Any:
    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *headers]}
        await send(message)

    return wrapped


# The contract's routes: path, methods, protected (behind the authorizer), handler. The AWS stack
# declares its HTTP API routes from this same table (handterm_tui.aws.stack_routes).
CONTRACT_ROUTES: tuple[tuple[str, tuple[str, ...], bool, str], ...] = (
    ("/signUp", ("POST",), False, "sign_up"),
    ("/signIn", ("POST",), False, "sign_in"),
    ("/refreshToken", ("POST",), False, "refresh_token"),
    ("/changePassword", ("POST",), True, "change_password"),
    ("/getUser", ("GET",), True, "get_user"),
    ("/setUser", ("POST",), True, "set_user"),
    ("/saveLog", ("POST",), True, "save_log"),
    ("/getLog", ("GET", "POST"), True, "get_log"),
    ("/listLog", ("GET", "POST"), True, "list_log"),
    ("/confirm-signup", ("POST",), False, "confirm_sign_up"),
    ("/signOut", ("GET", "POST"), False, "sign_out"),
    ("/check-session", ("GET",), False, "check_session"),
    ("/getFile", ("GET",), True, "get_file"),
    ("/putFile", ("POST",), True, "put_file"),
)
NOT_IN_JULY2024 = frozenset(
    {"/confirm-signup", "/signOut", "/check-session", "/getFile", "/putFile"}
)


class Api(AuthRoutes, DataRoutes):
    def __init__(
        self,
        idp: IdentityProvider,
        storage: Storage,
        authorizer: Authorizing,
        compat: str | None = None,
        faults: Faults | None = None,
        cors_origins: Sequence[str] = DEFAULT_CORS_ORIGINS,
    ) -> None:
        self.idp, self.storage, self.authorizer = idp, storage, authorizer
        self.cors_origins = frozenset(o.encode("latin-1") for o in cors_origins)
        self.compat, self.faults = compat, faults
        j = compat == JULY2024
        routes = {
            path: Route(frozenset(methods), getattr(self, name), auth)
            for path, methods, auth, name in CONTRACT_ROUTES
            if not (j and path in NOT_IN_JULY2024)
        }
        routes["/openapi.json"] = Route(frozenset({"GET"}), self.openapi, False)
        self.routes = routes
        self._spec = openapi.spec({p: r.methods for p, r in routes.items()})

    async def openapi(self, _ctx: Ctx) -> Response:
        return reply(200, self._spec)

    # -- gateway ---------------------------------------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        raw_send = send  # fault injection drops the connection through uvicorn's own send
        origin = preflight = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                preflight = value
        if origin is not None or preflight is not None:
            allowed = origin is not None and (
                origin in self.cors_origins or b"*" in self.cors_origins
            )
            if method == "OPTIONS" and preflight is not None:
                # The gateway answers every preflight itself, route or not: 204, and the
                # CORS headers only for an allowed origin.
                extra = _PREFLIGHT if allowed else []
                headers = _cors(origin, extra) if allowed and origin else []
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            if allowed and origin:
                send = _with_headers(send, _cors(origin, _EXPOSE))
        if self.faults is not None and path == "/__clock__" and method == "POST":
            response = await self._clock_control(Request(scope, receive))
            await response(scope, receive, send)
            return
        if self.faults is not None and path == "/__faults__":
            response = await self._fault_control(Request(scope, receive), method)
            await response(scope, receive, send)
            return
        route = self.routes.get(path)
        if route is None or method not in route.methods:
            await reply(404, {"message": "Not Found"})(scope, receive, send)
            return
        fault = self.faults.take(path) if self.faults is not None else None
        if fault is not None and fault.mode != "drop_after_store":
            await self._inject(fault.mode, fault.delay, scope, receive, raw_send)
            return
        request = Request(scope, receive)
        try:
            response = await self._handle(route, request)
        except ApiError as exc:
            response = reply(exc.status, exc.body, exc.headers)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            response = reply(500, {"message": "Internal Server Error"})
        if fault is not None:  # drop_after_store: the handler ran, the client never hears
            await _drop(raw_send)
            return
        await response(scope, receive, send)

    async def _handle(self, route: Route, request: Request) -> Response:
        identity = None
        if route.auth:
            header = request.headers.get("authorization")
            if not header or not header.strip():
                return reply(401, {"message": "Unauthorized"})
            read = bearer_july2024 if self.compat == JULY2024 else bearer
            try:
                identity = self.authorizer.verify(read(header))
            except Denied:
                return reply(403, {"message": "Forbidden"})
        body = await _read_body(request)
        return await route.handler(Ctx(request, identity, body))

    async def _fault_control(self, request: Request, method: str) -> Response:
        assert self.faults is not None
        if method == "DELETE":
            self.faults.clear()
            return reply(200, {"message": "Faults cleared"})
        if method == "GET":
            return reply(200, {"faults": self.faults.listing()})
        if method != "POST":
            return reply(404, {"message": "Not Found"})
        spec = Ctx(request, None, await _read_body(request))
        try:
            fault = self.faults.add(spec.json())
        except ApiError as exc:
            return reply(exc.status, exc.body)
        except ValueError as exc:
            return reply(400, {"message": str(exc)})
        return reply(200, {"message": "Fault armed", "fault": fault.__dict__})

    async def _clock_control(self, request: Request) -> Response:
        """Test-only: move the server's clock forward (token, code and lockout lifetimes)."""
        from . import clock

        try:
            body = json.loads(await _read_body(request) or b"{}")
            seconds = body.get("advance") if isinstance(body, dict) else None
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                raise ValueError("advance must be a number of seconds")
            offset = clock.advance(float(seconds))
        except ValueError as exc:
            return reply(400, {"message": str(exc)})
        return reply(200, {"message": "Clock advanced", "offset": offset})

    async def _inject(self, mode: str, delay: float, scope: Any, receive: Any, send: Any) -> None:
        if mode == "close":
            await _drop(send)
            return
        if mode == "malformed":
            response: Response = Response(
                b'{"message": "Log saved", "AccessToken": ', 200, media_type="application/json"
            )
        elif mode == "timeout":
            await asyncio.sleep(delay)
            response = reply(504, {"message": "Endpoint request timed out"})
        else:
            status = int(mode)
            text = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
            response = reply(status, {"message": text.get(status, f"Error {status}")})
        await response(scope, receive, send)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, {"message": "Request Entity Too Large"})
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, {"message": "Request Entity Too Large"})
        chunks.append(chunk)
    return b"".join(chunks)


async def _drop(send: Any) -> None:
    """Close the client's connection without a byte of reply.

    ASGI has no "hang up"; uvicorn's `send` is a bound method of its per-request cycle, which
    holds the transport. If that ever changes, raising makes uvicorn drop the connection anyway.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault injection: drop")
    transport.abort()
    for _ in range(3):  # let connection_lost run, so uvicorn knows not to answer
        await asyncio.sleep(0)
