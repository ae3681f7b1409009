"""Stats from game records: over time, best per phrase, slowest keys, the text version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handterm_tui.core import progress
from handterm_tui.core.phrases import Phrase
from handterm_tui.core.practice import Game, result_record
from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def game_record(key: str, text: str, gap_ms: float, minutes: int, target: int = 25) -> Record:
    game = Game(Phrase(key, 1, text))
    for i, c in enumerate(text):
        game.press(c, i * gap_ms)
    record = result_record(game.result(), target)
    record.created_at = T0 + timedelta(minutes=minutes)
    return record


def test_points_are_oldest_first_with_net_and_accuracy() -> None:
    later = game_record("dad", "a sad dad", 100, 5)  # 120 WPM
    earlier = game_record("dad", "a sad dad", 400, 1)  # 30 WPM
    prog = progress.from_records([later, earlier])
    assert [round(p.net_wpm or 0) for p in prog.points] == [30, 120]
    assert [p.accuracy for p in prog.points] == [100.0, 100.0]


def test_best_per_phrase_keeps_the_fastest_and_counts_plays() -> None:
    recs = [
        game_record("dad", "a sad dad", 400, 1),
        game_record("dad", "a sad dad", 100, 2),
        game_record("fox", "the fox", 2000, 3),  # 6 WPM: not achieved
    ]
    prog = progress.from_records(recs)
    best = {b.key: b for b in prog.best}
    assert best["dad"].plays == 2 and round(best["dad"].net_wpm or 0) == 120
    assert best["dad"].achieved and not best["fox"].achieved
    assert prog.achieved == {"dad"}
    assert [b.key for b in prog.best] == ["dad", "fox"]


def test_slowest_keys_over_all_games_with_mean_time() -> None:
    r1 = game_record("z", "zaza", 300, 1)  # a: 300 x2, z: 300 x1
    r2 = game_record("q", "qa", 900, 2)  # a: 900
    prog = progress.from_records([r1, r2])
    slow = prog.slowest(10)
    assert slow[0].char == "a" and slow[0].count == 3
    assert slow[0].total_ms / slow[0].count == pytest.approx(500.0)
    assert [k.char for k in slow] == ["a", "z"]


def test_records_without_key_stats_fall_back_to_keystrokes() -> None:
    old = Record(
        line="play x",
        name="play",
        args=["x"],
        kind="game",
        keystrokes=[Keystroke("x", None), Keystroke("y", 250.0)],
        extra={"phrase": "x"},
    )
    prog = progress.from_records([old])
    assert prog.keys["y"].count == 1 and prog.keys["y"].total_ms == 250.0
    assert prog.points[0].net_wpm == old.gross_wpm  # no net stored: the gross figure


def test_command_records_are_ignored() -> None:
    cmd = Record(line="help", name="help")
    assert progress.from_records([cmd]).points == []


def test_sparkline_scales_between_min_and_max() -> None:
    assert progress.sparkline([10, 20, 30], 10) == "▁▅█"
    assert progress.sparkline([5, 5], 10) == "▅▅"
    assert progress.sparkline([1, 2, 3, 4], 2) == "▁█"  # the last two
    assert progress.sparkline([], 5) == ""


def test_text_version_fits_80_columns_and_names_every_section() -> None:
    recs = [game_record("dad", "a sad dad asks", 100 + 40 * i, i) for i in range(30)]
    recs.append(game_record("a-very-long-phrase-key", "qz", 100, 40))
    text = progress.render_text(progress.from_records(recs), 25)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "31 games played, 2 phrases achieved (target 25 WPM)" in text
    assert "Net WPM, last 31 games" in text and "Accuracy" in text
    assert "Best per phrase" in text and "✓ dad" in text
    assert "slowest keys (mean time to type)" in text
    assert "Space" in text  # space is named, not blank


def test_no_games_says_how_to_start() -> None:
    assert "`play`" in progress.render_text(progress.from_records([]), 25)
