"""The HandTerm HTTP API as a small ASGI app (canonical contract, handterm-api.md section 10).

A plain dict router keeps per-request overhead close to a bare uvicorn route. The outer app plays
API Gateway: 404 for unknown routes or methods, 401 when a protected route has no Authorization
header, 403 when the authorizer denies, 413 past the payload limit, and 500 for crashes. Handlers
turn every bad input into a 400 with a JSON message instead of crashing as the originals did.

Cognito is called in-process on the hardened moto backend (under cognito.LOCK); the same backend
answers pycognito over HTTP on the moto port, so both paths see one user pool.
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import cognito
from .authorizer import Authorizer, Denied, Identity, bearer
from .faults import Faults
from .poolstore import Pool
from .storage import (
    KeyError_,
    Storage,
    safe_user,
    validate_extension,
    validate_key,
    validate_prefix,
)

MAX_BODY = 6 * 1024 * 1024  # Lambda's synchronous payload limit
MAX_LIMIT = 1000
JULY2024 = "july2024"
_HIDDEN_ATTRIBUTES = {"custom:gh_token", "custom:gh_refresh_token"}  # L leaked these (section 9)


class ApiError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers


def reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


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
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, {"message": "Invalid JSON in request body"}) from None
        if not isinstance(data, dict):
            raise ApiError(400, {"message": "Invalid request body"})
        return data


Handler = Callable[[Ctx], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    handler: Handler
    auth: bool


def _cognito_error(exc: Exception) -> tuple[str, str] | None:
    """(Cognito error code, message) for a moto service error, else None."""
    code = getattr(exc, "error_type", None)
    if isinstance(code, str) and code:
        return code, str(getattr(exc, "message", "") or code)
    return None


def _str(data: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _limit(value: Any, default: int = 10) -> int:
    """`limit` as an integer in 0..1000 (the original sliced with the raw string)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ApiError(400, {"message": "limit must be an integer"})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, {"message": "limit must be an integer"}) from None
    if number < 0:
        raise ApiError(400, {"message": "limit must not be negative"})
    return min(number, MAX_LIMIT)


class Api:
    def __init__(
        self,
        pool: Pool,
        storage: Storage,
        authorizer: Authorizer,
        compat: str | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.pool, self.storage, self.authorizer = pool, storage, authorizer
        self.compat, self.faults = compat, faults
        j = compat == JULY2024
        both, get, post = frozenset({"GET", "POST"}), frozenset({"GET"}), frozenset({"POST"})
        routes: dict[str, Route] = {
            "/signUp": Route(post, self.sign_up, False),
            "/signIn": Route(post, self.sign_in, False),
            "/refreshToken": Route(post, self.refresh_token, False),
            "/changePassword": Route(post, self.change_password, True),
            "/getUser": Route(get, self.get_user, True),
            "/setUser": Route(post, self.set_user, True),
            "/saveLog": Route(post, self.save_log, True),
            "/getLog": Route(both, self.get_log, True),
            "/listLog": Route(both, self.list_log, True),
        }
        if not j:  # routes July 2024 did not have
            routes |= {
                "/confirm-signup": Route(post, self.confirm_sign_up, False),
                "/signOut": Route(both, self.sign_out, False),
                "/check-session": Route(get, self.check_session, False),
                "/getFile": Route(get, self.get_file, True),
                "/putFile": Route(post, self.put_file, True),
            }
        self.routes = routes

    # -- gateway ---------------------------------------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
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
            await self._inject(fault.mode, fault.delay, scope, receive, send)
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
            await _drop(send)
            return
        await response(scope, receive, send)

    async def _handle(self, route: Route, request: Request) -> Response:
        identity = None
        if route.auth:
            header = request.headers.get("authorization")
            if not header or not header.strip():
                return reply(401, {"message": "Unauthorized"})
            try:
                identity = self.authorizer.verify(bearer(header))
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

    async def _io(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.storage.blocking:
            return await run_in_threadpool(fn, *args)
        return fn(*args)

    def _cognito(self, fn: Callable[..., Any], *args: Any) -> Any:
        with cognito.LOCK:
            return fn(*args)

    # -- authentication --------------------------------------------------------------------

    async def sign_up(self, ctx: Ctx) -> Response:
        data = ctx.json()
        username, password = _str(data, "username"), _str(data, "password")
        email = _str(data, "email") or (username if self.compat == JULY2024 else None)
        if not username or not password or not email:
            return self._sign_up_error(
                "InvalidParameterException", "username, password and email are required", data
            )
        backend, client_id = self.pool.backend, self.pool.client_id
        attributes = [{"Name": "email", "Value": email}]
        with cognito.LOCK:
            try:
                user, delivery = backend.sign_up(client_id, username, password, attributes)
            except Exception as exc:
                err = _cognito_error(exc)
                if err is None:
                    raise
                return self._sign_up_error(err[0], err[1], data)
            code = getattr(cognito._LAST_CODE, "value", None)
            confirmed = user.status == "CONFIRMED"
            sub = str(user.id)
        headers = {cognito.SIGNUP_CODE_HEADER: code} if code else None
        if self.compat == JULY2024:
            body: dict[str, Any] = {"UserConfirmed": confirmed, "UserSub": sub}
            if delivery:
                body["CodeDeliveryDetails"] = delivery
            return reply(200, body, headers)
        via_email = bool(delivery) and delivery.get("AttributeName") == "email"
        return reply(
            200,
            {
                "message": "User signed up successfully",
                "verificationCode": "Check your email for the verification code"
                if via_email
                else "Verification code sent",
                "username": username,
            },
            headers,
        )

    def _sign_up_error(self, code: str, message: str, data: dict[str, Any]) -> Response:
        if self.compat == JULY2024:
            # J echoed the whole request, password and client id included; we keep the shape only.
            echo = {k: data.get(k) for k in ("username", "email") if k in data}
            return reply(400, {"error": message, "request": echo})
        known = {
            "InvalidPasswordException": (
                "Password does not meet the requirements",
                "InvalidPassword",
            ),
            "UsernameExistsException": (
                "An account with this username already exists",
                "UsernameExists",
            ),
            "InvalidParameterException": ("Invalid parameter provided", "InvalidParameter"),
        }
        error, error_code = known.get(code, ("An error occurred during sign up", "UnknownError"))
        return reply(400, {"error": error, "errorCode": error_code, "details": message})

    async def confirm_sign_up(self, ctx: Ctx) -> Response:
        data = ctx.json()
        username, code = _str(data, "username"), _str(data, "confirmationCode", "code")
        if not username or not code:
            return reply(400, {"message": "Missing required fields"})
        pool = self.pool.pool
        with cognito.LOCK:
            user = pool._get_user(username)
            if user is None:
                return reply(404, {"message": "User not found"})
            if user.status == "CONFIRMED":
                return reply(200, {"message": "User is already confirmed"})
            try:
                cognito.confirm_sign_up(self.pool.backend, self.pool.client_id, username, code)
            except Exception as exc:
                err = _cognito_error(exc)
                if err is None:
                    raise
                status, message = {
                    "CodeMismatchException": (400, "Invalid confirmation code"),
                    "ExpiredCodeException": (400, "Confirmation code has expired"),
                    "UserNotFoundException": (404, "User not found"),
                }.get(err[0], (500, "Error confirming user"))
                body = {"message": message}
                if status == 500:
                    body["error"] = err[1]
                return reply(status, body)
        return reply(200, {"message": "User confirmed successfully"})

    async def sign_in(self, ctx: Ctx) -> Response:
        data = ctx.json()
        j = self.compat == JULY2024
        username, password = _str(data, "username"), _str(data, "password")
        if not username or not password:
            if j:
                return reply(400, "Missing required parameter USERNAME or PASSWORD")
            return reply(
                400, {"code": "InvalidParameter", "message": "Username and password are required"}
            )
        params = {"USERNAME": username, "PASSWORD": password}
        with cognito.LOCK:
            try:
                result = self.pool.backend.initiate_auth(
                    self.pool.client_id, "USER_PASSWORD_AUTH", params
                )
            except Exception as exc:
                err = _cognito_error(exc)
                if err is None:
                    raise
                return self._sign_in_error(*err)
            tokens = result.get("AuthenticationResult")
            gh = None
            if tokens:
                user = self.pool.pool._get_user(username)
                gh = user.attribute_lookup.get("custom:gh_username") if user else None
        if not tokens:
            return reply(401, {"message": "Authentication failed or incomplete."})
        body = {
            k: tokens[k]
            for k in ("AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken")
        }
        if j:
            response = reply(200, body)
            for name, key in (
                ("idToken", "IdToken"),
                ("accessToken", "AccessToken"),
                ("refreshToken", "RefreshToken"),
            ):
                response.raw_headers.append(
                    (b"set-cookie", f"{name}={tokens[key]}; SameSite=None; Secure; Path=/".encode())
                )
            return response
        if gh:
            body["githubUsername"] = gh
        return reply(200, body)

    def _sign_in_error(self, code: str, message: str) -> Response:
        if self.compat == JULY2024:
            return reply(400, message)  # J: every Cognito error as a bare string, status 400
        if code == "UserNotConfirmedException":
            return reply(
                400,
                {
                    "code": "UserNotConfirmed",
                    "message": "User is not confirmed. Please check your email and confirm your account.",
                },
            )
        if code == "NotAuthorizedException":
            return reply(
                401, {"code": "NotAuthorized", "message": "Incorrect username or password."}
            )
        if code == "UserNotFoundException":
            return reply(404, {"code": "UserNotFound", "message": "User does not exist."})
        return reply(
            500,
            {
                "code": "InternalServerError",
                "message": "An unexpected error occurred. Please try again later.",
                "error": message,
            },
        )

    async def refresh_token(self, ctx: Ctx) -> Response:
        j = self.compat == JULY2024
        data = ctx.json()
        token = _str(data, "refreshToken")
        if not token:
            message = "Refresh token is required."
            return reply(500, {"message": message}) if j else reply(400, {"message": message})
        with cognito.LOCK:
            try:
                result = self.pool.backend.initiate_auth(
                    self.pool.client_id, "REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": token}
                )
            except Exception as exc:
                err = _cognito_error(exc)
                if err is None:
                    raise
                if j:
                    return reply(500, {"message": err[1]})
                # An invalid, expired or revoked refresh token means "sign in again": 401.
                status = 401 if err[0] == "NotAuthorizedException" else 500
                return reply(status, {"message": err[1], "error": err[1]})
        tokens = result.get("AuthenticationResult") or {}
        if not tokens.get("AccessToken"):
            return reply(400, {"message": "Token refresh failed or incomplete."})
        body = {"IdToken": tokens["IdToken"], "AccessToken": tokens["AccessToken"]}
        if not j:
            body["RefreshToken"] = token
        return reply(200, body)

    async def sign_out(self, ctx: Ctx) -> Response:
        token = bearer(ctx.request.headers.get("authorization"))
        if not token:
            return reply(400, {"message": "No access token provided"})
        with cognito.LOCK:
            try:
                self.pool.backend.global_sign_out(token)
            except Exception as exc:
                err = _cognito_error(exc)
                if err is None:
                    raise
                status = 401 if err[0] == "NotAuthorizedException" else 500
                return reply(status, {"message": "Failed to sign out", "error": err[1]})
        return reply(200, {"message": "Successfully signed out"})

    async def check_session(self, ctx: Ctx) -> Response:
        header = ctx.request.headers.get("authorization")
        if not header or not header.strip():
            return reply(401, {"message": "No authorization header"})
        try:
            identity = self.authorizer.verify(bearer(header))
        except Denied:
            return reply(401, {"message": "Invalid session"})
        return reply(
            200, {"message": "Session is valid", "username": identity.username, "exp": identity.exp}
        )

    async def change_password(self, ctx: Ctx) -> Response:
        data = ctx.json()
        old = _str(data, "previousPassword", "oldPassword")
        new = _str(data, "proposedPassword", "newPassword")
        if not old or not new:
            return reply(400, "Missing required parameters previousPassword and proposedPassword")
        assert ctx.identity is not None
        # The header's (authorizer-checked) token, not one from the body (section 9).
        with cognito.LOCK:
            try:
                self.pool.backend.change_password(ctx.identity.token, old, new)
            except Exception as exc:
                err = _cognito_error(exc)
                if err is None:
                    raise
                return reply(400, err[1])
        return reply(200, {"message": "Password changed successfully"})

    # -- user data -------------------------------------------------------------------------

    async def get_user(self, ctx: Ctx) -> Response:
        if self.compat == JULY2024:
            raw = await self._io(self.storage.get, ctx.user_id, "_index.md")
            if raw is None:
                return reply(404, {"message": "Profile does not exist yet"})
            return reply(200, {"userId": ctx.user_id, "content": raw.decode("utf-8", "replace")})
        with cognito.LOCK:
            user = self.pool.pool.users.get(ctx.user_id)
            attrs = dict(user.attribute_lookup) if user is not None else None
        if attrs is None:
            return reply(
                404,
                {
                    "message": "User not found",
                    "error": "User does not exist.",
                    "details": {"errorType": "UserNotFoundException", "location": "getUser Lambda"},
                },
            )
        shown = {k: str(v) for k, v in attrs.items() if k not in _HIDDEN_ATTRIBUTES}
        return reply(200, {"userId": ctx.user_id, "userAttributes": shown})

    async def set_user(self, ctx: Ctx) -> Response:
        profile = ctx.json().get("profile")
        if not isinstance(profile, str):
            return reply(400, {"message": "Missing profile"})
        await self._io(self.storage.put, ctx.user_id, "_index.md", profile.encode("utf-8"))
        return reply(200, {"message": "User data updated successfully"})

    async def save_log(self, ctx: Ctx) -> Response:
        data = ctx.json()
        if data.get("key") in (None, ""):
            return reply(400, {"message": "Missing key"})
        content = data.get("content")
        if not isinstance(content, str):
            return reply(400, {"message": "Missing or invalid content"})
        try:
            key = validate_key(data.get("key"))
            ext = validate_extension(data.get("extension") or "json")
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        await self._put(ctx.user_id, f"logs/{key}.{ext}", content)
        return reply(200, {"message": "Log saved"})

    async def _put(self, user_id: str, rel: str, content: str) -> None:
        try:
            await self._io(self.storage.put, user_id, rel, content.encode("utf-8"))
        except (NotADirectoryError, IsADirectoryError, FileExistsError):
            raise ApiError(409, {"message": "Key conflicts with an existing object"}) from None

    def _query_or_body(self, ctx: Ctx) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        if ctx.request.method == "POST":
            merged.update(ctx.json(empty_ok=True))
        merged.update(ctx.request.query_params)
        return merged

    async def get_log(self, ctx: Ctx) -> Response:
        params = self._query_or_body(ctx)
        limit = _limit(params.get("limit"))
        try:
            prefix = validate_prefix(params.get("key"))
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        keys = await self._io(self.storage.newest_logs, ctx.user_id, prefix, limit)
        contents = []
        for key in keys:
            raw = await self._io(self.storage.get, ctx.user_id, f"logs/{key}")
            if raw is not None:
                contents.append(raw.decode("utf-8", "replace"))
        return reply(200, contents)

    async def list_log(self, ctx: Ctx) -> Response:
        params = self._query_or_body(ctx)
        limit = _limit(params.get("limit"))
        try:
            prefix = validate_prefix(params.get("logDomain"))
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        keys = await self._io(self.storage.log_keys, ctx.user_id, prefix, max(limit, 1))
        if not keys and self.compat != JULY2024:
            return reply(404, {"message": "No logs found."})
        base = f"user_data/{safe_user(ctx.user_id)}/logs/"
        return reply(200, {"body": [base + k for k in keys[:limit]]})

    async def get_file(self, ctx: Ctx) -> Response:
        q = ctx.request.query_params
        key, ext = q.get("key"), q.get("extension")
        if not key or not ext:
            return reply(400, {"message": "Missing key or extension parameter"})
        try:
            rel = f"{validate_key(key)}.{validate_extension(ext)}"
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        raw = await self._io(self.storage.get, ctx.user_id, rel)
        if raw is None:
            return reply(404, {"message": "File not found"})
        return reply(200, {"content": raw.decode("utf-8", "replace")})

    async def put_file(self, ctx: Ctx) -> Response:
        data = ctx.json()
        key, ext = data.get("key"), data.get("extension")
        path = ctx.request.query_params.get("path")
        if not key and path and "." in path:  # the CH client's `?path=name.ext` shape
            key, ext = path.rsplit(".", 1)
        if not key:
            return reply(404, {"message": "Key not found."})
        content = data.get("content")
        if not isinstance(content, str):
            return reply(400, {"message": "Content not found."})
        try:
            rel = f"{validate_key(key)}.{validate_extension(ext or 'json')}"
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        await self._put(ctx.user_id, rel, content)
        return reply(200, {"message": f"File {key} saved"})


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
