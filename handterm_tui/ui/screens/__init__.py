"""The screens a command can open, by the name its ``OpenScreen`` action gives.

Each module has ``open_screen(app, **params)``; the table imports it on first use, so a
screen costs nothing at start-up. A test checks that every name a command uses is here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from textual.app import App


class ScreenOpener(Protocol):
    def __call__(self, app: App[Any], **params: Any) -> None: ...


SCREENS: Final[dict[str, str]] = {
    "chords": "handterm_tui.ui.screens.chords",
    "debug": "handterm_tui.ui.screens.debug",
    "drill": "handterm_tui.ui.screens.drill",
    "editor": "handterm_tui.ui.screens.editor",
    "game": "handterm_tui.ui.screens.game",
    "login": "handterm_tui.ui.screens.login",
    "logs": "handterm_tui.ui.screens.logs",
    "session": "handterm_tui.ui.screens.session",
    "signup": "handterm_tui.ui.screens.signup",
    "stats": "handterm_tui.ui.screens.stats",
    "tutorial": "handterm_tui.ui.screens.tutorial",
}


def opener(name: str) -> ScreenOpener | None:
    """The ``open_screen`` of the screen called ``name``; None for a name not in the table."""
    module = SCREENS.get(name)
    if module is None:
        return None
    found: ScreenOpener = importlib.import_module(module).open_screen
    return found
