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
