"""The prompt's own commands: help, clear, history, special, target, show, whoami, exit."""

from __future__ import annotations

from collections.abc import Iterable

from handterm_tui.commands.base import (
    REGISTRY,
    Clear,
    Context,
    Exit,
    Outcome,
    command,
    int_switch,
    usage_error,
)
from handterm_tui.commands.manifest import Entry
from handterm_tui.commands.welcome import WELCOME, WELCOMED_KEY
from handterm_tui.core import chords
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import NOT_FOUND

DEFAULT_TARGET_WPM = 25
TARGET_KEY = "target_wpm"

CATEGORY_TITLES = {
    "general": "The prompt",
    "notes": "Notes",
    "account": "Account",
    "logs": "Log history and sync",
    "practice": "Typing practice",
    "web": "The web's, not in a terminal",
}


def _command_names(_args: tuple[str, ...], _partial: str) -> Iterable[str]:
    return REGISTRY.names()


@command(
    "help",
    "List every command, or show how to use one",
    "help [command]",
    aliases=("411",),
    complete=_command_names,
    record=True,
)
def help_(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if cmd.args:
        name = cmd.args[0]
        spec = REGISTRY.get(name)
        if spec is None:
            near = REGISTRY.suggest(name)
            hint = f" Did you mean `{near}`?" if near else ""
            return Outcome(f"No command named `{name}`.{hint}", status=NOT_FOUND)
        lines = [f"{spec.name} — {spec.summary}", f"Usage: {spec.usage}"]
        if spec.aliases:
            lines.append("Also: " + ", ".join(spec.aliases))
        if spec.details:
            lines += ["", spec.details]
        return Outcome("\n".join(lines))
    by_category: dict[str, list[str]] = {}

    def label(entry: Entry) -> str:
        # `level1` … `level5` are one idea: the usage line says so, the list need not.
        aliases = [a for a in entry.aliases if not a[len(entry.name) :].isdigit()]
        return entry.name + (f" ({', '.join(aliases)})" if aliases else "")

    # The manifest's entries: listing every command imports none of their modules.
    entries = REGISTRY.entries()
    width = max(len(label(e)) for e in entries)
    for entry in entries:
        by_category.setdefault(entry.category, []).append(
            f"  {label(entry):<{width}}  {entry.summary}"
        )
    order = [*CATEGORY_TITLES, *sorted(set(by_category) - set(CATEGORY_TITLES))]
    out: list[str] = []
    for category in order:
        if category in by_category:
            out += [
                CATEGORY_TITLES.get(category, category.title()) + ":",
                *by_category[category],
                "",
            ]
    # Short lines: nothing here may wrap at 80 columns.
    out += [
        "Keys:",
        "  Enter runs · Up/Down history · Tab completes · Ctrl+C cancels the line",
        "  PageUp/PageDown, Shift+Up/Down scroll · Home/End on an empty line: top/end",
        "  F1 help · Ctrl+L log history · Ctrl+P palette · Ctrl+Q quits",
        "`help <command>` shows how to use one.",
    ]
    return Outcome("\n".join(out))


@command("clear", "Clear the screen (your records stay stored)", "clear")
def clear(ctx: Context, cmd: ParsedCommand) -> Outcome:
    return Outcome("", action=Clear())


@command(
    "history",
    "List the commands you typed, newest last",
    "history [--limit N]",
    options=("limit",),
)
def history(ctx: Context, cmd: ParsedCommand) -> Outcome:
    try:
        limit = int_switch(cmd, "limit", 20, low=1, high=10_000)
    except ValueError as exc:
        return usage_error("history [--limit N]", str(exc))
    if cmd.args:
        return usage_error("history [--limit N]", "history takes no arguments.")
    lines = ctx.store.records.history_lines(ctx.config.settings.history_limit, viewer=ctx.owner())
    shown = lines[-limit:]
    if not shown:
        return Outcome("No history yet.")
    start = len(lines) - len(shown) + 1
    width = len(str(len(lines)))
    return Outcome("\n".join(f"{n:>{width}}  {line}" for n, line in enumerate(shown, start=start)))


@command("special", "The punctuation keys and their chords", "special")
def special(ctx: Context, cmd: ParsedCommand) -> Outcome:
    rows = []
    for char in chords.SPECIAL:
        code = chords.chord_for(char)
        rows.append(f"{char}  {code}" if code else f"{char}  (no chord known)")
    # Four columns keep the set on one screen at 80x24.
    cols = 4
    per = -(-len(rows) // cols)
    lines = []
    for i in range(per):
        cells = [rows[j] for j in range(i, len(rows), per)]
        lines.append("".join(f"{c:<16}" for c in cells).rstrip())
    return Outcome("Key  chord\n" + "\n".join(lines))


def target_wpm(ctx: Context) -> int:
    value = ctx.store.kv.get(TARGET_KEY, DEFAULT_TARGET_WPM)
    return int(value) if isinstance(value, int | float) else DEFAULT_TARGET_WPM


@command("target", "Show or set the WPM to beat in the game", "target [N]")
def target(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if not cmd.args:
        return Outcome(f"Target WPM: {target_wpm(ctx)}")
    raw = cmd.args[0]
    try:
        value = int(raw)
    except ValueError:
        return usage_error("target [N]", f"Target WPM must be a whole number, not {raw!r}.")
    if not 1 <= value <= 400:
        return usage_error("target [N]", "Target WPM must be between 1 and 400.")
    ctx.store.kv.set(TARGET_KEY, value)
    # Unlike the web, achievements already earned are kept.
    return Outcome(f"Target WPM set to {value}. Achievements you already earned are kept.")


@command("show", "List the phrases you have beaten the target on", "show")
def show(ctx: Context, cmd: ParsedCommand) -> Outcome:
    best: dict[str, float] = {}
    page = ctx.store.records.page(kind="game", limit=10_000, viewer=ctx.owner())
    for record in page.records:
        key = str(record.extra.get("phrase", ""))
        # Achievements are judged on net WPM; older records may only have gross.
        wpm = record.extra.get("net_wpm", record.gross_wpm)
        if record.extra.get("achieved") and isinstance(wpm, int | float) and key:
            best[key] = max(best.get(key, 0.0), float(wpm))
    if not best:
        return Outcome("No achievements yet. Beat your target WPM in `play` to earn one.")
    lines = [f"{wpm:>4.0f} WPM  {key}" for key, wpm in sorted(best.items(), key=lambda kv: -kv[1])]
    return Outcome("Achievements (best net WPM per phrase):\n" + "\n".join(lines))


@command("clean", "Tidy the history (no empty lines or repeats)", "clean")
def clean(ctx: Context, cmd: ParsedCommand) -> Outcome:
    # The web's `clean` dropped empty entries and neighbouring duplicates from its history.
    # Here history is read from the records with both already left out, so the count is
    # what Up/Down walks through; the records themselves are never deleted.
    limit = ctx.config.settings.history_limit
    lines = ctx.store.records.history_lines(limit, viewer=ctx.owner())
    return Outcome(
        f"History is tidy: {len(lines):,} lines for Up/Down, no empty lines and no "
        "neighbouring repeats (handterm leaves both out as you type). Your records are kept; "
        "`clear` clears the screen."
    )


@command("whoami", "Who is signed in", "whoami", category="account")
def whoami(ctx: Context, cmd: ParsedCommand) -> Outcome:
    user = ctx.username
    if user:
        return Outcome(user)
    return Outcome("guest (not signed in — `login <user>` to sign in)")


@command("exit", "Leave handterm", "exit", aliases=("quit",), record=False)
def exit_(ctx: Context, cmd: ParsedCommand) -> Outcome:
    return Outcome("Bye.", action=Exit(), record=False)


__all__ = ["DEFAULT_TARGET_WPM", "TARGET_KEY", "WELCOME", "WELCOMED_KEY", "target_wpm"]
