"""The one way to upload: the app's background tick, `archive`/`sync` and the CLI all call
:class:`SyncService`, so they share one run lock and never race each other.

A run sends only the signed-in account's own items, through an API bound to that account
(:class:`AccountTokens`): if someone else signs in midway, the run's next call fails and the
items stay queued, untouched, for their owner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from handterm_tui.auth.errors import NotSignedIn
from handterm_tui.auth.tokens import TokenFormatError, jwt_claims
from handterm_tui.core.owner import Owner, account_key
from handterm_tui.sync.uploader import ProgressFn, SyncReport, Uploader

if TYPE_CHECKING:
    from handterm_tui.api.client import HandTermApi, TokenProvider
    from handterm_tui.store import Store

TICK_LIMIT = 200  # a tick stays well under a second on loopback; a long queue drains over ticks
NOT_SIGNED_IN = "nobody is signed in: items upload to their own account once it signs in here"


class AccountTokens:
    """A token provider that only ever hands out ``account``'s tokens."""

    def __init__(self, session: TokenProvider, account: str) -> None:
        self.session = session
        self.account = account
        self._known = ""  # the last token found to be the account's (decoded once, not per call)

    def _mine(self, token: str) -> str:
        if token == self._known:
            return token
        try:
            claims = jwt_claims(token)
        except TokenFormatError:
            claims = {}
        if account_key(claims) != self.account:
            raise NotSignedIn("Another account signed in meanwhile: stopped before sending.")
        self._known = token
        return token

    def ensure_fresh(self) -> str:
        return self._mine(self.session.ensure_fresh())

    def force_refresh(self, rejected: str) -> str:
        return self._mine(self.session.force_refresh(rejected))

    def token_rejected(self, token: str) -> None:
        self.session.token_rejected(token)


class SyncService:
    def __init__(
        self,
        store: Store,
        api: HandTermApi,
        session: TokenProvider,
        owner: Callable[[], Owner],
    ) -> None:
        self.store = store
        self._api = api
        self._session = session
        self._owner = owner
        self._lock = threading.Lock()  # one run at a time, whoever starts it
        self._cancel = threading.Event()

    def api_for(self, owner: Owner) -> HandTermApi:
        """The API bound to ``owner``'s tokens (for fetching their records too)."""
        assert owner.account is not None
        return self._api.with_tokens(AccountTokens(self._session, owner.account))

    def waiting(self) -> int:
        """Items of the signed-in account (or the signed-out ones) still to upload."""
        return self.store.outbox.count(owner=self._owner())

    def run(
        self,
        *,
        force: bool = False,
        limit: int | None = None,
        progress: ProgressFn | None = None,
        wait: bool = True,
    ) -> SyncReport:
        """Upload the signed-in account's due items (all of them with ``force``)."""
        owner = self._owner()
        if not owner.signed_in:
            return SyncReport(paused=NOT_SIGNED_IN, left=self.store.outbox.count(owner=owner))
        self._cancel.clear()
        uploader = Uploader(self.store, self.api_for(owner), owner=owner, lock=self._lock)
        return uploader.run(
            force=force,
            limit=limit,
            progress=progress,
            cancel=self._cancel,
            wait_for_lock=wait,
        )

    def tick(self) -> SyncReport | None:
        """A bounded batch for the background tick; never waits for a running `sync`."""
        owner = self._owner()
        if not owner.signed_in or self.store.outbox.count(owner=owner) == 0:
            return None
        return self.run(limit=TICK_LIMIT, wait=False)

    def cancel(self) -> None:
        """Stop a run after the items in flight (quitting, signing out)."""
        self._cancel.set()
