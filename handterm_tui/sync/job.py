"""The background upload: one bounded batch per session tick (every 5 s while signed in)."""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from handterm_tui.sync.uploader import Uploader

if TYPE_CHECKING:
    from handterm_tui.online import OnlineServices

TICK_LIMIT = 200  # a tick stays well under a second on loopback; a long queue drains over ticks

_uploaders: weakref.WeakKeyDictionary[OnlineServices, Uploader] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def uploader_for(services: OnlineServices) -> Uploader | None:
    """One uploader per services object, so the tick and `sync` share its run lock."""
    store = services.store
    if store is None:
        return None
    with _guard:
        found = _uploaders.get(services)
        if found is None:
            found = _uploaders[services] = Uploader(store, services.auth.api)
        return found


def upload_job(services: OnlineServices) -> None:
    """Called by ``OnlineServices.tick`` only while signed in; never waits for a `sync`."""
    uploader = uploader_for(services)
    if uploader is None or services.store is None or services.store.outbox.count() == 0:
        return
    uploader.run(limit=TICK_LIMIT, wait_for_lock=False)
