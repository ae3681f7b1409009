"""Per-keystroke cost at the prompt vs a bare Textual app with one focused Input.

Keys are posted as the driver would post them, in bursts of one line, and the handling
time is measured until the app is idle again (frames included), so Pilot's own sleeps
(~60 ms a key) are not counted. Median of several runs; target <= 1.3x.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from typing import Any

from _harness import BareInputApp, report
from textual import events
from textual.app import App

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
KEYS = 400
TEXT = "wrt the quick brown fox jumps over the lazy dog "


async def per_key_ms(app: App[Any]) -> float:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chars = (TEXT * (KEYS // len(TEXT) + 1))[:KEYS]
        start = time.perf_counter()
        for i, ch in enumerate(chars):
            key = "space" if ch == " " else ch
            app.post_message(events.Key(key, ch))
            if i % 40 == 39:  # a line's worth, then let frames happen like a typist's pause
                await pilot.pause()
        await pilot.pause()
        elapsed = time.perf_counter() - start
        # Each pause adds Textual's idle wait (~20 ms); count it out for both apps alike.
        pauses = KEYS // 40 + 1
        return max(0.0, elapsed * 1000 - pauses * 20.0) / KEYS


def handterm_app() -> App[Any]:
    from handterm_tui import config
    from handterm_tui.ui.app import build_app

    return build_app(config.load())


async def main() -> None:
    ours: list[float] = []
    base: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        os.environ["HANDTERM_HOME"] = home
        await per_key_ms(BareInputApp())  # warm-up
        await per_key_ms(handterm_app())
        for _ in range(RUNS):
            base.append(await per_key_ms(BareInputApp()))
            ours.append(await per_key_ms(handterm_app()))
    ratio = report("keystroke at the prompt", ours, base, "ms/key", target=1.3)
    from _harness import median
    from _table import emit

    emit(
        "keystroke at the prompt vs bare Input",
        median(ours),
        median(base),
        "<= 1.3x",
        ratio <= 1.3,
        unit="ms",
        ratio=ratio,
    )


if __name__ == "__main__":
    asyncio.run(main())
