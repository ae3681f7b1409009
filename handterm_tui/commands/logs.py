"""``logs`` (the history browser), ``archive``/``sync`` (upload now) and ``outbox``.

Network work happens in ``archive`` only (blocking: the TUI runs it in a worker). Progress
goes to ``ctx.progress`` when the front end provides one (a thread-safe callable taking a
line of text); ``handterm exec`` prints nothing until the summary.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from handterm_tui.commands.base import Context, OpenScreen, Outcome, command, usage_error
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import FAILED, NOT_SIGNED_IN, UNAVAILABLE
from handterm_tui.services import Unavailable

if TYPE_CHECKING:
    from handterm_tui.store import Census
    from handterm_tui.sync.uploader import Progress, ProgressFn

LOGS_USAGE = "logs [search…] [--kind command|game|note] [--since DATE] [--until DATE]"
PROGRESS_FROM = 50  # queues shorter than this finish before a progress line would help


@command(
    "logs",
    "Browse, search and export your records",
    LOGS_USAGE,
    options=("kind", "since", "until"),
    category="logs",
    record=False,
    details="Opens the log browser, newest first, filtered as you type (full-text search over\n"
    "command and response). DATE: YYYY-MM-DD, today, yesterday or Nd (N days ago).\n"
    "In the browser: r fetches records from the server, c copies, e exports, q closes.",
)
def logs(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.store.log_index import Filter, LogIndex

    query = " ".join(cmd.args) or None
    kind = cmd.switches.get("kind")
    if kind is True or (kind is not None and kind not in ("command", "game", "note")):
        return usage_error(LOGS_USAGE, "--kind is command, game or note.")
    try:
        since = _day(cmd, "since", end=False)
        until = _day(cmd, "until", end=True)
    except ValueError as exc:
        return usage_error(LOGS_USAGE, str(exc))
    params = {"query": query or "", "kind": kind or "", "since": since or "", "until": until or ""}
    action = OpenScreen("logs", params)
    if ctx.interactive:
        return Outcome("", action=action, record=False)
    index = LogIndex(
        ctx.store, Filter(query=query, kind=kind, since=since, until=until), viewer=ctx.owner()
    )
    rows, _ = index.page(limit=10)
    total = index.count()
    if not rows:
        return Outcome("No records match.", action=action, record=False)
    lines = [f"{total:,} record{'s' if total != 1 else ''}, newest first:"]
    for row in rows:
        wpm = "  -" if row.wpm is None else f"{row.wpm:3.0f}"
        lines.append(f"{row.created_at[:19].replace('T', ' ')}  {row.status}  {wpm}  {row.line}")
    return Outcome("\n".join(lines), action=action, record=False)


def _day(cmd: ParsedCommand, key: str, *, end: bool) -> str | None:
    from handterm_tui.logbook.dates import parse_day

    raw = cmd.switches.get(key)
    if raw is None:
        return None
    if raw is True:
        raise ValueError(f"--{key} needs a date")
    return parse_day(str(raw), end=end)


@command(
    "archive",
    "Upload queued records and notes now",
    "archive [--include-signed-out]",
    aliases=("sync",),
    category="logs",
    blocking=True,
    flags=("include-signed-out",),
    details="Sends the signed-in account's waiting items with saveLog (each record keeps its\n"
    "key, so a retry overwrites, never duplicates). A record leaves the queue only after the\n"
    "server confirmed it. Prints what was sent, what failed and what is left.\n"
    "--include-signed-out first adds what was made here while signed out to the account.",
)
def archive(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if cmd.args:
        return usage_error("archive [--include-signed-out]", "archive takes no arguments.")
    try:
        account = ctx.services.account_api()
    except Unavailable as exc:
        return Outcome(
            f"{_waiting(ctx.store.outbox.census(ctx.owner()).mine)} {exc.message}",
            status=NOT_SIGNED_IN,
        )
    added = ""
    if cmd.switches.get("include-signed-out"):
        moved = ctx.store.owners.adopt(account.owner)
        if moved.total:
            added = f"Added {moved.words()} made while signed out to this account.\n"
    sync = ctx.services.sync
    assert sync is not None  # an account API means an online profile
    waiting = sync.waiting()
    # The same words as `outbox` and `handterm sync`: what is yours, and what waits apart.
    others = _others(ctx.store.outbox.census(account.owner))
    if waiting == 0:
        return Outcome(added + "Nothing of yours waits to upload." + others)
    report = sync.run(force=True, progress=_progress_reporter(ctx, waiting))
    status = 200 if report.left == 0 else (UNAVAILABLE if report.paused else FAILED)
    return Outcome(
        added + report.summary() + _others(ctx.store.outbox.census(account.owner)),
        status=status,
        extra={"sync": report.as_dict()},
    )


def _waiting(count: int) -> str:
    return f"{count:,} item{'s' if count != 1 else ''} waiting."


def _progress_reporter(ctx: Context, waiting: int) -> ProgressFn | None:
    sink = getattr(ctx, "progress", None)
    if sink is None or waiting < PROGRESS_FROM:
        return None
    last = [0.0]

    def report(p: Progress) -> None:
        now = time.monotonic()
        done, total = p.done, p.total
        if done < total and now - last[0] < 0.2:  # a few updates a second is plenty
            return
        last[0] = now
        width = 20
        filled = width * done // max(total, 1)
        bar = "█" * filled + "░" * (width - filled)
        sink(f"Uploading {bar} {done:,}/{total:,}")

    return report


@command(
    "outbox",
    "What is waiting to upload, and why",
    "outbox",
    category="logs",
    details="Counts what waits by kind, the oldest item, retries and their last errors.",
)
def outbox(ctx: Context, cmd: ParsedCommand) -> Outcome:
    owner = ctx.owner()
    census = ctx.store.outbox.census(owner)
    items = ctx.store.outbox.items(limit=1_000_000, owner=owner)
    others = _others(census)
    if not items:
        return Outcome("Nothing of yours waits to upload." + others)
    parts = Counter(i.part for i in items)
    kinds = ", ".join(
        f"{n:,} {p}{'s' if n != 1 and p != 'keystrokes' else ''}" for p, n in parts.items()
    )
    lines = [
        f"{len(items):,} waiting ({kinds}); oldest from {items[0].created_at[:19].replace('T', ' ')}."
    ]
    lines.append(_why(ctx))
    failing = [i for i in items if i.attempts]
    if failing:
        now = time.time()
        due = min(i.next_attempt_at for i in failing)
        when = "now" if due <= now else f"in {int(due - now) + 1} s"
        lines.append(f"{len(failing):,} had failed attempts; next retry {when}.")
        errors = Counter(i.last_error or "unknown error" for i in failing)
        for error, count in errors.most_common(3):
            lines.append(f"  {count:,} × {error}")
        worst = max(failing, key=lambda i: i.attempts)
        lines.append(f"Most attempts: {worst.key} ({worst.attempts}).")
    return Outcome("\n".join(lines) + others)


def _others(census: Census) -> str:
    """What waits that is not the viewer's: counted, never shown."""
    out = ""
    if census.signed_out:
        out += (
            f"\n{census.signed_out:,} made while signed out wait apart: "
            "`sync --include-signed-out` adds them to this account."
        )
    if census.other_accounts:
        out += (
            f"\n{census.other_accounts:,} of other accounts wait for them to sign in here "
            "(they never upload to yours)."
        )
    return out


def _why(ctx: Context) -> str:
    """Why items wait, without touching the network."""
    from handterm_tui.auth.session import SessionState

    if ctx.config.profile is None:
        return "Offline mode: no server is configured, so nothing uploads."
    status = ctx.services.status
    state = status.state if status is not None else None
    if state is SessionState.SIGNED_IN:
        return "Signed in: they upload in the background, or now with `sync`."
    if state is SessionState.UNREACHABLE:
        return "The server cannot be reached: uploads resume when it answers."
    if state is SessionState.SESSION_ENDED:
        return (
            "The session ended: made while signed out, they wait apart; after `login` you "
            "are asked whether they join your account (nothing is lost)."
        )
    return (
        "Not signed in: made while signed out, they wait apart; after `login` you are asked "
        "whether they join your account."
    )
