"""The chord model: which presses, on which finger segment, type each character.

A chord code is an ordered sequence of presses written with the hex digits ``0-9A-E``;
digit ``v`` is finger ``v mod 5`` (thumb, index, middle, ring, pinky) on segment
``v div 5`` (tip, mid, base). A code that starts with ``5`` (thumb mid) and whose rest is
itself a chord is that chord shifted: Shift is its own prefix press.

The table is data: the shipped ``data/chords.json`` plus an optional user file
``<config dir>/chords.json`` in the same format, whose entries override or extend it (for
another chord layout). Both are validated on load; a broken user file never stops
handterm: the shipped table loads and the problem is reported with the file and entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from handterm_tui import paths

FINGERS = ("thumb", "index", "middle", "ring", "pinky")
SEGMENTS = ("tip", "mid", "base")
FINGER_LETTERS = "TIMRP"
SEGMENT_LETTERS = "tmb"
DIGITS = "0123456789ABCDE"
SHIFT_DIGIT = "5"
MAX_PRESSES = 8  # the shipped table's longest is 6 (shifted Keypad 3)
MAX_KEY = 24
USER_FILE_NAME = "chords.json"


class ChordFileError(ValueError):
    """A chord table that cannot be used: which file, which entry, what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True, order=True)
class Position:
    """One of the 15 buttons: a finger (0 thumb … 4 pinky) and a segment (0 tip … 2 base)."""

    finger: int
    segment: int

    @classmethod
    def from_digit(cls, digit: str) -> Position:
        value = DIGITS.index(digit.upper())
        return cls(value % 5, value // 5)

    @property
    def digit(self) -> str:
        return DIGITS[self.segment * 5 + self.finger]

    @property
    def token(self) -> str:
        """``It`` = index tip (the reference's short form)."""
        return FINGER_LETTERS[self.finger] + SEGMENT_LETTERS[self.segment]

    @property
    def name(self) -> str:
        return f"{FINGERS[self.finger]} {SEGMENTS[self.segment]}"


ALL_POSITIONS = tuple(Position(f, s) for f in range(5) for s in range(3))


@dataclass(frozen=True)
class Chord:
    key: str  # the character (or key name such as "Backspace")
    code: str  # upper-case hex digits, in press order
    presses: tuple[Position, ...]
    shifted: bool  # the first press is Shift (thumb mid) on top of an unshifted chord

    @property
    def positions(self) -> frozenset[Position]:
        return frozenset(self.presses)

    @property
    def first(self) -> Position:
        return self.presses[0]

    @property
    def last(self) -> Position:
        return self.presses[-1]

    def describe(self) -> str:
        """``index tip > middle mid`` (``Shift +`` first when shifted)."""
        presses = self.presses[1:] if self.shifted else self.presses
        text = " > ".join(p.name for p in presses)
        return f"Shift + {text}" if self.shifted else text


def display_key(key: str) -> str:
    return {"\r": "Enter", "\n": "Enter", " ": "Space", "\t": "Tab"}.get(key, key)


@dataclass(frozen=True)
class ChordModel:
    chords: Mapping[str, Chord]
    # Problems with the user's file, in words; the shipped table still loads.
    problems: tuple[str, ...] = ()
    source: str = "built-in"
    _by_code: Mapping[str, Chord] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {c.code: c for c in self.chords.values()})

    def get(self, key: str) -> Chord | None:
        return self.chords.get(key)

    def by_code(self, code: str) -> Chord | None:
        return self._by_code.get(code.upper())

    def __iter__(self) -> Iterator[Chord]:
        return iter(self.chords.values())

    def __len__(self) -> int:
        return len(self.chords)

    def __contains__(self, key: object) -> bool:
        return key in self.chords


def _check_code(where: str, key: str, code: Any) -> str:
    label = f"chord {display_key(key)!r}"
    if not isinstance(code, str) or not code:
        raise ChordFileError(where, f'{label}: the code must be a non-empty string like "17"')
    upper = code.upper()
    bad = next((c for c in upper if c not in DIGITS), None)
    if bad is not None:
        raise ChordFileError(
            where, f"{label}: code {code!r} has {bad!r}; a press is one of 0-9 and A-E"
        )
    if len(upper) > MAX_PRESSES:
        raise ChordFileError(
            where, f"{label}: code {code!r} has {len(upper)} presses; the limit is {MAX_PRESSES}"
        )
    return upper


def _pairs_no_duplicates(where: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ChordFileError(where, f"{display_key(key)!r} appears twice")
            out[key] = value
        return out

    return hook


def parse_table(text: str, where: str) -> dict[str, str]:
    """Read a chord file's text (``{"chords": {"a": "4", ...}}``) into key → code.

    Raises :class:`ChordFileError` saying what is wrong and where.
    """
    try:
        data = json.loads(text, object_pairs_hook=_pairs_no_duplicates(where))
    except json.JSONDecodeError as exc:
        raise ChordFileError(where, f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ChordFileError(where, 'expected an object: {"chords": {"a": "4", ...}}')
    unknown = set(data) - {"chords", "_about"}
    if unknown:
        raise ChordFileError(
            where, f'unknown top-level key(s): {", ".join(sorted(unknown))} (expected "chords")'
        )
    table = data.get("chords")
    if not isinstance(table, dict):
        raise ChordFileError(where, '"chords" must be an object of key → code')
    out: dict[str, str] = {}
    for key, code in table.items():
        if not key or len(key) > MAX_KEY:
            raise ChordFileError(
                where, f"key {key!r}: a key is one character or a name up to {MAX_KEY} long"
            )
        out[key] = _check_code(where, key, code)
    return out


def build(table: Mapping[str, str], where: str) -> dict[str, Chord]:
    """Chords from key → code; two keys with one code are an error (a chord types one key)."""
    seen: dict[str, str] = {}
    for key, code in table.items():
        other = seen.get(code)
        if other is not None:
            raise ChordFileError(
                where,
                f"code {code} is given to both {display_key(other)!r} and {display_key(key)!r}",
            )
        seen[code] = key
    out: dict[str, Chord] = {}
    for key, code in table.items():
        presses = tuple(Position.from_digit(d) for d in code)
        shifted = len(code) > 1 and code[0] == SHIFT_DIGIT and code[1:] in seen
        out[key] = Chord(key, code, presses, shifted)
    return out


@cache
def builtin_table() -> dict[str, str]:
    # A plain path, not importlib.resources: that import alone costs ~15 ms at start-up.
    text = (Path(__file__).parent / "data" / "chords.json").read_text("utf-8")
    return parse_table(text, "built-in")


@cache
def builtin() -> ChordModel:
    return ChordModel(build(builtin_table(), "built-in"))


def user_file() -> Path:
    return paths.config_dir() / USER_FILE_NAME


@cache
def _load_cached(path: str, mtime_ns: int, size: int) -> ChordModel:
    fallback = " — using the built-in chord table only."
    try:
        extra = parse_table(Path(path).read_text(encoding="utf-8"), path)
        merged = {**builtin_table(), **extra}
        return ChordModel(build(merged, path), source=path)
    except ChordFileError as exc:
        return ChordModel(builtin().chords, problems=(f"{exc}{fallback}",))
    except (OSError, UnicodeDecodeError) as exc:
        return ChordModel(builtin().chords, problems=(f"{path}: cannot read it ({exc}){fallback}",))


def load(path: Path | None = None) -> ChordModel:
    """The shipped table merged with the user's file when there is one.

    Re-read only when the user file changes (its mtime and size are the cache key).
    """
    path = path or user_file()
    try:
        st = path.stat()
    except OSError:
        return builtin()
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


# -- the next-key hint: the chord's presses on a small hand, numbered in order ------------

START_MARK = "▶"  # the first press (the web's green triangle)
STOP_MARK = "■"  # the last press (the web's black square)
HINT_CELL = 5


def press_cells(chord: Chord) -> dict[Position, str]:
    """Per pressed position: its press numbers in order (``1``, ``2,4``), the first
    marked ▶ and the last ■ (a one-press chord is both)."""
    numbers: dict[Position, list[int]] = {}
    for i, pos in enumerate(chord.presses, start=1):
        numbers.setdefault(pos, []).append(i)
    out = {}
    for pos, nums in numbers.items():
        text = ",".join(str(n) for n in nums)
        if pos == chord.first:
            text = START_MARK + text
        if pos == chord.last:
            text = text + STOP_MARK
        out[pos] = text
    return out


def press_lines(chord: Chord) -> list[str]:
    """The hand as text, palm (base) to tip left to right, one row per finger."""
    cells = press_cells(chord)
    lines = [" " * 7 + "".join(f"{s:^{HINT_CELL}}" for s in ("base", "mid", "tip")).rstrip()]
    for finger, name in enumerate(FINGERS):
        row = "".join(f"{cells.get(Position(finger, seg), '·'):^{HINT_CELL}}" for seg in (2, 1, 0))
        lines.append(f"{name:<7}{row}".rstrip())
    return lines
