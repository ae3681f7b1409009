"""The prompt line: ``guest@handterm ~$ `` and the input that times every keystroke.

The line is bounded (``MAX_LINE`` characters): keys beyond it are dropped with one message
per line, so a terminal without bracketed paste cannot grow it (or the keystroke timings)
without limit. While a secret is asked for, the label and the masking are one state of the
prompt line, so nothing (a status refresh, a session change) can show one without the other.
"""

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
from handterm_tui.ui import palette

HOST = "handterm"


def prompt_text(user: str | None) -> Text:
    text = Text()
    text.append(f"{user or 'guest'}@{HOST}", style=f"bold {palette.USER}")
    text.append(" ~$ ", style=f"bold {palette.PROMPT}")
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
        Binding("home,ctrl+a", "home", "Start of line, or top of the scrollback", show=False),
        Binding("end,ctrl+e", "end", "End of line, or bottom of the scrollback", show=False),
    ]

    class Cancelled(Message):
        """Ctrl+C at the prompt."""

    class HistoryStep(Message):
        def __init__(self, older: bool) -> None:
            self.older = older
            super().__init__()

    class CompleteRequested(Message):
        pass

    class ScrollRequested(Message):
        """Home/End on an empty line: the scrollback's top or bottom."""

        def __init__(self, where: str) -> None:
            self.where = where
            super().__init__()

    class PasteRefused(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class LineFull(Message):
        """Keys were dropped because the line is at its maximum length (once per line)."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def __init__(self, *, clock: Callable[[], float] | None = None, **kwargs: object) -> None:
        super().__init__(
            compact=True,
            select_on_focus=False,
            max_length=MAX_LINE,
            **kwargs,  # type: ignore[arg-type]
        )
        self._clock = clock or (lambda: time.monotonic() * 1000.0)
        self._last_key_ms: float | None = None
        self.keystrokes: list[Keystroke] = []
        self._full_told = False  # the "line is full" message is given once per line

    asking = False  # a secret or a code is being asked for (set through PromptLine only)

    @property
    def secret(self) -> bool:
        """While True nothing typed is timed or kept (set through PromptLine only)."""
        return self.password or self.asking

    def reset_timing(self) -> None:
        self.keystrokes = []
        self._last_key_ms = None
        self._full_told = False

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
            if self.drops(event):
                event.stop()
                event.prevent_default()
                return
            self._note(event.character)
        # Input._on_key runs after this one (Textual dispatches down the MRO).

    def drops(self, event: events.Key) -> bool:
        """True when the line is full and ``event`` would add to it: drop it, untimed.

        The app asks this before forwarding a key, so a flood of keys costs almost nothing.
        """
        if not event.is_printable or len(self.value) < MAX_LINE or not self.selection.is_empty:
            return False
        self._tell_full()
        return True

    def _tell_full(self) -> None:
        if self._full_told:
            return
        self._full_told = True
        self.post_message(
            self.LineFull(
                f"The line is full ({MAX_LINE:,} characters): further keys are dropped. "
                "Press Enter to run it or Ctrl+C to clear it."
            )
        )

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

    def action_home(self, select: bool = False) -> None:
        # On an empty line there is nothing to move through: Home reaches the scrollback.
        if not self.value and not select:
            self.post_message(self.ScrollRequested("home"))
        else:
            super().action_home(select)

    def action_end(self, select: bool = False) -> None:
        if not self.value and not select:
            self.post_message(self.ScrollRequested("end"))
        else:
            super().action_end(select)

    def action_complete(self) -> None:
        self.post_message(self.CompleteRequested())

    def action_cancel_line(self) -> None:
        self.post_message(self.Cancelled())


class PromptLine(Horizontal):
    """``user@handterm ~$`` followed by the input.

    It owns one state: normal (the ``user@handterm`` label, input shown and timed) or secret
    (the question as label, input masked and not timed). Label and masking are always set
    together from that state, by :meth:`_apply`.
    """

    DEFAULT_CSS = """
    PromptLine { height: 1; }
    PromptLine > #prompt-label { width: auto; }
    PromptLine > PromptInput { width: 1fr; border: none; padding: 0; height: 1; }
    """

    def __init__(self, user: str | None, *, clock: Callable[[], float] | None = None) -> None:
        super().__init__(id="prompt-line")
        self._user = user
        self._clock = clock
        self._secret_label: str | None = None  # None: the normal prompt
        self._masked = True  # while a secret is asked: masked (passwords) or not (codes)

    def compose(self) -> ComposeResult:
        yield Static(prompt_text(self._user), id="prompt-label")
        yield PromptInput(clock=self._clock, id="prompt")

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def asking_secret(self) -> str | None:
        """The question while a secret is asked for, else None."""
        return self._secret_label

    def label_text(self) -> Text:
        if self._secret_label is not None:
            return Text(self._secret_label.rstrip() + " ", style="bold")
        return prompt_text(self._user)

    def set_user(self, user: str | None) -> None:
        """Who is signed in; shown in the label once no secret is being asked for."""
        self._user = user
        self._apply()

    def ask_secret(self, label: str, *, masked: bool = True) -> None:
        """Ask for a secret: the label becomes the question and the input is masked (a
        short-lived code, ``masked=False``, is shown as typed, never timed or kept)."""
        self._secret_label = label
        self._masked = masked
        self._clear()
        self._apply()

    def end_secret(self) -> None:
        """Back to the normal prompt: the label and an unmasked input."""
        self._secret_label = None
        self._clear()
        self._apply()

    def _clear(self) -> None:
        # Nothing typed carries over between a command and a secret, or between two secrets.
        self.input.value = ""
        self.input.reset_timing()

    def _apply(self) -> None:
        """Label and masking from the one state, always together."""
        self.input.asking = self._secret_label is not None
        self.input.password = self.input.asking and self._masked
        self.query_one("#prompt-label", Static).update(self.label_text())
