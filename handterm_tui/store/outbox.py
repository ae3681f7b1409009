"""The upload queue. An item leaves only when the server has said 200, and only ever to the
account it was made under (``account``; NULL while it waits for a signed-out owner)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from handterm_tui.core.owner import Owner
from handterm_tui.store.db import Database
from handterm_tui.store.records import owned_by


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
    profile: str
    account: str | None


@dataclass(frozen=True)
class Census:
    """What waits, by whose it is (counts only: nothing of another account is shown)."""

    mine: int  # the viewer's own (when nobody is signed in: the signed-out ones)
    other_accounts: int  # other accounts', waiting for them to sign in here
    signed_out: int  # made while signed out (0 when nobody is signed in: they are "mine")


_COLUMNS = (
    "id, key, extension, part, record_id, note_id, attempts, last_error, next_attempt_at, "
    "created_at, profile, account"
)


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    def count(self, *, owner: Owner | None = None) -> int:
        """Items waiting; with ``owner``, only that owner's (the signed-out ones for NOBODY)."""
        owned, params = owned_by(owner)
        with self._db.reading() as conn:
            sql = "SELECT count(*) FROM outbox" + (f" WHERE {owned}" if owned else "")
            return int(conn.execute(sql, params).fetchone()[0])

    def census(self, owner: Owner) -> Census:
        with self._db.reading() as conn:
            mine, unowned, total = conn.execute(
                "SELECT count(*) FILTER (WHERE account IS ?), "
                "count(*) FILTER (WHERE account IS NULL), count(*) FROM outbox",
                (owner.account,),
            ).fetchone()
        signed_out = unowned if owner.signed_in else 0
        return Census(int(mine), int(total) - int(mine) - signed_out, int(signed_out))

    def items(
        self,
        limit: int = 100,
        *,
        due_before: float | None = None,
        owner: Owner | None = None,
        after: int = 0,
    ) -> list[OutboxItem]:
        """Oldest first; with ``due_before``, only items whose backoff has run out; with
        ``after``, only items queued after that id (the next batch of a run)."""
        owned, params = owned_by(owner)
        where = [owned] if owned else []
        if due_before is not None:
            where.append("next_attempt_at <= ?")
            params.append(due_before)
        if after:
            where.append("id > ?")
            params.append(after)
        sql = f"SELECT {_COLUMNS} FROM outbox"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id LIMIT ?"
        params.append(limit)
        with self._db.reading() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [OutboxItem(*r) for r in rows]  # _COLUMNS is in the fields' order

    def mark_sent(self, item_id: int) -> None:
        self.mark_sent_many([item_id])

    def mark_sent_many(self, item_ids: list[int]) -> None:
        """Items the server confirmed, in one commit (an upload run commits in batches)."""
        if not item_ids:
            return
        with self._db.transaction() as conn:
            conn.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in item_ids])

    def mark_failed(self, item_id: int, error: str, retry_in: float) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE id = ?",
                (error[:500], time.time() + retry_in, item_id),
            )

    def make_due(self, *, owner: Owner | None = None) -> None:
        """Forget backoff: an explicit ``sync`` tries everything (of ``owner``'s) now."""
        owned, params = owned_by(owner)
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET next_attempt_at = 0" + (f" WHERE {owned}" if owned else ""),
                params,
            )
