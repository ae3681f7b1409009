"""The next-key hint draws the chord's presses on the small hand, numbered in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handterm_tui.app_factory import open_store
from handterm_tui.core import chord_model
from handterm_tui.core.chord_model import Position, press_cells, press_lines
from handterm_tui.core.tutorial import PROGRESS_KEY
from handterm_tui.ui.widgets.practice import TypingArea


def test_presses_are_numbered_in_order_with_start_and_stop_marks() -> None:
    model = chord_model.load()
    t_upper = model.get("T")  # 512: Shift (thumb mid), index tip, middle tip
    assert t_upper is not None
    assert press_cells(t_upper) == {
        Position(0, 1): "▶1",
        Position(1, 0): "2",
        Position(2, 0): "3■",
    }
    # a repeated press lists every step on its position
    percent = model.get("%")  # 5050
    assert percent is not None
    assert press_cells(percent) == {Position(0, 1): "▶1,3", Position(0, 0): "2,4■"}
    lines = press_lines(model.get("f"))  # type: ignore[arg-type]
    assert lines[2].split() == ["index", "·", "·", "▶1■"]  # base, mid, tip


async def test_the_game_hint_follows_the_next_key(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_screen("game", {"key": "fox"})
        await pilot.pause()
        board = app.screen.query_one(TypingArea)
        first = board.board_text()
        assert "thumb    ·   ▶1    ·" in first and "middle   ·    ·   3■" in first  # T
        await pilot.press("T")
        await pilot.pause()  # the hint follows in the key's own frame, not a tick later
        after = board.board_text()  # h = 76: middle mid, then index mid
        assert "middle   ·   ▶1    ·" in after and "index    ·   2■    ·" in after
        assert "▶ first  ■ last" in after


async def test_the_tutorial_hint_follows_what_is_typed(make_app: Callable[..., Any]) -> None:
    store = open_store()
    store.kv.set(PROGRESS_KEY, ["enter", "fdsa", "jkl;", "1234"])  # next: zxcv
    store.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_screen("tutorial", {})
        await pilot.pause()
        hand = app.screen.query_one("#tut-hand")
        assert "pinky    ·    ·   ▶1" in str(hand.render())  # z = 48
        await pilot.press("z")
        await pilot.pause()
        assert "pinky    ·   2■    ·" in str(hand.render())  # x = 39: ring tip, pinky mid
        await pilot.press("q")  # a mistake: the hint is Backspace (index base)
        await pilot.pause()
        assert "index   ▶1■" in str(hand.render())
