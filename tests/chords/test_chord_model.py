"""The chord model: the shipped table decodes as the reference says; a user file overrides
or extends it, and a broken one is reported with its file and entry, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from handterm_tui.core import chord_model, chords
from handterm_tui.core.chord_model import ChordFileError, Position, parse_table


def test_shipped_table_decodes_positions_in_press_order() -> None:
    model = chord_model.load()
    b = model.get("b")
    assert b is not None and [p.token for p in b.presses] == ["It", "Mm"]
    # order matters: n = index tip then index mid, u = the reverse
    assert [p.token for p in model.get("n").presses] == ["It", "Im"]  # type: ignore[union-attr]
    assert [p.token for p in model.get("u").presses] == ["Im", "It"]  # type: ignore[union-attr]
    big_a = model.get("A")
    assert big_a is not None and big_a.shifted and big_a.describe() == "Shift + pinky tip"
    space = model.get(" ")
    assert space is not None and not space.shifted and space.presses == (Position(0, 1),)
    assert model.get("Backspace").presses == (Position(1, 2),)  # type: ignore[union-attr]
    assert {p for c in model for p in c.presses} <= set(chord_model.ALL_POSITIONS)


def test_user_file_overrides_and_extends(handterm_home: Path) -> None:
    path = chord_model.user_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"chords": {"a": "E", "é": "3e2"}}', encoding="utf-8")
    model = chord_model.load()
    assert not model.problems
    assert model.get("a").code == "E"  # type: ignore[union-attr]
    assert model.get("é").code == "3E2"  # type: ignore[union-attr]
    assert chords.hint("a") == "a = chord E"
    assert model.get("b").code == "17"  # type: ignore[union-attr]  # untouched entries stay


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"chord": {}}', "unknown top-level key(s): chord"),
        ('{"chords": {"a": "4G"}}', "chord 'a': code '4G' has 'G'"),
        ('{"chords": {"a": ""}}', "chord 'a': the code must be a non-empty string"),
        ('{"chords": {"a": 4}}', "chord 'a': the code must be a non-empty string"),
        ('{"chords": {"a": "123456789"}}', "9 presses; the limit is 8"),
        ('{"chords": {"a": "1", "a": "2"}}', "'a' appears twice"),
    ],
)
def test_bad_tables_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ChordFileError) as info:
        parse_table(text, "my.json")
    assert message in str(info.value) and str(info.value).startswith("my.json: ")


def test_broken_user_file_falls_back_to_the_shipped_table(handterm_home: Path) -> None:
    path = chord_model.user_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"chords": {"a": "17"}}', encoding="utf-8")  # 17 is already b
    model = chord_model.load()
    assert model.get("a").code == "4"  # type: ignore[union-attr]
    assert len(model.problems) == 1
    assert "code 17 is given to both 'a' and 'b'" in model.problems[0]
    assert str(path) in model.problems[0] and "built-in chord table only" in model.problems[0]
