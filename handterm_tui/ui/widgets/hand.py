"""The hand diagram: 5 fingers × 3 segments (palm to tip, as the web draws the hand).

Two uses: the chords screen's figures per position (shaded by speed, and marked with
block symbols and numbers so NO_COLOR shows the same), and the next-key hint's chord,
its presses numbered in order. The cells come from ``core``; this module only styles them.
"""

from __future__ import annotations

from functools import lru_cache

from rich.text import Text
from textual.widget import Widget

from handterm_tui.core import chord_figures, chord_model
from handterm_tui.core.chord_figures import LABEL, Report
from handterm_tui.core.chord_model import FINGERS
from handterm_tui.ui import palette

# Background per speed level, fastest → slowest; the glyphs carry the same information.
LEVEL_STYLES = ("on #1f4d2b", "on #4d4d1f", "on #5c3a14", "bold on #6b1f1f")


def hand_text(rep: Report) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    out.append(chord_figures.hand_header() + "\n", style=palette.MUTED)
    for finger, row in zip(FINGERS, chord_figures.hand_cells(rep), strict=True):
        out.append(f"{finger:<{LABEL}}", style="bold")
        for i, cell in enumerate(row):
            if i:
                out.append("  ")
            style = palette.MUTED if cell.level is None else LEVEL_STYLES[cell.level]
            out.append(cell.text(), style=style)
        out.append("\n")
    out.append(chord_figures.finger_line(rep) + "\n")
    out.append(chord_figures.HAND_LEGEND, style=palette.MUTED)
    return out


class HandDiagram(Widget):
    """The figures per position; ``report`` is set by the screen."""

    DEFAULT_CSS = "HandDiagram { height: auto; width: auto; }"

    def __init__(self, rep: Report, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report = rep

    def render(self) -> Text:
        return hand_text(self.report)


def chord_hint_text(char: str | None) -> Text:
    """The next key's chord on the small hand: presses numbered in order, ▶ first, ■ last
    (symbols, so NO_COLOR shows the same). Empty when the key has no chord."""
    chord = chord_model.load().get(char) if char else None
    return _hint_text(chord)


@lru_cache(maxsize=256)
def _hint_text(chord: chord_model.Chord | None) -> Text:
    # Cached per chord: the game redraws it on every keystroke.
    out = Text(no_wrap=True, overflow="crop")
    if chord is None:
        return out
    lines = chord_model.press_lines(chord)
    out.append(lines[0] + "\n", style=palette.MUTED)
    for line in lines[1:]:
        name, cells = line[:7], line[7:]
        out.append(name, style=palette.MUTED)
        for ch in cells:
            if ch == chord_model.START_MARK:
                out.append(ch, style="bold green")
            elif ch == chord_model.STOP_MARK:
                out.append(ch, style="bold")
            elif ch.isdigit() or ch == ",":
                out.append(ch, style="bold yellow")
            else:
                out.append(ch, style=palette.MUTED)
        out.append("\n")
    out.append(f"{chord_model.START_MARK} first  {chord_model.STOP_MARK} last", style=palette.MUTED)
    return out
