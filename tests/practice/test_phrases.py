"""The phrase catalogue: built-ins, the user's own file, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from handterm_tui.core import phrases


def test_builtin_catalogue_has_every_kind_of_phrase_with_unique_keys() -> None:
    cat = phrases.load()
    keys = cat.keys()
    assert len(keys) == len(set(keys)) >= 20
    assert {p.level for p in cat} == {1, 2, 3, 4, 5}
    assert all(p.text == p.text.strip() and p.text.isprintable() for p in cat)
    home = [p for p in cat if p.level == 1]
    assert all(set(p.text) <= set("asdfghjkl; ") for p in home)


def test_user_file_adds_and_replaces_phrases(tmp_path: Path) -> None:
    f = tmp_path / "phrases.toml"
    f.write_text(
        '[[phrase]]\nkey = "mine"\nlevel = 2\ntext = "my own words"\n'
        '[[phrase]]\nkey = "dad"\nlevel = 1\ntext = "dad"\n',
        encoding="utf-8",
    )
    cat = phrases.load(f)
    assert cat.problems == ()
    assert cat.get("mine") is not None and cat.get("mine").text == "my own words"  # type: ignore[union-attr]
    assert cat.get("dad").text == "dad"  # type: ignore[union-attr]
    assert cat.keys()[0] == "dad"  # replaced in place
    # A user phrase sits at its level (the game goes in level order), after the built-in ones.
    levels = [p.level for p in cat]
    assert levels == sorted(levels)
    assert cat.keys().index("mine") == max(i for i, lv in enumerate(levels) if lv == 2)


def test_user_file_in_the_config_dir_is_read_by_default(handterm_home: Path) -> None:
    (handterm_home / "config").mkdir()
    (handterm_home / "config" / "phrases.toml").write_text(
        '[[phrase]]\nkey = "cfg"\ntext = "from config"\n', encoding="utf-8"
    )
    assert phrases.load().get("cfg") is not None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("[[phrase]\nkey=", "not valid TOML"),
        ('[[phrase]]\nkey = "two words"\ntext = "x"\n', "key must be one word"),
        ('[[phrase]]\nkey = "k"\nlevel = 9\ntext = "x"\n', "level must be a whole number 1-5"),
        ('[[phrase]]\nkey = "k"\ntext = ""\n', "text must be a non-empty string"),
        ('[[phrase]]\nkey = "k"\ntext = "a\\tb"\n', "one line of printable characters"),
        ('[[phrase]]\nkey = "k"\ntext = "a"\n[[phrase]]\nkey = "k"\ntext = "b"\n', "appears twice"),
        ('[[phrase]]\nkey = "k"\ntxt = "a"\n', "unknown field(s): txt"),
    ],
)
def test_broken_user_file_keeps_the_builtins_and_says_what_is_wrong(
    tmp_path: Path, body: str, says: str
) -> None:
    f = tmp_path / "phrases.toml"
    f.write_text(body, encoding="utf-8")
    cat = phrases.load(f)
    assert len(cat) == len(phrases.builtin())
    assert len(cat.problems) == 1
    assert str(f) in cat.problems[0] and says in cat.problems[0]
    assert "built-in phrases only" in cat.problems[0]


def test_edited_user_file_is_read_again(tmp_path: Path) -> None:
    f = tmp_path / "phrases.toml"
    f.write_text('[[phrase]]\nkey = "one"\ntext = "1"\n', encoding="utf-8")
    assert phrases.load(f).get("one") is not None
    f.write_text('[[phrase]]\nkey = "two"\ntext = "22"\n', encoding="utf-8")
    assert phrases.load(f).get("two") is not None
