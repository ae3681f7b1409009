"""The tutorial's steps and progress."""

from __future__ import annotations

from handterm_tui.core.tutorial import STEPS, Tutorial


def test_the_web_progression_in_order() -> None:
    assert [s.text for s in STEPS] == ["", "fdsa", "jkl;", "1234", "zxcv"]


def test_steps_complete_in_order_only_on_the_exact_text() -> None:
    tut = Tutorial([])
    assert tut.current is STEPS[0]
    assert not tut.submit("fdsa")  # not yet: Enter comes first
    assert tut.submit("")
    assert not tut.submit("fdas")
    assert tut.submit("fdsa ")  # trailing space is trimmed, as on the web
    assert tut.position == 3
    for text in ("jkl;", "1234", "zxcv"):
        assert tut.submit(text)
    assert tut.finished and tut.current is None
    assert not tut.submit("")
    assert "Tutorial complete" in tut.describe()


def test_hints_name_each_chord() -> None:
    assert STEPS[1].chord_hints() == ["f = chord 1", "d = chord 2", "s = chord 3", "a = chord 4"]
    assert STEPS[0].chord_hints() == ["Enter = chord 0"]
    assert "Type: zxcv" in Tutorial(["enter", "fdsa", "jkl;", "1234"]).describe()


def test_stored_progress_is_read_tolerantly() -> None:
    assert Tutorial.from_stored(None).done == []
    assert Tutorial.from_stored(["fdsa", "bogus", 3]).done == ["fdsa"]
    # a later step done out of order does not skip an earlier one
    assert Tutorial.from_stored(["fdsa"]).current is STEPS[0]
