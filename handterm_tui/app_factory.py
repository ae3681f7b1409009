"""Build the command context and the app from a config: one place that wires the layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handterm_tui import paths
from handterm_tui.commands import Context, Services
from handterm_tui.config import Config
from handterm_tui.store import Store

if TYPE_CHECKING:
    from handterm_tui.ui.app import HandtermApp


def open_store() -> Store:
    paths.ensure_private_dir(paths.data_dir())
    return Store(paths.database_file())


def build_services(config: Config) -> Services:
    """The online services for the active profile; offline mode has none."""
    if config.profile is None:
        return Services()
    try:
        from handterm_tui.auth.services import OnlineServices  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        return Services()
    services: Services = OnlineServices(config)
    return services


def build_context(config: Config, *, interactive: bool = True) -> Context:
    return Context(
        config=config, store=open_store(), services=build_services(config), interactive=interactive
    )


def build_app(config: Config) -> HandtermApp:
    from handterm_tui.ui.app import HandtermApp

    return HandtermApp(config, open_store(), services=build_services(config))
