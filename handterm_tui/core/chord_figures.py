"""Figures per chord, transition, position and finger, from stored keystroke logs.

What is measured
- A chord's *time* is the interval that ends at its character: from the previous chord's
  release to this one's (characters are entered on release). A *transition* ``a→b`` is
  the same interval, counted for the pair. Only clean intervals count: both strokes right,
  the earlier one not a mistake (a fix includes Backspace time), longer than 1 ms and not
  a pause (over ``PAUSE_MS``).
- An *error* is a different key typed where this chord was expected (games and drills,
  whose text is known). Prompt lines, when included, have no known text: no errors there.
- Per position and finger: the same figures over every chord that uses it (and over the
  chords that start or end on it), merged from the chords' own samples.
- Medians and p90 come from histograms with 2 % wide bins (±1 %), so the figures can be
  kept up to date incrementally: :class:`Accumulator` folds in each new record once and
  its state is small JSON, independent of how many keystrokes were stored.
- A *session* is a run of records with no gap over ``SESSION_GAP_S``; the trend is the
  per-session median, smoothed across sessions (EMA, as keybr smooths across lessons).
- A figure with fewer than ``MIN_SAMPLES`` timed samples is reported with its count and
  never ranked.

Nothing here touches the store; ``store.keystrokes`` feeds it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handterm_tui.core.chord_model import (
    ALL_POSITIONS,
    FINGERS,
    ChordModel,
    Position,
    display_key,
)

VERSION = 2  # 2: bins rounded half up, no open-session key list
MIN_INTERVAL_MS = 1.0  # as core.stats: the web skips intervals of 1 ms or less
PAUSE_MS = 5000.0  # a longer gap is a pause, not a chord being made
SESSION_GAP_S = 30 * 60
MIN_SAMPLES = 10  # fewer timed samples: shown with the count, never ranked
SESSION_MIN = 3  # a session adds a trend point only with this many samples
TREND_POINTS = 12  # sessions kept per unit for sparklines
EMA_ALPHA = 0.3  # weight of the newest session in the smoothed figure
_STEP = math.log(1.02)


def bucket(ms: float) -> int:
    return int(math.log(ms) / _STEP + 0.5)


def bucket_ms(b: int) -> float:
    return math.exp(b * _STEP)


def quantile(hist: Mapping[int, int], q: float) -> float | None:
    """The ``q`` quantile (0..1) of a bucket histogram, as the bucket's centre in ms."""
    total = sum(hist.values())
    if not total:
        return None
    rank = q * (total - 1)
    seen = 0
    for b in sorted(hist):
        seen += hist[b]
        if seen > rank:
            return bucket_ms(b)
    return bucket_ms(max(hist))  # pragma: no cover - rank < total always stops above


class Unit:
    """Running figures of one chord or transition."""

    __slots__ = ("ema", "errors", "hist", "hits", "sessions", "shist", "total_ms")

    def __init__(self) -> None:
        self.hist: dict[int, int] = {}
        self.hits = 0  # strokes typed right (timed or not)
        self.errors = 0
        self.total_ms = 0.0
        self.shist: dict[int, int] = {}  # the open session's samples
        self.sessions: list[list[float]] = []  # [session number, samples, median ms]
        self.ema: float | None = None

    @property
    def samples(self) -> int:
        return sum(self.hist.values())

    def close_session(self, number: int) -> None:
        if not self.shist:
            return
        count = sum(self.shist.values())
        median = quantile(self.shist, 0.5)
        self.shist = {}
        if count < SESSION_MIN or median is None:
            return
        self.sessions.append([number, count, round(median, 1)])
        del self.sessions[:-TREND_POINTS]
        self.ema = median if self.ema is None else self.ema + EMA_ALPHA * (median - self.ema)

    def to_json(self) -> list[Any]:
        return [
            self.hist,
            self.hits,
            self.errors,
            self.total_ms,
            self.shist,
            self.sessions,
            self.ema,
        ]

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> Unit:
        unit = cls()
        hist, unit.hits, unit.errors, unit.total_ms, shist, unit.sessions, unit.ema = data
        unit.hist = {int(b): int(n) for b, n in hist.items()}
        unit.shist = {int(b): int(n) for b, n in shist.items()}
        return unit


class Accumulator:
    """Folds records into per-chord and per-transition figures, one record at a time."""

    def __init__(self) -> None:
        self.chords: dict[str, Unit] = {}
        self.pairs: dict[str, Unit] = {}  # key: the two characters
        self.last_id = 0
        self.last_at: float | None = None  # epoch seconds of the last record
        self.session = 0
        self.records = 0

    # -- folding -----------------------------------------------------------------

    def _unit(self, table: dict[str, Unit], key: str) -> Unit:
        unit = table.get(key)
        if unit is None:
            unit = table[key] = Unit()
        return unit

    def close_session(self) -> None:
        for table in (self.chords, self.pairs):
            for unit in table.values():
                if unit.shist:
                    unit.close_session(self.session)

    def add(
        self,
        record_id: int,
        at: datetime,
        strokes: Iterable[Sequence[Any]],
        text: str | None,
    ) -> None:
        """One record: ``strokes`` are ``[char, interval ms or None]``; ``text`` what was
        to be typed (None: every stroke is taken as meant, as for prompt lines)."""
        stamp = at.timestamp()
        if self.last_at is None or stamp - self.last_at > SESSION_GAP_S:
            self.close_session()
            self.session += 1
        self.last_at = stamp
        self.last_id = max(self.last_id, record_id)
        self.records += 1
        # The hot loop of a first run over a big store: locals only, no helper calls.
        chords, pairs = self.chords, self.pairs
        log, inv_step, low, high = math.log, 1.0 / _STEP, MIN_INTERVAL_MS, PAUSE_MS
        size = -1 if text is None else len(text)
        pos = 0
        prev: str | None = None  # the last char typed right, when the stroke before was right
        clean = False
        for char, ms in strokes:
            if size >= 0:
                if pos >= size or char != text[pos]:  # type: ignore[index]
                    if pos < size:
                        want = text[pos]  # type: ignore[index]
                        self._unit(chords, want).errors += 1
                        if clean and prev is not None:
                            self._unit(pairs, prev + want).errors += 1
                    prev, clean = None, False
                    continue
                pos += 1
            unit = chords.get(char)
            if unit is None:
                unit = chords[char] = Unit()
            unit.hits += 1
            if clean and ms is not None and low < ms <= high:
                b = int(log(ms) * inv_step + 0.5)
                hist = unit.hist
                hist[b] = hist.get(b, 0) + 1
                hist = unit.shist
                hist[b] = hist.get(b, 0) + 1
                unit.total_ms += ms
                if prev is not None:
                    key = prev + char
                    pair = pairs.get(key)
                    if pair is None:
                        pair = pairs[key] = Unit()
                    pair.hits += 1
                    hist = pair.hist
                    hist[b] = hist.get(b, 0) + 1
                    hist = pair.shist
                    hist[b] = hist.get(b, 0) + 1
                    pair.total_ms += ms
            prev, clean = char, True

    # -- state ----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "last_id": self.last_id,
            "last_at": self.last_at,
            "session": self.session,
            "records": self.records,
            "chords": {k: u.to_json() for k, u in self.chords.items()},
            "pairs": {k: u.to_json() for k, u in self.pairs.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Accumulator:
        """Raises ValueError for a state from another version or a damaged one."""
        if not isinstance(data, Mapping) or data.get("v") != VERSION:
            raise ValueError("chord figures state from another version")
        acc = cls()
        try:
            acc.last_id = int(data["last_id"])
            acc.last_at = None if data["last_at"] is None else float(data["last_at"])
            acc.session = int(data["session"])
            acc.records = int(data["records"])
            acc.chords = {k: Unit.from_json(v) for k, v in data["chords"].items()}
            acc.pairs = {k: Unit.from_json(v) for k, v in data["pairs"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"damaged chord figures state: {exc}") from None
        return acc


# -- figures, as the screen and the command show them ---------------------------------


@dataclass(frozen=True)
class Figure:
    label: str  # what is shown: a key, "a→b", "index tip", "index"
    key: str  # the chord's character, the pair's two characters, a position token
    samples: int  # timed samples
    hits: int
    errors: int
    median_ms: float | None
    p90_ms: float | None
    now_ms: float | None  # the smoothed per-session figure (the open session included)
    trend: tuple[float, ...]  # per-session medians, oldest first
    code: str = ""  # the chord's code, for chords

    @property
    def enough(self) -> bool:
        return self.samples >= MIN_SAMPLES

    @property
    def error_rate(self) -> float | None:
        tried = self.hits + self.errors
        return self.errors / tried if tried else None

    @property
    def rank_ms(self) -> float | None:
        """What ranking uses: the smoothed figure, else the median."""
        return self.now_ms if self.now_ms is not None else self.median_ms

    def to_json(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 1)

        return {
            "label": self.label,
            "key": self.key,
            "code": self.code or None,
            "samples": self.samples,
            "enough_samples": self.enough,
            "hits": self.hits,
            "errors": self.errors,
            "error_rate": None if self.error_rate is None else round(self.error_rate, 4),
            "median_ms": r(self.median_ms),
            "p90_ms": r(self.p90_ms),
            "now_ms": r(self.now_ms),
            "trend_ms": list(self.trend),
        }


def _figure(label: str, key: str, unit: Unit, code: str = "") -> Figure:
    trend = [s[2] for s in unit.sessions]
    now = unit.ema
    open_median = quantile(unit.shist, 0.5) if sum(unit.shist.values()) >= SESSION_MIN else None
    if open_median is not None:
        trend.append(round(open_median, 1))
        now = open_median if now is None else now + EMA_ALPHA * (open_median - now)
    return Figure(
        label=label,
        key=key,
        samples=unit.samples,
        hits=unit.hits,
        errors=unit.errors,
        median_ms=quantile(unit.hist, 0.5),
        p90_ms=quantile(unit.hist, 0.9),
        now_ms=now,
        trend=tuple(trend[-TREND_POINTS:]),
        code=code,
    )


def _merged(label: str, key: str, units: Iterable[Unit]) -> Figure:
    hist: dict[int, int] = {}
    hits = errors = 0
    for unit in units:
        for b, n in unit.hist.items():
            hist[b] = hist.get(b, 0) + n
        hits += unit.hits
        errors += unit.errors
    median = quantile(hist, 0.5)
    return Figure(
        label, key, sum(hist.values()), hits, errors, median, quantile(hist, 0.9), None, ()
    )


def pair_label(key: str) -> str:
    return f"{display_key(key[0])}→{display_key(key[1])}"


@dataclass(frozen=True)
class Report:
    chords: tuple[Figure, ...]
    pairs: tuple[Figure, ...]
    positions: Mapping[Position, Figure]
    starts: Mapping[Position, Figure]
    ends: Mapping[Position, Figure]
    fingers: tuple[Figure, ...]
    samples: int
    records: int
    sessions: int
    chords_per_minute: float | None

    def slowest_chords(self, rows: int = 10) -> list[Figure]:
        return slowest(self.chords, rows)

    def slowest_pairs(self, rows: int = 10) -> list[Figure]:
        return slowest(self.pairs, rows)

    def too_few(self, figures: Iterable[Figure]) -> int:
        return sum(1 for f in figures if not f.enough and f.hits + f.errors > 0)

    def chord(self, key: str) -> Figure | None:
        return next((f for f in self.chords if f.key == key), None)

    def to_json(self) -> dict[str, Any]:
        def by_pos(table: Mapping[Position, Figure]) -> dict[str, Any]:
            return {p.token: f.to_json() for p, f in table.items()}

        return {
            "min_samples": MIN_SAMPLES,
            "samples": self.samples,
            "records": self.records,
            "sessions": self.sessions,
            "chords_per_minute": None
            if self.chords_per_minute is None
            else round(self.chords_per_minute, 1),
            "slowest_chords": [f.to_json() for f in self.slowest_chords()],
            "slowest_transitions": [f.to_json() for f in self.slowest_pairs()],
            "chords": [f.to_json() for f in self.chords],
            "transitions": [f.to_json() for f in self.pairs],
            "positions": by_pos(self.positions),
            "position_starts": by_pos(self.starts),
            "position_ends": by_pos(self.ends),
            "fingers": [f.to_json() for f in self.fingers],
        }


def slowest(figures: Iterable[Figure], rows: int = 10) -> list[Figure]:
    """The slowest figures with enough samples (the others are never ranked)."""
    ranked = [f for f in figures if f.enough and f.rank_ms is not None]
    ranked.sort(key=lambda f: (-(f.rank_ms or 0.0), f.key))
    return ranked[:rows]


def report(acc: Accumulator, model: ChordModel) -> Report:
    """The figures of everything folded in so far, positions as ``model`` lays them out."""
    chords: list[Figure] = []
    by_position: dict[Position, list[Unit]] = {p: [] for p in ALL_POSITIONS}
    by_start: dict[Position, list[Unit]] = {p: [] for p in ALL_POSITIONS}
    by_end: dict[Position, list[Unit]] = {p: [] for p in ALL_POSITIONS}
    by_finger: dict[int, list[Unit]] = {f: [] for f in range(5)}
    total_ms = 0.0
    samples = 0
    for char, unit in sorted(acc.chords.items()):
        chord = model.get(char)
        chords.append(_figure(display_key(char), char, unit, chord.code if chord else ""))
        total_ms += unit.total_ms
        samples += unit.samples
        if chord is None:
            continue
        for position in chord.positions:
            by_position[position].append(unit)
        for finger in {p.finger for p in chord.presses}:
            by_finger[finger].append(unit)
        by_start[chord.first].append(unit)
        by_end[chord.last].append(unit)
    pairs = tuple(_figure(pair_label(k), k, u) for k, u in sorted(acc.pairs.items()) if len(k) == 2)
    return Report(
        chords=tuple(chords),
        pairs=pairs,
        positions={p: _merged(p.name, p.token, by_position[p]) for p in ALL_POSITIONS},
        starts={p: _merged(p.name, p.token, by_start[p]) for p in ALL_POSITIONS},
        ends={p: _merged(p.name, p.token, by_end[p]) for p in ALL_POSITIONS},
        fingers=tuple(_merged(FINGERS[f], FINGERS[f], by_finger[f]) for f in range(5)),
        samples=samples,
        records=acc.records,
        sessions=acc.session,
        chords_per_minute=samples / (total_ms / 60000.0) if total_ms > 0 else None,
    )


# -- text: the hand diagram and the slowest tables (the screen styles the same cells) -------

SHADES = "░▒▓█"  # fastest → slowest
FEW = "·"
CELL = 13
LABEL = 7
COLUMNS = (2, 1, 0)  # segments left to right as the web draws the hand: base, mid, tip
NO_DATA = (
    "No timed chords yet: play (`play`) or drill (`drill`) for a few minutes. A figure "
    f"needs {MIN_SAMPLES} samples before it is ranked."
)


@dataclass(frozen=True)
class HandCell:
    position: Position
    figure: Figure
    level: int | None  # 0 fastest … 3 slowest; None: too few samples to say

    @property
    def glyph(self) -> str:
        return FEW if self.level is None else SHADES[self.level]

    def text(self) -> str:
        fig = self.figure
        if self.level is None or fig.median_ms is None:
            seen = f"few ×{fig.samples}" if fig.samples else "none yet"
            return f"{FEW * 2} {seen}"[:CELL].ljust(CELL)
        rate = fig.error_rate
        err = "  -" if rate is None else f"{rate * 100:2.0f}%"
        return f"{self.glyph * 2} {fig.median_ms:4.0f}ms {err}"[:CELL].ljust(CELL)


def hand_cells(rep: Report) -> list[list[HandCell]]:
    """Rows thumb … pinky, columns base, mid, tip; shaded by median relative to the rest."""
    known = [f.median_ms for f in rep.positions.values() if f.enough and f.median_ms]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    rows = []
    for finger in range(5):
        row = []
        for segment in COLUMNS:
            pos = Position(finger, segment)
            fig = rep.positions[pos]
            level: int | None = None
            if fig.enough and fig.median_ms is not None:
                span = high - low
                level = round((fig.median_ms - low) / span * 3) if span > 0 else 1
            row.append(HandCell(pos, fig, level))
        rows.append(row)
    return rows


def hand_header() -> str:
    return " " * LABEL + "".join(f"{name:<{CELL + 2}}" for name in ("base", "mid", "tip")).rstrip()


HAND_LEGEND = (
    f"█ slowest ▓ ▒ ░ fastest   {FEW * 2} under {MIN_SAMPLES} samples   ms: median, %: errors"
)
TABLE_NOTE = "now: ms per chord, smoothed over sessions · trend: one point per session"


def finger_line(rep: Report) -> str:
    """Per finger over every chord using it: ``T 138ms 1%`` (``T few`` under the minimum)."""
    parts = []
    for name, fig in zip(FINGERS, rep.fingers, strict=True):
        letter = name[0].upper()
        if not fig.enough or fig.median_ms is None:
            parts.append(f"{letter} few")
            continue
        rate = fig.error_rate
        err = "" if rate is None else f" {rate * 100:.0f}%"
        parts.append(f"{letter} {fig.median_ms:.0f}ms{err}")
    return "fingers " + " · ".join(parts)


def hand_lines(rep: Report) -> list[str]:
    lines = [hand_header()]
    for finger, row in zip(FINGERS, hand_cells(rep), strict=True):
        lines.append(f"{finger:<{LABEL}}" + "  ".join(c.text() for c in row).rstrip())
    lines += [finger_line(rep), HAND_LEGEND]
    return lines


def _ms(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.0f}"


def _err(fig: Figure) -> str:
    rate = fig.error_rate
    return "   -" if rate is None else f"{rate * 100:3.0f}%"


def table_lines(
    title: str, label: str, figures: Sequence[Figure], label_width: int, wide: bool = False
) -> list[str]:
    """A ranked table: now (smoothed per session), error rate, samples, trend sparkline."""
    from handterm_tui.core.progress import sparkline

    extra = " median   p90" if wide else ""
    lines = [title, f"{label:<{label_width}}   now{extra}  err      n  trend"]
    if not figures:
        lines.append(f"(none with {MIN_SAMPLES}+ samples yet)")
    for f in figures:
        cols = f"  {_ms(f.median_ms)} {_ms(f.p90_ms)}" if wide else ""
        lines.append(
            f"{f.label[:label_width]:<{label_width}} {_ms(f.rank_ms)}{cols}"
            f" {_err(f)} {f.samples:>6}  {sparkline(f.trend, 8)}"
        )
    return lines


def summary_line(rep: Report) -> str:
    cpm = "-" if rep.chords_per_minute is None else f"{rep.chords_per_minute:.0f}"
    return (
        f"{rep.samples:,} timed chords in {rep.records:,} record"
        f"{'s' if rep.records != 1 else ''}, {rep.sessions} session"
        f"{'s' if rep.sessions != 1 else ''} · {cpm} chords/min"
    )


def unranked_line(rep: Report, width: int | None = 80) -> str:
    """The chords typed too few times to rank, fewest first (cut to ``width``)."""
    few = sorted(
        (f for f in rep.chords if not f.enough and f.hits + f.errors > 0),
        key=lambda f: (f.samples, f.key),
    )
    if not few:
        return ""
    text = f"Not ranked yet (under {MIN_SAMPLES} samples): " + ", ".join(
        f"{f.label} ×{f.samples}" for f in few
    )
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def side_by_side(left: list[str], right: list[str], width: int, gap: int = 2) -> list[str]:
    rows = max(len(left), len(right))
    left = left + [""] * (rows - len(left))
    right = right + [""] * (rows - len(right))
    return [f"{a:<{width}}{' ' * gap}{b}".rstrip() for a, b in zip(left, right, strict=True)]


def chord_tables(rep: Report, width: int) -> tuple[list[str], list[str]]:
    wide = width >= 110
    chords = table_lines(
        "Ten slowest chords", "chord", rep.slowest_chords(), 12 if wide else 7, wide
    )
    pairs = table_lines(
        "Ten slowest transitions", "pair", rep.slowest_pairs(), 14 if wide else 11, wide
    )
    return chords, pairs


def render_text(rep: Report, width: int = 80) -> str:
    """What ``chords`` prints: the hand, the ten slowest chords and transitions."""
    if rep.samples == 0 and not any(f.errors for f in rep.chords):
        return NO_DATA
    chords, pairs = chord_tables(rep, width)
    half = max(len(line) for line in chords)
    tables = (
        side_by_side(chords, pairs, half)
        if half + 2 + max(len(line) for line in pairs) <= width
        else [*chords, "", *pairs]
    )
    lines = [summary_line(rep), "", *hand_lines(rep), "", *tables, TABLE_NOTE]
    unranked = unranked_line(rep, None)
    if unranked:
        lines += ["", *textwrap.wrap(unranked, width)]
    return "\n".join(lines)
