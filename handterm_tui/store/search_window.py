"""The viewer's newest records in a small in-memory FTS5 index, so the first page of a search
as you type is found without expanding a prefix over the whole store.

SQLite's FTS5 (3.40 here) answers a prefix term (``"re"*``) by merging the doclists of every
term it covers before returning the first row: 30-90 ms on a million records when the prefix
is common, however small the page. Common prefixes are exactly the ones the newest few
thousand records answer: this window holds them (built in ~20 ms, ids ascending), and a page
it fills is the same page the full index gives, because every one of the viewer's records
newer than the window's oldest is in it. A page it cannot fill (a rare term) goes to the full
index, which is fast for rare terms.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any

from handterm_tui.core.owner import Owner
from handterm_tui.store.records import owned_by

if TYPE_CHECKING:
    from handterm_tui.store import Store

# A search as typed: its words, and the kind and dates it is filtered by.
Search = tuple[tuple[str, ...], str | None, str | None, str | None]

WINDOW = 5000  # records; a term in 4% of them fills a 200-row page


class SearchWindow:
    """Answers "the first ``limit`` hits newest first" from the newest ``size`` of a viewer's
    records, or says it cannot (None): the caller then asks the full index."""

    def __init__(self, store: Store, viewer: Owner, size: int = WINDOW) -> None:
        self.store = store
        self.viewer = viewer
        self.size = size
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._top = 0  # newest id read from the store
        self._complete = False  # the window holds every record the viewer has
        # Searches the full index found nothing for (words, kind, since, until): a query
        # that only narrows one of them (more words, longer words) finds nothing either.
        self._empty: list[Search] = []

    @property
    def ready(self) -> bool:
        return self._conn is not None

    def build(self) -> None:
        """Read the newest records and index them (any thread; ~20-40 ms for 5000)."""
        owned, params = owned_by(self.viewer)
        with self.store.db.reading() as conn:
            rows = conn.execute(
                "SELECT id, line, response, kind, created_at FROM records "
                f"WHERE {owned} ORDER BY id DESC LIMIT ?",
                [*params, self.size],
            ).fetchall()
            top = conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        memory.execute(
            "CREATE VIRTUAL TABLE w USING fts5("
            "line, response, kind UNINDEXED, created_at UNINDEXED, tokenize='unicode61')"
        )
        rows.reverse()  # FTS5 appends ascending rowids cheaply (5x faster than descending)
        self._insert(memory, rows)
        with self._lock:
            old, self._conn = self._conn, memory
            self._top = int(top)
            self._complete = len(rows) < self.size
        if old is not None:
            old.close()

    @staticmethod
    def _insert(conn: sqlite3.Connection, rows: list[Any]) -> None:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO w(rowid, line, response, kind, created_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")

    def _catch_up(self, conn: sqlite3.Connection) -> None:
        """Records made since the build (this process or another) join the window, so it
        still holds every record newer than its oldest."""
        owned, params = owned_by(self.viewer)
        with self.store.db.reading() as store:
            top = store.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
            if top <= self._top:
                return
            rows = store.execute(
                "SELECT id, line, response, kind, created_at FROM records "
                f"WHERE id > ? AND {owned} ORDER BY id",
                [self._top, *params],
            ).fetchall()
        self._insert(conn, rows)
        self._top = int(top)
        if rows:
            self._empty.clear()  # a new record may match what found nothing before

    def known_empty(self, search: Search) -> bool:
        """True when an earlier search that ``search`` narrows found nothing (the records
        made since included)."""
        with self._lock:
            if self._conn is None:
                return False
            self._catch_up(self._conn)
            return self._narrows_empty(search)

    def _narrows_empty(self, search: Search) -> bool:
        # Every earlier word begins one of these: a longer prefix, or a word more, matches
        # a subset of what the earlier search matched.
        words, *rest = search
        for old_words, *old_rest in self._empty:
            if old_rest == rest and all(any(w.startswith(old) for w in words) for old in old_words):
                return True
        return False

    def note_empty(self, search: Search) -> None:
        with self._lock:
            self._empty.append(search)
            del self._empty[:-32]  # the last few are the ones typing extends

    def hits(
        self, match: str, search: Search, *, before: int | None, limit: int
    ) -> list[int] | None:
        """Ids of the first ``limit`` records matching, newest first, older than ``before``;
        None when the window cannot tell (it found fewer and older records exist).
        ``search`` is the same query as words and filters (words, kind, since, until)."""
        _, kind, since, until = search
        where = ["w MATCH ?"]
        params: list[Any] = [match]
        for clause, value in (
            ("rowid < ?", before),
            ("kind = ?", kind),
            ("created_at >= ?", since),
            ("created_at < ?", until),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        with self._lock:
            conn = self._conn
            if conn is None:
                return None
            self._catch_up(conn)
            if self._narrows_empty(search):
                return []
            ids = [
                row[0]
                for row in conn.execute(
                    f"SELECT rowid FROM w WHERE {' AND '.join(where)} ORDER BY rowid DESC LIMIT ?",
                    [*params, limit],
                )
            ]
        if len(ids) >= limit or self._complete:
            return ids
        return None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
