"""Start-up to first frame and exit, handterm vs a bare Textual app with one focused Input.

Whole-process wall time, runs alternated and paired so machine noise hits both alike;
the figure is the median of the per-pair ratios. Target: <= 1.5x.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import median, report

HERE = Path(__file__).parent
RUNS = int(os.environ.get("BENCH_RUNS", "11"))


def one(which: str, home: str) -> float:
    env = dict(os.environ, HANDTERM_HOME=home)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "_startup_target.py"), which],
        check=True,
        env=env,
        cwd=HERE,
        stdout=subprocess.DEVNULL,
    )
    return (time.perf_counter() - start) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        one("handterm", home)  # warm-up: creates the store, fills OS caches
        one("bare", home)
        ours: list[float] = []
        base: list[float] = []
        for _ in range(RUNS):
            base.append(one("bare", home))
            ours.append(one("handterm", home))
    print(f"start-up runs: {RUNS}; bare median {median(base):.0f} ms")
    report("startup (first frame + exit)", ours, base, "ms", target=1.5)


if __name__ == "__main__":
    main()
