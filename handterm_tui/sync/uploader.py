"""The outbox → ``/saveLog`` uploader.

An item leaves the outbox only after the server answered 200 with the JSON object it sends
on success; anything else (5xx, a timeout, a dropped connection, a garbled reply) leaves it
queued with one more attempt, its last error and an exponential backoff with jitter. Keys are
fixed when a record is made, so a retry after a lost reply overwrites the same object and
never makes a second one.

A run stops early ("paused") when the session has ended or the server keeps failing to
answer; the items stay queued and the next run (the 5 s background tick, or ``sync``) goes on.

No httpx here: the API client is passed in, so this imports cheaply and tests can fake it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from handterm_tui.core.owner import Owner
    from handterm_tui.store import OutboxItem, Store

_UNREAD = object()  # send() reads the content itself
SENT_COMMIT = 100  # confirmed items removed from the outbox per commit
SENT_COMMIT_S = 0.5  # ... or after this long, whichever comes first
WORKERS = 8  # requests in flight: 8 keep client and server both busy on 2 cores (4 left gaps)
BATCH = 200  # outbox rows read per query
BASE_DELAY = 2.0  # first retry after ~2 s, then 4, 8 ... seconds
MAX_DELAY = 15 * 60.0
UNREACHABLE_STREAK = 3  # consecutive "no answer" failures that pause a run


class LogApi(Protocol):
    """What the uploader needs from :class:`handterm_tui.api.client.HandTermApi`."""

    def save_log(
        self, key: str, content: str, extension: str = "json", *, confirm: bool = False
    ) -> str: ...


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    sent: int
    failed: int


ProgressFn = Callable[[Progress], None]


@dataclass
class SyncReport:
    """What one run did. ``paused`` says why it stopped early (None: it went through)."""

    sent: int = 0
    failed: int = 0
    left: int = 0
    paused: str | None = None
    errors: dict[str, int] = field(default_factory=dict)  # error text -> how many items
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"sent {self.sent}", f"failed {self.failed}", f"left {self.left}"]
        text = "Upload: " + ", ".join(parts) + f" ({self.seconds:.1f} s)."
        if self.paused:
            text += f"\nPaused: {self.paused}"
        for error, count in sorted(self.errors.items(), key=lambda kv: -kv[1])[:3]:
            text += f"\n  {count} × {error}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "left": self.left,
            "paused": self.paused,
            "errors": dict(self.errors),
            "seconds": round(self.seconds, 3),
        }


class SessionOver(Exception):
    """The session cannot send (ended, signed out): stop the run, keep the items as they are."""


class NoAnswer(Exception):
    """The server did not answer (down, timeout, dropped connection)."""


class ItemFailed(Exception):
    """The server answered, but not with a confirmation: retry this item later."""


def backoff(attempts: int, *, rng: Callable[[], float] = random.random) -> float:
    """Seconds before the next try after ``attempts`` failures: exponential, capped, and
    jittered to 50-100 % so many queued items do not retry in lockstep."""
    delay = min(MAX_DELAY, BASE_DELAY * (2.0 ** min(attempts, 20)))
    return delay * (0.5 + 0.5 * rng())


def classify(exc: BaseException) -> type[Exception]:
    """Map client errors to what the uploader does about them."""
    from handterm_tui.api import errors as api_errors
    from handterm_tui.auth import errors as auth_errors

    if isinstance(exc, (auth_errors.ServiceUnreachable, api_errors.Unreachable)):
        return NoAnswer
    if isinstance(exc, (auth_errors.AuthError, api_errors.Unauthorized, api_errors.Forbidden)):
        return SessionOver
    return ItemFailed


def describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    status = getattr(exc, "status", None)
    return f"{status}: {message}" if status else str(message)


class Uploader:
    """Sends one owner's outbox items; thread-safe to call, one run at a time per lock.

    ``owner`` None sends every item (tests and tools only): handterm itself always goes
    through :class:`handterm_tui.sync.service.SyncService`, which sends an account's own items
    with an API bound to that account's tokens.
    """

    def __init__(
        self,
        store: Store,
        api: LogApi,
        *,
        owner: Owner | None = None,
        lock: threading.Lock | None = None,
        workers: int = WORKERS,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.api = api
        self.owner = owner
        self.workers = max(1, workers)
        self.rng = rng
        self.clock = clock
        self.lock = lock or threading.Lock()  # one run at a time (background tick vs. `sync`)

    def content(self, item: OutboxItem) -> str | None:
        """What to upload for an item; None when its record or note no longer exists."""
        if item.part == "note":
            note = self.store.notes.get(item.note_id) if item.note_id is not None else None
            return note.text if note is not None else None
        if item.record_id is None:
            return None
        return self.store.records.upload_content(item.record_id, item.part)

    def contents(self, items: list[OutboxItem]) -> dict[int, str | None]:
        """Every item's content, read in one query per batch (item id -> content)."""
        found = self.store.records.upload_contents(
            [(i.record_id, i.part) for i in items if i.part != "note" and i.record_id is not None]
        )
        out: dict[int, str | None] = {}
        for item in items:
            if item.part == "note" or item.record_id is None:
                out[item.id] = self.content(item)
            else:
                out[item.id] = found.get((item.record_id, item.part))
        return out

    def send(self, item: OutboxItem, content: str | object | None = _UNREAD) -> None:
        """Upload one item (``content`` when already read). Raises NoAnswer, SessionOver or
        ItemFailed."""
        if content is _UNREAD:
            content = self.content(item)
        if not isinstance(content, str):
            return  # nothing left to upload; the item goes
        try:
            # A garbled 200 may not have stored anything: only a real confirmation counts.
            self.api.save_log(item.key, content, item.extension, confirm=True)
        except (NoAnswer, SessionOver, ItemFailed):
            raise
        except Exception as exc:
            raise classify(exc)(describe(exc)) from exc

    def run(
        self,
        *,
        limit: int | None = None,
        progress: ProgressFn | None = None,
        force: bool = False,
        cancel: threading.Event | None = None,
        wait_for_lock: bool = True,
    ) -> SyncReport:
        """Upload due items (all of them with ``force``), at most ``limit``."""
        report = SyncReport()
        outbox = self.store.outbox
        if not self.lock.acquire(blocking=wait_for_lock):
            report.paused = "another upload is running"
            report.left = outbox.count(owner=self.owner)
            return report
        started = time.monotonic()
        try:
            if force:
                outbox.make_due(owner=self.owner)
            self._run(report, limit, progress, cancel)
        finally:
            self.lock.release()
            report.seconds = time.monotonic() - started
            report.left = outbox.count(owner=self.owner)
        return report

    def _run(
        self,
        report: SyncReport,
        limit: int | None,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
    ) -> None:
        outbox = self.store.outbox
        waiting = outbox.count(owner=self.owner)
        total = waiting if limit is None else min(limit, waiting)
        tried: set[int] = set()
        contents: dict[int, str | None] = {}
        sent: list[int] = []
        committed = time.monotonic()
        streak = 0
        stop: str | None = None
        done = 0
        try:
            with ThreadPoolExecutor(self.workers, thread_name_prefix="handterm-upload") as pool:
                pending: dict[Future[None], OutboxItem] = {}
                queue: list[OutboxItem] = []
                exhausted = False
                while True:
                    # Keep the pool fed from the outbox, oldest first, a batch at a time.
                    while stop is None and len(pending) < self.workers * 2:
                        if limit is not None and len(tried) >= limit:
                            break
                        if cancel is not None and cancel.is_set():
                            stop = "cancelled"
                            break
                        if not queue and not exhausted:
                            batch = [
                                i
                                for i in outbox.items(
                                    BATCH, due_before=self.clock(), owner=self.owner
                                )
                                if i.id not in tried
                            ]
                            queue.extend(reversed(batch))
                            contents.update(self.contents(batch))
                            exhausted = not batch
                        if not queue:
                            break
                        item = queue.pop()
                        tried.add(item.id)
                        pending[pool.submit(self.send, item, contents.pop(item.id, _UNREAD))] = item
                    if not pending:
                        break
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        item = pending.pop(future)
                        exc = future.exception()
                        if exc is None:
                            sent.append(item.id)
                            report.sent += 1
                            streak = 0
                        elif isinstance(exc, SessionOver):
                            stop = (
                                stop or f"the session cannot send ({exc}); sign in and sync again"
                            )
                            continue  # not the item's fault: its attempts stay as they were
                        else:
                            text = str(exc)
                            outbox.mark_failed(item.id, text, backoff(item.attempts, rng=self.rng))
                            report.failed += 1
                            report.errors[text] = report.errors.get(text, 0) + 1
                            if isinstance(exc, NoAnswer):
                                streak += 1
                                if streak >= UNREACHABLE_STREAK:
                                    stop = stop or f"the server is not answering ({text})"
                            else:
                                streak = 0
                        done += 1
                        if progress is not None:
                            progress(Progress(done, max(total, done), report.sent, report.failed))
                    # Confirmed items leave in batches: one commit per 100, not one each. A
                    # crash before the commit only sends them again, to the same keys.
                    if len(sent) >= SENT_COMMIT or time.monotonic() - committed > SENT_COMMIT_S:
                        outbox.mark_sent_many(sent)
                        sent.clear()
                        committed = time.monotonic()
        finally:
            outbox.mark_sent_many(sent)  # what the server confirmed leaves, whatever happened
        report.paused = stop
