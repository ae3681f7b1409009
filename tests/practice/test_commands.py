"""play / ls / tut / stats through the command runner, as a user types them."""

from __future__ import annotations

from typing import Any

import pytest

from handterm_tui import config
from handterm_tui.commands import REGISTRY, Context, Runner
from handterm_tui.commands.base import OpenScreen
from handterm_tui.core.phrases import Phrase
from handterm_tui.core.practice import Game, result_record
from handterm_tui.core.tutorial import PROGRESS_KEY


@pytest.fixture
def runner(store: Any) -> Runner:
    return Runner(Context(config=config.load(), store=store, interactive=True))


def won(store: Any, key: str, text: str, gap_ms: float = 100.0) -> None:
    game = Game(Phrase(key, 1, text))
    for i, c in enumerate(text):
        game.press(c, i * gap_ms)
    store.records.add(result_record(game.result(), 25))


def test_practice_commands_replace_the_placeholders() -> None:
    for name in ("play", "phrase", "ls", "tut", "stats"):
        spec = REGISTRY.get(name)
        assert spec is not None and spec.handler.__module__ == "handterm_tui.commands.practice"


def test_play_with_a_key_opens_the_game_on_that_phrase(runner: Runner) -> None:
    run = runner.start("play fox")
    assert run.outcome.ok
    assert run.outcome.action == OpenScreen("game", {"key": "fox"})
    assert "The quick brown fox" in run.outcome.text


def test_phrase_is_an_alias(runner: Runner) -> None:
    assert runner.start("phrase dad").outcome.action == OpenScreen("game", {"key": "dad"})


def test_play_unknown_key_suggests_the_nearest(runner: Runner) -> None:
    run = runner.start("play foxx")
    assert run.outcome.status == 404 and "Did you mean `fox`?" in run.outcome.text


def test_play_without_a_key_picks_the_first_not_achieved(runner: Runner, store: Any) -> None:
    assert runner.start("play").outcome.action == OpenScreen("game", {"key": "dad"})
    won(store, "dad", "a sad dad asks a lad")
    action = runner.start("play").outcome.action
    assert isinstance(action, OpenScreen) and action.params["key"] != "dad"


def test_play_under_exec_explains_it_needs_the_tui(store: Any) -> None:
    r = Runner(Context(config=config.load(), store=store, interactive=False))
    run = r.start("play dad")
    assert run.outcome.action is None and "needs the terminal UI" in run.outcome.text


def test_ls_marks_achieved_phrases(runner: Runner, store: Any) -> None:
    won(store, "dad", "a sad dad asks a lad")
    text = runner.start("ls").outcome.text
    assert "1 of 24 achieved" in text
    assert "  ✓ dad" in text and "    fox" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    lvl = runner.start("ls --level 3").outcome.text
    assert "fox" in lvl and "dad" not in lvl
    assert runner.start("ls --level 9").outcome.status == 400


def test_ls_reports_a_broken_user_file(runner: Runner, handterm_home: Any) -> None:
    (handterm_home / "config").mkdir(exist_ok=True)
    (handterm_home / "config" / "phrases.toml").write_text("[[phrase]\n", encoding="utf-8")
    text = runner.start("ls").outcome.text
    assert "Note:" in text and "phrases.toml" in text and "not valid TOML" in text


def test_play_completes_phrase_keys() -> None:
    assert "fox" in REGISTRY.completions(["play"], "fo")
    assert REGISTRY.completions(["play", "fox"], "") == []


def test_tut_shows_the_step_and_reset_clears_progress(runner: Runner, store: Any) -> None:
    store.kv.set(PROGRESS_KEY, ["enter", "fdsa"])
    run = runner.start("tut")
    assert "step 3/5" in run.outcome.text and run.outcome.action == OpenScreen("tutorial", {})
    run = runner.start("tut --reset")
    assert "step 1/5" in run.outcome.text and store.kv.get(PROGRESS_KEY) is None


def test_stats_text_and_screen(runner: Runner, store: Any) -> None:
    assert "No games yet" in runner.start("stats").outcome.text
    won(store, "dad", "a sad dad asks a lad")
    run = runner.start("stats")
    assert "1 game played, 1 phrase achieved" in run.outcome.text
    assert run.outcome.action == OpenScreen("stats", {})


def test_show_lists_achievements_from_game_records(runner: Runner, store: Any) -> None:
    won(store, "dad", "a sad dad asks a lad")
    assert "dad" in runner.start("show").outcome.text
