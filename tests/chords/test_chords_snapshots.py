"""Snapshots of the chords screen at 80x24 and 120x40, and without colour.

Deterministic: a fixed, seeded learner history (tests/chords/chord_synth.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from chord_synth import seed_learner

from handterm_tui.app_factory import open_store

SIZES = [(80, 24), (120, 40)]
ids = lambda s: f"{s[0]}x{s[1]}"  # noqa: E731


def seeded() -> None:
    store = open_store()
    seed_learner(store)
    store.close()


async def open_chords(pilot: Any) -> None:
    pilot.app.open_screen("chords", {})
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_chords_screen(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    seeded()
    assert snap_compare(make_app(), run_before=open_chords, terminal_size=size)


def test_chords_screen_without_colour(
    snap_compare: Any, make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    seeded()
    assert snap_compare(make_app(), run_before=open_chords, terminal_size=(80, 24))


class Frozen:
    def __init__(self) -> None:
        self.ms = 1000.0

    def __call__(self) -> float:
        return self.ms


def test_drill_while_typing(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    seeded()
    clock = Frozen()

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("drill", {"minutes": 2})
        await pilot.pause()
        screen = pilot.app.screen
        for c in screen.game.text[:9]:
            clock.ms += 210.0
            screen.game.press(c, clock.ms)
        screen._edited()
        await pilot.pause()

    assert snap_compare(make_app(monotonic_ms=clock), run_before=run_before, terminal_size=(80, 24))


def test_drill_summary(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    seeded()
    clock = Frozen()

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("drill", {})
        await pilot.pause()
        screen = pilot.app.screen
        for _ in range(2):
            for c in screen.game.text:
                clock.ms += 190.0
                screen.game.press(c, clock.ms)
            screen._edited()
            await pilot.pause()
            screen._enter()
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(make_app(monotonic_ms=clock), run_before=run_before, terminal_size=(80, 24))
