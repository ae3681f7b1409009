"""Typing practice commands: ``play``/``phrase``, ``level``, ``ls``, ``tut``, ``stats``.

Each returns its text (what ``handterm exec`` prints) and, in the TUI, an ``OpenScreen``
action for the game, tutorial or stats screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from handterm_tui.commands.base import (
    Context,
    OpenScreen,
    Outcome,
    command,
    int_switch,
    usage_error,
)
from handterm_tui.commands.builtin import target_wpm
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import NOT_FOUND, UNAVAILABLE, Record

if TYPE_CHECKING:
    from handterm_tui.core import phrases, progress

# The game's modules (and the phrase catalogue's TOML) load on first use, not at start-up.

LEVEL_KEY = "game_level"  # the level `play` picks from (0 or missing: every level)
LEVEL_USAGE = "level [N]   (also level1 … level5, as on the web)"
MAX_GAMES = 5000  # enough history for stats; older games still count in `show`
PLAY_USAGE = "play [key]"

FORMULAS = """\
Type the phrase shown; Enter never runs it as a command. Esc or Ctrl+C leaves.
Backspace fixes a mistake; emptying the line restarts the attempt.

The figures (a word is 5 characters; the clock starts at your first keystroke):
  Net WPM    the phrase's characters per minute / 5, less one word per uncorrected error
  Gross WPM  every character key pressed, erased ones too, per minute / 5
  Accuracy   keystrokes that matched the phrase / all keystrokes (fixed mistakes count)
  Web figure handterm.com's number: the mean of 12000/ms over the key intervals; a mean
             of rates reads high when your pace varies, so it is shown but not used
A result at or above `target` WPM (net) is an achievement; `show` lists them."""


def _phrase_keys(args: tuple[str, ...], partial: str) -> Iterable[str]:
    from handterm_tui.core import phrases

    if args:
        return []
    return phrases.load().keys()


def game_records(ctx: Context, limit: int = MAX_GAMES) -> list[Record]:
    return ctx.store.records.page(kind="game", limit=limit, viewer=ctx.owner()).records


def load_progress(ctx: Context) -> progress.Progress:
    from handterm_tui.core import progress

    return progress.from_records(game_records(ctx))


def _warnings(catalogue: phrases.Catalogue) -> str:
    return "".join(f"\nNote: {p}" for p in catalogue.problems)


@command(
    "play",
    "Play the phrases game",
    PLAY_USAGE,
    aliases=("phrase",),
    category="practice",
    complete=_phrase_keys,
    details=FORMULAS,
)
def play(ctx: Context, cmd: ParsedCommand) -> Outcome:
    import difflib

    from handterm_tui.core import phrases
    from handterm_tui.core.practice import choose_next

    catalogue = phrases.load()
    if len(cmd.args) > 1:
        return usage_error(PLAY_USAGE, "play takes one phrase key (`ls` lists them).")
    if cmd.args:
        key = cmd.args[0]
        phrase = catalogue.get(key)
        if phrase is None:
            near = difflib.get_close_matches(key, catalogue.keys(), n=1)
            hint = f" Did you mean `{near[0]}`?" if near else ""
            return Outcome(
                f"No phrase named `{key}`.{hint} `ls` lists them." + _warnings(catalogue),
                status=NOT_FOUND,
            )
    else:
        prog = load_progress(ctx)
        chosen = game_level(ctx)
        pool = [p for p in catalogue.phrases if p.level == chosen] or catalogue.phrases
        phrase = choose_next(pool, prog.achieved, prog.key_means())
        if phrase is None:
            return Outcome("There are no phrases to play." + _warnings(catalogue), status=NOT_FOUND)
    target = target_wpm(ctx)
    text = (
        f"Type the phrase as fast as you can — {phrase.key}, level {phrase.level}, "
        f"target {target} WPM:\n  {phrase.text}"
    ) + _warnings(catalogue)
    if not ctx.interactive:
        # The game could not start: an error status, so `handterm exec` exits non-zero.
        return Outcome(
            text + f"\nThe game needs the terminal UI: run `handterm`, then `play {phrase.key}`.",
            status=UNAVAILABLE,
        )
    return Outcome(text, action=OpenScreen("game", {"key": phrase.key}))


def game_level(ctx: Context) -> int:
    value = ctx.store.kv.get(LEVEL_KEY, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@command(
    "level",
    "Choose the game level `play` picks from",
    LEVEL_USAGE,
    aliases=tuple(f"level{n}" for n in range(1, 6)),
    category="practice",
)
def level(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.core import phrases

    # `level3` (the web's form) and `level 3` (which the web read as "next level") alike.
    raw = cmd.name[len("level") :] or (cmd.args[0] if cmd.args else "")
    if len(cmd.args) > (0 if cmd.name != "level" else 1):
        return usage_error(LEVEL_USAGE, "level takes one number.")
    catalogue = phrases.load()
    counts = {n: sum(1 for p in catalogue if p.level == n) for n in phrases.LEVEL_NAMES}
    if not raw:
        current = game_level(ctx)
        lines = [
            f"{'*' if n == current else ' '} {n}  {name} ({counts.get(n, 0)} phrases)"
            for n, name in phrases.LEVEL_NAMES.items()
        ]
        head = f"Game level: {current}" if current else "Game level: all (play goes in order)"
        return Outcome("\n".join([head, *lines, "`level N` chooses one; `level 0` all."]))
    if raw == "0":
        ctx.store.kv.set(LEVEL_KEY, 0)
        return Outcome("Game level: all levels, in order.")
    if not raw.isdigit() or not phrases.MIN_LEVEL <= int(raw) <= phrases.MAX_LEVEL:
        return usage_error(
            LEVEL_USAGE,
            f"The level is a number {phrases.MIN_LEVEL}-{phrases.MAX_LEVEL} (or 0 for all), "
            f"not {raw!r}.",
        )
    n = int(raw)
    ctx.store.kv.set(LEVEL_KEY, n)
    return Outcome(
        f"Game level set to {n} ({phrases.LEVEL_NAMES.get(n, '')}, {counts.get(n, 0)} phrases): "
        "`play` picks from it."
    )


@command(
    "ls",
    "List the game's phrases (✓ = achieved)",
    "ls [--level N]",
    options=("level",),
    category="practice",
)
def ls(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.core import phrases

    try:
        level = int_switch(cmd, "level", 0, low=phrases.MIN_LEVEL, high=phrases.MAX_LEVEL)
    except ValueError as exc:
        return usage_error("ls [--level N]", str(exc))
    catalogue = phrases.load()
    achieved = load_progress(ctx).achieved
    shown = [p for p in catalogue if not level or p.level == level]
    lines = [
        f"Phrases: {sum(1 for p in shown if p.key in achieved)} of {len(shown)} achieved "
        f"(✓). `play <key>` types one."
    ]
    for lvl in sorted({p.level for p in shown}):
        lines.append(f"Level {lvl}: {phrases.LEVEL_NAMES.get(lvl, '')}")
        for p in (p for p in shown if p.level == lvl):
            mark = "✓" if p.key in achieved else " "
            text = p.text if len(p.text) <= 58 else p.text[:57] + "…"
            lines.append(f"  {mark} {p.key:<14} {text}")
    return Outcome("\n".join(lines) + _warnings(catalogue))


@command(
    "tut",
    "The typing tutorial (--reset starts it again)",
    "tut [--reset]",
    flags=("reset",),
    category="practice",
)
def tut(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.core.tutorial import PROGRESS_KEY, Tutorial

    if cmd.args:
        return usage_error("tut [--reset]", "tut takes no arguments.")
    if cmd.switches.get("reset"):
        ctx.store.kv.delete(PROGRESS_KEY)
    tutorial = Tutorial.from_stored(ctx.store.kv.get(PROGRESS_KEY, []))
    text = tutorial.describe()
    if cmd.switches.get("reset"):
        text = "Tutorial progress cleared.\n" + text
    if not ctx.interactive or tutorial.finished:
        return Outcome(text)
    return Outcome(text, action=OpenScreen("tutorial", {}))


@command(
    "stats",
    "Your WPM and accuracy over time, best phrases, slow keys",
    "stats",
    category="practice",
)
def stats(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.core import progress

    if cmd.switches.get("chords"):  # `stats --chords [--json]` = `chords [--json]`
        from handterm_tui.commands.chords import chords_outcome

        return chords_outcome(ctx, cmd)
    prog = load_progress(ctx)
    text = progress.render_text(prog, target_wpm(ctx))
    if not ctx.interactive or not prog.points:
        return Outcome(text)
    return Outcome(text, action=OpenScreen("stats", {}))
