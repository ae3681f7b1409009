"""Every time handterm shows a person, in one place: so `status`, `session`, the status bar,
notes and the log browser say times the same way."""

from __future__ import annotations

import time
from datetime import datetime


def span(seconds: float) -> str:
    """A short duration for a status bar: ``3d``, ``5h``, ``12m``, ``40s``."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def relative(delta: float) -> str:
    """``in 14 min`` / ``3.0 h ago``."""
    size = abs(delta)
    if size < 120:
        words = f"{size:.0f} s"
    elif size < 7200:
        words = f"{size / 60:.0f} min"
    elif size < 3 * 86400:
        words = f"{size / 3600:.1f} h"
    else:
        words = f"{size / 86400:.0f} days"
    return f"in {words}" if delta >= 0 else f"{words} ago"


def local_stamp(moment: float) -> str:
    """``2026-11-29 14:05:09`` in local time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))


def when(moment: float | None, now: float) -> str:
    """``2026-11-29 14:05:09 (in 14 min)``; ``unknown`` for no time."""
    if moment is None:
        return "unknown"
    return f"{local_stamp(moment)} ({relative(moment - now)})"


def clock(moment: float | None) -> str:
    """``14:05:09`` local, for "good until"."""
    return "unknown" if moment is None else time.strftime("%H:%M:%S", time.localtime(moment))


def minute(ms: int) -> str:
    """``2026-11-29 14:05`` local, from epoch milliseconds (notes)."""
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")
