"""The formulas against cases worked out by hand, and against the web's figure."""

from __future__ import annotations

import pytest

from handterm_tui.core import scoring
from handterm_tui.core.phrases import Phrase
from handterm_tui.core.practice import Game
from handterm_tui.core.stats import Keystroke, web_wpm


def play(text: str, events: list[tuple[str, float]]) -> Game:
    """Feed ``(char or '\\b', ms)`` events to a game over ``text``."""
    game = Game(Phrase("t", 1, text))
    for char, at in events:
        if char == "\b":
            game.backspace(at)
        else:
            game.press(char, at)
    return game


def test_gross_counts_characters_after_the_first_over_the_clock() -> None:
    # 4 keys at 0, 200, 400, 600 ms: 3 characters in 0.6 s = 0.6 words / 0.01 min = 60 WPM.
    assert scoring.gross_wpm(4, 600) == pytest.approx(60.0)
    assert scoring.gross_wpm(1, 600) is None
    assert scoring.gross_wpm(4, 0) is None


def test_net_takes_a_word_off_per_uncorrected_error_and_never_goes_negative() -> None:
    # 11 final chars -> 10 counted = 2 words, less 1 error = 1 word in 12 s (0.2 min) = 5 WPM.
    assert scoring.net_wpm(11, 1, 12_000) == pytest.approx(5.0)
    assert scoring.net_wpm(11, 0, 12_000) == pytest.approx(10.0)
    assert scoring.net_wpm(6, 5, 12_000) == 0.0


def test_accuracy_counts_corrected_mistakes() -> None:
    assert scoring.accuracy(10, 2) == pytest.approx(80.0)
    assert scoring.accuracy(0, 0) is None


def test_even_pace_gives_the_same_figure_as_the_web() -> None:
    game = play("asdf", [("a", 0), ("s", 200), ("d", 400), ("f", 600)])
    result = game.result()
    assert result.gross_wpm == pytest.approx(60.0)
    assert result.net_wpm == pytest.approx(60.0)
    assert result.web_wpm == pytest.approx(60.0)  # 12000/200 for each interval


def test_uneven_pace_the_web_figure_reads_high() -> None:
    # intervals 100 and 300 ms: 2 chars in 0.4 s = 60 WPM; the web averages 120 and 40 = 80.
    result = play("abc", [("a", 0), ("b", 100), ("c", 400)]).result()
    assert result.gross_wpm == pytest.approx(60.0)
    assert result.web_wpm == pytest.approx(80.0)
    assert web_wpm([Keystroke("a", None), Keystroke("b", 100), Keystroke("c", 300)]) == 80.0


def test_a_corrected_mistake_costs_accuracy_and_gross_counts_the_erased_key() -> None:
    # "abc": a, x (wrong), backspace, b, c at 0/100/200/300/400 ms.
    game = play("abc", [("a", 0), ("x", 100), ("\b", 200), ("b", 300), ("c", 400)])
    result = game.result()
    assert (result.entries, result.errors, result.corrected, result.uncorrected) == (4, 1, 1, 0)
    assert result.accuracy == pytest.approx(75.0)  # 3 of 4 keystrokes right
    # gross: 3 keys after the first in 0.4 s = 0.6 words / (0.4/60) min = 90 WPM
    assert result.gross_wpm == pytest.approx(90.0)
    # net: the 3-char phrase -> 2 counted chars = 0.4 words in 0.4 s = 60 WPM
    assert result.net_wpm == pytest.approx(60.0)


def test_key_times_skip_the_gap_that_spans_a_fix() -> None:
    game = play("abc", [("a", 0), ("x", 100), ("\b", 200), ("b", 300), ("c", 700)])
    keys = game.result().keys
    assert keys["b"].count == 0  # b came right after an erase: not timed
    assert keys["b"].errors == 1  # but b was the key missed
    assert keys["c"].count == 1 and keys["c"].mean_ms == pytest.approx(400.0)
    assert game.result().confusions == {"b": {"x": 1}}


def test_slowest_keys_rank_by_mean_time() -> None:
    keys = {
        "a": scoring.KeyStat("a", 2, 400.0, 0),  # 200 ms
        "z": scoring.KeyStat("z", 1, 900.0, 1),  # 900 ms
        "s": scoring.KeyStat("s", 3, 300.0, 0),  # 100 ms
        "q": scoring.KeyStat("q", 0, 0.0, 2),  # never timed
    }
    assert [k.char for k in scoring.slowest_keys(keys, 2)] == ["z", "a"]
