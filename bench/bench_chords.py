"""The chord figures on a store of 1M keystrokes (target: the whole computation <= 200 ms).

The store is built fast (one executemany of ~33k game records, 30 keystrokes each, with
typos). Measured in the same run, each the median over several runs:

- figures: what `chords` does on every call: load the folded state, fold the records
  stored since (here: one new game, as after a round of play), build the report;
- cold: the first call ever (or after an upgrade): fold all 1M keystrokes from JSON;
- baseline: a plain loop over the same rows: read every keystrokes column, parse it,
  sum the intervals. The ratio figures/baseline says what keeping the state buys.

Run: python bench/bench_chords.py [--keystrokes N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "git",
    "status",
    "grep",
    "make",
    "test",
    "ls",
    "cd",
    "chord",
    "handex",
    "thumb",
    "index",
    "ring",
    "pinky",
]
PER_RECORD = 30
TARGET_MS = 200.0


def make_store(path: Path, keystrokes: int) -> int:
    """Bulk-load game records with known text; returns how many keystrokes were stored."""
    from handterm_tui.store import Store

    rng = random.Random(7)
    store = Store(path)
    rows = []
    stored = 0
    for i in range(keystrokes // PER_RECORD):
        text = ""
        while len(text) < PER_RECORD:
            text += rng.choice(WORDS) + " "
        text = text[:PER_RECORD].strip() or "x"
        strokes: list[list[object]] = []
        for j, c in enumerate(text):
            if rng.random() < 0.02:
                strokes.append(["#", round(rng.uniform(100, 600), 3)])
            strokes.append([c, None if not strokes else round(rng.uniform(100, 900), 3)])
            del j
        stored += len(strokes)
        sec = i * 20
        stamp = (
            f"2025-{1 + (sec // 2_419_200) % 12:02d}-{1 + (sec // 86400) % 28:02d}T"
            f"{sec // 3600 % 24:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{i % 1000:03d}Z"
        )
        rows.append(
            (
                stamp,
                "game",
                "drill",
                "drill",
                json.dumps(strokes),
                json.dumps({"text": text}),
                f"command_{stamp}_{i}",
            )
        )
    with store.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO records (created_at, kind, line, name, keystrokes, extra, own_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    store.close()
    return stored


def add_one_game(path: Path, n: int) -> None:
    from handterm_tui.core.records import Record
    from handterm_tui.core.stats import Keystroke
    from handterm_tui.store import Store

    store = Store(path)
    text = "the quick brown fox"
    keys = [Keystroke(c, None if i == 0 else 200.0 + n) for i, c in enumerate(text)]
    store.records.add(
        Record(line="drill", name="drill", kind="game", keystrokes=keys, extra={"text": text}),
        upload=False,
    )
    store.close()


def figures(path: Path) -> float:
    from handterm_tui.core import chord_figures, chord_model
    from handterm_tui.store import Store
    from handterm_tui.store.keystrokes import chord_accumulator

    store = Store(path)
    start = time.perf_counter()
    rep = chord_figures.report(chord_accumulator(store.db), chord_model.load())
    rep.slowest_chords()
    rep.slowest_pairs()
    took = (time.perf_counter() - start) * 1000
    store.close()
    return took


def cold(path: Path) -> float:
    from handterm_tui.core import chord_figures, chord_model
    from handterm_tui.store import Store
    from handterm_tui.store.keystrokes import chord_accumulator, state_key

    store = Store(path)
    store.kv.delete(state_key(False))
    start = time.perf_counter()
    rep = chord_figures.report(chord_accumulator(store.db), chord_model.load())
    took = (time.perf_counter() - start) * 1000
    assert rep.samples > 0
    store.close()
    return took


def baseline(path: Path) -> float:
    from handterm_tui.store import Store

    store = Store(path)
    start = time.perf_counter()
    total = 0.0
    with store.db.reading() as conn:
        for (text,) in conn.execute("SELECT keystrokes FROM records WHERE kind = 'game'"):
            for _c, ms in json.loads(text):
                if ms is not None:
                    total += ms
    took = (time.perf_counter() - start) * 1000
    store.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keystrokes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        t = time.perf_counter()
        stored = make_store(path, args.keystrokes)
        print(f"store: {stored:,} keystrokes built in {time.perf_counter() - t:.1f} s")
        colds = [cold(path)]  # also leaves the state in place for the warm runs
        ours, base = [], []
        for n in range(args.runs):
            add_one_game(path, n)
            ours.append(figures(path))
            base.append(baseline(path))
        colds.append(cold(path))
        figures(path)
    med, med_base = statistics.median(ours), statistics.median(base)
    ratios = statistics.median(o / b for o, b in zip(ours, base, strict=True))
    verdict = "meets" if med <= TARGET_MS else "misses"
    print(
        f"chord figures on {stored:,} keystrokes: {med:.1f} ms median over {len(ours)} runs "
        f"(target <= {TARGET_MS:.0f} ms: {verdict}); plain loop over the same rows "
        f"{med_base:.0f} ms; ratio {ratios:.3f}x"
    )
    print(
        f"cold (first call, folds every keystroke once): {statistics.median(colds):.0f} ms "
        f"median of {len(colds)}"
    )
    sys.path.insert(0, str(Path(__file__).parent))
    from _table import emit

    emit(
        f"chord figures on {stored // 1000}k keystrokes",
        med,
        med_base,
        f"<= {TARGET_MS:.0f} ms",
        med <= TARGET_MS,
        unit="ms",
        ratio=ratios,
        note="baseline: a plain loop over the same rows",
    )
    return 0 if med <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
