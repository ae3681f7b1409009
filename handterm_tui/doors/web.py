"""The browser door: ``handterm serve-web``, textual-serve with what a shared server needs.

textual-serve starts one app process per websocket. On top of it: each process gets a
person's home (named by a trusted header an authenticating proxy sets) or an anonymous home
removed when the session ends; websockets from another origin are refused; the number of
sessions is capped; the app starts with a small, known environment (none of the server's
own variables); the static folder is served without listings; and a download is given only
to the person whose session made it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import shutil
import sys
import tempfile
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from handterm_tui import paths
from handterm_tui.doors import people

log = logging.getLogger("handterm.web")

# All the app gets from the server's own environment: nothing else (no tokens, no keys).
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
STOP_SECONDS = 5.0  # a session's process gets this long to end before it is killed
# What textual-serve sets for the app (by name: the server's own TEXTUAL_* stay behind).
TEXTUAL_KEYS = (
    "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS",
)  # fmt: skip
CHILD = [sys.executable, "-m", "handterm_tui.doors.web_app"]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}{port}"


def page(title: str, text: str, status: int) -> web.Response:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>HandTerm: "
        f"{html.escape(title)}</title></head><body style='font-family:sans-serif;margin:3em'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return web.Response(text=body, status=status, content_type="text/html")


class Refused(Exception):
    def __init__(self, title: str, text: str, status: int) -> None:
        super().__init__(text)
        self.response = page(title, text, status)


class PersonSession(AppService):
    """One app process in one person's home, started without a shell."""

    def __init__(self, home: Path, person: str | None, extra_env: dict[str, str], **kw: Any):
        super().__init__(" ".join(CHILD), **kw)
        self.home = home
        self.person = person
        self.extra_env = extra_env

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        textual = super()._build_environment(width, height)
        env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
        env.update({key: textual[key] for key in TEXTUAL_KEYS if key in textual})
        env.update(self.extra_env)
        env["HOME"] = str(self.home)  # nothing of the app lands in the server account's home
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *CHILD,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            cwd=self.home,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(super().stop(), STOP_SECONDS)
        except Exception:  # a timeout included: the process is ended below
            log.warning("a session did not end in %s s: killed", STOP_SECONDS)
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class WebDoor(Server):
    def __init__(
        self,
        *,
        host: str,
        port: int,
        public_url: str | None,
        home_root: Path,
        trusted_header: str | None,
        max_sessions: int,
        config_file: Path | None,
    ) -> None:
        super().__init__("handterm", host=host, port=port, title="HandTerm", public_url=public_url)
        self.home_root = home_root
        self.trusted_header = trusted_header
        self.max_sessions = max_sessions
        self.config_file = config_file
        self.origin = origin_of(self.public_url)
        self.sessions: set[PersonSession] = set()

    def initialize_logging(self) -> None:
        # textual-serve's own set-up logs every request with rich tracebacks and locals.
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")

    # -- the rules -------------------------------------------------------------------

    def person(self, request: web.Request) -> str | None:
        """The trusted name, or None for an anonymous session (when no header is trusted)."""
        if self.trusted_header is None:
            return None
        name = request.headers.get(self.trusted_header, "").strip()
        if not name:
            raise Refused(
                "Sign in first",
                "This HandTerm is reached through its sign-in page; this request did not "
                "come through it.",
                401,
            )
        try:
            return people.check_name(name)
        except people.BadName as exc:
            raise Refused("Unusable name", str(exc), 403) from None

    def check_room(self) -> None:
        if len(self.sessions) >= self.max_sessions:
            raise Refused(
                "HandTerm is full",
                f"All {self.max_sessions} sessions are in use. Close a HandTerm tab you no "
                "longer need, or try again in a few minutes.",
                503,
            )

    def check_origin(self, request: web.Request) -> None:
        origin = request.headers.get("Origin")
        if origin is None or origin_of(origin) != self.origin:
            log.warning("websocket from origin %r refused (ours: %s)", origin, self.origin)
            raise Refused("Refused", "This page belongs to another site.", 403)

    # -- routes ----------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._refusals])
        import aiohttp_jinja2
        import jinja2

        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self._end_sessions)
        return app

    async def _end_sessions(self, app: web.Application) -> None:
        """The server stops: no session's process outlives it (each closes its store)."""
        for session in list(self.sessions):
            process = session._process
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()

    @web.middleware
    async def _refusals(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            response = await handler(request)
        except Refused as refused:
            return refused.response
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    async def handle_index(self, request: web.Request) -> Any:
        self.person(request)
        self.check_room()
        return await super().handle_index(request)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        person = self.person(request)
        download = self.download_manager._active_downloads.get(request.match_info["key"])
        owner = getattr(getattr(download, "app_service", None), "person", None)
        if download is None or owner != person:
            raise web.HTTPNotFound(text="No such download.")
        return await super().handle_download(request)

    async def on_startup(self, app: web.Application) -> None:
        rule = (
            f"homes named by the {self.trusted_header} header"
            if self.trusted_header
            else "anonymous homes, removed when each session ends"
        )
        print(
            f"HandTerm on {self.public_url} (listening on {self.host}:{self.port}); {rule}; "
            f"at most {self.max_sessions} sessions. Ctrl+C stops.",
            flush=True,
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        self.check_origin(request)
        person = self.person(request)
        self.check_room()
        if person is None:
            # A dot folder: no person's name starts with a dot, so none can be chosen here.
            anonymous = paths.ensure_private_dir(self.home_root / ".anonymous")
            home = Path(tempfile.mkdtemp(prefix="session-", dir=anonymous))
        else:
            home = people.home_for(self.home_root, person)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        session = PersonSession(
            home,
            person,
            people.person_environment(home, self.config_file),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions.add(session)
        try:
            await websocket.prepare(request)
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("a web session failed")
        finally:
            await session.stop()
            self.sessions.discard(session)
            if person is None:
                shutil.rmtree(home, ignore_errors=True)
        return websocket


def _int(value: str | None, default: int) -> int:
    try:
        return max(10, min(1000, int(value or default)))
    except ValueError:
        return default


def serve_main(
    host: str,
    port: int,
    public_url: str | None,
    home_root: str | None,
    trusted_header: str | None,
    max_sessions: int,
    config_file: str | None,
) -> int:
    root = Path(home_root).expanduser() if home_root else people.default_home_root()
    if max_sessions < 1 or not 0 < port < 65536:
        print(
            "handterm serve-web: --max-sessions must be 1 or more, --port 1-65535.", file=sys.stderr
        )
        return 2
    if trusted_header and host not in ("127.0.0.1", "::1", "localhost"):
        print(
            f"handterm serve-web: --trusted-header trusts whoever connects; listen on "
            f"127.0.0.1 behind the proxy that sets {trusted_header}, not on {host}.",
            file=sys.stderr,
        )
        return 2
    door = WebDoor(
        host=host,
        port=port,
        public_url=public_url,
        home_root=root,
        trusted_header=trusted_header,
        max_sessions=max_sessions,
        config_file=Path(config_file).expanduser().resolve() if config_file else None,
    )
    door.serve()
    return 0
