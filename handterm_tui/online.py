"""The online half of the command context: the profile's auth system, built on first use.

Nothing here imports httpx, boto3 or pycognito at module level: offline start-up stays
fast, and the first command that needs the network pays for the imports.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from handterm_tui.commands.base import Services
from handterm_tui.config import Config

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.auth.session import SessionStatus
    from handterm_tui.store import Store

log = logging.getLogger("handterm.online")

StatusListener = Callable[["SessionStatus"], object]


def _span(seconds: float) -> str:
    """A short, honest duration: ``3d``, ``5h``, ``12m``, ``40s``."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


class OnlineServices(Services):
    """Services for a configured profile: the session manager and the authorized API."""

    def __init__(self, config: Config, store: Store | None = None, **auth_options: Any) -> None:
        self.config = config
        self.store = store  # for background jobs (the uploader)
        self._auth_options = auth_options
        self._auth: AuthSystem | None = None
        self._build_lock = threading.Lock()
        self._listeners: list[StatusListener] = []
        self._status: SessionStatus | None = None
        self._jobs: list[Callable[[OnlineServices], None]] = []

    # -- construction -------------------------------------------------------------------

    @property
    def auth(self) -> AuthSystem:
        """The profile's auth system; raises auth.errors.NotConfigured for a partial profile."""
        with self._build_lock:
            if self._auth is None:
                from handterm_tui.auth.factory import build

                auth = build(self.config, **self._auth_options)
                auth.session.subscribe(self._on_status)
                self._auth = auth
            return self._auth

    @property
    def built(self) -> bool:
        return self._auth is not None

    def get(self, name: str) -> Any:
        if name == "auth":
            return self.auth
        if name == "session":
            return self.auth.session
        if name == "api":
            return self.auth.api
        return None

    def close(self) -> None:
        if self._auth is not None:
            self._auth.close()

    # -- status for the prompt, the status bar and `whoami` -------------------------------

    def subscribe(self, listener: StatusListener) -> None:
        self._listeners.append(listener)

    def _on_status(self, status: SessionStatus) -> None:
        self._status = status
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:
                log.exception("status listener failed")

    @property
    def status(self) -> SessionStatus | None:
        return self._status

    @property
    def username(self) -> str | None:
        status = self._status
        return status.username if status is not None and status.signed_in else None

    def connection_label(self) -> str:
        from handterm_tui.auth.session import SessionState

        status = self._status
        if status is None:
            return "connecting"
        return {
            SessionState.SIGNED_IN: "online",
            SessionState.UNREACHABLE: "offline, retrying",
            SessionState.SESSION_ENDED: "session ended: type login",
            SessionState.SIGNED_OUT: "not signed in",
        }[status.state]

    def session_left_label(self) -> str:
        status = self._status
        if status is None or not status.signed_in or status.refresh_expected_expiry is None:
            return ""
        return _span(status.refresh_expected_expiry - time.time()) + " left"

    # -- background work (called from a short worker thread on a timer) -----------------

    def add_job(self, job: Callable[[OnlineServices], None]) -> None:
        """Work to run after each session tick while online (the uploader registers here)."""
        self._jobs.append(job)

    def start(self) -> None:
        """Load the stored session; refresh it if its access token has expired."""
        self.auth.session.start()

    def tick(self) -> None:
        from handterm_tui.auth.session import SessionState

        status = self.auth.session.tick()
        if status.state is not SessionState.SIGNED_IN:
            return
        for job in list(self._jobs):
            try:
                job(self)
            except Exception:
                log.exception("background job failed")
