"""The online half of :mod:`handterm_tui.services`: one profile's session, API and uploader,
built on first use.

Nothing here imports httpx, boto3 or pycognito at module level: offline start-up stays
fast, and the first command that needs the network pays for the imports.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from handterm_tui.config import Config
from handterm_tui.core.owner import Owner
from handterm_tui.core.when import span
from handterm_tui.services import AccountApi, StatusListener, Unavailable

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.auth.session import SessionStatus
    from handterm_tui.store import Store
    from handterm_tui.sync.service import SyncService

log = logging.getLogger("handterm.online")


class OnlineServices:
    """Services for a configured profile: the session manager, the API, the uploader."""

    def __init__(self, config: Config, store: Store, **auth_options: Any) -> None:
        profile = config.profile
        assert profile is not None, "offline mode uses OfflineServices"
        self.config = config
        self.profile = profile.name
        self.store = store
        self._auth_options = auth_options
        self._auth: AuthSystem | None = None
        self._sync: SyncService | None = None
        self._build_lock = threading.Lock()
        self._listeners: list[StatusListener] = []
        self._status: SessionStatus | None = None
        # Items made before the stored session was known are made by whoever holds it: they
        # are given to that account when the session loads (see start).
        self._made_after: tuple[int, int] | None = store.owners.high_water()

    # -- construction -------------------------------------------------------------------

    def auth(self) -> AuthSystem:
        """The profile's auth system; Unavailable for a partial profile."""
        from handterm_tui.auth.errors import AuthError

        with self._build_lock:
            if self._auth is None:
                from handterm_tui.auth.factory import build
                from handterm_tui.sync.service import SyncService

                try:
                    auth = build(self.config, **self._auth_options)
                except AuthError as exc:
                    raise Unavailable(exc.message) from None
                self._auth = auth
                self._sync = SyncService(self.store, auth.api, auth.session, self.owner)
                auth.session.subscribe(self._on_status)
            return self._auth

    @property
    def sync(self) -> SyncService | None:
        try:
            self.auth()
        except Unavailable:
            return None
        return self._sync

    def close(self) -> None:
        """Stop uploading and let go of the network (the app's exit and the CLI's end)."""
        if self._sync is not None:
            self._sync.cancel()
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

    def owner(self) -> Owner:
        status = self._status
        if status is not None and status.signed_in and status.account:
            return Owner(self.profile, status.account, status.username)
        return Owner(self.profile)

    def account_api(self) -> AccountApi:
        """The API as the signed-in account; loads the stored session on first use."""
        from handterm_tui.auth.errors import AuthError

        auth = self.auth()
        try:
            status = auth.session.start()
        except AuthError as exc:
            raise Unavailable(exc.message) from None
        owner = self.owner()
        if status.signed_in and owner.signed_in and self._sync is not None:
            return AccountApi(self._sync.api_for(owner), owner)
        from handterm_tui.auth.session import SessionState

        if status.state is SessionState.SESSION_ENDED:
            raise Unavailable(
                "The session ended: type `login` to sign in again (nothing local is lost)."
            )
        raise Unavailable("Not signed in: type `login <user>` first.")

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
        return span(status.refresh_expected_expiry - time.time()) + " left"

    # -- background work (called from a short worker thread on a timer) -----------------

    def start(self) -> None:
        """Load the stored session; refresh it if its access token has expired."""
        from handterm_tui.auth.errors import AuthError

        try:
            status = self.auth().session.start()
        except AuthError as exc:
            raise Unavailable(exc.message) from None
        made_after, self._made_after = self._made_after, None
        if made_after is not None and status.signed_in:
            # Made in this run before the stored session was known: by whoever holds it.
            self.store.owners.assign_made_after(self.owner(), *made_after)

    def tick(self) -> None:
        """Keep the session fresh, then upload a batch while signed in."""
        from handterm_tui.auth.session import SessionState

        status = self.auth().session.tick()
        if status.state is not SessionState.SIGNED_IN or self._sync is None:
            return
        report = self._sync.tick()
        if report is not None and report.paused and "not answering" in report.paused:
            log.info("uploads paused: %s", report.paused)
