"""``wrt``: write a note, or list notes newest first (merged with the server's when
signed in: fetched by key, so a note never shows twice)."""

from __future__ import annotations

import threading

from handterm_tui.commands.base import Context, Outcome, command, int_switch, usage_error
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import FAILED
from handterm_tui.core.when import minute
from handterm_tui.services import Unavailable
from handterm_tui.store import StoreError

USAGE = "wrt <text…>  |  wrt [--limit N]"
MAX_NOTE = 100_000
SERVER_WAIT = 2.0  # a slow server never holds the list longer than this


@command(
    "wrt",
    "Write a note, or list your notes",
    USAGE,
    options=("limit",),
    category="notes",
    blocking=True,  # the list form may ask the server
    free_text=True,
    details="With text, stores the rest of the line as typed, locally, and queues it for upload\n"
    "(as the web's wrt does).\n"
    "Without text, lists your notes newest first (default 10), with the server's\n"
    "when signed in.",
)
def wrt(ctx: Context, cmd: ParsedCommand) -> Outcome:
    # The note is the rest of the line as typed: `--force` in "remember to use --force" is
    # part of the note, not a switch. Only a bare `wrt [--limit N]` lists.
    text = _rest_of_line(cmd.raw) if cmd.raw else " ".join(cmd.args)
    listing = not cmd.args and set(cmd.switches) <= {"limit"}
    if text and not listing:
        if "limit" in cmd.switches and text.startswith("--limit"):
            return usage_error(USAGE, "Give either text to write or --limit, not both.")
        if len(text) > MAX_NOTE:
            return usage_error(
                USAGE, f"A note can hold {MAX_NOTE:,} characters; this one has {len(text):,}."
            )
        owner = ctx.owner()
        try:
            ctx.store.notes.add(text, owner=owner, created_ms=int(ctx.clock().timestamp() * 1000))
        except StoreError as exc:
            return Outcome(f"Not noted; nothing was kept: {exc}", status=FAILED)
        if ctx.config.profile is None:
            where = "kept here (offline mode)"
        elif owner.signed_in:
            where = "queued for upload"
        else:
            where = "kept here, signed out (after `login` you choose whether it joins your account)"
        return Outcome(f"Noted ({len(text)} characters); {where}.", kind="note")
    try:
        limit = int_switch(cmd, "limit", 10, low=1, high=1000)
    except ValueError as exc:
        return usage_error(USAGE, str(exc))
    footnote = _merge_server_notes(ctx, limit)
    notes = ctx.store.notes.recent(limit, viewer=ctx.owner())
    if not notes:
        return Outcome("No notes yet. Write one with `wrt <text>`." + footnote)
    return Outcome("\n".join(f"[{minute(n.created_ms)}] {n.text}" for n in notes) + footnote)


def _rest_of_line(line: str) -> str:
    parts = line.strip().split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def _merge_server_notes(ctx: Context, limit: int) -> str:
    """Fetch the server's newest notes into the store; a footnote when that failed."""
    if ctx.config.profile is None:
        return ""
    outcome: list[str] = []

    def fetch() -> None:
        from handterm_tui.logbook.fetch import fetch_notes

        try:
            account = ctx.services.account_api()
        except Unavailable:
            outcome.append("")  # not signed in: local notes are the whole answer
            return
        try:
            fetch_notes(account.api, ctx.store, account.owner, limit=limit)
        except Exception as exc:
            outcome.append(
                f"\n(server not reachable: {getattr(exc, 'message', exc)}; notes here only)"
            )
        else:
            outcome.append("")

    worker = threading.Thread(target=fetch, name="handterm-wrt", daemon=True)
    worker.start()
    worker.join(SERVER_WAIT)
    if not outcome:
        return "\n(the server is slow; notes here only for now)"
    return outcome[0]
