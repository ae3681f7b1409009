"""Records made in one burst, and the store's size per 100k command records.

- burst: records created in the same millisecond (a script, a paste): ms per record for
  the first and the last 500 of 5000, against records made 1 ms apart in the same run;
- size: 100k typical command records (a ~20-character line typed key by key, a short
  response, uploaded: no outbox rows left), the live bytes of the file (pages in use),
  against the same records without keystroke timings.

Run: python bench/bench_store.py [--records N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke
from handterm_tui.store import Store, StoreError

ME = Owner("bench")
LINES = [
    "git commit -m 'fix the parser'",
    "ls -la ~/projects",
    "wrt remember the milk",
    "echo hello world",
    "cd ../handterm && make test",
    "grep -rn TODO src",
    "python -m pytest -q",
    "ssh build-box",
]


def record(i: int, at: datetime, rng: random.Random, timed: bool = True) -> Record:
    line = f"{LINES[i % len(LINES)]} {i}"
    keys: list[Keystroke] = []
    if timed:
        # Intervals as a monotonic clock gives them: ms with a long fraction.
        keys = [Keystroke(c, None if n == 0 else rng.uniform(40, 400)) for n, c in enumerate(line)]
    return Record(
        line=line,
        name=line.split()[0],
        args=line.split()[1:],
        response=f"done {i}: {LINES[(i * 3) % len(LINES)]}",
        keystrokes=keys,
        created_at=at,
        owner=ME,
    )


def live_mib(store: Store) -> float:
    with store.db.reading() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    return (pages - free) * size / 2**20


def breakdown(store: Store, scale: float) -> str:
    """Where the bytes are (SQLite's dbstat), largest first, in MiB per 100k records."""
    try:
        with store.db.reading() as conn:
            rows = conn.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 7"
            ).fetchall()
    except StoreError:  # a SQLite built without dbstat: the figure stands without it
        return ""
    return ", ".join(f"{name} {size * scale / 2**20:.2f}" for name, size in rows)


def build(path: Path, count: int, timed: bool) -> tuple[float, str]:
    store = Store(path)
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(count):
        store.records.add(record(i, start + timedelta(seconds=i), rng, timed))
    with store.db.transaction() as conn:
        conn.execute("DELETE FROM outbox")  # as after an upload
    mib = live_mib(store)
    where = breakdown(store, 100_000 / count)
    store.close()
    return mib, where


def burst(path: Path, count: int, same_ms: bool) -> tuple[float, float]:
    """ms per record for the first and the last tenth of ``count`` adds."""
    store = Store(path)
    rng = random.Random(3)
    at = datetime(2026, 6, 1, tzinfo=UTC)
    times: list[float] = []
    for i in range(count):
        moment = at if same_ms else at + timedelta(milliseconds=i)
        r = record(i, moment, rng)
        began = time.perf_counter()
        store.records.add(r)
        times.append((time.perf_counter() - began) * 1000)
    store.close()
    tenth = max(1, count // 10)
    first = sorted(times[:tenth])[tenth // 2]
    last = sorted(times[-tenth:])[tenth // 2]
    return first, last


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=5000)
    args = parser.parse_args()
    from _table import emit

    root = Path(tempfile.mkdtemp(prefix="handterm-bench-store-"))
    os.environ["HANDTERM_HOME"] = str(root / "home")

    # Three runs each, medians: one run's last tenth can land on a WAL checkpoint.
    spread = [burst(root / f"spread-{n}.sqlite", args.burst, same_ms=False) for n in range(3)]
    bursts = [burst(root / f"burst-{n}.sqlite", args.burst, same_ms=True) for n in range(3)]
    base_last = statistics.median(last for _, last in spread)
    first = statistics.median(first for first, _ in bursts)
    last = statistics.median(last for _, last in bursts)
    emit(
        f"records in one burst (same ms), last 10% of {args.burst}",
        last,
        base_last,
        "<= 0.3 ms each, flat",
        last <= 0.3 and last <= 1.5 * first,
        unit="ms",
        note=f"first 10%: {first:.3f} ms; baseline: records 1 ms apart; medians of 3 runs",
    )

    scale = 100_000 / args.records
    began = time.perf_counter()
    plain = build(root / "plain.sqlite", args.records, timed=False)[0] * scale
    timed, where = build(root / "timed.sqlite", args.records, timed=True)
    timed *= scale
    print(f"built two {args.records:,}-record stores in {time.perf_counter() - began:.0f} s")
    emit(
        "store size per 100k command records",
        timed,
        plain,
        "<= 35 MiB",
        timed <= 35,
        unit="MiB",
        note="baseline: the same records without keystroke timings"
        + (f"; MiB by table/index: {where}" if where else ""),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
