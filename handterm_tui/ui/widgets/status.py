"""The status bar: who, online state, session time left, upload queue."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from handterm_tui.ui import palette


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    user: reactive[str | None] = reactive(None)
    connection: reactive[str] = reactive("offline mode")  # words, not colours
    session_left: reactive[str] = reactive("")
    queue: reactive[int] = reactive(0)
    busy: reactive[str] = reactive("")

    def render(self) -> Text:
        text = Text()
        text.append(self.user or "guest", style="bold")
        text.append(" · ")
        text.append(self.connection)
        if self.session_left:
            text.append(f" · session {self.session_left}")
        text.append(f" · queue {self.queue}")
        if self.busy:
            text.append(f" · {self.busy}…", style="italic")
        text.append("  F1 help · ^P palette · ^Q quit", style=palette.MUTED)
        return text
