"""Chord practice commands: ``chords`` (which chords, transitions, fingers and positions
hold you back) and ``drill`` (practice lines built from them).

``chords`` prints the figures (``--json`` for a program) and, in the TUI, opens the chords
screen. The figures come from the stored keystroke logs (``store.keystrokes``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from handterm_tui.commands.base import Context, OpenScreen, Outcome, command, usage_error
from handterm_tui.core.parser import ParsedCommand

if TYPE_CHECKING:
    from handterm_tui.core.chord_figures import Report

CHORDS_USAGE = "chords [--prompt] [--json]"

CHORDS_DETAILS = """\
Figures per chord, from the keystrokes of your games and drills (--prompt adds the lines
you type at the prompt; a line with a masked secret is never read):
  now    ms to make the chord (from the previous release to this one), smoothed over
         sessions; median and p90 over all samples are in --json and on a wide screen
  err    how often a different key was typed where this chord was expected
  n      timed samples; under 10, a chord is listed as "not ranked yet", never ranked
  trend  the median of each session (a gap of 30 minutes starts a new one)
The hand shows each position (finger × segment, palm to tip) over every chord using it:
█ slowest … ░ fastest, · too few samples. Your own chord table: <config dir>/chords.json."""


def chord_report(ctx: Context, *, include_prompt: bool = False) -> Report:
    from handterm_tui.core import chord_figures, chord_model
    from handterm_tui.store.keystrokes import chord_accumulator

    acc = chord_accumulator(ctx.store.db, include_prompt=include_prompt, owner=ctx.username)
    return chord_figures.report(acc, chord_model.load())


def chords_outcome(ctx: Context, cmd: ParsedCommand) -> Outcome:
    """``chords`` (and ``stats --chords``): text, JSON, or the screen."""
    from handterm_tui.core import chord_figures, chord_model

    include_prompt = bool(cmd.switches.get("prompt"))
    rep = chord_report(ctx, include_prompt=include_prompt)
    problems = "".join(f"\nNote: {p}" for p in chord_model.load().problems)
    if cmd.switches.get("json"):
        return Outcome(json.dumps(rep.to_json(), ensure_ascii=False, indent=1))
    text = chord_figures.render_text(rep) + problems
    if not ctx.interactive or rep.samples == 0:
        return Outcome(text)
    return Outcome(text, action=OpenScreen("chords", {"include_prompt": include_prompt}))


@command(
    "chords",
    "Your slowest chords, transitions, fingers and positions",
    CHORDS_USAGE,
    flags=("prompt", "json"),
    category="practice",
    details=CHORDS_DETAILS,
    blocking=True,  # the first run folds every stored keystroke once
)
def chords(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if cmd.args:
        return usage_error(CHORDS_USAGE, "chords takes no arguments.")
    return chords_outcome(ctx, cmd)
