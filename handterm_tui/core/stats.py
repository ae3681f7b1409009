"""Typing figures from keystroke timings.

Two WPM figures are kept side by side:

- **gross WPM**: (characters / 5) per minute, the clock running from the first keystroke
  to the last. The first keystroke starts the clock, so it is time zero and the figure
  counts the characters typed after it.
- **web WPM**: what handterm.com shows — the mean of ``12000 / ms`` over every interval
  longer than 1 ms. A mean of rates overstates speed when the pace varies (a few fast
  intervals lift it), so it is labelled and never used for achievements.

No figure is ever NaN: too few keystrokes means no figure (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CHARS_PER_WORD = 5
MIN_INTERVAL_MS = 1.0  # the web skips intervals of 1 ms or less
SLOW_ROWS = 3


@dataclass(frozen=True)
class Keystroke:
    """One typed character and the ms since the previous keystroke (None for the first)."""

    char: str
    interval_ms: float | None


@dataclass(frozen=True)
class SlowChar:
    char: str
    mean_ms: float
    count: int

    @property
    def wpm(self) -> float:
        return 12000.0 / self.mean_ms if self.mean_ms > 0 else 0.0


@dataclass(frozen=True)
class Figures:
    chars: int
    elapsed_ms: float | None
    gross_wpm: float | None
    web_wpm: float | None
    slowest: tuple[SlowChar, ...]


def from_timestamps(chars: Iterable[tuple[str, float]]) -> list[Keystroke]:
    """Turn ``(char, monotonic_ms)`` pairs into keystrokes with intervals."""
    out: list[Keystroke] = []
    previous: float | None = None
    for char, at in chars:
        interval = None if previous is None else max(0.0, at - previous)
        out.append(Keystroke(char, interval))
        previous = at
    return out


def gross_wpm(keys: Sequence[Keystroke]) -> float | None:
    intervals = [k.interval_ms for k in keys[1:] if k.interval_ms is not None]
    elapsed = sum(intervals)
    if not intervals or elapsed <= 0:
        return None
    return (len(intervals) / CHARS_PER_WORD) / (elapsed / 60000.0)


def web_wpm(keys: Sequence[Keystroke]) -> float | None:
    rates = [
        12000.0 / k.interval_ms
        for k in keys
        if k.interval_ms is not None and k.interval_ms > MIN_INTERVAL_MS
    ]
    if not rates:
        return None
    return round(sum(rates) / len(rates), 3)


def slowest(keys: Sequence[Keystroke], rows: int = SLOW_ROWS) -> tuple[SlowChar, ...]:
    """The characters that took longest on average (the interval that ends at them)."""
    totals: dict[str, list[float]] = {}
    for key in keys:
        if key.interval_ms is not None and key.interval_ms > MIN_INTERVAL_MS:
            totals.setdefault(key.char, []).append(key.interval_ms)
    ranked = sorted(
        (SlowChar(char, sum(v) / len(v), len(v)) for char, v in totals.items()),
        key=lambda s: (-s.mean_ms, s.char),
    )
    return tuple(ranked[:rows])


def figures(keys: Sequence[Keystroke]) -> Figures:
    intervals = [k.interval_ms for k in keys[1:] if k.interval_ms is not None]
    return Figures(
        chars=len(keys),
        elapsed_ms=sum(intervals) if intervals else None,
        gross_wpm=gross_wpm(keys),
        web_wpm=web_wpm(keys),
        slowest=slowest(keys),
    )


def web_char_times(keys: Sequence[Keystroke]) -> list[dict[str, object]]:
    """The web's ``char-time_*`` shape: ``{character, wpm, durationMilliseconds}``."""
    out: list[dict[str, object]] = []
    for key in keys:
        ms = key.interval_ms or 0.0
        wpm = round(12000.0 / ms, 3) if ms > 0 else 0
        out.append({"character": key.char, "wpm": wpm, "durationMilliseconds": round(ms, 3)})
    return out


def display_char(char: str) -> str:
    """A readable name for characters that do not show on their own."""
    return {"\r": "Enter", "\n": "Enter", " ": "Space", "\t": "Tab"}.get(char, char)


def format_wpm(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
