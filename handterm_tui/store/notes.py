"""Notes written with ``wrt``: stored locally and queued for upload as ``wrt/<epoch ms>``."""

from __future__ import annotations

import sqlite3
import time

from handterm_tui.core.records import Note, iso_utc, utc_now
from handterm_tui.store.db import Database


class NoteStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, text: str, *, created_ms: int | None = None, upload: bool = True) -> Note:
        created = created_ms if created_ms is not None else int(time.time() * 1000)
        with self._db.transaction() as conn:
            for _ in range(1000):  # the key is the ms stamp: keep it unique
                key = f"wrt/{created}"
                try:
                    cursor = conn.execute(
                        "INSERT INTO notes (created_ms, text, remote_key) VALUES (?, ?, ?)",
                        (created, text, key),
                    )
                except sqlite3.IntegrityError:
                    created += 1
                    continue
                break
            note = Note(text=text, created_ms=created, id=cursor.lastrowid, remote_key=key)
            if upload:
                conn.execute(
                    "INSERT OR IGNORE INTO outbox (key, extension, note_id, part, created_at) "
                    "VALUES (?, 'txt', ?, 'note', ?)",
                    (key, note.id, iso_utc(utc_now())),
                )
        return note

    def add_remote(self, text: str, remote_key: str, created_ms: int) -> Note | None:
        """Keep a note fetched from the server; None when we already have that key."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO notes (created_ms, text, remote_key, source) "
                "VALUES (?, ?, ?, 'remote')",
                (created_ms, text, remote_key),
            )
            if cursor.rowcount == 0:
                return None
        return Note(text, created_ms, cursor.lastrowid, remote_key, "remote")

    def recent(self, limit: int) -> list[Note]:
        """Newest first."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id, created_ms, text, remote_key, source FROM notes "
                "ORDER BY created_ms DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            Note(r["text"], r["created_ms"], r["id"], r["remote_key"], r["source"]) for r in rows
        ]

    def get(self, note_id: int) -> Note | None:
        with self._db.reading() as conn:
            r = conn.execute(
                "SELECT id, created_ms, text, remote_key, source FROM notes WHERE id = ?",
                (note_id,),
            ).fetchone()
        return (
            Note(r["text"], r["created_ms"], r["id"], r["remote_key"], r["source"]) if r else None
        )

    def count(self) -> int:
        with self._db.reading() as conn:
            return int(conn.execute("SELECT count(*) FROM notes").fetchone()[0])
