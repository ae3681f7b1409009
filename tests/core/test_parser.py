from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handterm_tui.core.parser import ParseError, parse, quote, split_words


def test_web_syntax_positional_and_switches() -> None:
    cmd = parse("wrt --limit 5 hello")
    assert cmd.name == "wrt"
    assert cmd.switches == {"limit": "5"}
    assert cmd.args == ("hello",)


def test_equals_form_and_bare_switch() -> None:
    cmd = parse("logs --kind=game --remote extra")
    assert cmd.switches == {"kind": "game", "remote": "extra"}
    cmd = parse("logs --remote --kind game")
    assert cmd.switches == {"remote": True, "kind": "game"}


def test_known_flags_never_swallow_the_next_word() -> None:
    cmd = parse("tut --reset now", options=(), flags=("reset",))
    assert cmd.switches == {"reset": True}
    assert cmd.args == ("now",)


def test_known_options_take_a_value_even_if_it_looks_like_a_switch() -> None:
    cmd = parse("target --limit -5", options=("limit",))
    assert cmd.switches == {"limit": "-5"}


def test_short_flags_and_clusters() -> None:
    assert parse("debug -t").switches == {"t": True}
    assert parse("x -abc").switches == {"a": True, "b": True, "c": True}
    # A negative number is an argument, not a switch.
    assert parse("target -5").args == ("-5",)


def test_quotes_make_one_argument_and_are_never_switches() -> None:
    cmd = parse("""wrt "hello   world" 'it''s' "--not-a-switch" """)
    assert cmd.args == ("hello   world", "its", "--not-a-switch")
    assert cmd.switches == {}


def test_double_dash_ends_switches() -> None:
    cmd = parse("wrt -- --limit 3")
    assert cmd.args == ("--limit", "3")


def test_backslash_escapes() -> None:
    assert parse(r"wrt a\ b \"q\"").args == ("a b", '"q"')


def test_unclosed_quote_is_a_clear_error() -> None:
    with pytest.raises(ParseError, match="unclosed"):
        parse('wrt "oops')


def test_empty_line() -> None:
    assert parse("   ").name == ""


words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@given(st.lists(words, min_size=1, max_size=6))
def test_quote_round_trips_through_split(items: list[str]) -> None:
    line = " ".join(quote(w) for w in items)
    assert [w.text for w in split_words(line)] == items


@given(st.text(max_size=80))
def test_parse_never_crashes_except_with_parse_error(line: str) -> None:
    try:
        cmd = parse(line)
    except ParseError:
        return
    assert isinstance(cmd.args, tuple)
    assert all(isinstance(k, str) for k in cmd.switches)
