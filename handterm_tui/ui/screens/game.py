"""The game screen: type a phrase, see honest figures, keep the result as a record."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from handterm_tui.commands.builtin import target_wpm
from handterm_tui.commands.practice import load_progress
from handterm_tui.core import phrases
from handterm_tui.core.phrases import Phrase
from handterm_tui.core.practice import (
    Game,
    GameResult,
    choose_next,
    result_lines,
    result_record,
)
from handterm_tui.core.records import Record
from handterm_tui.ui.frame_timer import paint_when_asked
from handterm_tui.ui.keyguard import KeyGuard
from handterm_tui.ui.widgets.fitline import FitLine
from handterm_tui.ui.widgets.practice import TypingArea, clock_text

TICK_S = 0.1  # the web's timer shows tenths of a second


def app_clock(app: App[Any]) -> Callable[[], float]:
    """The app's monotonic ms clock (tests freeze it), else the real one."""
    clock = getattr(app, "monotonic_ms", None)
    if callable(clock):
        return clock  # type: ignore[no-any-return]
    return lambda: time.monotonic() * 1000.0


def missing_words(game: Game) -> str:
    """What Enter on an unfinished phrase is told: what is still missing, not just "no"."""
    from handterm_tui.core.stats import display_char

    left = len(game.text) - game.correct_prefix
    if game.uncorrected:
        fix = f"{game.uncorrected} wrong character{'s' if game.uncorrected != 1 else ''}"
        return f"Not finished: Backspace over the {fix}, then {left} more to type."
    nxt = display_char(game.expected) if game.expected else ""
    return (
        f"Not finished: {left} more character{'s' if left != 1 else ''} to type "
        f"(next: {nxt}). Esc leaves."
    )


class Practising:
    """What the game and the drill share: the app's command context and the WPM to beat."""

    app: App[Any]

    @property
    def ctx(self) -> Any:
        return getattr(self.app, "ctx", None)

    @property
    def target(self) -> int:
        return target_wpm(self.ctx) if self.ctx is not None else 25


class GameScreen(Practising, KeyGuard, Screen[None]):
    DEFAULT_CSS = """
    GameScreen { layout: vertical; }
    GameScreen #game-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    GameScreen #result { height: auto; margin: 1 1 0 1; padding: 0 1; border: round $success;
                         display: none; }
    GameScreen #result.-shown { display: block; }
    GameScreen #result.-missed { border: round $warning; }
    GameScreen #game-help { dock: bottom; height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "leave", "Back", priority=True),
        Binding("ctrl+c", "leave", "Back", priority=True, show=False),
    ]

    def __init__(self, phrase: Phrase, *, catalogue: phrases.Catalogue | None = None) -> None:
        super().__init__(id="game")
        self.catalogue = catalogue or phrases.load()
        self.game = Game(phrase)
        self.result: GameResult | None = None
        self.record: Record | None = None
        self.next_phrase: Phrase | None = None
        self._ticker: Timer | None = None

    # -- set-up ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._clock = app_clock(self.app)
        yield Static(self._title(), id="game-title")
        # Phrase, typed line, guide, the next chord's presses on the hand, clock: one widget.
        yield TypingArea(
            self.game,
            clock=self._clock,
            clock_line=lambda: clock_text(self.game, self._clock_now(), self.target),
            on_edit=self._edited,
            on_enter=self._enter,
            on_other_key=self._key_after_result,
            id="board",
        )
        yield Static(id="result")
        yield FitLine(*self._help(), id="game-help")

    def on_mount(self) -> None:
        # The heap so far lives as long as the app: frozen, a full collection mid-game
        # scans only what is new (whole-heap passes took 20-40 ms, held up a key's frame).
        gc.freeze()
        # Looked up once: a DOM query per keystroke would cost more than the redraw.
        self._typing = self.query_one(TypingArea)
        self._typing.focus()
        self._ticker = self.set_interval(TICK_S, self._tick, pause=True)
        # A key typed just after a clock tick's frame waited for the next frame slot (p99
        # of a learner's keys, 150 ms apart: 32 ms against a bare Input's 10).
        paint_when_asked(self)

    def _title(self) -> Text:
        p = self.game.phrase
        out = Text()
        out.append(f"play {p.key}", style="bold")
        out.append(
            f" · level {p.level} {phrases.LEVEL_NAMES.get(p.level, '')} · target {self.target} WPM"
        )
        return out

    def _help(self) -> tuple[str, ...]:
        """The key line, longest wording first (FitLine shows the one that fits)."""
        if self.result is None:
            return (
                "Type the phrase · Backspace fixes · empty line restarts · Esc leaves",
                "Backspace fixes · empty line restarts · Esc leaves",
                "Backspace fixes · Esc leaves",
            )
        nxt = f" ({self.next_phrase.key})" if self.next_phrase else ""
        return (
            f"Enter: next phrase{nxt} · r: again · Esc: back to the prompt",
            f"Enter: next{nxt} · r: again · Esc: back",
            "Enter next · r again · Esc back",
        )

    # -- per keystroke (keep it small) --------------------------------------------

    def _clock_now(self) -> float:
        # The clock is read only while playing: a frozen result stays frozen.
        game = self.game
        if game.started_ms is None or game.done:
            return game.finished_ms or 0.0
        return self._now

    _now = 0.0

    _key_at = 0.0  # time.monotonic() of the last key (wall time: the app clock may be frozen)

    def _edited(self) -> None:
        self._key_at = time.monotonic()
        game = self.game
        self._now = game.strokes[-1].at_ms if game.strokes else 0.0
        running = game.started_ms is not None and not game.done
        if self._ticker is not None:
            if running:
                self._ticker.resume()
            else:
                self._ticker.pause()
        # One redraw in the key's own frame: the rows that changed (typed line, phrase,
        # guide, the hand when the next chord differs, the clock). The 0.1 s tick redraws
        # the clock only when no key came for a tick: a tick frame of its own would hold up
        # the next key's frame by up to one frame interval.
        self._typing.redraw()
        if game.done and self.result is None:
            self._finished()

    def _tick(self) -> None:
        if time.monotonic() - self._key_at < TICK_S * 0.9:
            return  # a key drew the clock within this tick; the typist is not pausing
        self._now = self._clock()
        self._typing.redraw()  # repaints only the rows that changed: the clock

    def _enter(self) -> None:
        if self.result is not None:
            self.action_next()
        else:
            self.notify(missing_words(self.game), timeout=3)

    def _key_after_result(self, event: events.Key) -> bool:
        if event.character in ("r", "R"):
            self.start(self.game.phrase)
            return True
        return False

    # -- the end of a phrase ---------------------------------------------------------

    def _finished(self) -> None:
        result = self.game.result()
        self.result = result
        target = self.target
        record = result_record(result, target)
        if self.ctx is not None:
            record.owner = self.ctx.owner()
            self.record = self.ctx.store.records.add(record)
            added = getattr(self.app, "record_added", None)
            if callable(added):
                added(self.record)
            prog = load_progress(self.ctx)
            # Seeded by the number of games: varied from game to game, yet repeatable
            # for the same history (snapshots and bug reports see the same choice).
            rng = random.Random(len(prog.points))
            self.next_phrase = choose_next(
                self.catalogue.phrases, prog.achieved, prog.key_means(), rng, current=result.key
            )
        else:
            self.record = record
        panel = self.query_one("#result", Static)
        panel.update("\n".join(result_lines(result, target)))
        panel.set_class(not result.achieved(target), "-missed")
        panel.add_class("-shown")
        self.query_one("#game-help", FitLine).say(*self._help())

    def start(self, phrase: Phrase) -> None:
        """Play ``phrase`` (the next one, or the same again)."""
        self.game = Game(phrase)
        self.result = None
        self.record = None
        self.next_phrase = None
        self._now = 0.0
        self._typing.new_game(self.game)
        self.query_one("#result", Static).remove_class("-shown")
        self.query_one("#game-title", Static).update(self._title())
        self.query_one("#game-help", FitLine).say(*self._help())

    def action_next(self) -> None:
        if self.next_phrase is not None:
            self.start(self.next_phrase)

    def action_leave(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
        self.dismiss(None)


def open_screen(app: App[Any], key: str | None = None, **_: Any) -> None:
    """The ``OpenScreen("game", {"key": ...})`` hook: play that phrase (or the first)."""
    catalogue = phrases.load()
    phrase = catalogue.get(key) if key else None
    if phrase is None:
        phrase = catalogue.phrases[0]
    app.push_screen(GameScreen(phrase, catalogue=catalogue))
