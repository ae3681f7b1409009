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

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.sync.uploader import Progress, ProgressFn, Uploader

LOGS_USAGE = "logs [search…] [--kind command|game] [--since DATE] [--until DATE]"
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
    from handterm_tui.sync.browse import Filter, LogIndex

    query = " ".join(cmd.args) or None
    kind = cmd.switches.get("kind")
    if kind is True or (kind is not None and kind not in ("command", "game")):
        return usage_error(LOGS_USAGE, "--kind is command or game.")
    try:
        since = _day(cmd, "since", end=False)
        until = _day(cmd, "until", end=True)
    except ValueError as exc:
        return usage_error(LOGS_USAGE, str(exc))
    params = {"query": query or "", "kind": kind or "", "since": since or "", "until": until or ""}
    action = OpenScreen("logs", params)
    if ctx.interactive:
        return Outcome("", action=action, record=False)
    index = LogIndex(ctx.store, Filter(query=query, kind=kind, since=since, until=until))
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
    from handterm_tui.sync.browse import parse_day

    raw = cmd.switches.get(key)
    if raw is None:
        return None
    if raw is True:
        raise ValueError(f"--{key} needs a date")
    return parse_day(str(raw), end=end)


@command(
    "archive",
    "Upload queued records and notes now",
    "archive",
    aliases=("sync",),
    category="logs",
    blocking=True,
    details="Sends everything in the outbox with saveLog (each record keeps its key, so a\n"
    "retry overwrites, never duplicates). A record leaves the queue only after the server\n"
    "confirmed it. Prints what was sent, what failed and what is left.",
)
def archive(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.sync.access import signed_in_auth

    waiting = ctx.store.outbox.count()
    auth, why = signed_in_auth(ctx.services)
    if auth is None:
        return Outcome(
            f"{waiting:,} item{'s' if waiting != 1 else ''} waiting. {why}", status=NOT_SIGNED_IN
        )
    if waiting == 0:
        return Outcome("Nothing to upload: the outbox is empty.")
    uploader = _uploader(ctx, auth)
    report = uploader.run(force=True, progress=_progress_reporter(ctx, waiting))
    status = 200 if report.left == 0 else (UNAVAILABLE if report.paused else FAILED)
    return Outcome(report.summary(), status=status, extra={"sync": report.as_dict()})


def _uploader(ctx: Context, auth: AuthSystem) -> Uploader:
    """The services' shared uploader (so a tick never races this run), else a new one."""
    from handterm_tui.online import OnlineServices
    from handterm_tui.sync.job import uploader_for
    from handterm_tui.sync.uploader import Uploader

    services = ctx.services
    shared = uploader_for(services) if isinstance(services, OnlineServices) else None
    return shared or Uploader(ctx.store, auth.api)


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
    items = ctx.store.outbox.items(limit=1_000_000)
    if not items:
        return Outcome("The outbox is empty: everything is on the server.")
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
    return Outcome("\n".join(lines))


def _why(ctx: Context) -> str:
    """Why items wait, without touching the network."""
    if ctx.config.profile is None:
        return "Offline mode: no server is configured, so nothing uploads."
    status = getattr(ctx.services, "status", None)
    state = getattr(status, "state", None)
    value = getattr(state, "value", None)
    if value == "signed_in":
        return "Signed in: they upload in the background, or now with `sync`."
    if value == "unreachable":
        return "The server cannot be reached: uploads resume when it answers."
    if value == "session_ended":
        return "The session ended: `login` again and they upload (nothing is lost)."
    return "Not signed in: `login <user>` and they upload."
