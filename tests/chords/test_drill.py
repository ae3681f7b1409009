"""Drills: which chords are open and weighted, which words are used (never secrets), and
the drill screen as a user plays it: lines stored as game results, before/after at the end."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from chord_synth import T0, game, jitter, minutes, seed_learner, timed

from handterm_tui import config
from handterm_tui.app_factory import open_store
from handterm_tui.commands import Context, Runner
from handterm_tui.commands.base import OpenScreen
from handterm_tui.commands.chords import drill_words
from handterm_tui.core import chord_figures, chord_model, drill
from handterm_tui.core.records import Record
from handterm_tui.store import Store
from handterm_tui.store.keystrokes import chord_accumulator
from handterm_tui.ui.screens.drill import DrillScreen


def report_of(store: Store) -> chord_figures.Report:
    return chord_figures.report(chord_accumulator(store.db), chord_model.load())


def practise(store: Store, text: str, ms: Callable[[str], float], games: int = 12) -> None:
    rng = random.Random(3)
    for i in range(games):
        strokes = timed(text, lambda p, c: jitter(rng, ms(c), 0.05))
        game(store, text, strokes, T0 + minutes(i))


def test_six_chords_open_first_and_the_next_opens_only_at_target() -> None:
    store = open_store()
    assert drill.plan(report_of(store), 25).open_chords == "etaoin"
    # every open chord at 300 ms (target 25 WPM = 480 ms) but 'n' at 600: nothing opens
    practise(store, "tea ton oat neat into eon", lambda c: 600.0 if c == "n" else 300.0)
    p = drill.plan(report_of(store), 25)
    assert p.open_chords == "etaoin" and p.focus[0] == "n"
    # once 'n' is fast too, 's' opens, and is drilled a bit more as the new chord
    practise(store, "tea ton oat neat into eon", lambda c: 300.0, games=40)
    p = drill.plan(report_of(store), 25)
    assert p.open_chords == "etaoins" and p.new_chord == "s"
    assert p.weights["s"] > p.weights["e"]
    # an open chord never locks again, even after a slow day
    assert drill.plan(report_of(store), 25, stored_unlocked=9).open_chords == "etaoinshr"


def test_lines_use_only_open_chords_and_favour_the_weak_ones() -> None:
    store = open_store()
    practise(store, "tea ton oat neat into eon", lambda c: 700.0 if c == "o" else 250.0)
    p = drill.plan(report_of(store), 25)
    assert p.focus[0] == "o"
    rng = random.Random(1)
    words = ["toe", "tone", "neat", "zebra", "note", "tea"]
    lines = [drill.make_line(p, words, rng) for _ in range(30)]
    text = " ".join(lines)
    assert set(text) <= set(p.open_chords + " ")
    assert "zebra" not in text and all(len(line) <= drill.LINE_CHARS for line in lines)
    o_share = text.count("o") / len(text.replace(" ", ""))
    assert o_share > 0.2  # well above its ~1/6 share of open chords


def test_drill_words_come_from_history_never_from_secrets() -> None:
    store = open_store()
    for line in ("git status", "grep toast notes", "git status"):
        store.records.add(Record(line=line, name=line.split()[0]), upload=False)
    store.records.add(Record(line="login alice ********", name="login"), upload=False)
    store.records.add(Record(line="passwd", name="passwd"), upload=False)
    ctx = Context(config=config.load(), store=store, interactive=False)
    words = drill_words(ctx)
    assert words[:2] == ["git", "status"]  # most used first
    assert "alice" not in words and "login" not in words and "passwd" not in words
    assert "toast" in words


def test_exec_drill_explains_the_plan() -> None:
    store = open_store()
    seed_learner(store)
    run = Runner(Context(config=config.load(), store=store, interactive=False)).start(
        "drill --minutes 2"
    )
    assert run.outcome.ok
    assert "chords open (etaoin" in run.outcome.text and "Timed: 2 minutes" in run.outcome.text
    assert "needs the terminal UI" in run.outcome.text
    bad = Runner(Context(config=config.load(), store=store, interactive=False)).start(
        "drill --minutes 0"
    )
    assert bad.outcome.status == 400 and "between 1 and 60" in bad.outcome.text
    tui = Runner(Context(config=config.load(), store=store, interactive=True)).start("drill")
    assert tui.outcome.action == OpenScreen("drill", {"minutes": 0})


class StepClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key_name(c: str) -> str:
    return {" ": "space", ";": "semicolon"}.get(c, c)


async def type_line(pilot: Any, clock: StepClock, text: str, gap: Callable[[str], float]) -> None:
    for c in text:
        clock.now += gap(c)
        await pilot.press(key_name(c))


async def test_a_timed_drill_stores_lines_and_ends_with_before_and_after(
    make_app: Callable[..., Any],
) -> None:
    store = open_store()
    seed_learner(store)
    before = report_of(store)
    store.close()
    clock = StepClock()
    app = make_app(monotonic_ms=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"drill --minutes 1", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        first = screen.game.text
        assert set(first) <= set(screen.plan.open_chords + " ")
        # the first line at 150 ms a chord: well under a minute
        await type_line(pilot, clock, first, lambda c: 150.0)
        await pilot.pause()
        assert screen.line_done and screen.summary is None
        await pilot.press("enter")
        second = screen.game.text
        # the second slowly (1.6 s a chord): the minute is up at its end
        await type_line(pilot, clock, second, lambda c: 1600.0)
        await pilot.pause()
        assert screen.summary is not None
        shown = "\n".join(screen.summary)
        assert "Drill over: 2 lines typed." in shown and "before (n)" in shown
        e_row = next(
            line for line in screen.summary if line.strip().startswith(screen.drilled_chords[0])
        )
        assert "(" in e_row and "ms" in e_row
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DrillScreen)
    store = open_store()
    drills = [r for r in store.records.page(kind="game", limit=50).records if r.extra.get("drill")]
    assert len(drills) == 2 and {r.extra["text"] for r in drills} == {first, second}
    assert all(r.extra["drill"] and not r.extra["achieved"] for r in drills)
    after = report_of(store)
    assert after.records == before.records + 2  # the drill fed the figures
