from __future__ import annotations

from handterm_tui.core.history import HistoryCursor


def test_up_walks_back_through_lines_starting_with_what_is_typed() -> None:
    h = HistoryCursor(["wrt one", "help", "wrt two", "history", "wrt three"])
    assert h.up("wrt") == "wrt three"
    assert h.up("ignored while browsing") == "wrt two"
    assert h.up("") == "wrt one"
    assert h.up("") is None  # stays at the oldest


def test_down_returns_to_what_was_typed() -> None:
    h = HistoryCursor(["a1", "a2", "b"])
    assert h.up("a") == "a2"
    assert h.up("a") == "a1"
    assert h.down() == "a2"
    assert h.down() == "a"
    assert not h.browsing


def test_repeated_lines_are_offered_once() -> None:
    h = HistoryCursor(["ls", "help", "ls", "help"])
    assert [h.up(""), h.up(""), h.up("")] == ["help", "ls", None]


def test_add_drops_consecutive_duplicates_and_caps() -> None:
    h = HistoryCursor()
    for line in ["a", "a", "b", "c", "d"]:
        h.add(line, limit=3)
    assert h.lines == ["b", "c", "d"]
