"""Progress from game records: WPM and accuracy over time, best per phrase, slowest keys.

Game records are the one source of truth (achievements included); this module only
reads them. Records written before per-key stats existed fall back to their keystrokes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from handterm_tui.core.records import Record
from handterm_tui.core.scoring import KeyStat, merge_keys, slowest_keys
from handterm_tui.core.stats import MIN_INTERVAL_MS, display_char

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class GamePoint:
    at: datetime
    key: str
    net_wpm: float | None
    gross_wpm: float | None
    accuracy: float | None
    achieved: bool


@dataclass(frozen=True)
class PhraseBest:
    key: str
    net_wpm: float | None
    gross_wpm: float | None
    accuracy: float | None
    plays: int
    achieved: bool


@dataclass(frozen=True)
class Progress:
    points: list[GamePoint]  # oldest first
    best: list[PhraseBest]  # fastest first
    keys: dict[str, KeyStat] = field(default_factory=dict)

    @property
    def achieved(self) -> set[str]:
        return {b.key for b in self.best if b.achieved}

    def slowest(self, rows: int = 10) -> list[KeyStat]:
        return slowest_keys(self.keys, rows)

    def key_means(self) -> dict[str, float]:
        """Mean ms per timed key, for choosing the next phrase."""
        return {c: k.total_ms / k.count for c, k in self.keys.items() if k.count}


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def record_keys(record: Record) -> dict[str, KeyStat]:
    stored = record.extra.get("keys")
    if isinstance(stored, dict):
        out = {}
        for char, data in stored.items():
            stat = KeyStat.from_json(str(char), data)
            if stat is not None:
                out[stat.char] = stat
        return out
    out = {}
    for stroke in record.keystrokes:
        ms = stroke.interval_ms
        if ms is not None and ms > MIN_INTERVAL_MS:
            old = out.get(stroke.char, KeyStat(stroke.char))
            out[stroke.char] = old.plus(KeyStat(stroke.char, 1, ms, 0))
    return out


def game_point(record: Record) -> GamePoint:
    extra = record.extra
    net = _num(extra.get("net_wpm"))
    return GamePoint(
        at=record.created_at,
        key=str(extra.get("phrase") or (record.args[0] if record.args else "?")),
        net_wpm=net if net is not None else record.gross_wpm,
        gross_wpm=record.gross_wpm,
        accuracy=_num(extra.get("accuracy")),
        achieved=bool(extra.get("achieved")),
    )


def _better(a: float | None, b: float | None) -> bool:
    return a is not None and (b is None or a > b)


def from_records(records: Iterable[Record]) -> Progress:
    """Aggregate game records (any order; non-game records are ignored)."""
    games = sorted(
        (r for r in records if r.kind == "game"), key=lambda r: (r.created_at, r.id or 0)
    )
    points = [game_point(r) for r in games]
    best: dict[str, PhraseBest] = {}
    for p in points:
        old = best.get(p.key)
        if old is None:
            best[p.key] = PhraseBest(p.key, p.net_wpm, p.gross_wpm, p.accuracy, 1, p.achieved)
            continue
        top = p if _better(p.net_wpm, old.net_wpm) else None
        best[p.key] = PhraseBest(
            p.key,
            top.net_wpm if top else old.net_wpm,
            top.gross_wpm if top else old.gross_wpm,
            top.accuracy if top else old.accuracy,
            old.plays + 1,
            old.achieved or p.achieved,
        )
    ranked = sorted(best.values(), key=lambda b: (-(b.net_wpm or 0.0), b.key))
    return Progress(points, ranked, merge_keys(record_keys(r) for r in games))


# -- text rendering (the `stats` command and the stats screen share it) -------------


def sparkline(values: Sequence[float | None], width: int) -> str:
    """The last ``width`` values as block characters, scaled between their min and max."""
    shown = list(values)[-width:] if width > 0 else []
    real = [v for v in shown if v is not None]
    if not real:
        return ""
    low, high = min(real), max(real)
    span = high - low
    out = []
    for v in shown:
        if v is None:
            out.append(" ")
        elif span <= 0:
            out.append(SPARKS[len(SPARKS) // 2])
        else:
            out.append(SPARKS[round((v - low) / span * (len(SPARKS) - 1))])
    return "".join(out)


def bar(value: float, top: float, width: int) -> str:
    if top <= 0 or width <= 0:
        return ""
    return "█" * max(1, round(value / top * width))


def _f(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.0f}{suffix}"


def chart_lines(progress: Progress, width: int) -> list[str]:
    points = progress.points
    spark_w = max(10, min(len(points), width - 4))
    shown = points[-spark_w:]
    nets = [p.net_wpm for p in shown]
    accs = [p.accuracy for p in shown]
    real = [v for v in nets if v is not None]
    lines = [f"Net WPM, last {len(shown)} game{'s' if len(shown) != 1 else ''} (oldest → newest)"]
    if real:
        lines.append("  " + sparkline(nets, spark_w))
        lines.append(
            f"  latest {_f(real[-1])}  best {_f(max(real))}  "
            f"mean {_f(sum(real) / len(real))}  range {_f(min(real))}–{_f(max(real))}"
        )
    real_acc = [v for v in accs if v is not None]
    if real_acc:
        lines.append("Accuracy")
        lines.append("  " + sparkline(accs, spark_w))
        lines.append(
            f"  latest {_f(real_acc[-1], '%')}  mean {_f(sum(real_acc) / len(real_acc), '%')}"
            f"  lowest {_f(min(real_acc), '%')}"
        )
    return lines


def best_lines(progress: Progress, rows: int | None = None) -> list[str]:
    lines = ["Best per phrase    net  gross   acc  plays  (✓ achieved)"]
    for b in progress.best[:rows]:
        mark = "✓" if b.achieved else " "
        lines.append(
            f"  {mark} {b.key[:14]:<14} {_f(b.net_wpm):>4} {_f(b.gross_wpm):>6} "
            f"{_f(b.accuracy, '%'):>5} {b.plays:>6}"
        )
    return lines


def slow_lines(progress: Progress, rows: int = 10, bar_width: int = 20) -> list[str]:
    slow = progress.slowest(rows)
    if not slow:
        return []
    top = max(k.total_ms / k.count for k in slow)
    lines = [f"{len(slow)} slowest keys (mean time to type)"]
    for k in slow:
        mean = k.total_ms / k.count
        missed = f"  {k.errors} missed" if k.errors else ""
        lines.append(
            f"  {display_char(k.char):<5} {mean:>5.0f} ms  {bar(mean, top, bar_width):<{bar_width}}"
            f"  ×{k.count}{missed}"
        )
    return lines


def render_text(progress: Progress, target_wpm: int, width: int = 80) -> str:
    if not progress.points:
        return "No games yet. `play` starts one; `tut` is the tutorial."
    plays = len(progress.points)
    head = (
        f"{plays} game{'s' if plays != 1 else ''} played, {len(progress.achieved)} "
        f"phrase{'s' if len(progress.achieved) != 1 else ''} achieved (target {target_wpm} WPM)"
    )
    sections = [[head], chart_lines(progress, width), best_lines(progress), slow_lines(progress)]
    return "\n\n".join("\n".join(s) for s in sections if s)
