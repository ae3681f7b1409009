"""Regenerate screenshots/*.svg from the real app (the README's images).

Runs headless with a scratch HANDTERM_HOME, a frozen clock and no cursor blink, so the
images change only when the UI does.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"


def keys(line: str) -> list[str]:
    return [{" ": "space"}.get(c, c) for c in line] + ["enter"]


async def shoot(
    name: str,
    steps: list[str],
    size: tuple[int, int],
    after: Callable[[Any], Awaitable[None]] | None = None,
) -> None:
    from handterm_tui import config
    from handterm_tui.app_factory import build_services, open_store
    from handterm_tui.ui.app import HandtermApp

    cfg = config.load()
    # A typist's uneven rhythm, the same every run.
    gaps = itertools.cycle([140.0, 185.0, 120.0, 230.0, 160.0, 310.0, 150.0, 175.0])
    clock = itertools.accumulate(gaps, initial=1000.0)
    store = open_store()
    app = HandtermApp(
        cfg,
        store,
        services=build_services(cfg, store),
        key_guard_s=0.0,  # keys are pressed at once here; a person's keys are guarded
        clock=lambda: datetime(2026, 11, 27, 9, 41, 7, tzinfo=UTC),
        monotonic_ms=lambda: float(next(clock)),
        cursor_blink=False,
    )
    async with app.run_test(size=size) as pilot:
        for key in steps:
            await pilot.press(key)
        if after is not None:
            await after(pilot)
        await pilot.pause()
        app.save_screenshot(f"{name}.svg", str(OUT))
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    os.environ["TZ"] = "UTC"
    os.environ.pop("NO_COLOR", None)
    # The first screen of a new store: the welcome (shot first, the store is still new).
    await shoot("welcome", [], (80, 24))
    hero = keys("wrt practise the chord for ;") + keys("target 30") + keys("special")
    await shoot("terminal", hero, (100, 32))
    await shoot("help", ["f1"], (100, 40))
    await shoot("terminal-80x24", keys("wrt hello") + keys("hist") + ["up"], (80, 24))
    await shoot(
        "game", [*keys("play dad"), "a", "space", "s", "a", "d", "space", "d", "a", "x"], (100, 32)
    )
    # A phone over SSH: the game keeps its chord hint, the status bar shortens.
    await shoot("game-60x20", [*keys("play dad"), "a", "space", "s"], (60, 20))
    await shoot(
        "logs", keys("wrt buy milk") + keys("special") + keys("target 30") + ["ctrl+l"], (100, 32)
    )
    # A profile that points at nothing: the form, not the offline notice (no network is used).
    from handterm_tui import config, paths

    config.write_profile(
        config.Profile(
            name="demo",
            api_url="http://127.0.0.1:9",
            user_pool_id="us-east-1_demo",
            client_id="demo",
        ),
        path=paths.config_file(),
    )
    await shoot("login", ["ctrl+p", *"Sign in", "enter", *"demo"], (80, 24))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:
        os.environ["HANDTERM_HOME"] = home
        sys.exit(asyncio.run(main()))
