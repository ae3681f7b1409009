"""Chord hints: which chord of the Handex keyboard types a character."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

# The punctuation set the web's `special` command shows, in its order.
SPECIAL = "~`!@#$%^&*()-_+={[}]|\\:;\"'<>,.?/"


@cache
def _table() -> dict[str, str]:
    # A plain path, not importlib.resources: that import alone costs ~15 ms at start-up.
    text = (Path(__file__).parent / "data" / "chords.json").read_text("utf-8")
    return dict(json.loads(text)["chords"])


def chord_for(char: str) -> str | None:
    """The chord code for ``char`` (e.g. ``a`` → ``4``), or None when unknown."""
    return _table().get(char)


def hint(char: str) -> str:
    """What to show for the next key: its chord when known, else the key itself."""
    code = chord_for(char)
    name = {"\r": "Enter", " ": "Space", "\t": "Tab"}.get(char, char)
    return f"{name} = chord {code}" if code else name
