"""``wrt``: write a note, or list notes newest first."""

from __future__ import annotations

from datetime import datetime

from handterm_tui.commands.base import Context, Outcome, command, int_switch, usage_error
from handterm_tui.core.parser import ParsedCommand

USAGE = "wrt <text…>  |  wrt [--limit N]"
MAX_NOTE = 100_000


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


@command(
    "wrt",
    "Write a note, or list your notes",
    USAGE,
    options=("limit",),
    category="notes",
    details="With text, stores a note locally and queues it for upload (as the web's wrt does).\n"
    "Without text, lists your notes newest first (default 10).",
)
def wrt(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if cmd.args:
        if "limit" in cmd.switches:
            return usage_error(USAGE, "Give either text to write or --limit, not both.")
        text = " ".join(cmd.args)
        if len(text) > MAX_NOTE:
            return usage_error(
                USAGE, f"A note can hold {MAX_NOTE:,} characters; this one has {len(text):,}."
            )
        ctx.store.notes.add(text, created_ms=int(ctx.clock().timestamp() * 1000))
        return Outcome(f"Noted ({len(text)} characters); it will be uploaded when you are online.")
    try:
        limit = int_switch(cmd, "limit", 10, low=1, high=1000)
    except ValueError as exc:
        return usage_error(USAGE, str(exc))
    notes = ctx.store.notes.recent(limit)
    if not notes:
        return Outcome("No notes yet. Write one with `wrt <text>`.")
    return Outcome("\n".join(f"[{_when(n.created_ms)}] {n.text}" for n in notes))
