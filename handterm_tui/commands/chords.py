"""Chord practice commands: ``chords`` (which chords, transitions, fingers and positions
hold you back) and ``drill`` (practice lines built from them).

``chords`` prints the figures (``--json`` for a program) and, in the TUI, opens the chords
screen. The figures come from the stored keystroke logs (``store.keystrokes``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

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

    acc = chord_accumulator(ctx.store.db, include_prompt=include_prompt, owner=ctx.owner())
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


# -- drill ------------------------------------------------------------------------------

DRILL_USAGE = "drill [--minutes N]"
MAX_MINUTES = 60

DRILL_DETAILS = """\
Practice lines built from your weakest chords and transitions, mixed with words you really
type at the prompt (never a masked line or an account command). After each line the
weights are rebuilt from your figures, which that line has just fed.
New chords open one at a time, in letter-frequency order, only when every open chord is
at your target (`target`, in WPM: 25 WPM = 480 ms per chord) with 10+ samples.
--minutes N ends the drill after N minutes with what improved: per drilled chord, the
figure before against this drill's median, with sample counts.
Lines are stored like game results (`stats`, `chords` read them)."""


def excluded_names() -> set[str]:
    """Commands whose lines are never drill material: account ones, and any with secrets."""
    from handterm_tui.commands.base import REGISTRY

    out: set[str] = set()
    for spec in REGISTRY:
        if spec.category == "account" or spec.mask_from is not None:
            out.add(spec.name)
            out.update(spec.aliases)
    return out


def drill_words(ctx: Context) -> list[str]:
    from handterm_tui.core import drill
    from handterm_tui.store.keystrokes import history_lines

    lines = history_lines(ctx.store.db, excluded_names(), owner=ctx.owner())
    return drill.history_words(lines)


def drill_plan(ctx: Context, rep: Report | None = None) -> Any:
    from handterm_tui.commands.builtin import target_wpm
    from handterm_tui.core import drill

    rep = rep or chord_report(ctx)
    stored = ctx.store.kv.get(drill.UNLOCKED_KEY, 0)
    p = drill.plan(rep, target_wpm(ctx), stored if isinstance(stored, int) else 0)
    if len(p.open_chords) != stored:
        ctx.store.kv.set(drill.UNLOCKED_KEY, len(p.open_chords))
    return p


@command(
    "drill",
    "Practise your weakest chords and transitions",
    DRILL_USAGE,
    options=("minutes",),
    category="practice",
    details=DRILL_DETAILS,
    blocking=True,  # reads the figures (the first time, every stored keystroke)
)
def drill_command(ctx: Context, cmd: ParsedCommand) -> Outcome:
    import random

    from handterm_tui.commands.base import int_switch
    from handterm_tui.core import drill
    from handterm_tui.core.chord_figures import pair_label
    from handterm_tui.core.chord_model import display_key

    if cmd.args:
        return usage_error(DRILL_USAGE, "drill takes no arguments; --minutes N times it.")
    try:
        minutes = int_switch(cmd, "minutes", 0, low=1, high=MAX_MINUTES)
    except ValueError as exc:
        return usage_error(DRILL_USAGE, str(exc))
    p = drill_plan(ctx)
    focus = ", ".join(display_key(c) for c in p.focus)
    pairs = ", ".join(pair_label(k) for k in p.focus_pairs) or "none slow yet"
    sample = drill.make_line(p, drill_words(ctx), random.Random(len(p.open_chords)))
    text = (
        f"Drill: {len(p.open_chords)} chords open ({p.open_chords}), "
        f"target {p.goal_ms:.0f} ms per chord.\n"
        f"Focus: {focus} · slow transitions: {pairs}\n"
        f"A line: {sample}"
    )
    if minutes:
        text += f"\nTimed: {minutes} minute{'s' if minutes != 1 else ''}."
    if not ctx.interactive:
        return Outcome(text + "\nThe drill needs the terminal UI: run `handterm`, then `drill`.")
    return Outcome(text, action=OpenScreen("drill", {"minutes": minutes}))
