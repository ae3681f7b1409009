"""The stats screen: WPM and accuracy over time, best per phrase, the ten slowest keys.

It renders the same text as the ``stats`` command (``core.progress``), laid out side by
side when the terminal is wide enough.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from handterm_tui.commands.builtin import target_wpm
from handterm_tui.commands.practice import load_progress
from handterm_tui.core import progress
from handterm_tui.ui.keyguard import KeyGuard

WIDE = 110  # columns from which the two tables sit side by side


class StatsScreen(KeyGuard, Screen[None]):
    DEFAULT_CSS = """
    StatsScreen { layout: vertical; }
    StatsScreen #stats-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    StatsScreen #stats-body { padding: 0 1; }
    StatsScreen #stats-chart { height: auto; margin-top: 1; }
    StatsScreen #stats-tables { height: auto; layout: vertical; }
    StatsScreen.-wide #stats-tables { layout: horizontal; }
    StatsScreen #stats-best, StatsScreen #stats-slow { height: auto; margin-top: 1; width: 1fr; }
    StatsScreen #stats-help { dock: bottom; height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", priority=True),
        Binding("q", "close", "Back", show=False),
        Binding("ctrl+c", "close", "Back", priority=True, show=False),
    ]

    def __init__(self, prog: progress.Progress, target: int) -> None:
        super().__init__(id="stats")
        self.progress = prog
        self.target = target

    def compose(self) -> ComposeResult:
        yield Static(id="stats-title")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-chart")
            with Horizontal(id="stats-tables"):
                yield Static(id="stats-best")
                yield Static(id="stats-slow")
        yield Static("↑/↓ scroll · Esc or q: back to the prompt", id="stats-help")

    def on_mount(self) -> None:
        self._fill(self.app.size.width)
        self.query_one("#stats-body").focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fill(event.size.width)

    def _fill(self, width: int) -> None:
        prog = self.progress
        achieved = len(prog.achieved)
        plays = len(prog.points)
        self.query_one("#stats-title", Static).update(
            f"Your typing · {plays} game{'s' if plays != 1 else ''} · {achieved} "
            f"phrase{'s' if achieved != 1 else ''} achieved · target {self.target} WPM"
        )
        self.set_class(width >= WIDE, "-wide")
        inner = max(20, width - 4)
        if not prog.points:
            self.query_one("#stats-chart", Static).update(progress.render_text(prog, self.target))
            return
        self.query_one("#stats-chart", Static).update("\n".join(progress.chart_lines(prog, inner)))
        rows = 15 if width >= WIDE else None
        self.query_one("#stats-best", Static).update("\n".join(progress.best_lines(prog, rows)))
        self.query_one("#stats-slow", Static).update("\n".join(progress.slow_lines(prog)))

    def action_close(self) -> None:
        self.dismiss(None)


def open_screen(app: App[Any], **_: Any) -> None:
    ctx = getattr(app, "ctx", None)
    if ctx is None:
        return
    app.push_screen(StatsScreen(load_progress(ctx), target_wpm(ctx)))
