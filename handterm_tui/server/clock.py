"""The server's idea of now: the wall clock, plus an offset that only the test-only fault
switch can move (`POST /__clock__ {"advance": s}`), so tests of lifetimes, lockouts and code
expiry advance time instead of sleeping through it."""

from __future__ import annotations

import time

_offset = 0.0


def now() -> float:
    return time.time() + _offset


def advance(seconds: float) -> float:
    """Move the server's clock forward (tests only); returns the total offset."""
    global _offset
    if not 0 <= seconds <= 400 * 86400:
        raise ValueError("advance must be 0..400 days in seconds")
    _offset += seconds
    return _offset
