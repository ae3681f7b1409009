"""The log browser as a person waits for it, on 100k and 1M records.

- search as you type: key → the first frame whose list shows the new query's rows (median,
  p95, max), against a bare Textual Input's key → frame in the same run;
- End on 1M: key → the frame with the cursor on the oldest record, and the RSS it adds;
  against Home (the newest) in the same app;
- first frame of the browser against a bare app, and peak memory, from the first build.

Stores are built once (bulk insert, FTS rebuilt after) and cached in the temp folder.

Run: python bench/bench_logs.py [--sizes 100000,1000000] [--runs R]
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
from typing import Any

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
TYPED = ("echo", "charlie 7", "respon", "zzz", "golf hotel", "e")
CACHE = Path(tempfile.gettempdir()) / "handterm-bench-cache"


def _rows(start: int, stop: int) -> Any:
    for i in range(start, stop):
        a, b = WORDS[i % 12], WORDS[(i * 7) % 12]
        sec = i % 86400
        day = 1 + (i // 86400) % 28
        month = 1 + (i // (86400 * 28)) % 12
        stamp = (
            f"2025-{month:02d}-{day:02d}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"
            f".{i % 1000:03d}Z"
        )
        yield (stamp, f"{a} {b} {i}", a, f"response {b} {a} number {i}", 200, f"command_{i}")


def make_store(path: Path, records: int) -> None:
    """Bulk-load ``records`` rows: plain inserts, then one FTS rebuild (~10x faster than the
    per-row trigger); the trigger is put back exactly as the schema made it."""
    from handterm_tui.store import Store

    store = Store(path)
    if store.records.count() >= records:
        store.close()
        return
    with store.db.transaction() as conn:
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'records_ai'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER records_ai")
        step = 100_000
        for start in range(0, records, step):
            conn.executemany(
                "INSERT INTO records (created_at, line, name, response, status, own_key) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                _rows(start, min(records, start + step)),
            )
        conn.execute("INSERT INTO records_fts(records_fts) VALUES ('rebuild')")
        conn.execute(trigger)
    store.close()


def cached_store(records: int) -> Path:
    from handterm_tui.store.schema import MIGRATIONS

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"browser-{records}-v{len(MIGRATIONS)}.sqlite"
    if not path.exists():
        began = time.perf_counter()
        tmp = path.with_suffix(".building")
        for leftover in CACHE.glob(tmp.name + "*"):
            leftover.unlink()
        make_store(tmp, records)
        os.replace(tmp, path)
        print(f"built a {records:,}-record store in {time.perf_counter() - began:.1f} s")
    return path


def _browser(store_path: Path) -> Any:
    from textual.app import App

    from handterm_tui.store import Store
    from handterm_tui.ui.screens.logs import LogsScreen

    store = Store(store_path)
    screen = LogsScreen(store, auto_fetch=False)

    class Browser(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    return Browser(), screen, store


def _typing() -> list[tuple[str, str]]:
    """(key, the search text after it): each word typed, then erased."""
    keys: list[tuple[str, str]] = []
    for word in TYPED:
        for n in range(1, len(word) + 1):
            keys.append((word[n - 1], word[:n]))
        for n in range(len(word) - 1, -1, -1):
            keys.append(("\x7f", word[:n]))
    return keys


async def search_frames(store_path: Path) -> list[float]:
    from _frames import key_to_frame
    from textual.widgets import Input

    from handterm_tui.ui.widgets.logs_list import LogList

    app, screen, store = _browser(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        search = screen.query_one("#logs-search", Input)
        listing = screen.query_one(LogList)

        def probe() -> tuple[str, str | None]:
            pager = listing.pager
            return search.value, pager.index.filter.query if pager is not None else None

        keys = [(k, (text, text.strip() or None)) for k, text in _typing()]
        out = await key_to_frame(app, keys, probe)
        await pilot.pause()
    store.close()
    return out


async def bare_frames() -> list[float]:
    from _frames import key_to_frame
    from _harness import BareInputApp
    from textual.widgets import Input

    app = BareInputApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        field = app.query_one(Input)
        out = await key_to_frame(app, [(k, t) for k, t in _typing()], lambda: field.value)
        await pilot.pause()
    return out


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def end_jump(store_path: Path) -> dict[str, float]:
    """End (to the oldest), then Home (to the newest): key → frame, and RSS added by End."""
    from _frames import key_to_frame

    from handterm_tui.ui.widgets.logs_list import LogList

    app, screen, store = _browser(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listing = screen.query_one(LogList)
        listing.focus()
        await pilot.pause()
        await asyncio.sleep(0.3)  # let any deferred count land first
        await pilot.pause()
        total = listing.total

        def probe() -> tuple[int, bool]:
            row = listing.current
            return listing.cursor, row is not None

        before = _rss_mib()
        end = await key_to_frame(app, [("end", (total - 1, True))], probe, gap_s=0)
        after = _rss_mib()
        home = await key_to_frame(app, [("home", (0, True))], probe, gap_s=0)
        oldest = listing.pager.row(total - 1) if listing.pager else None
        await pilot.pause()
    store.close()
    assert oldest is not None and oldest.line.endswith(" 0"), oldest
    return {"end": end[0], "home": home[0], "rss": after - before}


async def first_frame(store_path: Path | None) -> float:
    from _harness import BareInputApp

    if store_path is None:
        app: Any = BareInputApp()
        store = None
    else:
        app, _, store = _browser(store_path)
    began = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - began
    if store is not None:
        store.close()
    return elapsed * 1000


def memory_child(store_path: str) -> None:
    """Open the browser, scroll through several pages, go to the end; print peak RSS."""
    from handterm_tui.ui.widgets.logs_list import LogList

    async def go() -> None:
        app, screen, _ = _browser(Path(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            listing = screen.query_one(LogList)
            listing.focus()
            for _ in range(30):
                listing.action_page(1)
            listing.action_jump(-1)
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
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-child")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    from _frames import med, pct
    from _table import emit

    os.environ["HANDTERM_HOME"] = tempfile.mkdtemp(prefix="handterm-bench-logs-")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    stores = {n: cached_store(n) for n in sizes}
    empty = Path(os.environ["HANDTERM_HOME"]) / "empty.sqlite"
    make_store(empty, 0)

    for n, path in stores.items():
        asyncio.run(search_frames(path))  # warm: imports, CSS, the OS cache of the file
        ours: list[float] = []
        base: list[float] = []
        for _ in range(args.runs):
            base += asyncio.run(bare_frames())
            ours += asyncio.run(search_frames(path))
        label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        if n < 1_000_000:
            emit(
                f"search as you type, {label}: key->frame median",
                med(ours),
                med(base),
                "<= 10 ms",
                med(ours) <= 10,
                unit="ms",
            )
            emit(
                f"search as you type, {label}: key->frame p95",
                pct(ours, 0.95),
                pct(base, 0.95),
                "<= 25 ms",
                pct(ours, 0.95) <= 25,
                unit="ms",
            )
        else:
            emit(
                f"search as you type, {label}: key->frame p95",
                pct(ours, 0.95),
                pct(base, 0.95),
                "<= 40 ms",
                pct(ours, 0.95) <= 40,
                unit="ms",
            )
            emit(
                f"search as you type, {label}: key->frame max",
                max(ours),
                max(base),
                "<= 100 ms",
                max(ours) <= 100,
                unit="ms",
            )
        if n >= 1_000_000:
            jumps = [asyncio.run(end_jump(path)) for _ in range(args.runs)]
            end = med([j["end"] for j in jumps])
            home = med([j["home"] for j in jumps])
            rss = med([j["rss"] for j in jumps])
            emit(
                f"End (oldest) on {label}: key->frame",
                end,
                home,
                "<= 50 ms",
                end <= 50,
                unit="ms",
                note="baseline: Home",
            )
            emit(f"End (oldest) on {label}: RSS added", rss, None, "<= 2 MiB", rss <= 2, unit="MiB")

    smallest = stores[min(stores)]
    asyncio.run(first_frame(empty))
    ours, bare = [], []
    for _ in range(args.runs):
        bare.append(asyncio.run(first_frame(None)))
        ours.append(asyncio.run(first_frame(smallest)))
    ratio = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
    emit(
        f"browser first frame, {min(stores) // 1000}k vs bare app",
        med(ours),
        med(bare),
        "<= 3.0x",
        ratio <= 3.0,
        unit="ms",
        ratio=ratio,
    )
    empty_peak = statistics.median(peak(empty) for _ in range(3))
    full_peak = statistics.median(peak(smallest) for _ in range(3))
    limit = 1.5 * empty_peak + 50
    emit(
        f"browser peak RSS, {min(stores) // 1000}k vs empty store",
        full_peak,
        empty_peak,
        f"<= 1.5x + 50 ({limit:.0f} MiB)",
        full_peak <= limit,
        unit="MiB",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
