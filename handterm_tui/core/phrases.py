"""The game's phrase catalogue: built-in phrases plus the user's own file.

Phrases are data (``core/data/phrases.toml``). A user's ``<config dir>/phrases.toml`` in the
same format is merged in; a phrase there with a built-in key replaces it. A broken user
file never stops the game: the built-in phrases load and the problem is reported with the
file and line, so the user can fix it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from handterm_tui import paths

MIN_LEVEL, MAX_LEVEL = 1, 5
MAX_TEXT = 300  # one screen line or two at 80 columns; longer is not a phrase
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.=()+-]{0,31}$")
USER_FILE_NAME = "phrases.toml"
LEVEL_NAMES = {1: "home row", 2: "common words", 3: "pangrams", 4: "shell and code", 5: "sentences"}


class PhraseFileError(ValueError):
    """A phrase file that cannot be used: which file, which entry, what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Phrase:
    key: str
    level: int
    text: str
    source: str = "built-in"  # "built-in" or the user file's path


@dataclass(frozen=True)
class Catalogue:
    phrases: tuple[Phrase, ...]
    # Problems with the user's file, in words; the built-in phrases still load.
    problems: tuple[str, ...] = ()
    _by_key: Mapping[str, Phrase] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {p.key: p for p in self.phrases})

    def get(self, key: str) -> Phrase | None:
        return self._by_key.get(key)

    def keys(self) -> list[str]:
        return [p.key for p in self.phrases]

    def __iter__(self) -> Iterator[Phrase]:
        return iter(self.phrases)

    def __len__(self) -> int:
        return len(self.phrases)


def _check_entry(entry: Any, index: int, where: str) -> Phrase:
    label = f"phrase #{index + 1}"
    if not isinstance(entry, dict):
        raise PhraseFileError(where, f"{label} is not a table ([[phrase]])")
    unknown = set(entry) - {"key", "level", "text"}
    if unknown:
        raise PhraseFileError(where, f"{label} has unknown field(s): {', '.join(sorted(unknown))}")
    key, level, text = entry.get("key"), entry.get("level", 1), entry.get("text")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise PhraseFileError(
            where, f"{label}: key must be one word of letters, digits or -_.=()+ (got {key!r})"
        )
    label = f"phrase {key!r}"
    if isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise PhraseFileError(
            where, f"{label}: level must be a whole number {MIN_LEVEL}-{MAX_LEVEL} (got {level!r})"
        )
    if not isinstance(text, str) or not text.strip():
        raise PhraseFileError(where, f"{label}: text must be a non-empty string")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise PhraseFileError(
            where, f"{label}: text is {len(text)} characters; the limit is {MAX_TEXT}"
        )
    bad = next((c for c in text if not c.isprintable()), None)
    if bad is not None:
        raise PhraseFileError(
            where, f"{label}: text must be one line of printable characters (found {bad!r})"
        )
    return Phrase(key=key, level=level, text=text, source=where)


def parse_phrases(text: str, where: str) -> list[Phrase]:
    """Read a phrase file's text; raises :class:`PhraseFileError` saying what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PhraseFileError(where, f"not valid TOML: {exc}") from None
    entries = data.get("phrase", [])
    if set(data) - {"phrase"}:
        extra = ", ".join(sorted(set(data) - {"phrase"}))
        raise PhraseFileError(
            where, f"unknown top-level key(s): {extra} (expected [[phrase]] tables)"
        )
    if not isinstance(entries, list):
        raise PhraseFileError(where, "`phrase` must be an array of tables ([[phrase]])")
    out: list[Phrase] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        phrase = _check_entry(entry, index, where)
        if phrase.key in seen:
            raise PhraseFileError(where, f"phrase {phrase.key!r} appears twice")
        seen.add(phrase.key)
        out.append(phrase)
    return out


@cache
def builtin() -> tuple[Phrase, ...]:
    text = (Path(__file__).parent / "data" / "phrases.toml").read_text("utf-8")
    return tuple(parse_phrases(text, "built-in"))


def user_file() -> Path:
    return paths.config_dir() / USER_FILE_NAME


def merge(base: tuple[Phrase, ...], extra: list[Phrase]) -> tuple[Phrase, ...]:
    """Built-in order first (a user phrase replaces one in place), then new user phrases;
    then by level (stable), so the game's "in order" is the level order with user phrases
    at their level, not after every built-in one."""
    replacing = {p.key: p for p in extra}
    merged = [replacing.pop(p.key, p) for p in base]
    merged += [p for p in extra if p.key in replacing]
    return tuple(sorted(merged, key=lambda p: p.level))


@cache
def _load_cached(path: str, mtime_ns: int, size: int) -> Catalogue:
    try:
        text = Path(path).read_text(encoding="utf-8")
        extra = parse_phrases(text, path)
    except PhraseFileError as exc:
        return Catalogue(builtin(), problems=(f"{exc} — using the built-in phrases only.",))
    except (OSError, UnicodeDecodeError) as exc:
        return Catalogue(
            builtin(),
            problems=(f"{path}: cannot read it ({exc}) — using the built-in phrases only.",),
        )
    return Catalogue(merge(builtin(), extra))


def load(path: Path | None = None) -> Catalogue:
    """The catalogue: built-in phrases merged with the user's file when there is one.

    Re-read only when the user file changes (its mtime and size are the cache key).
    """
    path = path or user_file()
    try:
        st = path.stat()
    except OSError:
        return Catalogue(builtin())
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)
