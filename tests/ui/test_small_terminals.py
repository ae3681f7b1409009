"""Small terminals: at 60x20 (a phone over SSH) the game keeps its chord hint, the status bar
and the key lines shorten instead of being cut, and the status bar fits 80 columns in every
state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App, ComposeResult

from handterm_tui.ui.widgets.practice import TypingArea
from handterm_tui.ui.widgets.status import StatusBar

PHONE = (60, 20)


def keys(line: str) -> list[str]:
    return [{" ": "space"}.get(c, c) for c in line] + ["enter"]


class BarApp(App[None]):
    def __init__(self, **state: Any) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        bar = StatusBar()
        for name, value in self.state.items():
            setattr(bar, name, value)
        yield bar


STATES = [
    {"user": None, "connection": "offline mode", "queue": 0},
    {"user": "alice", "connection": "online", "session_left": "59 min left", "queue": 3},
    {
        "user": "someone.with.a.long.name@example.com",
        "connection": "server unreachable",
        "session_left": "12 min left",
        "queue": 123_456,
        "busy": "Uploading ████████████████████ 1,000/2,000",
    },
    {"user": "bob", "connection": "session ended", "queue": 7, "busy": "login"},
]


@pytest.mark.parametrize("width", [80, 60, 40])
@pytest.mark.parametrize("state", STATES, ids=["offline", "online", "busy-long", "ended"])
async def test_status_bar_fits_its_width_in_every_state(state: dict[str, Any], width: int) -> None:
    app = BarApp(**state)
    async with app.run_test(size=(width, 3)) as pilot:
        await pilot.pause()
        bar = app.query_one(StatusBar)
        shown = bar.render().plain
        assert len(shown) <= width - 2  # its padding
        who = state["user"] or "guest"
        assert shown.startswith(who[:5])  # who is always there
        if width >= 60:
            assert "queue" in shown or " q " in shown


async def test_offline_at_80_keeps_every_word() -> None:
    app = BarApp(user=None, connection="offline mode", queue=2)
    async with app.run_test(size=(80, 3)) as pilot:
        await pilot.pause()
        assert app.query_one(StatusBar).render().plain == (
            "guest · offline mode · queue 2  F1 help · ^P palette · ^Q quit"
        )


def test_terminal_at_60x20(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    assert snap_compare(make_app(), terminal_size=PHONE)


def test_help_at_60x20(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    assert snap_compare(make_app(), press=["f1"], terminal_size=PHONE)


def test_game_at_60x20_keeps_the_chord_hint(
    snap_compare: Any, make_app: Callable[..., Any]
) -> None:
    assert snap_compare(make_app(), press=[*keys("play dad"), "a", "space"], terminal_size=PHONE)


def test_tutorial_at_60x20(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    assert snap_compare(make_app(), press=keys("tut"), terminal_size=PHONE)


async def test_game_hint_and_key_line_fit_at_60(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=PHONE) as pilot:
        await pilot.press(*keys("play dad"), "a")
        await pilot.pause()
        board = app.screen.query_one(TypingArea)
        rows = board.board_text().splitlines()
        assert any(row.endswith("▶ first  ■ last") for row in rows)  # the hand is there
        assert board.region.right <= 60 and all(
            len(row) <= board.content_region.width for row in rows
        )
        help_line = str(app.screen.query_one("#game-help").render())
        assert help_line.endswith("Esc leaves") and len(help_line) <= 58
