"""`chords` as a user runs it: at the prompt (the screen opens), under `handterm exec`
(plain text), and as JSON; the screen fits 80x24."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from chord_synth import seed_learner

from handterm_tui import config
from handterm_tui.app_factory import open_store
from handterm_tui.cli import main
from handterm_tui.commands import Context, Runner
from handterm_tui.ui.screens.chords import ChordsScreen
from handterm_tui.ui.screens.drill import DrillScreen


def seeded() -> None:
    store = open_store()
    seed_learner(store)
    store.close()


def test_exec_chords_prints_the_hand_and_the_slowest(capsys: pytest.CaptureFixture[str]) -> None:
    seeded()
    assert main(["exec", "chords"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "Ten slowest chords" in out and "Ten slowest transitions" in out
    assert any(line.startswith("ring ") and "ms" in line for line in lines)
    # the seeded slow chords lead; h→e is the slowest transition
    header = next(i for i, line in enumerate(lines) if line.startswith("chord "))
    first = lines[header + 1].split()
    assert first[0] == "e" and first[5] == "h→e"  # slowest chord, slowest transition
    # z and q are slow too, but typed 8 times: listed, not ranked
    assert "Not ranked yet (under 10 samples)" in out and "z ×8" in out and "q ×0" in out
    assert "timed chords in 24 records, 4 sessions" in out


def test_chords_json_carries_counts_and_the_sample_rule() -> None:
    seeded()
    store = open_store()
    runner = Runner(Context(config=config.load(), store=store, interactive=False))
    run = runner.start("chords --json")
    data = json.loads(run.outcome.text)
    assert data["min_samples"] == 10
    e = next(c for c in data["chords"] if c["key"] == "e")
    assert e["code"] == "32" and e["samples"] >= 10 and e["errors"] >= 0
    assert len(e["trend_ms"]) == 4 and e["trend_ms"][0] > e["trend_ms"][-1]  # faster each day
    assert set(data["positions"]) >= {"It", "Rt", "Tm"}
    ranked = [c["key"] for c in data["slowest_chords"]]
    assert all(c["enough_samples"] for c in data["slowest_chords"]) and "e" in ranked


def test_no_games_yet_says_what_to_do() -> None:
    store = open_store()
    run = Runner(Context(config=config.load(), store=store, interactive=True)).start("chords")
    assert "No timed chords yet" in run.outcome.text and run.outcome.action is None


async def test_chords_at_the_prompt_opens_the_screen_which_fits_80x24(
    make_app: Callable[..., Any],
) -> None:
    seeded()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"chords", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChordsScreen)
        hand = screen.query_one("#chords-hand")
        tables = screen.query_one("#chords-tables")
        note = screen.query_one("#chords-note")
        for widget in (hand, tables, note):  # all on screen, above the help line
            assert widget.region.right <= 80 and widget.region.bottom <= 23, [
                (w.id, w.region) for w in (hand, tables, note)
            ]
        assert "Ten slowest chords" in str(screen.query_one("#chords-slow").render())
        await pilot.press("d")  # drill these
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.screen.plan.focus
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ChordsScreen, DrillScreen))


def test_stats_chords_json_is_the_chords_figures(capsys: pytest.CaptureFixture[str]) -> None:
    seeded()
    assert main(["exec", "stats --chords --json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["slowest_chords"][0]["key"] == "e"
    assert data["slowest_transitions"][0]["label"] == "h→e"
