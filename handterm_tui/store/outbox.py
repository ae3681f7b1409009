"""The upload queue. An item leaves only when the server has said 200."""

from __future__ import annotations

import time
from dataclasses import dataclass

from handterm_tui.store.db import Database


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    extension: str
    part: str  # record | keystrokes | note
    record_id: int | None
    note_id: int | None
    attempts: int
    last_error: str | None
    next_attempt_at: float
    created_at: str


_COLUMNS = "id, key, extension, part, record_id, note_id, attempts, last_error, next_attempt_at, created_at"


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    def count(self) -> int:
        with self._db.reading() as conn:
            return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def items(self, limit: int = 100, *, due_before: float | None = None) -> list[OutboxItem]:
        """Oldest first; with ``due_before``, only items whose backoff has run out."""
        sql = f"SELECT {_COLUMNS} FROM outbox"
        params: list[object] = []
        if due_before is not None:
            sql += " WHERE next_attempt_at <= ?"
            params.append(due_before)
        sql += " ORDER BY id LIMIT ?"
        params.append(limit)
        with self._db.reading() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [OutboxItem(**dict(r)) for r in rows]

    def mark_sent(self, item_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    def mark_failed(self, item_id: int, error: str, retry_in: float) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE id = ?",
                (error[:500], time.time() + retry_in, item_id),
            )

    def make_due(self) -> None:
        """Forget backoff: an explicit ``sync`` tries everything now."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE outbox SET next_attempt_at = 0")
