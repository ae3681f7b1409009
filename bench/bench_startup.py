"""Start-up to first frame and exit: handterm vs a bare Textual app with one focused Input
(target <= 1.5x, the first build's), and handterm on a 10k-record store vs the prompt
skeleton (Header, RichLog, Input, Footer; target <= 1.2x).

Whole-process wall time, runs alternated and paired so machine noise hits both alike;
the figure is the median of the per-pair ratios.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _harness import median, report
from _table import emit

HERE = Path(__file__).parent
RUNS = int(os.environ.get("BENCH_RUNS", "11"))


def one(which: str, home: str) -> float:
    env = dict(os.environ, HANDTERM_HOME=home)
    env.pop("HANDTERM_CONFIG", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "_startup_target.py"), which],
        check=True,
        env=env,
        cwd=HERE,
        stdout=subprocess.DEVNULL,
    )
    return (time.perf_counter() - start) * 1000


def fill(home: str, count: int) -> None:
    """``count`` signed-out command records (what an offline start restores)."""
    os.environ["HANDTERM_HOME"] = home
    from handterm_tui.app_factory import open_store
    from handterm_tui.core.records import Record
    from handterm_tui.core.stats import Keystroke

    store = open_store()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(count):
        line = f"echo record {i}"
        store.records.add(
            Record(
                line=line,
                name="echo",
                args=["record", str(i)],
                response=f"record {i}",
                keystrokes=[Keystroke(c, None if n == 0 else 90.5) for n, c in enumerate(line)],
                created_at=start + timedelta(seconds=i),
            )
        )
    store.close()


def paired(a: str, b: str, home: str) -> tuple[list[float], list[float]]:
    one(a, home)  # warm-up: creates the store, fills OS caches
    one(b, home)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(RUNS):
        base.append(one(b, home))
        ours.append(one(a, home))
    return ours, base


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        ours, base = paired("handterm", "bare", home)
    print(f"start-up runs: {RUNS}; bare median {median(base):.0f} ms")
    ratio = report("startup (first frame + exit)", ours, base, "ms", target=1.5)
    emit(
        "start-up, empty store vs bare Input app",
        median(ours),
        median(base),
        "<= 1.5x",
        ratio <= 1.5,
        unit="ms",
        ratio=ratio,
    )
    with tempfile.TemporaryDirectory() as home:
        fill(home, 10_000)
        ours, base = paired("handterm", "skeleton", home)
    ratio = report("startup with 10k records vs skeleton", ours, base, "ms", target=1.2)
    emit(
        "start-up, 10k records vs the prompt skeleton",
        median(ours),
        median(base),
        "<= 1.2x",
        ratio <= 1.2,
        unit="ms",
        ratio=ratio,
    )


if __name__ == "__main__":
    main()
