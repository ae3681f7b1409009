"""1 MB typed key by key into the prompt (a terminal without bracketed paste), in a real pty.

The app runs as a child process on a pseudo-terminal with its real terminal driver. We write
printable characters to the terminal as fast as the child takes them, then Ctrl+Q, and record
the child's resident memory (before, after, and its peak from /proc VmHWM) and how long Ctrl+Q
takes to end the process.

A bare Textual app with one focused Input (max_length 4096, as ours) is the baseline, paired
run by run at BENCH_INPUT_PAIRED bytes (64 kB): it cannot take 1 MB (Textual queues every key
without waiting; it grows by ~2 MB per kB typed and Ctrl+Q waits behind the queue). Then
handterm alone takes the full 1 MB (BENCH_INPUT_BYTES) against the targets. Medians.

Targets (issue 9): peak RSS < 200 MB, Ctrl+Q quits within 2 s.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _harness import median

HERE = Path(__file__).parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
FEED_BYTES = int(os.environ.get("BENCH_INPUT_BYTES", str(1024 * 1024)))
PAIRED_BYTES = int(os.environ.get("BENCH_INPUT_PAIRED", str(64 * 1024)))
TEXT = b"the quick brown fox jumps over the lazy dog "
QUIT_TIMEOUT_S = 30.0
RSS_LIMIT_MB = 200.0
QUIT_LIMIT_S = 2.0


def status_kb(pid: int, field: str) -> float:
    """A figure from /proc/<pid>/status in kB (VmRSS now, VmHWM the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return 0.0


def run_once(which: str, home: str, feed_bytes: int) -> dict[str, float]:
    ready = Path(home) / f"ready-{which}"
    ready.unlink(missing_ok=True)
    env = dict(os.environ, HANDTERM_HOME=home, BENCH_READY=str(ready), TERM="xterm-256color")
    env.pop("TEXTUAL", None)
    master, slave = pty.openpty()
    os.set_blocking(master, True)
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--target", which],
        stdin=slave,
        stdout=slave,
        stderr=slave,  # Textual draws on stderr
        env=env,
        cwd=HERE,
        start_new_session=True,
    )
    os.close(slave)
    stop = threading.Event()

    def drain() -> None:  # the child blocks on a full pty if nobody reads its frames
        while not stop.is_set():
            readable, _, _ = select.select([master], [], [], 0.1)
            if readable:
                try:
                    os.read(master, 65536)
                except OSError:
                    return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            if time.monotonic() > deadline or child.poll() is not None:
                raise RuntimeError(f"{which} did not start")
            time.sleep(0.05)
        time.sleep(0.3)
        before = status_kb(child.pid, "VmRSS")
        payload = (TEXT * (feed_bytes // len(TEXT) + 1))[:feed_bytes]
        start = time.perf_counter()
        for offset in range(0, len(payload), 4096):
            os.write(master, payload[offset : offset + 4096])  # blocks while the child is behind
        fed_s = time.perf_counter() - start
        after = status_kb(child.pid, "VmRSS")
        peak = status_kb(child.pid, "VmHWM")
        quit_start = time.perf_counter()
        os.write(master, b"\x11")  # Ctrl+Q
        try:
            child.wait(timeout=QUIT_TIMEOUT_S)
            quit_s = time.perf_counter() - quit_start
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            quit_s = float("inf")
        return {
            "before_mb": before / 1024,
            "after_mb": after / 1024,
            "peak_mb": peak / 1024,
            "feed_s": fed_s,
            "quit_s": quit_s,
        }
    finally:
        stop.set()
        if child.poll() is None:
            child.kill()
            child.wait()
        reader.join(timeout=1)
        os.close(master)


def target(which: str) -> None:
    """The child: run the app on the real terminal driver; say when the first frame is up."""
    from textual.app import App
    from textual.pilot import Pilot

    app: App[Any]
    if which == "bare":
        from _harness import BareInputApp

        app = BareInputApp()
    else:
        from handterm_tui import config
        from handterm_tui.ui.app import build_app

        app = build_app(config.load())

    async def signal_ready(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        if which == "bare":
            from textual.widgets import Input

            pilot.app.query_one(Input).max_length = 4096
        Path(os.environ["BENCH_READY"]).write_text("ready")

    app.run(auto_pilot=signal_ready)


def show(label: str, figures: dict[str, float]) -> None:
    print(f"{label}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()), flush=True)


def main() -> int:
    paired: dict[str, list[dict[str, float]]] = {"bare": [], "handterm": []}
    big: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as home:
        for run in range(RUNS):
            for which in ("bare", "handterm"):
                paired[which].append(run_once(which, home, PAIRED_BYTES))
                show(f"run {run + 1} {which} {PAIRED_BYTES:,} B", paired[which][-1])
        for run in range(RUNS):
            big.append(run_once("handterm", home, FEED_BYTES))
            show(f"run {run + 1} handterm {FEED_BYTES:,} B", big[-1])
    print(f"{PAIRED_BYTES:,} bytes typed key by key, {RUNS} paired runs (medians):")
    for key in ("before_mb", "after_mb", "peak_mb", "feed_s", "quit_s"):
        ours = median([r[key] for r in paired["handterm"]])
        base = median([r[key] for r in paired["bare"]])
        ratio = ours / base if base else float("nan")
        print(f"  {key:9} handterm {ours:8.2f}  bare Input {base:8.2f}  ratio {ratio:.2f}x")
    peak = median([r["peak_mb"] for r in big])
    before = median([r["before_mb"] for r in big])
    after = median([r["after_mb"] for r in big])
    feed_s = median([r["feed_s"] for r in big])
    quit_s = median([r["quit_s"] for r in big])
    ok = peak < RSS_LIMIT_MB and quit_s < QUIT_LIMIT_S
    print(
        f"{FEED_BYTES:,} bytes into handterm ({RUNS} runs, medians): RSS {before:.0f} MB before, "
        f"{after:.0f} MB after, peak {peak:.0f} MB (target < {RSS_LIMIT_MB:.0f}); fed in "
        f"{feed_s:.1f} s; Ctrl+Q quit in {quit_s:.2f} s (target < {QUIT_LIMIT_S:.0f}): "
        f"{'meets' if ok else 'misses'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--target":
        target(sys.argv[2])
    else:
        sys.exit(main())
