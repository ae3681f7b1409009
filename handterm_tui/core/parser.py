"""The prompt's command-line syntax.

Mirrors the web TUI: ``cmd args --k v``, ``--k=v``, a bare ``--k`` (true), plus ``-k``
single-letter flags and shell-style quotes (``'...'``, ``"..."``, backslash escapes).
A quoted word is always an argument, never a switch; ``--`` ends switch parsing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field


class ParseError(ValueError):
    """The line cannot be split into words (an unclosed quote)."""


@dataclass(frozen=True)
class Word:
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    args: tuple[str, ...] = ()
    switches: dict[str, str | bool] = field(default_factory=dict)
    raw: str = ""

    def switch(self, key: str, default: str | bool | None = None) -> str | bool | None:
        return self.switches.get(key, default)


def split_words(line: str) -> list[Word]:
    """Split like a POSIX shell, remembering which words had quotes in them."""
    words: list[Word] = []
    buf: list[str] = []
    in_word = quoted = False
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            if in_word:
                words.append(Word("".join(buf), quoted))
                buf, in_word, quoted = [], False, False
            i += 1
            continue
        in_word = True
        if ch == "\\":
            if i + 1 < n:
                buf.append(line[i + 1])
                quoted = True
            i += 2
            continue
        if ch in ("'", '"'):
            quoted = True
            end = i + 1
            while True:
                if end >= n:
                    raise ParseError(f"unclosed {ch} quote")
                if line[end] == ch:
                    break
                if ch == '"' and line[end] == "\\" and end + 1 < n and line[end + 1] in '"\\$`':
                    buf.append(line[end + 1])
                    end += 2
                    continue
                buf.append(line[end])
                end += 1
            i = end + 1
            continue
        buf.append(ch)
        i += 1
    if in_word:
        words.append(Word("".join(buf), quoted))
    return words


def _is_long(word: Word) -> bool:
    return not word.quoted and word.text.startswith("--") and len(word.text) > 2


def _is_short(word: Word) -> bool:
    text = word.text
    return not word.quoted and len(text) >= 2 and text[0] == "-" and text[1].isalpha()


def parse(
    line: str,
    *,
    options: Collection[str] | None = None,
    flags: Collection[str] = (),
) -> ParsedCommand:
    """Parse a command line.

    ``options`` names the switches that take a value and ``flags`` those that never do.
    When ``options`` is None (an unknown command) the web's rule applies: ``--k v`` takes
    ``v`` unless it starts with ``-``.
    """
    words = split_words(line)
    if not words:
        return ParsedCommand(name="", raw=line)
    name = words[0].text
    args: list[str] = []
    switches: dict[str, str | bool] = {}
    rest = words[1:]
    i = 0
    only_args = False
    while i < len(rest):
        word = rest[i]
        nxt = rest[i + 1] if i + 1 < len(rest) else None
        if only_args:
            args.append(word.text)
        elif not word.quoted and word.text == "--":
            only_args = True
        elif _is_long(word):
            key, eq, value = word.text[2:].partition("=")
            if eq:
                switches[key] = value
            elif key in flags:
                switches[key] = True
            elif nxt is not None and (
                (options is not None and key in options)
                or (options is None and (nxt.quoted or not nxt.text.startswith("-")))
            ):
                switches[key] = nxt.text
                i += 1
            else:
                switches[key] = True
        elif _is_short(word):
            letters = word.text[1:]
            if len(letters) == 1 and options is not None and letters in options and nxt is not None:
                switches[letters] = nxt.text
                i += 1
            elif letters.isalpha():
                for letter in letters:  # -abc is -a -b -c
                    switches[letter] = True
            else:
                args.append(word.text)
        else:
            args.append(word.text)
        i += 1
    return ParsedCommand(name=name, args=tuple(args), switches=switches, raw=line)


def quote(word: str) -> str:
    """Quote a word so :func:`split_words` gives it back unchanged."""
    if word and not any(c.isspace() or c in "'\"\\" for c in word) and not word.startswith("-"):
        return word
    return "'" + word.replace("'", "'\\''") + "'"
