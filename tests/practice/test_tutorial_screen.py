"""Pilot: follow the tutorial's first steps; progress survives, `tut --reset` clears it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handterm_tui.app_factory import open_store
from handterm_tui.core.tutorial import PROGRESS_KEY
from handterm_tui.ui.screens.stats import StatsScreen
from handterm_tui.ui.screens.tutorial import TutorialScreen


async def run_command(pilot: Any, line: str) -> None:
    await pilot.press(*[{" ": "space", "-": "minus"}.get(c, c) for c in line], "enter")
    await pilot.pause()


async def test_tutorial_steps_are_kept(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "tut")
        assert isinstance(app.screen, TutorialScreen)
        await pilot.press("enter")  # step 1: Enter on the empty line
        await pilot.press("f", "d", "a", "s", "enter")  # wrong: not counted
        assert app.screen.tutorial.done == ["enter"]
        await pilot.press(*"fdsa", "enter")
        await pilot.pause()
        assert "step 3/5" in str(app.screen.query_one("#tut-title").render())
        await pilot.press("escape")
        await pilot.pause()
        # Leaving leaves a record of the step reached (the `tut` record predates the steps).
        last = app.terminal.scrollback.query("RecordView").last().record
        assert last.line == "tut" and "Tutorial step 3/5" in last.response
    assert open_store().kv.get(PROGRESS_KEY) == ["enter", "fdsa"]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "tut")
        assert app.screen.tutorial.position == 3
        await pilot.press("escape")
        await run_command(pilot, "tut --reset")
        assert app.screen.tutorial.position == 1


async def test_stats_opens_its_screen_after_a_game(make_app: Callable[..., Any]) -> None:
    from handterm_tui.core.phrases import Phrase
    from handterm_tui.core.practice import Game, result_record

    game = Game(Phrase("dad", 1, "a sad dad"))
    for i, c in enumerate(game.text):
        game.press(c, i * 150.0)
    store = open_store()
    store.records.add(result_record(game.result(), 25))
    store.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, "stats")
        assert isinstance(app.screen, StatsScreen)
        assert "1 game" in str(app.screen.query_one("#stats-title").render())
        await pilot.press("q")
        assert not isinstance(app.screen, StatsScreen)


def test_enter_on_an_unfinished_phrase_says_what_is_missing() -> None:
    from handterm_tui.core.phrases import Phrase
    from handterm_tui.core.practice import Game
    from handterm_tui.ui.screens.game import missing_words

    game = Game(Phrase("dad", 1, "a sad dad"))
    for i, char in enumerate("a s"):
        game.press(char, 100.0 * i)
    assert missing_words(game) == "Not finished: 6 more characters to type (next: a). Esc leaves."
    game.press("x", 400.0)
    assert missing_words(game) == (
        "Not finished: Backspace over the 1 wrong character, then 6 more to type."
    )
