"""Where to write a file: a small box with the proposed path, Enter to accept (or edit it
first), Esc to cancel. A file is never written to the current folder without being asked."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from handterm_tui.ui.keyguard import KeyGuard


class AskPath(KeyGuard, ModalScreen[Path | None]):
    DEFAULT_CSS = """
    AskPath { align: center middle; }
    AskPath #ask-box { width: 76; max-width: 100%; height: auto; padding: 0 1;
                       border: round $accent; background: $surface; }
    AskPath #ask-question { height: auto; }
    AskPath #ask-path { margin-top: 1; }
    AskPath #ask-keys { height: 1; margin-top: 1; color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True)]

    def __init__(self, question: str, proposed: Path) -> None:
        super().__init__()
        self.question = question
        self.proposed = proposed

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(self.question, id="ask-question", markup=False)
            yield Input(str(self.proposed), id="ask-path")
            yield Static(
                "Enter writes it there · edit the path first if you like · Esc cancels",
                id="ask-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / self.proposed.name
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
