"""The game engine: what the screen shows after each keystroke, and the result."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handterm_tui.core.phrases import Phrase
from handterm_tui.core.practice import (
    Game,
    choose_next,
    phrase_weights,
    result_lines,
    result_record,
)

PHRASE = Phrase("hello", 2, "hello world")


def test_next_characters_and_expected_key_follow_the_first_mismatch() -> None:
    game = Game(PHRASE)
    for i, c in enumerate("helo"):
        game.press(c, i * 100.0)
    assert game.correct_prefix == 3
    assert game.next_chars() == "lo world"
    assert game.expected == "l"
    assert game.expected_hint() == "l = chord 8"
    assert game.wrong_positions() == [3]


def test_next_chars_shows_at_most_sixty() -> None:
    game = Game(Phrase("long", 5, "x" * 100))
    assert len(game.next_chars()) == 60


def test_timer_starts_at_the_first_keystroke_and_stops_at_success() -> None:
    game = Game(Phrase("ab", 1, "ab"))
    assert game.elapsed_ms(5000.0) == 0.0
    game.press("a", 1000.0)
    assert game.elapsed_ms(1500.0) == 500.0
    game.press("b", 1800.0)
    assert game.done
    assert game.elapsed_ms(9999.0) == 800.0


def test_typing_after_success_changes_nothing() -> None:
    game = Game(Phrase("ab", 1, "ab"))
    game.press("a", 0.0)
    game.press("b", 100.0)
    game.press("c", 200.0)
    game.backspace(300.0)
    assert game.typed == "ab" and game.errors == 0


def test_emptying_the_line_restarts_the_attempt() -> None:
    game = Game(PHRASE)
    game.press("x", 0.0)
    game.backspace(100.0)
    assert game.started_ms is None and game.errors == 0
    game.press("h", 5000.0)
    assert game.started_ms == 5000.0


def test_result_before_success_is_refused() -> None:
    game = Game(PHRASE)
    game.press("h", 0.0)
    with pytest.raises(ValueError):
        game.result()


def test_result_record_follows_the_game_record_convention() -> None:
    game = Game(Phrase("ab", 1, "abc"))
    for i, c in enumerate("abc"):
        game.press(c, i * 200.0)
    record = result_record(game.result(), target_wpm=25)
    assert record.kind == "game" and record.name == "play" and record.line == "play ab"
    assert record.extra["phrase"] == "ab"
    assert record.extra["achieved"] is True  # 60 WPM >= 25
    assert record.extra["target"] == 25
    assert record.extra["net_wpm"] == pytest.approx(60.0)
    assert record.extra["accuracy"] == 100.0
    assert record.extra["errors"] == 0 and record.extra["corrected"] == 0
    assert record.extra["elapsed_ms"] == 400.0
    assert record.gross_wpm == pytest.approx(60.0) and record.web_wpm == pytest.approx(60.0)
    assert [k.char for k in record.keystrokes] == ["a", "b", "c"]
    slow = record_slow = record.extra["keys"]
    assert slow["b"] == [1, 200.0, 0] and record_slow["c"] == [1, 200.0, 0]


def test_below_target_is_not_an_achievement() -> None:
    game = Game(Phrase("ab", 1, "abc"))
    for i, c in enumerate("abc"):
        game.press(c, i * 2000.0)  # 6 WPM
    result = game.result()
    assert not result_record(result, 25).extra["achieved"]
    assert "Target 25 WPM not reached yet." in result_lines(result, 25)


def test_result_lines_label_the_web_figure() -> None:
    game = Game(Phrase("ab", 1, "abc"))
    for i, c in enumerate("abc"):
        game.press(c, i * 200.0)
    lines = "\n".join(result_lines(game.result(), 25))
    assert "Web figure" in lines and "handterm.com" in lines
    assert "Net WPM" in lines and "Gross WPM" in lines and "Accuracy" in lines


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list("helo wrdx")), st.just("\b")), max_size=40))
def test_engine_state_always_matches_a_recount(events: list[str]) -> None:
    game = Game(PHRASE)
    for i, ev in enumerate(events):
        if ev == "\b":
            game.backspace(float(i))
        else:
            game.press(ev, float(i))
    text, typed = PHRASE.text, game.typed
    prefix = 0
    while prefix < min(len(text), len(typed)) and text[prefix] == typed[prefix]:
        prefix += 1
    assert game.correct_prefix == prefix
    assert game.wrong_positions() == [
        i for i, c in enumerate(typed) if i >= len(text) or text[i] != c
    ]
    assert game.uncorrected == len(game.wrong_positions())
    assert game.errors >= game.corrected + game.uncorrected  # every wrong char was a keystroke
    assert game.done == (typed == text)
    if game.done:
        assert game.result().uncorrected == 0


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="helo wrdx", max_size=20), st.text(alphabet="helo wrdx", max_size=20))
def test_set_text_is_the_same_as_the_keystrokes(first: str, second: str) -> None:
    by_text = Game(PHRASE)
    by_text.set_text(first, 0.0)
    by_text.set_text(second, 1.0)
    assert by_text.typed == (second if not by_text.done else by_text.typed)
    if not by_text.done:
        assert by_text.correct_prefix == len(
            next(
                (
                    second[:i]
                    for i in range(len(second), -1, -1)
                    if PHRASE.text.startswith(second[:i])
                ),
                "",
            )
        )


PHRASES = [
    Phrase("home", 1, "asdf jkl;"),
    Phrase("zed", 1, "zzz zap"),
    Phrase("plain", 1, "aaa sss"),
    Phrase("far", 3, "qqq"),
]


def test_next_phrase_without_timings_goes_in_order_and_skips_achieved() -> None:
    assert choose_next(PHRASES, set(), {}).key == "home"
    assert choose_next(PHRASES, {"home"}, {}).key == "zed"
    assert choose_next(PHRASES, {"home"}, {}, current="zed").key == "plain"


def test_next_phrase_stays_near_the_lowest_open_level() -> None:
    keys = {p.key for p, _ in phrase_weights(PHRASES, set(), {"a": 100.0})}
    assert "far" not in keys  # level 3 waits while level 1 is open


def test_next_phrase_leans_toward_the_slowest_keys() -> None:
    timings = {"a": 100.0, "s": 100.0, "z": 600.0, "p": 100.0, " ": 100.0}
    rng = random.Random(7)
    picks = [choose_next(PHRASES, set(), timings, rng).key for _ in range(600)]
    assert picks.count("zed") > picks.count("plain") * 1.5


def test_when_everything_is_achieved_play_continues() -> None:
    done = {p.key for p in PHRASES}
    assert choose_next(PHRASES, done, {}, current="home").key == "zed"
