"""The chords screen: the hand with each position's speed and errors, and the ten slowest
chords and transitions with their trend over the last sessions. Fits 80x24.

It draws the same figures as the ``chords`` command (``core.chord_figures``).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from handterm_tui.core import chord_figures
from handterm_tui.core.chord_figures import Report
from handterm_tui.ui.keyguard import KeyGuard
from handterm_tui.ui.widgets.hand import HandDiagram


class ChordsScreen(KeyGuard, Screen[None]):
    DEFAULT_CSS = """
    ChordsScreen { layout: vertical; }
    ChordsScreen #chords-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    ChordsScreen #chords-body { padding: 0 1; }
    ChordsScreen #chords-tables { height: auto; margin-top: 1; }
    ChordsScreen #chords-slow { width: auto; height: auto; margin-right: 2; }
    ChordsScreen #chords-pairs { width: auto; height: auto; }
    ChordsScreen #chords-note { height: auto; color: $text-muted; }
    ChordsScreen #chords-help { dock: bottom; height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", priority=True),
        Binding("q", "close", "Back", show=False),
        Binding("d", "drill", "Drill", show=False),
        Binding("ctrl+c", "close", "Back", priority=True, show=False),
    ]

    def __init__(self, rep: Report) -> None:
        super().__init__(id="chords")
        self.report = rep

    def compose(self) -> ComposeResult:
        yield Static(id="chords-title")
        with VerticalScroll(id="chords-body"):
            yield HandDiagram(self.report, id="chords-hand")
            with Horizontal(id="chords-tables"):
                yield Static(id="chords-slow")
                yield Static(id="chords-pairs")
            yield Static(id="chords-note")
        yield Static(
            "now: ms smoothed over sessions · trend: per session · d: drill · Esc: back",
            id="chords-help",
        )

    def on_mount(self) -> None:
        self._fill(self.app.size.width)
        self.query_one("#chords-body").focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fill(event.size.width)

    def _fill(self, width: int) -> None:
        rep = self.report
        self.query_one("#chords-title", Static).update(
            f"Chords · {chord_figures.summary_line(rep)}"
        )
        chords, pairs = chord_figures.chord_tables(rep, width)
        self.query_one("#chords-slow", Static).update("\n".join(chords))
        self.query_one("#chords-pairs", Static).update("\n".join(pairs))
        self.query_one("#chords-note", Static).update(
            chord_figures.unranked_line(rep, max(20, width - 4))
        )

    def action_drill(self) -> None:
        self.dismiss(None)
        open_screen_named = getattr(self.app, "open_screen", None)  # HandtermApp's hook
        if callable(open_screen_named):
            open_screen_named("drill", {})

    def action_close(self) -> None:
        self.dismiss(None)


def open_screen(app: App[Any], include_prompt: bool = False, **_: Any) -> None:
    from handterm_tui.commands.chords import chord_report

    ctx = getattr(app, "ctx", None)
    if ctx is None:
        return
    app.push_screen(ChordsScreen(chord_report(ctx, include_prompt=include_prompt)))
