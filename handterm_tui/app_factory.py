"""Build the command context and the app from a config: one place that wires the layers."""

from __future__ import annotations

import sys

from handterm_tui import paths
from handterm_tui.commands import Context
from handterm_tui.config import Config
from handterm_tui.services import OfflineServices, Services
from handterm_tui.store import Store, StoreUnusable, forget_marker
from handterm_tui.store.db import explain


def _say(text: str) -> None:
    # Before the app draws anything (or in a CLI run): the terminal shows it as it is.
    print(text, file=sys.stderr, flush=True)


def open_store(*, new_store: bool = False) -> Store:
    """The user's store. Raises StoreError (one message: the path and what to do).

    ``new_store`` is the user's agreement to replace a store that is not a database or
    was emptied: the old file is moved aside, byte for byte, and an empty store begins
    (``store.notices`` says where the old one went). A good store is left alone.
    """
    database = paths.database_file()
    marker = paths.store_marker_file()
    try:
        paths.ensure_private_dir(database.parent)
    except OSError as exc:
        raise explain(exc, database) from None
    try:
        return Store(database, marker=marker, announce=_say)
    except StoreUnusable as exc:
        if not new_store:
            raise
        try:
            aside = exc.move_aside()
        except OSError as move_error:
            raise explain(move_error, database) from None
        forget_marker(marker, database)
        store = Store(database, marker=marker)
        kept = f"the old one is kept as {aside}" if aside else "there was no old file"
        store.notices.append(f"Started an empty store at {database}; {kept}.")
        return store


def build_services(config: Config, store: Store) -> Services:
    """The online services for the active profile; offline mode has none."""
    if config.profile is None:
        return OfflineServices()
    from handterm_tui.online import OnlineServices

    return OnlineServices(config, store)


def build_context(config: Config, *, interactive: bool = True) -> Context:
    store = open_store()
    return Context(
        config=config, store=store, services=build_services(config, store), interactive=interactive
    )
