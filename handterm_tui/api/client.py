"""Synchronous httpx client for every route of the HandTerm API (contract: handterm-api.md §10).

Sync on purpose: callers run in thread workers, and the sync client costs 0.38 ms CPU per
request against 1.0 ms for the async one. Tolerant of the deployed versions: bodies without
Content-Type, bare-string errors, refresh replies with or without ``RefreshToken``, an empty
``listLog`` as 200 ``{"body": []}`` or 404, ``getFile`` as raw text or ``{"content": ...}``.

Protected routes take the access token from a :class:`TokenProvider` (the session manager). On
401/403 the client asks for one forced refresh and retries once; a second refusal is reported
back to the provider, which ends the session.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from handterm_tui import __version__
from handterm_tui.api.errors import (
    ApiError,
    BadResponse,
    NotFound,
    Unauthorized,
    Unreachable,
    error_for_status,
)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)

# Attributes the late-2024 getUser leaks (GitHub OAuth tokens): never kept or shown.
_SECRET_ATTRIBUTE_WORDS = ("token", "secret", "password")


@dataclass(frozen=True)
class ApiCall:
    """One request as the `debug` pane shows it: never a token, a body or a query string."""

    method: str
    route: str
    status: int | None  # None: no answer (unreachable, timed out)
    ms: float
    at: float  # time.time() when it was sent


# The last calls of every client in this process (deque appends are thread-safe).
RECENT_CALLS: deque[ApiCall] = deque(maxlen=50)


class TokenProvider(Protocol):
    """What the client needs from the session: a fresh token, and a forced refresh."""

    def ensure_fresh(self) -> str:
        """An access token that is not expired (refreshing first if needed)."""
        ...

    def force_refresh(self, rejected: str) -> str:
        """A new access token after the server refused ``rejected``."""
        ...

    def token_rejected(self, token: str) -> None:
        """The server refused even the refreshed token: the session is over."""
        ...


@dataclass(frozen=True)
class AuthReply:
    """Tokens from signIn or refreshToken. ``refresh_token`` is None when not sent back."""

    access_token: str
    id_token: str | None
    refresh_token: str | None

    def __repr__(self) -> str:
        return "AuthReply(<redacted>)"


@dataclass(frozen=True)
class SignUpReply:
    username: str
    confirmed: bool | None  # None: the reply does not say (late-2024 API: unconfirmed)
    message: str


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    attributes: dict[str, str] = field(default_factory=dict)
    content: str | None = None  # July-2024 API: the profile document


@dataclass(frozen=True)
class SessionCheck:
    username: str
    exp: float | None


@dataclass
class ApiStats:
    requests: int = 0
    retried: int = 0


class _Raw(str):
    """A body that was not JSON (raw text, e.g. the Aug-2024 getFile)."""


# serve-local's continuation header (docs/server.md): a reply stopped early, `before=<value>`
# asks for the rest. Other servers never send it, and then one reply is all there is.
NEXT_HEADER = "X-HandTerm-Next-Before"
MAX_PAGES = 1000


def parse_body(response: httpx.Response) -> Any:
    """The JSON body whatever the Content-Type says; raw text as :class:`_Raw`; None if empty."""
    raw = response.content
    if not raw.strip():
        return None
    try:
        # JSON straight from the bytes (UTF-8, as the API sends): response.text would first
        # parse the Content-Type's charset with the email package, per reply.
        return json.loads(raw)
    except ValueError:
        pass
    text = response.text
    try:
        return json.loads(text)
    except ValueError:
        return _Raw(text)


def _message_parts(body: Any) -> tuple[str | None, str | None, str | None]:
    """(message, code, detail) from any of the API's error shapes."""
    if isinstance(body, str):
        return body, None, None
    if not isinstance(body, dict):
        return None, None, None
    message = next(
        (body[k] for k in ("message", "error") if isinstance(body.get(k), str) and body[k]), None
    )
    code = next((body[k] for k in ("errorCode", "code") if isinstance(body.get(k), str)), None)
    detail = body.get("details") if isinstance(body.get("details"), str) else None
    if detail is None and isinstance(body.get("error"), str) and body["error"] != message:
        detail = body["error"]
    return message, code, detail


def _require_str(body: Any, key: str, route: str) -> str:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise BadResponse(f"The reply of {route} lacks {key}.", route=route)
    return value


class HandTermApi:
    """One API base URL; thread-safe as httpx.Client is."""

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenProvider | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        on_unreachable: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        # Told when a protected call cannot reach the server (the session manager's
        # report_unreachable), so the status turns "offline" at the first failed upload.
        self.on_unreachable = on_unreachable
        self.stats = ApiStats()
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": f"handterm/{__version__}"},
        )

    def with_tokens(self, tokens: TokenProvider) -> HandTermApi:
        """The same API and connection pool, sending ``tokens``' tokens instead."""
        bound = copy.copy(self)
        bound.tokens = tokens
        return bound

    # -- plumbing -----------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HandTermApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        self.stats.requests += 1
        started, status = time.monotonic(), None
        try:
            response = self._http.request(
                method, self.base_url + path, json=body, params=params, headers=headers
            )
            status = response.status_code
            return response
        except httpx.TimeoutException:
            raise Unreachable(f"{self.base_url} did not answer in time.", route=path) from None
        except httpx.TransportError as exc:
            reason = type(exc).__name__
            raise Unreachable(f"Cannot reach {self.base_url} ({reason}).", route=path) from None
        finally:
            ms = (time.monotonic() - started) * 1000.0
            RECENT_CALLS.append(ApiCall(method, path, status, ms, time.time()))

    def _report_unreachable(self, message: str) -> None:
        hook = self.on_unreachable
        if hook is None:
            return
        try:
            hook(message)
        except Exception:  # a status hook must never turn into the caller's error
            logging.getLogger("handterm.api").exception("unreachable hook failed")

    def _checked(self, response: httpx.Response, path: str) -> httpx.Response:
        if response.is_success:
            return response
        message, code, detail = _message_parts(parse_body(response))
        raise error_for_status(response.status_code, message, path, code=code, detail=detail)

    def _public(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        return parse_body(self._checked(self._send(method, path, body=body, token=token), path))

    def _protected_response(
        self,
        method: str,
        path: str,
        *,
        body: Callable[[str], Any] | Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        if self.tokens is None:
            raise Unauthorized(route=path)
        token = self.tokens.ensure_fresh()

        def send(tok: str) -> httpx.Response:
            payload = body(tok) if callable(body) else body
            try:
                response = self._send(method, path, body=payload, params=params, token=tok)
            except Unreachable as exc:
                self._report_unreachable(exc.message)
                raise
            if response.status_code in (502, 503, 504):  # the gateway: no server behind it
                self._report_unreachable(f"{self.base_url} answered {response.status_code}.")
            return response

        response = send(token)
        if response.status_code in (401, 403):
            # Expired and invalid tokens both come back 403 from the gateway: refresh once.
            self.stats.retried += 1
            token = self.tokens.force_refresh(token)
            response = send(token)
            if response.status_code in (401, 403):
                self.tokens.token_rejected(token)
        return self._checked(response, path)

    def _protected(
        self,
        method: str,
        path: str,
        *,
        body: Callable[[str], Any] | Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        return parse_body(self._protected_response(method, path, body=body, params=params))

    # -- authentication routes (no authorizer) ------------------------------------------

    def sign_up(self, username: str, password: str, email: str) -> SignUpReply:
        body = self._public(
            "POST", "/signUp", {"username": username, "password": password, "email": email}
        )
        if not isinstance(body, dict):
            raise BadResponse("The reply of /signUp is not an object.", route="/signUp")
        confirmed = body.get("UserConfirmed")
        return SignUpReply(
            username=str(body.get("username") or username),
            confirmed=confirmed if isinstance(confirmed, bool) else None,
            message=str(body.get("message") or "Signed up."),
        )

    def confirm_sign_up(self, username: str, code: str) -> str:
        # "code" too: some deployments' clients sent that key and servers may accept it.
        body = self._public(
            "POST",
            "/confirm-signup",
            {"username": username, "confirmationCode": code, "code": code},
        )
        message, _, _ = _message_parts(body)
        return message or "Confirmed."

    def sign_in(self, username: str, password: str) -> AuthReply:
        body = self._public("POST", "/signIn", {"username": username, "password": password})
        return AuthReply(
            access_token=_require_str(body, "AccessToken", "/signIn"),
            id_token=_require_str(body, "IdToken", "/signIn"),
            refresh_token=_require_str(body, "RefreshToken", "/signIn"),
        )

    def refresh_token(self, refresh_token: str) -> AuthReply:
        body = self._public("POST", "/refreshToken", {"refreshToken": refresh_token})
        access = _require_str(body, "AccessToken", "/refreshToken")
        id_token = body.get("IdToken")
        refresh = body.get("RefreshToken")
        return AuthReply(
            access_token=access,
            id_token=id_token if isinstance(id_token, str) and id_token else None,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        )

    def sign_out(self, access_token: str) -> str:
        """Global sign-out. Sep-Nov 2024 deployments spelled the route ``/signout``."""
        try:
            body = self._public("POST", "/signOut", token=access_token)
        except NotFound:
            body = self._public("POST", "/signout", token=access_token)
        message, _, _ = _message_parts(body)
        return message or "Signed out."

    def check_session(self, access_token: str) -> SessionCheck:
        body = self._public("GET", "/check-session", token=access_token)
        exp = body.get("exp") if isinstance(body, dict) else None
        return SessionCheck(
            username=str(body.get("username") or "") if isinstance(body, dict) else "",
            exp=float(exp) if isinstance(exp, int | float) else None,
        )

    def change_password(
        self, previous_password: str, proposed_password: str, *, access_token: str | None = None
    ) -> str:
        """The handler reads the token from the body, the authorizer from the header."""

        def body(token: str) -> dict[str, str]:
            return {
                "accessToken": token,
                "previousPassword": previous_password,
                "proposedPassword": proposed_password,
            }

        if access_token is not None:
            result = self._public("POST", "/changePassword", body(access_token), token=access_token)
        else:
            result = self._protected("POST", "/changePassword", body=body)
        message, _, _ = _message_parts(result)
        return message or "Password changed."

    # -- user data ----------------------------------------------------------------------

    def get_user(self, *, access_token: str | None = None) -> UserInfo:
        if access_token is not None:
            body = self._public("GET", "/getUser", token=access_token)
        else:
            body = self._protected("GET", "/getUser")
        if not isinstance(body, dict):
            raise BadResponse("The reply of /getUser is not an object.", route="/getUser")
        raw = body.get("userAttributes")
        attributes = {
            str(k): str(v)
            for k, v in (raw.items() if isinstance(raw, dict) else ())
            if not any(word in str(k).lower() for word in _SECRET_ATTRIBUTE_WORDS)
        }
        content = body.get("content")
        return UserInfo(
            user_id=str(body.get("userId") or ""),
            attributes=attributes,
            content=content if isinstance(content, str) else None,
        )

    def set_user(self, profile: str) -> str:
        message, _, _ = _message_parts(
            self._protected("POST", "/setUser", body={"profile": profile})
        )
        return message or "Saved."

    # -- logs and files -----------------------------------------------------------------

    def save_log(
        self, key: str, content: str, extension: str = "json", *, confirm: bool = False
    ) -> str:
        """Store a log object. With ``confirm``, a 200 whose body is not a JSON object raises
        BadResponse: an uploader must not drop an item on a garbled reply that may not have
        stored anything (some deployments answer raw text, so it is not the default)."""
        body = {"key": key, "content": content, "extension": extension}
        reply = self._protected("POST", "/saveLog", body=body)
        if confirm and (isinstance(reply, _Raw) or not isinstance(reply, dict)):
            raise BadResponse(
                "The server's reply to saveLog was not a JSON object.", route="/saveLog"
            )
        message, _, _ = _message_parts(reply)
        return message or "Log saved."

    def get_log_page(
        self, key: str, limit: int = 10, before: str | None = None
    ) -> tuple[list[str], str | None]:
        """One reply of /getLog: contents newest first, and the cursor for the rest (the
        server's NEXT_HEADER) when the reply stopped early, e.g. at its 6 MiB bound."""
        params = {"key": key, "limit": str(int(limit))}
        if before:
            params["before"] = before
        response = self._protected_response("GET", "/getLog", params=params)
        body = parse_body(response)
        if isinstance(body, dict) and isinstance(body.get("body"), list):
            body = body["body"]
        if body is None:
            return [], None
        if not isinstance(body, list):
            raise BadResponse("The reply of /getLog is not a list.", route="/getLog")
        items = [item if isinstance(item, str) else json.dumps(item) for item in body]
        return items, response.headers.get(NEXT_HEADER) or None

    def get_log(self, key: str, limit: int = 10) -> list[str]:
        """Log contents under the prefix ``key``, newest first, up to ``limit``, following
        the server's cursor when one reply could not hold them all."""
        items, cursor = self.get_log_page(key, limit)
        return self._follow(items, cursor, limit, lambda n, c: self.get_log_page(key, n, c))

    @staticmethod
    def _follow(
        items: list[str],
        cursor: str | None,
        limit: int,
        page: Callable[[int, str], tuple[list[str], str | None]],
    ) -> list[str]:
        seen: set[str] = set()
        while cursor and len(items) < limit and cursor not in seen and len(seen) < MAX_PAGES:
            seen.add(cursor)  # a server repeating a cursor must not loop us forever
            more, cursor = page(limit - len(items), cursor)
            items.extend(more)
        return items

    def list_log_page(
        self, log_domain: str, limit: int = 10, before: str | None = None
    ) -> tuple[list[str], str | None]:
        """One reply of /listLog: full keys, newest first, and the cursor for the rest."""
        body: dict[str, Any] = {"logDomain": log_domain, "limit": int(limit)}
        if before:
            body["before"] = before
        try:
            response = self._protected_response("POST", "/listLog", body=body)
        except NotFound as exc:
            if exc.message.strip().lower() == "not found":  # the gateway: no such route
                raise NotFound(
                    "This API has no /listLog route.", status=404, route="/listLog"
                ) from None
            return [], None
        reply = parse_body(response)
        items = reply.get("body") if isinstance(reply, dict) else reply
        if items is None:
            return [], None
        if not isinstance(items, list):
            raise BadResponse("The reply of /listLog has no key list.", route="/listLog")
        return [str(item) for item in items], response.headers.get(NEXT_HEADER) or None

    def list_log(self, log_domain: str, limit: int = 10) -> list[str]:
        """Full keys under ``logDomain``, newest first. Empty is 200 [] or (from Aug 2024) 404."""
        items, cursor = self.list_log_page(log_domain, limit)
        return self._follow(items, cursor, limit, lambda n, c: self.list_log_page(log_domain, n, c))

    def get_file(self, key: str, extension: str) -> str:
        """File text; the Aug-2024 API sends it raw, later ones as ``{"content": ...}``."""
        response = self._protected_response(
            "GET", "/getFile", params={"key": key, "extension": extension}
        )
        body = parse_body(response)
        if isinstance(body, dict) and set(body) == {"content"} and isinstance(body["content"], str):
            return body["content"]
        return response.text

    def put_file(self, key: str, content: str, extension: str = "json") -> str:
        body = {"key": key, "content": content, "extension": extension}
        message, _, _ = _message_parts(self._protected("POST", "/putFile", body=body))
        return message or "Saved."


__all__ = [
    "RECENT_CALLS",
    "ApiCall",
    "ApiError",
    "AuthReply",
    "HandTermApi",
    "SessionCheck",
    "SignUpReply",
    "TokenProvider",
    "UserInfo",
]
