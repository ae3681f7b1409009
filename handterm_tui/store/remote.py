"""The ``remote_records`` table: copies of one account's server records (migration 4)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record, iso_utc, utc_now
from handterm_tui.store.db import Database
from handterm_tui.store.records import key_match


class RemoteRecords:
    def __init__(self, db: Database) -> None:
        self._db = db

    def known_keys(self, keys: Sequence[str], owner: Owner) -> set[str]:
        """Which of ``keys`` ``owner`` has here already, made locally or fetched before."""
        found: set[str] = set()
        with self._db.reading() as conn:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                mine, params = key_match(chunk, owner.account)  # computed keys (schema 7)
                rows = conn.execute(f"SELECT remote_key FROM records WHERE {mine}", params)
                found.update(r[0] for r in rows)
                rows = conn.execute(
                    f"SELECT remote_key FROM remote_records WHERE remote_key IN ({marks}) "
                    "AND account IS ?",
                    [*chunk, owner.account],
                )
                found.update(r[0] for r in rows)
        return found

    def add(self, record: Record, body: str, owner: Owner) -> bool:
        """Keep a record fetched from ``owner``'s account; False when it is here already."""
        assert record.remote_key and owner.account
        with self._db.transaction() as conn:
            mine, params = key_match([record.remote_key], owner.account)
            if conn.execute(f"SELECT 1 FROM records WHERE {mine}", params).fetchone():
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
        # Here, not at the top: it brings html.parser (~3 ms), and every start opens the store.
        from handterm_tui.core.remote_shapes import record_from_remote

        record = record_from_remote(row["remote_key"], row["body"])
        record.id = row_id
        record.owner = Owner(account=row["account"])
        return record
