"""The web's commands that fit a terminal, at the command level: level N / levelN, clean,
and one line (not "command not found") for svg, video and github."""

from __future__ import annotations

from typing import Any

import pytest

from handterm_tui import config
from handterm_tui.commands import REGISTRY, Context, Runner
from handterm_tui.commands.practice import LEVEL_KEY
from handterm_tui.store import Store


@pytest.fixture
def runner(store: Store) -> Runner:
    return Runner(Context(config=config.load(), store=store))


def run(runner: Runner, line: str) -> Any:
    return runner.start(line).outcome


@pytest.mark.parametrize("line", ["level3", "level 3"])
def test_level_n_and_level_with_a_space_both_choose_the_level(
    runner: Runner, store: Store, line: str
) -> None:
    out = run(runner, line)
    assert out.ok and "Game level set to 3" in out.text
    assert store.kv.get(LEVEL_KEY) == 3
    # `play` picks from it (exec cannot open the game, but says which phrase it chose).
    runner.ctx.interactive = False
    assert ", level 3," in run(runner, "play").text
    assert "* 3" in run(runner, "level").text


@pytest.mark.parametrize("line", ["level 9", "level x", "level9", "level 1 2"])
def test_a_bad_level_is_a_usage_message(runner: Runner, line: str) -> None:
    out = runner.start(line).outcome
    assert out.status in (400, 404) and ("level" in out.text.lower())


def test_level_zero_is_all_levels(runner: Runner, store: Store) -> None:
    run(runner, "level 4")
    assert run(runner, "level 0").ok and store.kv.get(LEVEL_KEY) == 0


@pytest.mark.parametrize("name", ["svg", "video", "github"])
def test_web_only_commands_say_why_in_one_line(runner: Runner, name: str) -> None:
    out = run(runner, name)
    assert out.ok and "not found" not in out.text
    assert "\n" not in out.text and len(out.text) <= 78


def test_clean_reports_a_tidy_history(runner: Runner) -> None:
    for line in ("wrt a", "wrt a", "wrt b"):
        run(runner, line)
    out = run(runner, "clean")
    assert out.ok and "2 lines" in out.text  # `wrt a` twice in a row is one entry


def test_nearest_name_never_offers_exit_for_edit() -> None:
    assert REGISTRY.get("edit") is not None
    for typo in ("edti", "eidt", "edt", "editt"):
        assert REGISTRY.suggest(typo) == "edit", typo


def test_help_lists_level_once_without_its_numbered_forms(runner: Runner) -> None:
    text = run(runner, "help").text
    assert "level " in text and "level1" not in text
    assert run(runner, "help level3").text.startswith("level")
