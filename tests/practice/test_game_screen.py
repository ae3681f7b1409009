"""Pilot tests: play a phrase like a user, with timed key presses, and check what is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from handterm_tui.app_factory import open_store
from handterm_tui.ui.screens.game import GameScreen
from handterm_tui.ui.widgets.practice import TypingArea


class StepClock:
    """Monotonic ms that the test sets before each key press."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key_name(c: str) -> str:
    return {" ": "space", ";": "semicolon"}.get(c, c)


async def type_timed(pilot: Any, clock: StepClock, text: str, gap_ms: float) -> None:
    for c in text:
        await pilot.press(key_name(c))
        clock.now += gap_ms


async def run_command(pilot: Any, line: str) -> None:
    await pilot.press(*[key_name(c) for c in line], "enter")
    await pilot.pause()


async def test_playing_a_phrase_stores_an_honest_result(make_app: Callable[..., Any]) -> None:
    clock = StepClock()
    app = make_app(monotonic_ms=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "play salad")
        screen = app.screen
        assert isinstance(screen, GameScreen) and screen.game.text == "a lass had a salad"
        # a mistake, fixed: "a lx" <bs> "ass had a salad", one key per 200 ms
        await type_timed(pilot, clock, "a lx", 200)
        await pilot.press("backspace")
        clock.now += 200
        assert screen.game.errors == 1 and screen.game.corrected == 1
        await type_timed(pilot, clock, "ass had a sala", 200)
        await pilot.press("enter")  # never runs anything while playing
        assert app.screen is screen and not screen.game.done
        await pilot.press("d")
        await pilot.pause()
        assert screen.result is not None
        shown = str(screen.query_one("#result").render())
        assert "Net WPM" in shown and "Web figure" in shown
    store = open_store()
    game = store.records.page(kind="game", limit=5).records
    assert len(game) == 1
    rec = game[0]
    assert rec.name == "play" and rec.line == "play salad" and rec.kind == "game"
    extra = rec.extra
    assert extra["phrase"] == "salad" and extra["errors"] == 1 and extra["corrected"] == 1
    # 19 character keys (x included): 18 gaps of 200 ms plus 200 ms for the backspace
    assert extra["elapsed_ms"] == pytest.approx(3800.0)
    assert extra["accuracy"] == pytest.approx(100 * 18 / 19, abs=1e-3)
    assert extra["net_wpm"] == pytest.approx((17 / 5) / (3800 / 60000), abs=1e-3)  # 53.7
    assert rec.gross_wpm == pytest.approx((18 / 5) / (3800 / 60000))  # 56.8
    assert extra["achieved"] is True and extra["target"] == 25


async def test_enter_moves_on_to_the_next_phrase_and_esc_leaves(
    make_app: Callable[..., Any],
) -> None:
    clock = StepClock()
    app = make_app(monotonic_ms=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "play dad")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        await type_timed(pilot, clock, "a sad dad asks a lad", 100)
        await pilot.pause()
        assert screen.result is not None and screen.next_phrase is not None
        upcoming = screen.next_phrase
        assert upcoming.key != "dad"
        await pilot.press("enter")
        assert screen.game.text == upcoming.text and screen.result is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, GameScreen)
        records = [w.record for w in app.screen.query("RecordView")]  # type: ignore[attr-defined]
        assert any(r.kind == "game" and r.extra.get("phrase") == "dad" for r in records)


async def test_ctrl_c_leaves_without_a_result(make_app: Callable[..., Any]) -> None:
    app = make_app(monotonic_ms=StepClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "play fox")
        assert isinstance(app.screen, GameScreen)
        await pilot.press("T", "h", "ctrl+c")
        await pilot.pause()
        assert not isinstance(app.screen, GameScreen)
    assert open_store().records.count(kind="game") == 0


async def test_mistakes_are_marked_without_colour(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(monotonic_ms=StepClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "play dad")
        await pilot.press("a", "space", "x")
        await pilot.pause()
        board = app.screen.query_one(TypingArea)
        typed_row = next(
            y for y, row in enumerate(board.board_text().splitlines()) if row.startswith("Typed")
        )
        wrong = [s for s in board.row_segments(typed_row) if s.style and s.style.reverse]
        assert [s.text for s in wrong] == ["x"]
        assert wrong[0].style is not None and wrong[0].style.underline


def rows_starting(board: TypingArea, word: str) -> list[int]:
    return [y for y, row in enumerate(board.board_text().splitlines()) if row.startswith(word)]


async def test_the_board_stays_put_while_a_long_phrase_wraps(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing across the wrap point moves nothing under the typist's eyes, and no key
    costs a layout pass (a layout and full repaint held up a key's frame by several ms)."""
    from textual.screen import Screen

    app = make_app(monotonic_ms=StepClock())
    async with app.run_test(size=(60, 20)) as pilot:
        app.open_screen("game", {"key": "steady"})  # 71 characters: two rows at 60 columns
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GameScreen)
        board = screen.query_one(TypingArea)
        text = screen.game.text
        before = (rows_starting(board, "Next"), rows_starting(board, "Time"), board.region)
        assert len(rows_starting(board, "Phrase")) == 1 and "sprint." not in board.board_text()[:60]
        layouts: list[object] = []
        original = Screen._refresh_layout

        def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
            layouts.append(self)
            original(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        await pilot.press(*[key_name(c) for c in text[:56]])  # onto the typed line's 2nd row
        await pilot.pause()
        typed_rows = board.board_text().splitlines()
        typed_at = rows_starting(board, "Typed")[0]
        assert typed_rows[typed_at + 1].strip()  # the typed line did wrap
        assert (rows_starting(board, "Next"), rows_starting(board, "Time"), board.region) == before
        assert layouts == []


async def test_a_long_next_line_is_cut_and_the_key_line_stays(
    make_app: Callable[..., Any],
) -> None:
    app = make_app(monotonic_ms=StepClock())
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_screen("game", {"key": "steady"})
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        board = app.screen.query_one(TypingArea)
        rows = board.board_text().splitlines()
        nxt = rows[rows_starting(board, "Next")[0]]
        assert nxt.startswith("Next   low, steady") and "…" in nxt
        assert rows[rows_starting(board, "Key")[0]].startswith("Key    l = chord")
