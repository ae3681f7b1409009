"""What a new store (and `clear`) shows first. Apart from builtin.py so the terminal
screen can show it without importing a command module at start-up."""

from __future__ import annotations

WELCOMED_KEY = "welcomed"
# Shown on a new store and after `clear`: what handterm is and the four ways in.
WELCOME = (
    "Welcome to handterm, HandTerm's prompt for your terminal.\n"
    "Every command you type is timed (WPM) and kept on this machine.\n"
    "  help   list the commands (F1 any time)\n"
    "  tut    the first chords, step by step\n"
    "  play   the typing game\n"
    "  login  sign in to sync (everything else works offline)"
)
