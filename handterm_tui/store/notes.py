"""Notes written with ``wrt``: stored locally and queued for upload as ``wrt/<epoch ms>``."""

from __future__ import annotations

import sqlite3
import time

from handterm_tui.core.owner import NOBODY, Owner
from handterm_tui.core.records import Note, iso_utc, utc_now
from handterm_tui.store.db import Database
from handterm_tui.store.records import owned_by

_COLUMNS = "id, created_ms, text, remote_key, source, profile, account"


def _note(r: sqlite3.Row) -> Note:
    return Note(
        r["text"],
        r["created_ms"],
        r["id"],
        r["remote_key"],
        r["source"],
        Owner(r["profile"], r["account"]),
    )


class NoteStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        text: str,
        *,
        owner: Owner = NOBODY,
        created_ms: int | None = None,
        upload: bool = True,
    ) -> Note:
        created = created_ms if created_ms is not None else int(time.time() * 1000)
        with self._db.transaction() as conn:
            for _ in range(1000):  # the key is the ms stamp: keep it unique
                key = f"wrt/{created}"
                try:
                    cursor = conn.execute(
                        "INSERT INTO notes (created_ms, text, remote_key, profile, account) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (created, text, key, owner.profile, owner.account),
                    )
                except sqlite3.IntegrityError:
                    created += 1
                    continue
                break
            note = Note(text, created, cursor.lastrowid, key, owner=owner)
            if upload:
                conn.execute(
                    "INSERT OR IGNORE INTO outbox (key, extension, note_id, part, created_at, "
                    "profile, account) VALUES (?, 'txt', ?, 'note', ?, ?, ?)",
                    (key, note.id, iso_utc(utc_now()), owner.profile, owner.account),
                )
        return note

    def add_remote(self, text: str, remote_key: str, created_ms: int, owner: Owner) -> Note | None:
        """Keep a note fetched from ``owner``'s server account; None when we already have
        that key."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO notes (created_ms, text, remote_key, source, profile, "
                "account) VALUES (?, ?, ?, 'remote', ?, ?)",
                (created_ms, text, remote_key, owner.profile, owner.account),
            )
            if cursor.rowcount == 0:
                return None
        return Note(text, created_ms, cursor.lastrowid, remote_key, "remote", owner)

    def known_keys(self, keys: list[str], owner: Owner) -> set[str]:
        """Which of ``keys`` ``owner`` already has here."""
        marks = ",".join("?" * len(keys))
        with self._db.reading() as conn:
            rows = conn.execute(
                f"SELECT remote_key FROM notes WHERE remote_key IN ({marks}) AND account IS ?",
                [*keys, owner.account],
            )
            return {r[0] for r in rows}

    def recent(self, limit: int, *, viewer: Owner | None = None) -> list[Note]:
        """Newest first: ``viewer``'s own."""
        owned, params = owned_by(viewer)
        with self._db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM notes"
                + (f" WHERE {owned}" if owned else "")
                + " ORDER BY created_ms DESC, id DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [_note(r) for r in rows]

    def get(self, note_id: int) -> Note | None:
        with self._db.reading() as conn:
            r = conn.execute(f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
        return _note(r) if r else None

    def count(self, *, viewer: Owner | None = None) -> int:
        owned, params = owned_by(viewer)
        with self._db.reading() as conn:
            sql = "SELECT count(*) FROM notes" + (f" WHERE {owned}" if owned else "")
            return int(conn.execute(sql, params).fetchone()[0])
