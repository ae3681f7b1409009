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

import queue
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
        feed = _Feed(cancel, low=self.workers * 2)
        sent: list[int] = []
        committed = time.monotonic()
        done = outstanding = tried = 0
        after = 0  # the outbox is read oldest first, past the last id already queued
        exhausted = False
        try:
            with ThreadPoolExecutor(self.workers, thread_name_prefix="handterm-upload") as pool:
                for _ in range(self.workers):
                    pool.submit(self._work, feed)
                try:
                    while True:
                        # Keep the workers fed, a batch (one query, one content read) at a time.
                        while (
                            feed.running()
                            and not exhausted
                            and feed.items.qsize() <= feed.low
                            and (limit is None or tried < limit)
                        ):
                            size = BATCH if limit is None else min(BATCH, limit - tried)
                            batch = outbox.items(
                                size, due_before=self.clock(), owner=self.owner, after=after
                            )
                            exhausted = not batch
                            if batch:
                                after = batch[-1].id
                                contents = self.contents(batch)
                                for item in batch:
                                    feed.items.put((item, contents.get(item.id)))
                                tried += len(batch)
                                outstanding += len(batch)
                        if not feed.running():
                            outstanding -= feed.take_back()  # not tried: they stay as they are
                        if outstanding <= 0:
                            break
                        feed.wake.wait(TICK)
                        feed.wake.clear()
                        while feed.outcomes:
                            item, exc = feed.outcomes.popleft()
                            outstanding -= 1
                            if exc is None:
                                sent.append(item.id)
                                report.sent += 1
                            elif isinstance(exc, SessionOver):
                                continue  # not the item's fault: its attempts stay as they were
                            else:
                                text = str(exc)
                                outbox.mark_failed(
                                    item.id, text, backoff(item.attempts, rng=self.rng)
                                )
                                report.failed += 1
                                report.errors[text] = report.errors.get(text, 0) + 1
                            done += 1
                            if progress is not None:
                                progress(
                                    Progress(done, max(total, done), report.sent, report.failed)
                                )
                        # Confirmed items leave in batches: one commit per 100, not one each. A
                        # crash before the commit only sends them again, to the same keys.
                        if len(sent) >= SENT_COMMIT or time.monotonic() - committed > SENT_COMMIT_S:
                            outbox.mark_sent_many(sent)
                            sent.clear()
                            committed = time.monotonic()
                finally:
                    feed.take_back()
                    for _ in range(self.workers):
                        feed.items.put(None)  # each worker ends at one of these
        finally:
            outbox.mark_sent_many(sent)  # what the server confirmed leaves, whatever happened
        report.paused = feed.stop

    def _work(self, feed: _Feed) -> None:
        """One worker: take an item, send it, say how it went; until the feed ends or stops."""
        while feed.running():
            entry = feed.items.get()
            if entry is None:
                return
            item, content = entry
            try:
                self.send(item, content)
            except Exception as exc:
                feed.failed(item, exc)
            else:
                feed.sent(item)


TICK = 0.05  # the run's thread books outcomes at least this often (progress, commits, cancel)


class _Feed:
    """Items for the workers and what became of them.

    The workers take items and send them themselves, and decide a stop (session over, the
    server not answering) the moment they see it; the run's thread refills the queue a batch
    at a time and books outcomes in bulk. It is woken when the queue runs low, when something
    failed, or every TICK: a few times per hundred items, not once per item (a hand-off per
    item cost ~50 us of CPU each, as much as the rest of the bookkeeping)."""

    def __init__(self, cancel: threading.Event | None, *, low: int) -> None:
        self.items: queue.SimpleQueue[tuple[OutboxItem, str | None] | None] = queue.SimpleQueue()
        self.outcomes: deque[tuple[OutboxItem, Exception | None]] = deque()
        self.wake = threading.Event()
        self.low = low  # refill when this few are left to take
        self.stop: str | None = None
        self.cancel = cancel
        self._streak = 0
        self._lock = threading.Lock()

    def running(self) -> bool:
        if self.stop is None and self.cancel is not None and self.cancel.is_set():
            self.stop = "cancelled"
        return self.stop is None

    def sent(self, item: OutboxItem) -> None:
        self._streak = 0
        self.outcomes.append((item, None))
        if self.items.qsize() <= self.low:
            self.wake.set()

    def failed(self, item: OutboxItem, exc: Exception) -> None:
        with self._lock:
            if isinstance(exc, SessionOver):
                self.stop = self.stop or f"the session cannot send ({exc}); sign in and sync again"
            elif isinstance(exc, NoAnswer):
                self._streak += 1
                if self._streak >= UNREACHABLE_STREAK:
                    self.stop = self.stop or f"the server is not answering ({exc})"
            else:
                self._streak = 0
            self.outcomes.append((item, exc))
        self.wake.set()

    def take_back(self) -> int:
        """Empty the queue (a stop: nothing more is sent); how many items came back."""
        count = 0
        while True:
            try:
                entry = self.items.get_nowait()
            except queue.Empty:
                return count
            count += entry is not None
