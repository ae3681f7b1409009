"""Command records: add (with their outbox entries, in one transaction), read, page, search."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record, iso_utc, parse_iso
from handterm_tui.core.stats import Keystroke, web_char_times
from handterm_tui.store.db import Database

_COLUMNS = (
    "id, created_at, kind, line, name, args, switches, response, status, keystrokes, "
    "gross_wpm, web_wpm, extra, remote_key, profile, account"
)


def owned_by(viewer: Owner | None, alias: str = "") -> tuple[str | None, list[Any]]:
    """The SQL condition for what ``viewer`` may see (None: everything, for maintenance):
    a signed-in account sees its own items; nobody signed in sees the signed-out ones."""
    if viewer is None:
        return None, []
    column = f"{alias}.account" if alias else "account"
    return f"{column} IS ?", [viewer.account]


def _row_to_record(row: sqlite3.Row) -> Record:
    return Record(
        id=row["id"],
        created_at=parse_iso(row["created_at"]),
        kind=row["kind"],
        line=row["line"],
        name=row["name"],
        args=json.loads(row["args"]),
        switches=json.loads(row["switches"]),
        response=row["response"],
        status=row["status"],
        keystrokes=[Keystroke(c, ms) for c, ms in json.loads(row["keystrokes"])],
        gross_wpm=row["gross_wpm"],
        web_wpm=row["web_wpm"],
        extra=json.loads(row["extra"]),
        remote_key=row["remote_key"],
        owner=Owner(row["profile"], row["account"]),
    )


def fts_query(text: str) -> str | None:
    """Turn what a user types into a safe FTS5 query: every word a quoted prefix term."""
    terms = [t.replace('"', '""') for t in text.split() if t.strip('"')]
    if not terms:
        return None
    return " ".join(f'"{t}"*' for t in terms)


@dataclass(frozen=True)
class Page:
    records: list[Record]
    has_more: bool


class RecordStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, record: Record, *, history: bool = True, upload: bool = True) -> Record:
        """Store a record and queue its upload in the same transaction, under its owner."""
        keys = list(record.keystrokes)
        owner = record.owner
        with self._db.transaction() as conn:
            moment = record.created_at
            for _ in range(1000):  # two records in the same ms get distinct keys
                stamp = iso_utc(moment)
                remote_key = record.remote_key or f"command_{stamp}"
                try:
                    cursor = conn.execute(
                        f"INSERT INTO records ({_COLUMNS.split(', ', 1)[1]}, in_history) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            stamp,
                            record.kind,
                            record.line,
                            record.name,
                            json.dumps(record.args, ensure_ascii=False),
                            json.dumps(record.switches, ensure_ascii=False),
                            record.response,
                            record.status,
                            json.dumps([[k.char, k.interval_ms] for k in keys], ensure_ascii=False),
                            record.gross_wpm,
                            record.web_wpm,
                            json.dumps(record.extra, ensure_ascii=False),
                            remote_key,
                            owner.profile,
                            owner.account,
                            1 if history else 0,
                        ),
                    )
                except sqlite3.IntegrityError:
                    if record.remote_key:
                        raise
                    moment += timedelta(milliseconds=1)
                    continue
                break
            else:  # pragma: no cover - a thousand records in one ms
                raise RuntimeError("could not allocate a record key")
            record.id = cursor.lastrowid
            record.remote_key = remote_key
            record.created_at = moment
            if upload:
                queue = (
                    "INSERT OR IGNORE INTO outbox (key, extension, record_id, part, created_at, "
                    "profile, account) VALUES (?, 'json', ?, ?, ?, ?, ?)"
                )
                conn.execute(
                    queue, (remote_key, record.id, "record", stamp, owner.profile, owner.account)
                )
                if keys:
                    conn.execute(
                        queue,
                        (
                            f"char-time_{stamp}",
                            record.id,
                            "keystrokes",
                            stamp,
                            owner.profile,
                            owner.account,
                        ),
                    )
        return record

    def get(self, record_id: int) -> Record | None:
        with self._db.reading() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return _row_to_record(row) if row else None

    def count(self, kind: str | None = None, *, viewer: Owner | None = None) -> int:
        where, params = owned_by(viewer)
        conditions = [c for c in (where, "kind = ?" if kind else None) if c]
        params += [kind] if kind else []
        sql = "SELECT count(*) FROM records" + (
            " WHERE " + " AND ".join(conditions) if conditions else ""
        )
        with self._db.reading() as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    def recent(
        self, limit: int, kind: str | None = None, *, viewer: Owner | None = None
    ) -> list[Record]:
        """The newest ``limit`` records, oldest first (for restoring the scrollback)."""
        page = self.page(limit=limit, kind=kind, viewer=viewer)
        return list(reversed(page.records))

    def page(
        self,
        *,
        before_id: int | None = None,
        after_id: int | None = None,
        limit: int = 200,
        kind: str | None = None,
        query: str | None = None,
        since: str | None = None,
        until: str | None = None,
        viewer: Owner | None = None,
    ) -> Page:
        """Newest first, keyset-paged by id (id order is time order); ``viewer``'s own."""
        owned, params = owned_by(viewer, "r")
        where: list[str] = [owned] if owned else []
        if before_id is not None:
            where.append("r.id < ?")
            params.append(before_id)
        if after_id is not None:
            where.append("r.id > ?")
            params.append(after_id)
        if kind:
            where.append("r.kind = ?")
            params.append(kind)
        if since:
            where.append("r.created_at >= ?")
            params.append(since)
        if until:
            where.append("r.created_at < ?")
            params.append(until)
        match = fts_query(query) if query else None
        source = "records r"
        if match:
            source = "records_fts f JOIN records r ON r.id = f.rowid"
            where.append("records_fts MATCH ?")
            params.append(match)
        sql = (
            f"SELECT {', '.join('r.' + c for c in _COLUMNS.split(', '))} FROM {source}"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY r.id DESC LIMIT ?"
        )
        params.append(limit + 1)
        with self._db.reading() as conn:
            rows = conn.execute(sql, params).fetchall()
        return Page([_row_to_record(r) for r in rows[:limit]], has_more=len(rows) > limit)

    def since_last(self, name: str, limit: int, *, viewer: Owner | None = None) -> list[Record]:
        """Up to ``limit`` newest records after the last run of ``name`` (e.g. ``clear``),
        oldest first."""
        owned, params = owned_by(viewer)
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT max(id) FROM records WHERE name = ? AND kind = 'command'"
                + (f" AND {owned}" if owned else ""),
                [name, *params],
            ).fetchone()
        after = row[0] if row and row[0] is not None else None
        return list(reversed(self.page(after_id=after, limit=limit, viewer=viewer).records))

    def history_lines(self, limit: int, *, viewer: Owner | None = None) -> list[str]:
        """Command lines for Up/Down, oldest first, consecutive duplicates dropped."""
        owned, params = owned_by(viewer)
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT line FROM records WHERE in_history = 1 AND kind = 'command'"
                + (f" AND {owned}" if owned else "")
                + " ORDER BY id DESC LIMIT ?",
                [*params, limit * 2],
            ).fetchall()
        lines: list[str] = []
        for row in reversed(rows):
            if not lines or lines[-1] != row["line"]:
                lines.append(row["line"])
        return lines[-limit:]

    def upload_content(self, record_id: int, part: str) -> str | None:
        """What the uploader sends for a record: the structured record, or its keystrokes."""
        record = self.get(record_id)
        if record is None:
            return None
        if part == "keystrokes":
            return json.dumps(web_char_times(record.keystrokes), ensure_ascii=False)
        return record.dumps()
