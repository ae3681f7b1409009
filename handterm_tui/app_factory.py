"""Build the command context and the app from a config: one place that wires the layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handterm_tui import paths
from handterm_tui.commands import Context
from handterm_tui.config import Config
from handterm_tui.services import OfflineServices, Services
from handterm_tui.store import Store

if TYPE_CHECKING:
    from handterm_tui.ui.app import HandtermApp


def open_store() -> Store:
    paths.ensure_private_dir(paths.data_dir())
    return Store(paths.database_file())


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


def build_app(config: Config) -> HandtermApp:
    from handterm_tui.ui.app import HandtermApp

    store = open_store()
    return HandtermApp(config, store, services=build_services(config, store))
