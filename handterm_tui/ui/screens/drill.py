"""The drill screen: lines built from your weakest chords, one after another.

Each finished line is stored as a game result (marked as a drill) and feeds the figures;
the next line is built from the figures as they are then. With ``--minutes N`` the drill
ends after N minutes (at the end of a line) with the before/after per drilled chord.
"""

from __future__ import annotations

import random
from typing import Any

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from handterm_tui.core import chord_figures, chord_model, drill
from handterm_tui.core.chord_figures import Accumulator, Report
from handterm_tui.core.chord_model import display_key
from handterm_tui.core.phrases import Phrase
from handterm_tui.core.practice import Game, result_lines, result_record
from handterm_tui.core.records import Record
from handterm_tui.ui.keyguard import KeyGuard
from handterm_tui.ui.screens.game import Practising, app_clock
from handterm_tui.ui.widgets.practice import TypingArea, clock_text

MAX_SUMMARY_CHORDS = 8
MAX_SUMMARY_PAIRS = 4


class DrillScreen(Practising, KeyGuard, Screen[None]):
    DEFAULT_CSS = """
    DrillScreen { layout: vertical; }
    DrillScreen #drill-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    DrillScreen.-over #drill-board { display: none; }
    DrillScreen #drill-result { height: auto; margin: 1 1 0 1; padding: 0 1; border: round $success;
                                display: none; }
    DrillScreen #drill-result.-shown { display: block; }
    DrillScreen #drill-help { dock: bottom; height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "leave", "Back", priority=True),
        Binding("ctrl+c", "leave", "Back", priority=True, show=False),
    ]

    def __init__(
        self,
        before: Report,
        plan: drill.Plan,
        words: list[str],
        *,
        minutes: int = 0,
        seed: int = 0,
    ) -> None:
        super().__init__(id="drill")
        self.before = before
        self.plan = plan
        self.words = words
        self.minutes = minutes
        self.rng = random.Random(seed)
        self.game = Game(Phrase("drill", 1, drill.make_line(plan, words, self.rng)))
        self.records: list[Record] = []
        self.drilled_chords: list[str] = list(plan.focus)
        self.drilled_pairs: list[str] = list(plan.focus_pairs)
        self.started_ms: float | None = None
        self.line_done = False
        self.summary: list[str] | None = None

    def compose(self) -> ComposeResult:
        self._clock = app_clock(self.app)
        yield Static(self._title(), id="drill-title")
        yield TypingArea(
            self.game,
            clock=self._clock,
            clock_line=lambda: clock_text(self.game, self._now, self.target),
            on_edit=self._edited,
            on_enter=self._enter,
            label="Line",
            id="drill-board",
        )
        yield Static(id="drill-result")
        yield Static(self._help(), id="drill-help")

    def on_mount(self) -> None:
        self._typing = self.query_one(TypingArea)
        self._typing.focus()

    _now = 0.0

    def _title(self) -> Text:
        p = self.plan
        out = Text()
        out.append("drill", style="bold")
        out.append(f" · {len(p.open_chords)} chords open · focus ")
        out.append(" ".join(display_key(c) for c in p.focus), style="bold")
        if p.focus_pairs:
            out.append(" · " + " ".join(chord_figures.pair_label(k) for k in p.focus_pairs))
        if self.minutes:
            out.append(f" · {self.minutes} min")
        return out

    def _help(self) -> str:
        if self.summary is not None:
            return "Esc or Enter: back to the prompt"
        if self.line_done:
            return "Enter: next line · Esc: end the drill"
        return "Type the line · Backspace fixes · Esc: end the drill"

    # -- typing ---------------------------------------------------------------------

    def _edited(self) -> None:
        game = self.game
        self._now = game.strokes[-1].at_ms if game.strokes else 0.0
        if self.started_ms is None and game.started_ms is not None:
            self.started_ms = game.started_ms
        self._typing.redraw()
        if game.done and not self.line_done:
            self._line_finished()

    def _enter(self) -> None:
        if self.summary is not None:
            self.dismiss(None)
        elif self.line_done:
            self._next_line()
        else:
            self.notify("Finish the line first, or Esc to end the drill.", timeout=2)

    def _line_finished(self) -> None:
        self.line_done = True
        result = self.game.result()
        record = drill.drill_record(
            result_record(result, self.target), self.game.text, self.plan.focus
        )
        ctx = self.ctx
        if ctx is not None:
            record = ctx.store.records.add(record)
            added = getattr(self.app, "record_added", None)
            if callable(added):
                added(record)
        self.records.append(record)
        lines = result_lines(result, self.target)[:3]
        if self._time_is_up():
            self._show_summary()
            return
        panel = self.query_one("#drill-result", Static)
        panel.update(
            "\n".join(lines) + "\nEnter: next line, built from your figures as they are now."
        )
        panel.add_class("-shown")
        self.query_one("#drill-help", Static).update(self._help())

    def _time_is_up(self) -> bool:
        if not self.minutes or self.started_ms is None or self.game.finished_ms is None:
            return False
        return self.game.finished_ms - self.started_ms >= self.minutes * 60_000

    def _next_line(self) -> None:
        ctx = self.ctx
        if ctx is not None:
            from handterm_tui.commands.chords import chord_report, drill_plan

            self.plan = drill_plan(ctx, chord_report(ctx))
        for c in self.plan.focus:
            if c not in self.drilled_chords:
                self.drilled_chords.append(c)
        for pair in self.plan.focus_pairs:
            if pair not in self.drilled_pairs:
                self.drilled_pairs.append(pair)
        self.game = Game(Phrase("drill", 1, drill.make_line(self.plan, self.words, self.rng)))
        self.line_done = False
        self._now = 0.0
        self._typing.new_game(self.game)
        self.query_one("#drill-result", Static).remove_class("-shown")
        self.query_one("#drill-title", Static).update(self._title())
        self.query_one("#drill-help", Static).update(self._help())

    # -- the end: what improved ------------------------------------------------------

    def session_report(self) -> Report:
        acc = Accumulator()
        for i, record in enumerate(self.records, start=1):
            strokes = drill.strokes_of(record.keystrokes)
            acc.add(i, record.created_at, strokes, str(record.extra.get("text", "")))
        return chord_figures.report(acc, chord_model.load())

    def _show_summary(self) -> None:
        # The chords drilled longest first; a screen's worth of rows (fits 80x24).
        items = drill.changes(
            self.before,
            self.session_report(),
            self.drilled_chords[:MAX_SUMMARY_CHORDS],
            self.drilled_pairs[:MAX_SUMMARY_PAIRS],
        )
        lines = len(self.records)
        self.add_class("-over")
        self.summary = [
            f"Drill over: {lines} line{'s' if lines != 1 else ''} typed.",
            *drill.change_lines(items),
        ]
        panel = self.query_one("#drill-result", Static)
        panel.update("\n".join(self.summary))
        panel.add_class("-shown")
        self.query_one("#drill-help", Static).update(self._help())

    def on_key(self, event: events.Key) -> None:
        # The typing area is hidden with the summary: Enter reaches the screen.
        if self.summary is not None and event.key == "enter":
            event.stop()
            self.dismiss(None)

    def action_leave(self) -> None:
        if self.summary is None and self.records:
            self._show_summary()
            return
        self.dismiss(None)


def open_screen(app: App[Any], minutes: int = 0, **_: Any) -> None:
    from handterm_tui.commands.chords import chord_report, drill_plan, drill_words

    ctx = getattr(app, "ctx", None)
    if ctx is None:
        return
    before = chord_report(ctx)
    plan = drill_plan(ctx, before)
    app.push_screen(
        DrillScreen(before, plan, drill_words(ctx), minutes=minutes, seed=before.samples)
    )
