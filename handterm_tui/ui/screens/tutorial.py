"""The tutorial screen: one step at a time, its chords, a line to type; progress is kept."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from handterm_tui.core.records import Record
from handterm_tui.core.tutorial import PROGRESS_KEY, Tutorial
from handterm_tui.ui import palette
from handterm_tui.ui.keyguard import KeyGuard
from handterm_tui.ui.widgets.fitline import FitLine
from handterm_tui.ui.widgets.hand import chord_hint_text


class TutorialScreen(KeyGuard, Screen[None]):
    DEFAULT_CSS = """
    TutorialScreen { layout: vertical; }
    TutorialScreen #tut-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    TutorialScreen #tut-step { height: auto; padding: 1 1 0 1; }
    TutorialScreen #tut-chords { height: auto; padding: 1 1 0 1; }
    TutorialScreen #tut-input-row { height: auto; }
    TutorialScreen #tut-input { margin: 1 1 0 1; width: 1fr; max-width: 40; min-width: 16; }
    TutorialScreen #tut-hand { width: 26; height: auto; margin: 1 1 0 2; }
    TutorialScreen #tut-feedback { height: auto; padding: 1 1 0 1; }
    TutorialScreen #tut-help { dock: bottom; height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", priority=True),
        Binding("ctrl+c", "close", "Back", priority=True, show=False),
    ]

    def __init__(self, tutorial: Tutorial) -> None:
        super().__init__(id="tutorial")
        self.tutorial = tutorial
        self._done_at_start = len(tutorial.done)

    def compose(self) -> ComposeResult:
        yield Static(id="tut-title")
        yield Static(id="tut-step")
        yield Static(id="tut-chords")
        with Horizontal(id="tut-input-row"):
            yield Input(placeholder="type here, then Enter", id="tut-input")
            # The next key's chord, presses numbered in order.
            yield Static(id="tut-hand")
        yield Static(id="tut-feedback")
        yield FitLine(
            "Enter checks the line (it is never run as a command) · Esc: back",
            "Enter checks the line · Esc: back",
            id="tut-help",
        )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self._show_step()
        field.focus()

    def _show_step(self) -> None:
        tut = self.tutorial
        total = len(tut.steps)
        step = tut.current
        title = self.query_one("#tut-title", Static)
        if step is None:
            title.update(f"Tutorial · complete ({total}/{total})")
            self.query_one("#tut-step", Static).update(
                "You finished the tutorial. `play` starts the phrases game; "
                "`tut --reset` starts the tutorial again."
            )
            self.query_one("#tut-chords", Static).update("")
            self.query_one(Input).display = False
            self.query_one("#tut-help", FitLine).say("Enter or Esc: back to the prompt")
            return
        title.update(f"Tutorial · step {tut.position}/{total}: {step.title}")
        body = Text(step.hint, style=palette.SALMON)  # the web's light salmon
        body.append("\n\nType  ", style=palette.MUTED)
        body.append(step.text or "(nothing: just press Enter)", style="bold")
        self.query_one("#tut-step", Static).update(body)
        chords = Text("Chords  ", style=palette.MUTED)
        chords.append("   ".join(step.chord_hints()), style=f"bold {palette.HINT}")
        self.query_one("#tut-chords", Static).update(chords)
        self._show_next_chord(self.query_one(Input).value)

    def _show_next_chord(self, typed: str) -> None:
        step = self.tutorial.current
        hand = self.query_one("#tut-hand", Static)
        if step is None:
            hand.update("")
            return
        text = step.text
        if not text.startswith(typed):
            nxt = "Backspace"  # fix the mistake first
        else:
            nxt = text[len(typed)] if len(typed) < len(text) else "\r"
        hand.update(chord_hint_text(nxt))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show_next_chord(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        tut = self.tutorial
        step = tut.current
        feedback = self.query_one("#tut-feedback", Static)
        if step is None:
            return
        if tut.submit(event.value):
            ctx = getattr(self.app, "ctx", None)
            if ctx is not None:
                ctx.store.kv.set(PROGRESS_KEY, list(tut.done))
            feedback.update(Text(f"✓ {step.title}: done.", style=f"bold {palette.PROMPT}"))
            event.input.value = ""
            self._show_step()
        else:
            want = step.text or "an empty line"
            feedback.update(
                Text(f"✗ Not quite ({event.value!r}): type {want}, then Enter.", style="bold")
            )
            event.input.value = ""

    def on_key(self, event: Any) -> None:
        if self.tutorial.finished and getattr(event, "key", "") == "enter":
            event.stop()
            self.action_close()

    def action_close(self) -> None:
        self._record_progress()
        self.dismiss(None)

    def _record_progress(self) -> None:
        """Steps done here leave a record saying where the tutorial now stands (the `tut`
        record was written before they were)."""
        ctx = getattr(self.app, "ctx", None)
        if ctx is None or len(self.tutorial.done) == self._done_at_start:
            return
        record = Record(line="tut", name="tut", response=self.tutorial.describe())
        record.owner = ctx.owner()
        stored = ctx.store.records.add(record, history=False)
        added = getattr(self.app, "record_added", None)
        if callable(added):
            added(stored)


def open_screen(app: App[Any], **_: Any) -> None:
    ctx = getattr(app, "ctx", None)
    stored = ctx.store.kv.get(PROGRESS_KEY, []) if ctx is not None else []
    app.push_screen(TutorialScreen(Tutorial.from_stored(stored)))
