"""Command records: add (with their outbox entries, in one transaction), read, page, search."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record, body_text, iso_utc, parse_iso, upload_body
from handterm_tui.core.stats import Keystroke, web_char_times
from handterm_tui.store import keycodec
from handterm_tui.store.db import Database
from handterm_tui.store.schema import default_args

_COLUMNS = (
    "id, created_at, kind, line, name, args, switches, response, status, keystrokes, "
    "gross_wpm, web_wpm, extra, remote_key, profile, account, keys"
)
# ``remote_key`` is computed (schema 7): what is stored is ``own_key``, NULL for the default.
_INSERT = (
    f"INSERT INTO records ({_COLUMNS.split(', ', 1)[1].replace('remote_key', 'own_key')}, "
    "in_history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SAME_MS = 1000  # the window (ms) searched at once for a free key


def stored_keys(raw: str, blob: bytes | None, line: str) -> list[tuple[str, float | None]]:
    """A row's keystrokes: the compact blob (schema 5) or, for older rows, the JSON text."""
    if blob is not None:
        return keycodec.decode(blob, line)
    return [(c, ms) for c, ms in json.loads(raw)]


def owned_by(viewer: Owner | None, alias: str = "") -> tuple[str | None, list[Any]]:
    """The SQL condition for what ``viewer`` may see (None: everything, for maintenance):
    a signed-in account sees its own items; nobody signed in sees the signed-out ones."""
    if viewer is None:
        return None, []
    column = f"{alias}.account" if alias else "account"
    return f"{column} IS ?", [viewer.account]


def key_match(keys: list[str], account: str | None) -> tuple[str, list[Any]]:
    """The SQL condition for "``account``'s records whose upload key is one of ``keys``",
    by index: a default key is found by its created_at, any other by ``own_key`` (schema 7).
    The unary ``+`` keeps SQLite off the account's index, which would walk all its records."""
    stamps = [k[len("command_") :] for k in keys if k.startswith("command_")]
    sql = (
        f"((own_key IS NULL AND created_at IN ({', '.join('?' * len(stamps))})) "
        f"OR (own_key IN ({', '.join('?' * len(keys))}) AND own_key != '')) "
        "AND +account IS ?"
    )
    return sql, [*stamps, *keys, account]


def _row_to_record(row: sqlite3.Row) -> Record:
    args, switches, extra = row["args"], row["switches"], row["extra"]
    return Record(
        id=row["id"],
        created_at=parse_iso(row["created_at"]),
        kind=row["kind"],
        line=row["line"],
        name=row["name"],
        # NULL: what schema 7 leaves out because it is the default.
        args=default_args(row["line"]) if args is None else json.loads(args),
        switches={} if switches is None else json.loads(switches),
        response=row["response"],
        status=row["status"],
        keystrokes=[
            Keystroke(c, ms) for c, ms in stored_keys(row["keystrokes"], row["keys"], row["line"])
        ],
        gross_wpm=row["gross_wpm"],
        web_wpm=row["web_wpm"],
        extra={} if extra is None else json.loads(extra),
        remote_key=row["remote_key"],
        owner=Owner(row["profile"], row["account"]),
    )


def fts_words(text: str) -> tuple[str, ...]:
    """The words of a search as typed (quotes alone are not words)."""
    return tuple(t for t in text.split() if t.strip('"'))


def fts_query(text: str) -> str | None:
    """Turn what a user types into a safe FTS5 query: every word a quoted prefix term."""
    terms = [t.replace('"', '""') for t in fts_words(text)]
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
        # The last burst: the stamp asked for and the ms it got. The next record asking for
        # the same stamp looks on from there, so the 5000th of a burst searches one window,
        # not five (any free ms after the one asked for will do; keys stay in order).
        self._burst: tuple[str, datetime] | None = None

    def add(self, record: Record, *, history: bool = True, upload: bool = True) -> Record:
        """Store a record and queue its upload in the same transaction, under its owner."""
        keys = list(record.keystrokes)
        owner = record.owner
        pairs = [(k.char, k.interval_ms) for k in keys]
        blob = keycodec.encode(pairs, record.line) if pairs else None
        # Serialised once, whatever the key turns out to be; what reads back as the
        # default is stored as NULL (schema 7).
        args = list(record.args)
        values = [
            None,  # created_at: set below
            record.kind,
            record.line,
            record.name,
            None if args == default_args(record.line) else json.dumps(args, ensure_ascii=False),
            json.dumps(record.switches, ensure_ascii=False) if record.switches else None,
            record.response,
            record.status,
            "[]" if blob is not None or not pairs else json.dumps(pairs, ensure_ascii=False),
            record.gross_wpm,
            record.web_wpm,
            json.dumps(record.extra, ensure_ascii=False) if record.extra else None,
            None,  # own_key: set below
            owner.profile,
            owner.account,
            blob,
            1 if history else 0,
        ]
        with self._db.transaction() as conn:
            moment = record.created_at
            stamp = iso_utc(moment)
            remote_key = record.remote_key or f"command_{stamp}"
            own = None if remote_key == f"command_{stamp}" else remote_key
            values[0], values[12] = stamp, own
            try:
                cursor = conn.execute(_INSERT, values)
            except sqlite3.IntegrityError:
                if record.remote_key:
                    raise
                # Records in the same ms (a script, a paste): the next free ms, found with
                # one query over the key indexes instead of one failed insert per taken key.
                burst = self._burst
                moment = self._free_moment(
                    conn, burst[1] if burst is not None and burst[0] == stamp else moment
                )
                self._burst = (stamp, moment)
                stamp = iso_utc(moment)
                remote_key = f"command_{stamp}"
                values[0], values[12] = stamp, None
                cursor = conn.execute(_INSERT, values)
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

    @staticmethod
    def _free_moment(conn: sqlite3.Connection, moment: datetime) -> datetime:
        """The ms after the newest key taken within a second of ``moment``: two index seeks
        (default keys by created_at, others by own_key), so the 1000th record of a burst
        costs what the first does."""
        # Keys name whole ms: a window of sub-ms bounds would miss its own last key.
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        while True:
            last = moment + timedelta(milliseconds=_SAME_MS)
            start, end = iso_utc(moment), iso_utc(last)
            row = conn.execute(
                # One statement for both kinds of key (a multi-argument max() is NULL if
                # any argument is, hence the '').
                "SELECT max(ifnull((SELECT max(created_at) FROM records "
                "WHERE created_at >= ?1 AND created_at < ?2), ''), "
                "ifnull((SELECT substr(max(own_key), 9) FROM records "
                "WHERE own_key >= 'command_' || ?1 AND own_key < 'command_' || ?2 "
                "AND own_key != ''), ''))",
                (start, end),
            ).fetchone()
            try:  # a key of its own may run on after the stamp (``command_<ISO>_2``)
                taken = parse_iso(row[0][:24]) if row and row[0] else moment
            except ValueError:
                taken = moment
            candidate = taken + timedelta(milliseconds=1)
            if candidate < last:
                return candidate
            moment = last  # a full second of keys taken: look in the next one

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
        # `clear` is spelled out and its partial index named (schema 7): with a bound name,
        # or left to choose, SQLite would walk the owner's commands; other names are looked
        # for row by row.
        clear = name == "clear"
        source = "records INDEXED BY records_clear" if clear else "records"
        named = "name = 'clear'" if clear else "name = ?"
        with self._db.reading() as conn:
            row = conn.execute(
                f"SELECT max(id) FROM {source} WHERE {named} AND kind = 'command'"
                + (f" AND {owned}" if owned else ""),
                [*([] if clear else [name]), *params],
            ).fetchone()
        after = row[0] if row and row[0] is not None else None
        return list(reversed(self.page(after_id=after, limit=limit, viewer=viewer).records))

    def history_lines(self, limit: int, *, viewer: Owner | None = None) -> list[str]:
        """Command lines for Up/Down, oldest first, consecutive duplicates dropped."""
        owned, params = owned_by(viewer)
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT line FROM records WHERE in_history = 1 AND kind IN ('command', 'note')"
                + (f" AND {owned}" if owned else "")
                + " ORDER BY id DESC LIMIT ?",
                [*params, limit * 2],
            ).fetchall()
        lines: list[str] = []
        for row in reversed(rows):
            if not lines or lines[-1] != row["line"]:
                lines.append(row["line"])
        return lines[-limit:]

    def upload_contents(self, wanted: list[tuple[int, str]]) -> dict[tuple[int, str], str]:
        """What the uploader sends for many ``(record_id, part)`` at once: one query, each
        record read once (its record and keystroke parts both come from it). Records that
        no longer exist are left out."""
        ids = sorted({record_id for record_id, _ in wanted})
        records: dict[int, sqlite3.Row] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            with self._db.reading() as conn:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM records WHERE id IN ({marks})", chunk
                ).fetchall()
            for row in rows:
                records[row["id"]] = row
        out: dict[tuple[int, str], str] = {}
        for record_id, part in wanted:
            row = records.get(record_id)
            if row is not None:
                body = _record_body(row) if part == "record" else None
                out[(record_id, part)] = body or _content(_row_to_record(row), part)
        return out

    def upload_content(self, record_id: int, part: str) -> str | None:
        """What the uploader sends for a record: the structured record, or its keystrokes."""
        record = self.get(record_id)
        return _content(record, part) if record is not None else None


_MS_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _record_body(row: sqlite3.Row) -> str | None:
    """``Record.dumps()`` of a stored row, built from its columns (no Record, datetime or
    Keystroke objects: the uploader's cost per item); None for rows it does not cover (a
    test pins it equal to the Record path byte for byte)."""
    stamp = row["created_at"]
    if not _MS_STAMP.fullmatch(stamp):
        return None
    keys = stored_keys(row["keystrokes"], row["keys"], row["line"])
    gross, web = row["gross_wpm"], row["web_wpm"]
    if keys and gross is None and web is None:
        return None  # Record works the figures out itself
    args, switches, extra = row["args"], row["switches"], row["extra"]
    return body_text(
        upload_body(
            kind=row["kind"],
            time=stamp,
            line=row["line"],
            name=row["name"],
            # NULL: what schema 7 leaves out because it is the default (as _row_to_record).
            args=default_args(row["line"]) if args is None else json.loads(args),
            switches={} if switches is None else json.loads(switches),
            response=row["response"],
            status=row["status"],
            gross_wpm=gross,
            web_wpm=web,
            keystrokes=keys,
            extra={} if extra is None else json.loads(extra),
        )
    )


def _content(record: Record, part: str) -> str:
    if part == "keystrokes":
        return json.dumps(web_char_times(record.keystrokes), ensure_ascii=False)
    return record.dumps()
