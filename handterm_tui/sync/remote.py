"""Read logs back from the server: records (``listLog`` + ``getLog``) and ``wrt`` notes.

``listLog`` gives keys only and ``getLog`` contents only, so the keys come first, the ones
already here are skipped, and each missing object is fetched by its own key (``getLog`` with
the exact key as its prefix). A reply holds at most 6 MiB on serve-local (and on AWS); the
client's ``list_log``/``get_log`` follow the server's continuation cursor up to ``limit``. Fetched records that were not made here go to
``remote_records``; notes go to the notes table as ``source = 'remote'``.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record, iso_utc, parse_iso, utc_now

if TYPE_CHECKING:
    from handterm_tui.store import Store

RECORD_PREFIX = "command_"
NOTE_PREFIX = "wrt/"
FETCH_WORKERS = 4
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"[ \t]+")
_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")


class RemoteApi(Protocol):
    def list_log(self, log_domain: str, limit: int = 10) -> list[str]: ...

    def get_log(self, key: str, limit: int = 10) -> list[str]: ...


def short_key(full_key: str) -> str:
    """``user_data/<uid>/logs/command_2024-….json`` → ``command_2024-…`` (the saveLog key)."""
    key = full_key.split("/logs/", 1)[1] if "/logs/" in full_key else full_key
    head, dot, ext = key.rpartition(".")
    return head if dot and ext.isalpha() else key


def record_from_remote(key: str, content: str) -> Record:
    """A record from an uploaded object: handterm's JSON, or the web's HTML (best effort)."""
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = None
    if isinstance(data, dict) and ("line" in data or "command" in data):
        record = Record.from_json(data)
    else:
        text = html.unescape(_TAG.sub("\n", content))
        lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
        lines = [line for line in lines if line]
        status = re.search(r'data-status="?(\d{3})', content)
        record = Record(
            line=lines[0] if lines else key,
            name=(lines[0].split() or [""])[0] if lines else "",
            response="\n".join(lines[1:]),
            status=int(status.group(1)) if status else 200,
        )
        stamp = _STAMP.search(key)
        if stamp:
            record.created_at = parse_iso(stamp.group(1))
    record.remote_key = key
    return record


@dataclass
class FetchReport:
    listed: int = 0
    known: int = 0
    fetched: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Server: {self.listed} listed, {self.fetched} fetched, {self.known} already here"
        if self.failed:
            text += f", {self.failed} could not be read ({self.errors[0]})"
        return text + "."


class RemoteRecords:
    """The ``remote_records`` table: copies of one account's server records (migration 4)."""

    def __init__(self, store: Store) -> None:
        self._db = store.db

    def known_keys(self, keys: Sequence[str], owner: Owner) -> set[str]:
        """Which of ``keys`` ``owner`` has here already, made locally or fetched before."""
        found: set[str] = set()
        with self._db.reading() as conn:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for table in ("records", "remote_records"):
                    rows = conn.execute(
                        f"SELECT remote_key FROM {table} WHERE remote_key IN ({marks}) "
                        "AND account IS ?",
                        [*chunk, owner.account],
                    )
                    found.update(r[0] for r in rows)
        return found

    def add(self, record: Record, body: str, owner: Owner) -> bool:
        """Keep a record fetched from ``owner``'s account; False when it is here already."""
        assert record.remote_key and owner.account
        with self._db.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM records WHERE remote_key = ? AND account = ?",
                (record.remote_key, owner.account),
            ).fetchone():
                return False
            try:
                conn.execute(
                    "INSERT INTO remote_records (account, remote_key, created_at, kind, line, "
                    "response, status, web_wpm, body, fetched_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        owner.account,
                        record.remote_key,
                        iso_utc(record.created_at),
                        record.kind,
                        record.line,
                        record.response,
                        record.status,
                        record.web_wpm,
                        body,
                        iso_utc(utc_now()),
                    ),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def count(self, owner: Owner) -> int:
        with self._db.reading() as conn:
            return int(
                conn.execute(
                    "SELECT count(*) FROM remote_records WHERE account IS ?", (owner.account,)
                ).fetchone()[0]
            )

    def get(self, row_id: int) -> Record | None:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT remote_key, body, account FROM remote_records WHERE id = ?", (row_id,)
            ).fetchone()
        if row is None:
            return None
        record = record_from_remote(row["remote_key"], row["body"])
        record.id = row_id
        record.owner = Owner(account=row["account"])
        return record


def _fetch_one(api: RemoteApi, key: str) -> str | None:
    contents = api.get_log(key, 1)
    return contents[0] if contents else None


def _fetch_many(api: RemoteApi, keys: Iterable[str], report: FetchReport) -> list[tuple[str, str]]:
    """Fetch each key's content concurrently; failures are counted, not raised, unless the
    session is over or nothing answers at all (then the caller's error tells the user)."""
    keys = list(keys)
    out: list[tuple[str, str]] = []
    if not keys:
        return out
    with ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="handterm-fetch") as pool:
        futures = [(key, pool.submit(_fetch_one, api, key)) for key in keys]
        first_error: BaseException | None = None
        for key, future in futures:
            try:
                content = future.result()
            except Exception as exc:
                report.failed += 1
                report.errors.append(str(getattr(exc, "message", exc)))
                first_error = first_error or exc
                continue
            if content is not None:
                out.append((key, content))
    if not out and first_error is not None:
        raise first_error
    return out


def fetch_records(api: RemoteApi, store: Store, owner: Owner, *, limit: int = 500) -> FetchReport:
    """Bring the newest ``limit`` server records of ``owner`` (whose tokens ``api`` sends)
    that are not here into ``remote_records``.

    Raises the client's typed errors when the server cannot be listed at all.
    """
    report = FetchReport()
    keys = [short_key(k) for k in api.list_log(RECORD_PREFIX, limit)]
    keys = [k for k in keys if k.startswith(RECORD_PREFIX)]
    report.listed = len(keys)
    remote = RemoteRecords(store)
    known = remote.known_keys(keys, owner)
    report.known = len(known)
    for key, content in _fetch_many(api, (k for k in keys if k not in known), report):
        if remote.add(record_from_remote(key, content), content, owner):
            report.fetched += 1
    return report


def note_ms(key: str) -> int | None:
    """``wrt/1720632000000`` → 1720632000000 (the web's Date.now() at writing)."""
    match = re.match(r"wrt/(\d+)", key)
    return int(match.group(1)) if match else None


def fetch_notes(api: RemoteApi, store: Store, owner: Owner, *, limit: int = 10) -> FetchReport:
    """Keep the newest ``limit`` server notes of ``owner`` that are not here (by key)."""
    report = FetchReport()
    keys = [short_key(k) for k in api.list_log(NOTE_PREFIX, limit)]
    keys = [k for k in keys if note_ms(k) is not None]
    report.listed = len(keys)
    known = store.notes.known_keys(keys, owner) if keys else set()
    report.known = len(known)
    for key, content in _fetch_many(api, (k for k in keys if k not in known), report):
        ms = note_ms(key)
        if ms is not None and store.notes.add_remote(content, key, ms, owner) is not None:
            report.fetched += 1
    return report
