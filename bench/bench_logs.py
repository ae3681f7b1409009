"""The log browser on a 100k-record store: time to first frame (ratio against a bare Textual
app in the same run), filtering per keystroke (target < 50 ms), and peak memory (target
within 1.5x the empty-store figure plus 50 MB).

Run: python bench/bench_logs.py [--records N] [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
]


def make_store(path: Path, records: int) -> None:
    """Bulk-load records (the FTS trigger keeps the index) in one transaction."""
    from handterm_tui.store import Store

    store = Store(path)
    if store.records.count() >= records:
        store.close()
        return
    rows = []
    for i in range(records):
        a, b = WORDS[i % 12], WORDS[(i * 7) % 12]
        sec = i % 86400
        stamp = f"2025-01-{1 + (i // 86400) % 28:02d}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{i % 1000:03d}Z"
        rows.append(
            (stamp, f"{a} {b} {i}", a, f"response {b} {a} number {i}", 200, f"command_{stamp}_{i}")
        )
    with store.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO records (created_at, line, name, response, status, remote_key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    store.close()


async def first_frame(store_path: Path | None) -> float:
    """Seconds from run_test start to the first frame of the browser (or the bare app)."""
    from _harness import BareInputApp
    from textual.app import App

    if store_path is None:
        app: App[None] = BareInputApp()
    else:
        from handterm_tui.store import Store
        from handterm_tui.ui.screens.logs import LogsScreen

        store = Store(store_path)

        class Browser(App[None]):
            def on_mount(self) -> None:
                self.push_screen(LogsScreen(store, auto_fetch=False))

        app = Browser()
    began = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - began
    return elapsed


async def filter_costs(store_path: Path) -> list[float]:
    """ms per keystroke: the search's requery plus drawing every visible line."""
    from textual.app import App

    from handterm_tui.store import Store
    from handterm_tui.ui.screens.logs import LogsScreen
    from handterm_tui.ui.widgets.logs_list import LogList

    store = Store(store_path)
    screen = LogsScreen(store, auto_fetch=False)

    class Browser(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    costs: list[float] = []
    app = Browser()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listing = screen.query_one(LogList)
        for word in ("echo", "charlie 7", "respon", "zzz", "golf hotel", "e"):
            typed = ""
            for char in word:
                typed += char
                began = time.perf_counter()
                screen.query_text = typed.strip()
                screen.reload()
                for y in range(listing.size.height):
                    listing.render_line(y)
                costs.append((time.perf_counter() - began) * 1000)
            screen.query_text = ""
    return costs


def memory_child(store_path: str) -> None:
    """Open the browser, scroll through several pages, print peak RSS in MiB."""
    from handterm_tui.store import Store
    from handterm_tui.ui.screens.logs import LogsScreen

    async def go() -> None:
        from textual.app import App

        store = Store(store_path)
        screen = LogsScreen(store, auto_fetch=False)

        class Browser(App[None]):
            def on_mount(self) -> None:
                self.push_screen(screen)

        async with Browser().run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            from handterm_tui.ui.widgets.logs_list import LogList

            listing = screen.query_one(LogList)
            listing.focus()
            for _ in range(30):
                listing.action_page(1)
            listing.action_jump(-1)  # the very last record
            await pilot.pause()

    asyncio.run(go())
    print(json.dumps({"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def peak(store_path: Path) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(store_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_mib"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory-child")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    from _harness import report

    root = Path(tempfile.mkdtemp(prefix="handterm-bench-logs-"))
    os.environ["HANDTERM_HOME"] = str(root / "home")
    full, empty = root / "full.sqlite", root / "empty.sqlite"
    began = time.perf_counter()
    make_store(full, args.records)
    make_store(empty, 0)
    print(f"built a {args.records:,}-record store in {time.perf_counter() - began:.1f} s")

    ours: list[float] = []
    base: list[float] = []
    bare: list[float] = []
    asyncio.run(first_frame(empty))  # warm imports and the CSS parse once
    for _ in range(args.runs):
        bare.append(asyncio.run(first_frame(None)) * 1000)
        base.append(asyncio.run(first_frame(empty)) * 1000)
        ours.append(asyncio.run(first_frame(full)) * 1000)
    report(f"first frame, browser on {args.records:,} records vs bare app", ours, bare, "ms", 3.0)
    report(
        f"first frame, browser on {args.records:,} records vs empty store", ours, base, "ms", 1.2
    )

    costs = asyncio.run(filter_costs(full))
    print(
        f"PERF filter: median {statistics.median(costs):.1f} ms per keystroke, "
        f"p95 {sorted(costs)[int(len(costs) * 0.95)]:.1f} ms, max {max(costs):.1f} ms "
        f"({len(costs)} keystrokes; target < 50 ms)"
    )

    empty_peak = statistics.median(peak(empty) for _ in range(3))
    full_peak = statistics.median(peak(full) for _ in range(3))
    limit = 1.5 * empty_peak + 50
    verdict = "meets" if full_peak <= limit else "misses"
    print(
        f"PERF memory: peak {full_peak:.1f} MiB with {args.records:,} records, "
        f"{empty_peak:.1f} MiB empty; limit {limit:.1f} MiB ({verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
