"""Giving items made while signed out to an account, when its holder says so."""

from __future__ import annotations

from dataclasses import dataclass

from handterm_tui.core.owner import Owner
from handterm_tui.store.db import Database

# Signed-out items an account may take on a profile: made on it, in offline mode (''), or
# before handterm kept owners ('?').
_ADOPTABLE = "account IS NULL AND profile IN (?, '', '?')"


@dataclass(frozen=True)
class Unowned:
    records: int
    notes: int
    queued: int  # of those, outbox items still waiting to upload

    @property
    def total(self) -> int:
        return self.records + self.notes

    def words(self) -> str:
        """``12 records and 1 note`` (never empty: call only when ``total``)."""
        parts = []
        if self.records:
            parts.append(f"{self.records:,} record{'s' if self.records != 1 else ''}")
        if self.notes:
            parts.append(f"{self.notes:,} note{'s' if self.notes != 1 else ''}")
        return " and ".join(parts)


class Ownership:
    def __init__(self, db: Database) -> None:
        self._db = db

    def unowned(self, profile: str) -> Unowned:
        """What an account signing in on ``profile`` could take over."""
        with self._db.reading() as conn:
            counts = [
                int(
                    conn.execute(
                        f"SELECT count(*) FROM {t} WHERE {_ADOPTABLE}", (profile,)
                    ).fetchone()[0]
                )
                for t in ("records", "notes", "outbox")
            ]
        return Unowned(*counts)

    def adopt(self, owner: Owner) -> Unowned:
        """Give every signed-out item adoptable on ``owner``'s profile to ``owner``'s account,
        queue entries included, in one transaction. Returns what moved."""
        if owner.account is None:
            raise ValueError("only an account can adopt items")
        moved: list[int] = []
        with self._db.transaction() as conn:
            for table in ("records", "notes", "outbox"):
                cursor = conn.execute(
                    f"UPDATE {table} SET account = ?, profile = ? WHERE {_ADOPTABLE}",
                    (owner.account, owner.profile, owner.profile),
                )
                moved.append(cursor.rowcount)
        return Unowned(*moved)

    def high_water(self) -> tuple[int, int]:
        """The newest record and note ids now (items after them are "made from here on")."""
        with self._db.reading() as conn:
            records = conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
            notes = conn.execute("SELECT coalesce(max(id), 0) FROM notes").fetchone()[0]
        return int(records), int(notes)

    def assign_made_after(self, owner: Owner, record_after: int, note_after: int) -> None:
        """Give ``owner`` the signed-out items made on its profile after the given ids: those
        made in this run before its stored session was known were made by whoever holds it."""
        if owner.account is None:
            return
        mark = (owner.account, owner.profile)
        with self._db.transaction() as conn:
            for table, column, after in (
                ("records", "id", record_after),
                ("outbox", "record_id", record_after),
                ("notes", "id", note_after),
                ("outbox", "note_id", note_after),
            ):
                conn.execute(
                    f"UPDATE {table} SET account = ? WHERE account IS NULL AND profile = ? "
                    f"AND {column} > ?",
                    (*mark, after),
                )
