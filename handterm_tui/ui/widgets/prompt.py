"""The prompt line: ``guest@handterm ~$ `` and the input that times every keystroke."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from handterm_tui.commands.runner import MAX_LINE
from handterm_tui.core.stats import Keystroke

HOST = "handterm"


def prompt_text(user: str | None) -> Text:
    text = Text()
    text.append(f"{user or 'guest'}@{HOST}", style="bold blue")
    text.append(" ~$ ", style="bold green")
    return text


def _clean(text: str) -> str:
    """Control characters never reach a command line; tabs become spaces."""
    return "".join(" " if c == "\t" else c for c in text if c == "\t" or c.isprintable())


class PromptInput(Input):
    """An Input that keeps keystroke timings and hands Up/Down/Tab/Ctrl+C to the screen."""

    BINDINGS = [
        Binding("up", "history_up", "Previous command", show=False),
        Binding("down", "history_down", "Next command", show=False),
        Binding("tab", "complete", "Complete", show=False),
        Binding("ctrl+c", "cancel_line", "Cancel the line", show=False),
    ]

    class Cancelled(Message):
        """Ctrl+C at the prompt."""

    class HistoryStep(Message):
        def __init__(self, older: bool) -> None:
            self.older = older
            super().__init__()

    class CompleteRequested(Message):
        pass

    class PasteRefused(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def __init__(self, *, clock: Callable[[], float] | None = None, **kwargs: object) -> None:
        super().__init__(compact=True, select_on_focus=False, **kwargs)  # type: ignore[arg-type]
        self._clock = clock or (lambda: time.monotonic() * 1000.0)
        self._last_key_ms: float | None = None
        self.keystrokes: list[Keystroke] = []
        self.secret = False  # while True nothing typed is timed or kept

    def reset_timing(self) -> None:
        self.keystrokes = []
        self._last_key_ms = None

    def note_enter(self) -> None:
        """Enter counts as a keystroke (the web times it too)."""
        self._note("\r")

    def _note(self, char: str) -> None:
        if self.secret:
            return
        now = self._clock()
        interval = None if self._last_key_ms is None else max(0.0, now - self._last_key_ms)
        self._last_key_ms = now
        self.keystrokes.append(Keystroke(char, interval))

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None:
            if not event.character.isprintable():
                event.stop()
                event.prevent_default()
                return
            self._note(event.character)
        # Input._on_key runs after this one (Textual dispatches down the MRO).

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # replaces Input's paste, which would insert it again
        lines = [line for line in event.text.splitlines() if line.strip()] or [""]
        first = _clean(lines[0])
        if len(self.value) + len(first) > MAX_LINE:
            self.post_message(
                self.PasteRefused(
                    f"Paste refused: {len(first):,} characters, the limit for one line is "
                    f"{MAX_LINE:,}. Nothing was inserted."
                )
            )
            return
        if len(lines) > 1:
            self.post_message(
                self.PasteRefused(
                    f"Pasted the first of {len(lines)} lines; a command is one line. "
                    "The rest stay in your clipboard."
                )
            )
        self.insert_text_at_cursor(first)

    def action_history_up(self) -> None:
        self.post_message(self.HistoryStep(older=True))

    def action_history_down(self) -> None:
        self.post_message(self.HistoryStep(older=False))

    def action_complete(self) -> None:
        self.post_message(self.CompleteRequested())

    def action_cancel_line(self) -> None:
        self.post_message(self.Cancelled())


class PromptLine(Horizontal):
    """``user@handterm ~$`` followed by the input."""

    DEFAULT_CSS = """
    PromptLine { height: 1; }
    PromptLine > #prompt-label { width: auto; }
    PromptLine > PromptInput { width: 1fr; border: none; padding: 0; height: 1; }
    """

    def __init__(self, user: str | None, *, clock: Callable[[], float] | None = None) -> None:
        super().__init__(id="prompt-line")
        self._user = user
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Static(prompt_text(self._user), id="prompt-label")
        yield PromptInput(clock=self._clock, id="prompt")

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    def set_user(self, user: str | None) -> None:
        self._user = user
        self.query_one("#prompt-label", Static).update(prompt_text(user))

    def set_label(self, label: str | None) -> None:
        """A different label while asking for a secret; None restores the prompt."""
        widget = self.query_one("#prompt-label", Static)
        widget.update(prompt_text(self._user) if label is None else Text(label, style="bold"))
