"""Per-keystroke cost of the typing game against a bare focused Input, in the same run.

Both apps run headless at 80x24 and get the same keys the way a terminal delivers them
(``driver.send_message(events.Key(...))``, as Pilot does but without its ~60 ms of
sleeps per key). Two measures, each the median over several alternating runs:

- paced: keys 10 ms apart, like a fast typist; CPU ms per key (handling + frames +
  the game's 0.1 s clock), from ``time.process_time``;
- burst: all keys posted at once; wall ms per key until every key is handled
  (frames coalesce, so this is the handling cost alone).

The game's phrase is 250 characters and restarts when finished; the Input is cleared at
the same points, so both do the same amount of work. Run: ``python bench/bench_game.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import string
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual._wait import wait_for_idle
from textual.app import App, ComposeResult
from textual.widgets import Input

from handterm_tui.core.phrases import Phrase
from handterm_tui.ui.screens.game import GameScreen
from handterm_tui.ui.widgets.practice import TypingArea

LETTERS = string.ascii_lowercase
PHRASE_LEN = 250
TEXT = "".join(" " if i % 6 == 5 else LETTERS[i % 26] for i in range(PHRASE_LEN))


class InputApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="field")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()

    def typed(self) -> int:
        return len(self.query_one(Input).value)

    def reset(self) -> None:
        self.query_one(Input).value = ""


class GameApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(GameScreen(Phrase("bench", 5, TEXT)))

    def typed(self) -> int:
        return len(self.screen.query_one(TypingArea).game.typed)

    def reset(self) -> None:
        screen = self.screen
        assert isinstance(screen, GameScreen)
        screen.start(screen.game.phrase)


def key_event(char: str) -> events.Key:
    return events.Key("space" if char == " " else char, char)


async def drive(app_cls: Callable[[], Any], keys: int, gap_s: float) -> float:
    """ms per key: CPU when paced (gap > 0), wall when bursting (gap == 0)."""
    app = app_cls()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        driver = app._driver
        assert driver is not None
        cpu0, wall0 = time.process_time(), time.perf_counter()
        sent = 0
        while sent < keys:
            chunk = min(PHRASE_LEN - 1, keys - sent)  # stop one short: the game never ends here
            for i in range(chunk):
                driver.send_message(key_event(TEXT[i]))
                if gap_s:
                    await asyncio.sleep(gap_s)
            while app.typed() < chunk:
                await wait_for_idle(0)
            sent += chunk
            app.reset()
        await wait_for_idle(0)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return (cpu if gap_s else wall) * 1000.0 / keys


async def frames(app_cls: Callable[[], Any], keys: int, gap_s: float) -> list[float]:
    """key -> the first frame showing it (ms), keys ``gap_s`` apart, as bench/_frames.py."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from _frames import key_to_frame

    app = app_cls()
    out: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sent = 0
        while sent < keys:
            chunk = min(PHRASE_LEN - 1, keys - sent)
            plan = [(TEXT[i], i + 1) for i in range(chunk)]
            out += await key_to_frame(app, plan, app.typed, gap_s=gap_s)
            sent += chunk
            app.reset()
            await pilot.pause()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paced-keys", type=int, default=300)
    parser.add_argument("--burst-keys", type=int, default=2000)
    parser.add_argument("--gap-ms", type=float, default=10.0)
    parser.add_argument("--frame-keys", type=int, default=600)
    parser.add_argument("--frame-gap-ms", type=float, default=45.0)
    args = parser.parse_args()
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from _frames import pct
    from _table import emit

    # key -> frame p99: the game (with its 0.1 s clock) against a bare Input, same run.
    game_f: list[float] = []
    base_f: list[float] = []
    for _ in range(max(1, args.runs // 2)):
        base_f += asyncio.run(frames(InputApp, args.frame_keys, args.frame_gap_ms / 1000))
        game_f += asyncio.run(frames(GameApp, args.frame_keys, args.frame_gap_ms / 1000))
    p99, base99 = pct(game_f, 0.99), pct(base_f, 0.99)
    emit(
        "game key->frame p99",
        p99,
        base99,
        "<= 1.1x bare Input",
        p99 <= 1.1 * base99,
        unit="ms",
        note=f"median {statistics.median(game_f):.1f} vs {statistics.median(base_f):.1f} ms; "
        f"{len(game_f)} keys {args.frame_gap_ms:g} ms apart",
    )

    results: dict[str, dict[str, list[float]]] = {
        mode: {"input": [], "game": []} for mode in ("paced", "burst")
    }
    ratios: dict[str, list[float]] = {"paced": [], "burst": []}
    for _ in range(args.runs):
        for mode, keys, gap in (
            ("paced", args.paced_keys, args.gap_ms / 1000),
            ("burst", args.burst_keys, 0.0),
        ):
            base = asyncio.run(drive(InputApp, keys, gap))
            game = asyncio.run(drive(GameApp, keys, gap))
            results[mode]["input"].append(base)
            results[mode]["game"].append(game)
            ratios[mode].append(game / base)

    print(f"bench_game: {args.runs} runs, headless 80x24, median (min-max)")
    for mode, unit in (
        ("paced", f"CPU ms/key, keys {args.gap_ms:g} ms apart"),
        ("burst", "wall ms/key, all keys posted at once"),
    ):
        for who in ("input", "game"):
            v = results[mode][who]
            print(
                f"  {mode:5} {who:5} {statistics.median(v):7.3f}  "
                f"({min(v):.3f}-{max(v):.3f})  {unit}"
            )
        r = ratios[mode]
        emit(
            f"game {mode} cost per key vs bare Input",
            statistics.median(results[mode]["game"]),
            statistics.median(results[mode]["input"]),
            "<= 1.5x",
            statistics.median(r) <= 1.5,
            unit="ms",
            ratio=statistics.median(r),
        )
        print(
            f"  {mode:5} ratio game/input {statistics.median(r):.2f}x "
            f"({min(r):.2f}-{max(r):.2f}); target <= 1.5x"
        )


if __name__ == "__main__":
    main()
