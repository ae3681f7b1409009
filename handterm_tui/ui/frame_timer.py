"""Frames painted when asked for, not at the next slot of Textual's frame clock.

A screen's update timer runs at 60 Hz and, once idle, "skips ahead" to the next slot of its
original schedule: a key that follows another frame by a few ms waits 17-33 ms for that
slot. Screens whose frames follow keys (the game, the log browser) turn the skip off, so a
key's frame is painted as soon as it is ready. The switch is a private attribute of the
pinned Textual (8.2.8); if it moves, frames keep their slots, as before.
"""

from __future__ import annotations

from typing import Any


def paint_when_asked(screen: Any) -> None:
    timer = getattr(screen, "_update_timer", None)
    if timer is not None and hasattr(timer, "_skip"):
        timer._skip = False
