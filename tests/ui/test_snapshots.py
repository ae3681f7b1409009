"""Snapshots of the terminal screen at 80x24 and 120x40 (blink, clocks and config frozen).
A new store opens on the welcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

SIZES = [(80, 24), (120, 40)]


def keys(line: str) -> list[str]:
    return [{" ": "space"}.get(c, c) for c in line] + ["enter"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_empty_terminal(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_after_commands(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    press = keys("wrt buy milk") + keys("target 30") + keys("hepl") + keys("history")
    assert snap_compare(make_app(), press=press, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]) -> None:
    """Help opens at its top (it is taller than the screen)."""
    assert snap_compare(make_app(), press=["f1"], terminal_size=size)


def test_help_bottom(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    """End on the empty prompt line shows help's last lines (the keys) at 80x24."""
    assert snap_compare(make_app(), press=["f1", "end"], terminal_size=(80, 24))


def test_page_up_after_commands(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    press = keys("wrt one") + keys("special") + keys("history") + ["pageup"]
    assert snap_compare(make_app(), press=press, terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_history_recall(
    snap_compare: Any, make_app: Callable[..., Any], size: tuple[int, int]
) -> None:
    press = keys("wrt one") + keys("special") + keys("wrt two") + ["w", "up", "up"]
    assert snap_compare(make_app(), press=press, terminal_size=size)
