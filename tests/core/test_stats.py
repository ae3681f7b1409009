from __future__ import annotations

import math

import pytest

from handterm_tui.core.stats import (
    Keystroke,
    display_char,
    figures,
    from_timestamps,
    gross_wpm,
    slowest,
    web_char_times,
    web_wpm,
)


def keys(*pairs: tuple[str, float]) -> list[Keystroke]:
    return from_timestamps(pairs)


def test_steady_typing_gives_the_same_figure_both_ways() -> None:
    # 200 ms per key = 5 keys/s = 300 chars/min = 60 WPM.
    ks = keys(*[(c, i * 200.0) for i, c in enumerate("hello world")])
    assert gross_wpm(ks) == pytest.approx(60.0)
    assert web_wpm(ks) == pytest.approx(60.0)


def test_uneven_typing_the_web_figure_overstates() -> None:
    # Intervals 100 ms and 300 ms: gross = 2 chars in 400 ms = 60 WPM;
    # web = mean(120, 40) = 80 WPM (a mean of rates).
    ks = keys(("a", 0.0), ("b", 100.0), ("c", 400.0))
    assert gross_wpm(ks) == pytest.approx(60.0)
    assert web_wpm(ks) == pytest.approx(80.0)


def test_web_figure_skips_intervals_of_a_millisecond_or_less() -> None:
    ks = keys(("a", 0.0), ("b", 1.0), ("c", 201.0))
    assert web_wpm(ks) == pytest.approx(60.0)


@pytest.mark.parametrize(
    "ks",
    [[], [Keystroke("a", None)], keys(("a", 5.0), ("b", 5.0))],
    ids=["none", "one", "zero-time"],
)
def test_too_few_keystrokes_give_no_figure_never_nan(ks: list[Keystroke]) -> None:
    fig = figures(ks)
    assert fig.gross_wpm is None
    assert fig.web_wpm is None
    for value in (fig.gross_wpm, fig.web_wpm, fig.elapsed_ms):
        assert value is None or not math.isnan(value)


def test_slowest_characters_by_mean_interval() -> None:
    ks = keys(("a", 0.0), ("b", 100.0), ("a", 600.0), ("c", 700.0), ("b", 1000.0))
    rows = slowest(ks)
    assert [r.char for r in rows] == ["a", "b", "c"]
    assert rows[0].mean_ms == pytest.approx(500.0)
    assert rows[1].mean_ms == pytest.approx(200.0)  # (100 + 300) / 2


def test_web_char_times_shape() -> None:
    out = web_char_times(keys(("h", 0.0), ("i", 250.0)))
    assert out == [
        {"character": "h", "wpm": 0, "durationMilliseconds": 0},
        {"character": "i", "wpm": 48.0, "durationMilliseconds": 250.0},
    ]


def test_display_names_for_invisible_keys() -> None:
    assert display_char("\r") == "Enter"
    assert display_char(" ") == "Space"
