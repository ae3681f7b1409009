"""Key → frame timing: when did the frame that shows a key's effect get painted?

A hook on ``Screen._compositor_refresh`` (the step that renders a frame; headless apps skip
only writing it to a terminal) stamps every frame of the top screen. A key is sent the way a
terminal sends it (``driver.send_message``); its latency is the time until the first frame in
which ``probe()`` says the key's effect is on screen.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

_probe: list[Callable[[], Any]] = []
_waiting: list[tuple[Any, asyncio.Event, list[float]]] = []
_original = Screen._compositor_refresh


def _hooked(self: Screen[Any]) -> None:
    _original(self)
    if _waiting and self is self.app.screen and _probe:
        now = time.perf_counter()
        seen = _probe[0]()
        for expected, event, stamp in list(_waiting):
            if seen == expected:
                stamp.append(now)
                event.set()
                _waiting.remove((expected, event, stamp))


Screen._compositor_refresh = _hooked  # type: ignore[method-assign]


def key_event(char: str) -> events.Key:
    names = {" ": "space", "\x7f": "backspace", "\r": "enter"}
    return events.Key(names.get(char, char), None if char in "\x7f\r" else char)


async def key_to_frame(
    app: App[Any],
    keys: list[tuple[str, Any]],
    probe: Callable[[], Any],
    *,
    gap_s: float = 0.08,
    timeout_s: float = 5.0,
) -> list[float]:
    """ms from sending each key to the frame where ``probe() == expected``. Keys go out
    ``gap_s`` apart (a quick typist), or as soon as the previous one showed if that is later."""
    driver = app._driver
    assert driver is not None
    _probe[:] = [probe]
    out: list[float] = []
    for char, expected in keys:
        event = asyncio.Event()
        stamp: list[float] = []
        _waiting.append((expected, event, stamp))
        began = time.perf_counter()
        driver.send_message(key_event(char))
        try:
            await asyncio.wait_for(event.wait(), timeout_s)
        except TimeoutError:
            _waiting.clear()
            raise RuntimeError(f"no frame showed {expected!r} within {timeout_s} s") from None
        out.append((stamp[0] - began) * 1000)
        rest = gap_s - (time.perf_counter() - began)
        if rest > 0:
            await asyncio.sleep(rest)
    _probe.clear()
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def med(values: list[float]) -> float:
    return statistics.median(values)
