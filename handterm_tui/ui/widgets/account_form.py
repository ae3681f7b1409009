"""Pieces the sign-in screens share: a one-line labelled field, a message line, a modal base.

Fields are compact (one line each) so login, sign-up and the session figures fit in 80x24;
every message starts with a glyph or a word, never colour alone (NO_COLOR).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from handterm_tui.commands.runner import Run
from handterm_tui.ui.keyguard import KeyGuard

if TYPE_CHECKING:
    from handterm_tui.ui.app import HandtermApp

T = TypeVar("T")

GLYPHS = {"error": "✗ ", "ok": "✓ ", "busy": "… ", "info": ""}


class FormField(Horizontal):
    """``Label  [input.....]`` on one line."""

    DEFAULT_CSS = """
    FormField { height: 1; margin-bottom: 1; }
    FormField > Label { width: 17; }
    FormField > Input { width: 1fr; background: $boost; }  /* visible while empty */
    """

    def __init__(self, label: str, field: Input, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.field = field
        field.compact = True  # one line, no border: five fields fit in 24 rows

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield self.field


class FormNote(Static):
    """What just happened, in words: an error, a success, progress or a hint."""

    DEFAULT_CSS = """
    FormNote { height: auto; min-height: 1; }
    FormNote.-error { text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.kind = "info"
        self.text = ""

    def say(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        self.text = text
        for name in GLYPHS:
            self.set_class(name == kind, f"-{name}")
        self.update(GLYPHS.get(kind, "") + text if text else "")


class AccountScreen(KeyGuard, ModalScreen[T]):
    """A centred box over the terminal; Esc cancels. Subclasses compose into ``#box``."""

    DEFAULT_CSS = """
    AccountScreen { align: center middle; }
    AccountScreen #box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; border-title-style: bold; padding: 0 1; background: $surface;
    }
    AccountScreen #box Vertical { height: auto; }
    AccountScreen #intro { margin-bottom: 1; color: $text-muted; }
    AccountScreen #buttons { height: 1; margin-top: 1; }
    AccountScreen #buttons Button { margin-right: 2; }
    AccountScreen #keys { height: 1; margin-top: 1; color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True)]

    @property
    def happ(self) -> HandtermApp:
        return cast("HandtermApp", self.app)

    def on_mount(self) -> None:
        self.apply_blink()

    def apply_blink(self) -> None:
        """Snapshot tests turn the blink off app-wide; widgets mounted later follow too."""
        blink = bool(getattr(self.app, "cursor_blink", True))
        for field in self.query(Input):
            field.cursor_blink = blink

    def later(self, callback: Callable[..., Any], *args: Any) -> None:
        """From a worker thread: run ``callback`` on the UI thread, unless the app has gone.

        Queued on the app without waiting for it: a callback that closes this screen would
        otherwise cancel the worker still waiting for it (a WorkerCancelled, now and then).
        """
        with contextlib.suppress(RuntimeError):  # the app shut down meanwhile
            self.app.call_later(callback, *args)

    def keep(self, run: Run) -> None:
        """Show a stored record in the scrollback and refresh the prompt and status bar."""
        app = self.happ
        with contextlib.suppress(LookupError):  # no terminal screen (tests of a lone screen)
            if run.record is not None:
                app.record_added(run.record)
            app.refresh_status()

    def set_busy(self, busy: bool) -> None:
        for widget in self.query("Input, Button"):
            widget.disabled = busy
