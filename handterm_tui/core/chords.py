"""Chord hints: which chord of the Handex keyboard types a character."""

from __future__ import annotations

from handterm_tui.core import chord_model

# The punctuation set the web's `special` command shows, in its order.
SPECIAL = "~`!@#$%^&*()-_+={[}]|\\:;\"'<>,.?/"


def chord_for(char: str) -> str | None:
    """The chord code for ``char`` (e.g. ``a`` → ``4``), or None when unknown.

    The user's chord file (``<config dir>/chords.json``) overrides the shipped table.
    """
    chord = chord_model.load().get(char)
    return chord.code if chord else None


def hint(char: str) -> str:
    """What to show for the next key: its chord when known, else the key itself."""
    code = chord_for(char)
    name = chord_model.display_key(char)
    return f"{name} = chord {code}" if code else name
