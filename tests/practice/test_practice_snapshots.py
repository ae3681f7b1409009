"""Snapshots of the game, stats and tutorial screens at 80x24 and 120x40.

Deterministic: keystrokes are fed to the game with fixed times, the app's monotonic clock
is frozen at the last of them (so the 0.1 s timer redraws the same figures), blink is off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handterm_tui.app_factory import open_store
from handterm_tui.core import phrases
from handterm_tui.core.practice import Game, result_record
from handterm_tui.core.tutorial import PROGRESS_KEY
from handterm_tui.ui.screens.game import GameScreen

SIZES = [(80, 24), (120, 40)]
ids = lambda s: f"{s[0]}x{s[1]}"  # noqa: E731


class Frozen:
    def __init__(self, ms: float) -> None:
        self.ms = ms

    def __call__(self) -> float:
        return self.ms


def feed(screen: GameScreen, events: str, start: float = 1000.0, gap: float = 180.0) -> float:
    """Type ``events`` (``\\b`` = Backspace) into the game at a steady pace; returns the end."""
    t = start
    for c in events:
        if c == "\b":
            screen.game.backspace(t)
        else:
            screen.game.press(c, t)
        t += gap
    screen._edited()
    return t - gap


def seed_games() -> None:
    """A fixed history: 18 games over a few days, some with fixed mistakes."""
    store = open_store()
    cat = phrases.load()
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    keys = ["dad", "flask", "salad", "fox", "dad", "grep", "river", "fox", "zebras"] * 2
    for i, key in enumerate(keys):
        phrase = cat.get(key)
        assert phrase is not None
        game, t = Game(phrase), 0.0
        for j, c in enumerate(phrase.text):
            if j == 4 and i % 3 == 0:
                game.press("#", t)
                game.backspace(t + 150)
                t += 300
            game.press(c, t)
            t += 110 + (i * 13) % 80 + (220 if c in "zqxkvj" else 0) + (j % 3) * 20
        record = result_record(game.result(), 25)
        record.created_at = t0 + timedelta(hours=5 * i)
        store.records.add(record)
    store.close()


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_game_while_typing_with_a_mistake(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    clock = Frozen(0.0)

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("game", {"key": "fox"})
        await pilot.pause()
        clock.ms = feed(pilot.app.screen, "The quick brpwn")
        await pilot.pause(0.15)  # one 0.1 s clock tick (the clock is frozen: same figures)

    assert snap_compare(make_app(monotonic_ms=clock), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_game_result(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    clock = Frozen(0.0)

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("game", {"key": "salad"})
        await pilot.pause()
        clock.ms = feed(pilot.app.screen, "a lx\bass had a salad")
        await pilot.pause()

    assert snap_compare(make_app(monotonic_ms=clock), run_before=run_before, terminal_size=size)


def test_game_without_colour(
    snap_compare: Any, make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    clock = Frozen(0.0)

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("game", {"key": "dad"})
        await pilot.pause()
        clock.ms = feed(pilot.app.screen, "a sad bad")
        await pilot.pause(0.15)

    assert snap_compare(make_app(monotonic_ms=clock), run_before=run_before, terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_stats(snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]) -> None:
    seed_games()

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("stats", {})
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_tutorial_step(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    store = open_store()
    store.kv.set(PROGRESS_KEY, ["enter", "fdsa", "jkl;", "1234"])
    store.close()

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("tutorial", {})
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)
