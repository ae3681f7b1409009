"""The prompt's own commands through the runner, as `handterm exec` and the TUI use them."""

from __future__ import annotations

from typing import Any

import pytest

from handterm_tui import config
from handterm_tui.commands import Context, Runner
from handterm_tui.commands.base import Clear, Exit
from handterm_tui.core.records import MASK, Record
from handterm_tui.store import Store


@pytest.fixture
def runner(store: Store) -> Runner:
    return Runner(Context(config=config.load(), store=store))


def run(runner: Runner, line: str) -> Any:
    return runner.start(line)


def test_target_defaults_sets_and_keeps_achievements(runner: Runner, store: Store) -> None:
    assert run(runner, "target").outcome.text == "Target WPM: 25"
    store.records.add(
        Record(
            line="play a",
            name="play",
            kind="game",
            extra={"phrase": "a", "achieved": True, "net_wpm": 31.4},
        )
    )
    assert "Target WPM set to 40" in run(runner, "target 40").outcome.text
    assert run(runner, "target").outcome.text == "Target WPM: 40"
    assert "31 WPM  a" in run(runner, "show").outcome.text  # the web wiped achievements here
    bad = run(runner, "target fast")
    assert bad.outcome.status == 400 and "whole number" in bad.outcome.text


def test_show_lists_best_net_wpm_per_phrase(runner: Runner, store: Store) -> None:
    assert "No achievements yet" in run(runner, "show").outcome.text
    for net, achieved in ((20.0, True), (35.5, True), (50.0, False)):
        store.records.add(
            Record(
                line="play k",
                name="play",
                kind="game",
                extra={"phrase": "k", "achieved": achieved, "net_wpm": net},
            )
        )
    text = run(runner, "show").outcome.text
    assert "36 WPM  k" in text and "50" not in text


def test_history_lists_newest_last_with_limit(runner: Runner) -> None:
    for line in ("wrt a", "wrt b", "special"):
        run(runner, line)
    text = run(runner, "history --limit 2").outcome.text
    assert text.splitlines() == ["2  wrt b", "3  special"]
    assert run(runner, "history --limit 0").outcome.status == 400


def test_special_shows_chords_for_every_punctuation_key(runner: Runner) -> None:
    text = run(runner, "special").outcome.text
    for char, code in ((";", "9"), ("~", "5101"), ("?", "596")):
        assert f"{char}  {code}" in text


def test_wrt_writes_and_lists_newest_first(runner: Runner) -> None:
    run(runner, "wrt first note")
    run(runner, 'wrt "second   note"')
    listed = run(runner, "wrt --limit 1").outcome.text
    assert "second   note" in listed and "first" not in listed
    assert run(runner, "wrt --limit x").outcome.status == 400


def test_clear_and_exit_are_actions_not_data_loss(runner: Runner, store: Store) -> None:
    run(runner, "wrt keep")
    assert isinstance(run(runner, "clear").outcome.action, Clear)
    assert store.notes.count() == 1
    assert isinstance(run(runner, "exit").outcome.action, Exit)


def test_profile_and_whoami_offline(runner: Runner) -> None:
    assert "Offline mode" in run(runner, "profile show").outcome.text
    # The server profile (the web's `profile`) needs a server: say how to get one.
    offline = run(runner, "profile").outcome
    assert not offline.ok and "--demo-user" in offline.text and "profile use local" in offline.text
    assert run(runner, "whoami").outcome.text.startswith("guest")


def test_secret_arguments_are_masked_in_records_and_history(runner: Runner, store: Store) -> None:
    from handterm_tui.core.stats import Keystroke

    line = "login alice hunter2"
    typed = [Keystroke(c, None if i == 0 else 120.0) for i, c in enumerate(line)]
    runner.start(line, typed)
    record = store.records.page(limit=1).records[0]
    # The timed keys would spell the password: a masked line keeps none (nor uploads them).
    assert record.keystrokes == []
    assert all(item.part != "keystrokes" for item in store.outbox.items(10))
    assert "hunter2" not in record.line and MASK in record.line
    assert "hunter2" not in " ".join(record.args)
    assert all("hunter2" not in line for line in store.records.history_lines(10))


def test_a_failing_command_is_reported_not_raised(
    runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handterm_tui.commands import REGISTRY

    spec = REGISTRY.get("special")
    assert spec is not None

    def boom(*_: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr("handterm_tui.core.chords.chord_for", boom)
    result = run(runner, "special")
    assert result.outcome.status == 500 and "kaput" in result.outcome.text


def test_overlong_lines_are_refused_with_a_message(runner: Runner) -> None:
    result = run(runner, "wrt " + "x" * 20_000)
    assert result.outcome.status == 400 and "limit" in result.outcome.text
