"""User data, log and file routes (3.8-3.14): objects under user_data/{userId}/."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from starlette.responses import Response

from .base import (
    HIDDEN_ATTRIBUTES,
    JULY2024,
    MAX_REPLY,
    ApiError,
    Ctx,
    RouteBase,
    fixed_reply,
    parse_limit,
    reply,
)
from .openapi import NEXT_HEADER
from .storage import (
    MAX_KEY,
    KeyError_,
    safe_user,
    validate_extension,
    validate_key,
    validate_prefix,
)

_LOG_SAVED = fixed_reply(200, {"message": "Log saved"})


class DataRoutes(RouteBase):
    async def get_user(self, ctx: Ctx) -> Response:
        if self.compat == JULY2024:
            raw = await self._io(self.storage.get, ctx.user_id, "_index.md")
            if raw is None:
                return reply(404, {"message": "Profile does not exist yet"})
            return reply(200, {"userId": ctx.user_id, "content": raw.decode("utf-8", "replace")})
        assert ctx.identity is not None
        attrs = await self._idp(self.idp.attributes, ctx.identity)
        if attrs is None:
            return reply(
                404,
                {
                    "message": "User not found",
                    "error": "User does not exist.",
                    "details": {"errorType": "UserNotFoundException", "location": "getUser Lambda"},
                },
            )
        shown = {k: str(v) for k, v in attrs.items() if k not in HIDDEN_ATTRIBUTES}
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
        return _LOG_SAVED()

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
        """Contents newest first, as many as fit in MAX_REPLY; NEXT_HEADER says where the rest
        starts. Built one item at a time, so memory stays near one reply however much is
        stored (the original could answer 17 GB in one go)."""
        if self.compat == JULY2024:
            # J read only the query string, and crashed (500) without one: refused here.
            if not ctx.request.url.query:
                return reply(400, {"message": "Missing query string (key, limit)"})
            params: dict[str, Any] = dict(ctx.request.query_params)
        else:
            params = self._query_or_body(ctx)
        limit = parse_limit(params.get("limit"))
        try:
            prefix = validate_prefix(params.get("key"))
            before = parse_before(params.get("before"))
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        keys = await self._io(self.storage.newest_logs, ctx.user_id, prefix, limit + 1, before)
        page = _Page()
        for key in keys[:limit]:
            raw = await self._io(self.storage.get, ctx.user_id, f"logs/{key}")
            if raw is not None and not page.add(key, raw.decode("utf-8", "replace")):
                break
        return page.response(more=len(keys) > limit)

    async def list_log(self, ctx: Ctx) -> Response:
        # J read only the JSON body (a GET without one crashed): refused here with a 400.
        params = ctx.json() if self.compat == JULY2024 else self._query_or_body(ctx)
        limit = parse_limit(params.get("limit"))
        try:
            prefix = validate_prefix(params.get("logDomain"))
            before = parse_before(params.get("before"))
        except KeyError_ as exc:
            return reply(400, {"message": str(exc)})
        keys = await self._io(self.storage.log_keys, ctx.user_id, prefix, max(limit, 1) + 1, before)
        if not keys and self.compat != JULY2024:
            return reply(404, {"message": "No logs found."})
        base = f"user_data/{safe_user(ctx.user_id)}/logs/"
        page = _Page(wrapper=(b'{"body":[', b"]}"))
        for key in keys[:limit]:
            if not page.add(key, base + key):
                break
        return page.response(more=len(keys) > limit)

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


def parse_before(value: object) -> str | None:
    """The `before` cursor: NEXT_HEADER's value (a percent-encoded key), or a plain key."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 4 * MAX_KEY:
        raise KeyError_("Invalid before cursor")
    return unquote(value)


class _Page:
    """A JSON array reply that never grows past MAX_REPLY bytes."""

    def __init__(self, wrapper: tuple[bytes, bytes] = (b"[", b"]")) -> None:
        self.wrapper = wrapper
        self.parts: list[bytes] = []
        self.size = len(wrapper[0]) + len(wrapper[1])
        self.last: str | None = None  # the key of the last item taken (or skipped)
        self.full = False

    def add(self, key: str, value: str) -> bool:
        """Take an item if it fits; False once the page is full (the caller stops)."""
        item = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        grow = len(item) + (1 if self.parts else 0)
        if self.size + grow > MAX_REPLY:
            if self.parts:
                self.full = True
                return False
            # Alone too big for any reply (only a hand-placed file can be): skip it, or the
            # cursor could never move past it.
            self.last = key
            return True
        self.parts.append(item)
        self.size += grow
        self.last = key
        return True

    def response(self, *, more: bool) -> Response:
        headers = {}
        if (more or self.full) and self.last is not None:
            headers[NEXT_HEADER] = quote(self.last, safe="")
        body = self.wrapper[0] + b",".join(self.parts) + self.wrapper[1]
        return Response(body, 200, headers, media_type="application/json")
