"""Typing-test formulas: gross and net WPM, accuracy with corrected errors, per-key times.

The definitions (shown to users by ``help play``):

- A *word* is 5 characters, spaces and punctuation included.
- The clock starts at the first keystroke, so that keystroke is time zero and the
  characters counted are the ones after it (as in ``core.stats``; with an even pace the
  gross figure then equals the web's figure, which makes the two comparable).
- **Gross WPM**: every character key pressed, erased ones included, per minute / 5:
  how fast the fingers moved.
- **Net WPM**: the characters of the final text, less one word per uncorrected error, per
  minute / 5: what was produced. The game only ends on a correct phrase, so errors cost
  net speed through the time spent fixing them.
- **Accuracy**: keystrokes that matched the phrase at their position / all character
  keystrokes. A mistake fixed with Backspace still counts as an error (monkeytype, toipe
  and typioca do the same; smassh #99 is the bug report against not doing it).
- **Key time**: the ms from the previous keystroke to a correct keystroke of that key,
  skipped when an erase came in between (that gap measures the fix, not the key).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from handterm_tui.core.stats import CHARS_PER_WORD, MIN_INTERVAL_MS

MS_PER_MINUTE = 60_000.0


def gross_wpm(entries: int, elapsed_ms: float) -> float | None:
    """Character keystrokes after the first, in 5-character words per minute."""
    if entries < 2 or elapsed_ms <= 0:
        return None
    return ((entries - 1) / CHARS_PER_WORD) / (elapsed_ms / MS_PER_MINUTE)


def net_wpm(final_chars: int, uncorrected: int, elapsed_ms: float) -> float | None:
    """Final characters after the first, less one word per uncorrected error; never below 0."""
    if final_chars < 2 or elapsed_ms <= 0:
        return None
    words = (final_chars - 1) / CHARS_PER_WORD - uncorrected
    return max(0.0, words) / (elapsed_ms / MS_PER_MINUTE)


def accuracy(entries: int, errors: int) -> float | None:
    """Percent of character keystrokes that were right; corrected mistakes count as errors."""
    if entries <= 0:
        return None
    return 100.0 * max(0, entries - errors) / entries


@dataclass(frozen=True)
class KeyStat:
    """One key's timings and misses (across one game or many)."""

    char: str
    count: int = 0  # timed correct keystrokes
    total_ms: float = 0.0
    errors: int = 0  # times this key was expected and another was typed

    @property
    def mean_ms(self) -> float | None:
        return self.total_ms / self.count if self.count else None

    def plus(self, other: KeyStat) -> KeyStat:
        return KeyStat(
            self.char,
            self.count + other.count,
            self.total_ms + other.total_ms,
            self.errors + other.errors,
        )

    def to_json(self) -> list[float | int]:
        return [self.count, round(self.total_ms, 3), self.errors]

    @classmethod
    def from_json(cls, char: str, data: object) -> KeyStat | None:
        """Tolerant of hand-edited or older records: anything malformed is skipped."""
        if not isinstance(data, list) or len(data) != 3:
            return None
        count, total, errors = data
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in data):
            return None
        return cls(char, int(count), float(total), int(errors))


def merge_keys(groups: Iterable[Mapping[str, KeyStat]]) -> dict[str, KeyStat]:
    out: dict[str, KeyStat] = {}
    for group in groups:
        for char, stat in group.items():
            out[char] = out[char].plus(stat) if char in out else stat
    return out


def slowest_keys(keys: Mapping[str, KeyStat], rows: int = 10) -> list[KeyStat]:
    """The keys with the longest mean time, slowest first (ties: the key, for stable output)."""
    timed = [k for k in keys.values() if k.count and k.total_ms / k.count > MIN_INTERVAL_MS]
    timed.sort(key=lambda k: (-(k.total_ms / k.count), k.char))
    return timed[:rows]
