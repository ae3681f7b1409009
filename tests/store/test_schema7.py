"""Schema 7: smaller records (issue 13). A store made by schema 6 migrates with every record,
upload key and upload body as it was; keys stay unique, old and new."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handterm_tui.core.owner import NOBODY, Owner
from handterm_tui.core.records import Record, iso_utc, parse_iso
from handterm_tui.core.stats import Keystroke, web_char_times
from handterm_tui.store import Store, StoreError, keycodec
from handterm_tui.store.db import _statements
from handterm_tui.store.log_index import Filter, LogIndex
from handterm_tui.store.records import stored_keys
from handterm_tui.store.schema import MIGRATIONS

ME = Owner("p", "acct-1")
OUT = Owner("p")
T0 = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)
ODD_KEY = "command_2026-03-01T09:00:30.000Z"  # a key that is not its record's created_at


def typed(text: str) -> list[Keystroke]:
    return [Keystroke(c, None if n == 0 else 80.123456 + 3.5 * n) for n, c in enumerate(text)]


def _samples() -> list[tuple[Record, dict[str, Any]]]:
    """Records of every kind and shape schema 6 held, with how each was stored."""
    game = Record(
        line="drill",
        name="drill",
        kind="game",
        keystrokes=typed("asdf jkl"),
        extra={"text": "asdf jkl", "phrase": "home-row"},
        owner=ME,
    )
    return [
        (
            Record(
                line="echo hello world",
                name="echo",
                args=["hello", "world"],
                response="hello world",
                keystrokes=typed("echo hello world"),
                owner=OUT,
            ),
            {},
        ),
        (
            Record(
                line="ls -la ~/src",
                name="ls",
                args=["~/src"],
                switches={"l": True, "a": True},
                response="a b c",
                keystrokes=typed("ls -la ~/src"),
                owner=ME,
            ),
            {},
        ),
        (
            Record(
                line="wrt 'buy milk'",
                name="wrt",
                args=["buy milk"],
                kind="note",
                response="Noted.",
                keystrokes=typed("wrt 'buy milk'"),
                owner=ME,
            ),
            {},
        ),
        (game, {}),
        # Before schema 5: timings as JSON text, made before owners ('?').
        (
            Record(
                line="help",
                name="help",
                response="commands: ...",
                keystrokes=typed("help"),
                owner=Owner("?"),
            ),
            {"json_keys": True},
        ),
        (Record(line="clear", name="clear", owner=ME), {}),
        (
            Record(
                line="login bob ********",
                name="login",
                args=["bob", "********"],
                status=401,
                response="Wrong password.",
                owner=OUT,
            ),
            {},
        ),
        (
            Record(
                line="echo  héllo   wörld",
                name="echo",
                args=["héllo", "wörld"],
                response="héllo wörld",
                owner=ME,
            ),
            {},
        ),
        (
            Record(line="logs --limit 5", name="logs", args=[], switches={"limit": "5"}, owner=ME),
            {},
        ),
        (Record(line="tut", name="tut", response="Lesson 1", owner=OUT), {"history": 0}),
        (Record(line="x 1", name="x", args=["1"], owner=ME, remote_key=ODD_KEY), {}),
        (Record(line="y", name="y", owner=OUT), {"no_key": True}),
        (Record(line="echo 2", name="echo", args=["2"], owner=ME), {"same_ms_as_previous": True}),
    ]


def _v6_blob(pairs: list[tuple[str, float | None]], line: str) -> bytes:
    """Timings as schema 5 and 6 encoded them: varints only (schema 7 may pack them)."""
    chars = "".join(c for c, _ in pairs)
    out = bytearray([keycodec.LINE if chars == line else keycodec.OWN])
    if chars != line:
        raw = chars.encode("utf-8")
        keycodec._varint(len(raw), out)
        out += raw
    for _, ms in pairs:
        keycodec._varint(0 if ms is None else round(ms * 1000) + 1, out)
    return bytes(out)


def _v6_store(path: Path) -> None:
    """A store as schema 6's RecordStore.add left it, with outbox rows, notes and fetched
    server records."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:6], start=1):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    moment = T0
    for i, (record, how) in enumerate(_samples()):
        if not how.get("same_ms_as_previous"):
            moment = T0 + timedelta(seconds=i)
        else:
            moment += timedelta(milliseconds=1)  # a burst: the next free ms
        stamp = iso_utc(moment)
        pairs = [(k.char, k.interval_ms) for k in record.keystrokes]
        blob = None if how.get("json_keys") or not pairs else _v6_blob(pairs, record.line)
        key = None if how.get("no_key") else record.remote_key or f"command_{stamp}"
        cursor = conn.execute(
            "INSERT INTO records (created_at, kind, line, name, args, switches, response, "
            "status, keystrokes, gross_wpm, web_wpm, extra, remote_key, profile, account, keys, "
            "in_history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                stamp,
                record.kind,
                record.line,
                record.name,
                json.dumps(record.args, ensure_ascii=False),
                json.dumps(record.switches, ensure_ascii=False),
                record.response,
                record.status,
                "[]" if blob is not None or not pairs else json.dumps(pairs, ensure_ascii=False),
                record.gross_wpm,
                record.web_wpm,
                json.dumps(record.extra, ensure_ascii=False),
                key,
                record.owner.profile,
                record.owner.account,
                blob,
                how.get("history", 1),
            ),
        )
        if i % 2 and key:  # some still queued, as after an upload that has not run yet
            for part, name in (
                ("record", key),
                ("keystrokes", key.replace("command_", "char-time_")),
            ):
                conn.execute(
                    "INSERT INTO outbox (key, extension, record_id, part, created_at, profile, "
                    "account) VALUES (?, 'json', ?, ?, ?, ?, ?)",
                    (
                        name,
                        cursor.lastrowid,
                        part,
                        stamp,
                        record.owner.profile,
                        record.owner.account,
                    ),
                )
    conn.execute(
        "INSERT INTO notes (created_ms, text, remote_key, profile, account) "
        "VALUES (1772355600000, 'buy milk', 'wrt/1772355600000', 'p', 'acct-1')"
    )
    conn.execute(
        "INSERT INTO outbox (key, extension, note_id, part, created_at, profile, account) "
        "VALUES ('wrt/1772355600000', 'txt', 1, 'note', '2026-03-01T09:00:00.000Z', 'p', NULL)"
    )
    conn.execute(
        "INSERT INTO remote_records (account, remote_key, created_at, kind, line, response, "
        "status, web_wpm, body, fetched_at) VALUES ('acct-1', 'command_2025-12-01T00:00:00.000Z',"
        " '2025-12-01T00:00:00.000Z', 'command', 'pwd', '/home', 200, NULL, "
        "'{\"line\":\"pwd\"}', '2026-03-01T00:00:00.000Z')"
    )
    conn.close()


def _v6_reading(path: Path) -> tuple[dict[int, Record], dict[str, list[tuple[Any, ...]]]]:
    """Every record as schema 6 read it, and the rows of the tables around it."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    records = {}
    for row in conn.execute("SELECT * FROM records"):
        records[row["id"]] = Record(
            id=row["id"],
            created_at=parse_iso(row["created_at"]),
            kind=row["kind"],
            line=row["line"],
            name=row["name"],
            args=json.loads(row["args"]),
            switches=json.loads(row["switches"]),
            response=row["response"],
            status=row["status"],
            keystrokes=[
                Keystroke(c, ms)
                for c, ms in stored_keys(row["keystrokes"], row["keys"], row["line"])
            ],
            gross_wpm=row["gross_wpm"],
            web_wpm=row["web_wpm"],
            extra=json.loads(row["extra"]),
            remote_key=row["remote_key"],
            owner=Owner(row["profile"], row["account"]),
        )
    tables = {
        table: [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
        for table in ("outbox", "notes", "remote_records", "kv")
    }
    # What the log browser lists, for every record.
    tables["listed"] = [
        tuple(r)
        for r in conn.execute(
            "SELECT id, created_at, kind, line, status, coalesce(gross_wpm, web_wpm), in_history "
            "FROM records ORDER BY id"
        )
    ]
    conn.close()
    return records, tables


def test_a_schema_6_store_migrates_with_every_record_key_and_upload_body_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.sqlite3"
    _v6_store(path)
    before, tables = _v6_reading(path)
    assert len(before) == len(_samples())

    store = Store(path)
    try:
        assert store.db.schema_version == len(MIGRATIONS) == 7
        wanted = [(i, part) for i in before for part in ("record", "keystrokes")]
        sent = store.records.upload_contents(wanted)
        for record_id, old in before.items():
            new = store.records.get(record_id)
            assert new == old, record_id
            # What the server gets: the saveLog key and both bodies, byte for byte.
            assert new is not None and new.remote_key == old.remote_key
            assert sent[(record_id, "record")] == old.dumps()
            assert sent[(record_id, "keystrokes")] == json.dumps(
                web_char_times(old.keystrokes), ensure_ascii=False
            )
        after = sqlite3.connect(path)
        for table, rows in tables.items():
            if table == "listed":
                got = after.execute(
                    "SELECT id, created_at, kind, line, status, coalesce(gross_wpm, web_wpm), "
                    "in_history FROM records ORDER BY id"
                ).fetchall()
            else:
                got = after.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            assert [tuple(r) for r in got] == rows, table
        assert after.execute("PRAGMA foreign_key_check").fetchall() == []
        assert after.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The old copy's pages are given back: the file shrinks, not only stops growing.
        assert after.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert Path(f"{path}-wal").stat().st_size == 0
        after.close()

        # Search still finds old records (records_fts kept its rowids), under their owner.
        found = LogIndex(store, Filter(query="héllo", remote=False), viewer=ME).page()[0]
        assert [r.line for r in found] == ["echo  héllo   wörld"]
        assert store.records.page(query="milk", viewer=ME).records[0].kind == "note"
        # Start-up still finds the last `clear` (by its partial index now).
        assert [r.line for r in store.records.since_last("clear", 10, viewer=ME)] == [
            "echo  héllo   wörld",
            "logs --limit 5",
            "x 1",
            "echo 2",
        ]
        # Fetching from the server still knows which keys are here, default or not.
        default = next(r.remote_key for r in before.values() if r.line == "echo 2")
        assert default is not None
        assert store.remote.known_keys(
            [default, ODD_KEY, "command_1999-01-01T00:00:00.000Z"], ME
        ) == {
            default,
            ODD_KEY,
        }
    finally:
        store.close()


def test_keys_stay_unique_across_migrated_and_new_records(tmp_path: Path) -> None:
    path = tmp_path / "v6.sqlite3"
    _v6_store(path)
    before, _ = _v6_reading(path)
    store = Store(path)
    try:
        taken = {r.remote_key for r in before.values()}
        # New records at the very moment of old ones (default and odd keys) move on a ms.
        for old in before.values():
            new = store.records.add(Record(line="z", name="z", created_at=old.created_at))
            assert new.remote_key not in taken
            taken.add(new.remote_key)
        odd_moment = parse_iso(ODD_KEY[len("command_") :])
        new = store.records.add(Record(line="z", name="z", created_at=odd_moment))
        assert new.remote_key != ODD_KEY and new.remote_key not in taken
        # A key given outright is never moved: one that is taken is refused.
        with pytest.raises(StoreError):
            store.records.add(Record(line="z", name="z", remote_key=ODD_KEY))
        with pytest.raises(StoreError):
            store.records.add(Record(line="z", name="z", remote_key=new.remote_key))
        assert store.records.count() == 2 * len(before) + 1
        # Moving a record onto another's key is refused as well.
        first, second = sorted(before)[:2]
        with pytest.raises(StoreError), store.db.transaction() as conn:
            conn.execute(
                "UPDATE records SET created_at = (SELECT created_at FROM records WHERE id = ?) "
                "WHERE id = ?",
                (first, second),
            )
        with pytest.raises(StoreError), store.db.transaction() as conn:
            conn.execute(
                "UPDATE records SET own_key = ? WHERE id = ?", (before[second].remote_key, first)
            )
    finally:
        store.close()


def test_what_is_no_longer_stored_reads_back_as_it_was_given(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        made = [
            Record(line="echo a  b", name="echo", args=["a", "b"], owner=NOBODY),
            Record(line="echo 'a b'", name="echo", args=["a b"], owner=NOBODY),
            Record(line="ls -l x", name="ls", args=["x"], switches={"l": True}, owner=NOBODY),
            Record(line="game", name="game", kind="game", extra={"wpm": 61}, owner=NOBODY),
            Record(line="k", name="k", remote_key="command_2020-01-01T00:00:00.000Z"),
            Record(line="k 2", name="k", args=["2"], remote_key="custom-key"),
        ]
        for i, record in enumerate(made):
            record.created_at = T0 + timedelta(seconds=i)  # whole ms, as read back
            stored = store.records.add(record)
            assert stored.id is not None
            again = store.records.get(stored.id)
            assert again == stored
            assert again is not None and again.dumps() == stored.dumps()
        with store.db.reading() as conn:
            nulls = conn.execute(
                "SELECT args IS NULL, switches IS NULL, extra IS NULL, own_key IS NULL "
                "FROM records ORDER BY id"
            ).fetchall()
        # Only what is derivable is left out (the usual record stores none of the four).
        assert [tuple(r) for r in nulls] == [
            (1, 1, 1, 1),
            (0, 1, 1, 1),
            (0, 0, 1, 1),
            (1, 1, 0, 1),
            (1, 1, 1, 0),
            (1, 1, 1, 0),
        ]
    finally:
        store.close()


def test_start_up_and_fetching_find_records_by_index_not_by_walking_them(tmp_path: Path) -> None:
    """The last `clear` (every start) and "is this server key here?" (every fetched record)
    each seek an index; walking the owner's records would grow with the store."""
    store = Store(tmp_path / "s.sqlite3")
    try:
        seen: list[str] = []
        with store.db.reading() as conn:
            conn.set_trace_callback(seen.append)
            store.records.since_last("clear", 10, viewer=ME)
            store.remote.known_keys(["command_2026-03-01T09:00:00.000Z", "custom"], ME)
            conn.set_trace_callback(None)
            plans = {
                sql: " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, ()))
                for sql in seen
                if "max(id)" in sql or "own_key" in sql
            }
        assert len(plans) == 2
        for sql, plan in plans.items():
            assert "records_clear" in plan or (
                "records_created (created_at=?)" in plan and "records_own_key (own_key=?)" in plan
            ), (sql, plan)
    finally:
        store.close()


def test_a_burst_moves_past_keys_of_their_own_at_the_same_moment(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        stamp = iso_utc(T0)
        for key in (f"command_{stamp}", f"command_{stamp}_2", "command_not-a-time"):
            store.records.add(Record(line="k", name="k", remote_key=key, created_at=T0))
        made = [store.records.add(Record(line="b", name="b", created_at=T0)) for _ in range(3)]
        keys = [r.remote_key for r in made]
        assert keys == [f"command_{iso_utc(T0 + timedelta(milliseconds=n))}" for n in (1, 2, 3)]
    finally:
        store.close()


def test_the_last_record_of_a_long_burst_runs_as_many_statements_as_the_first(
    tmp_path: Path,
) -> None:
    """Flat, counted rather than timed: a 3000-record burst spans three seconds of keys, and
    the last ones must not search every second from the start again."""
    store = Store(tmp_path / "s.sqlite3")
    try:
        ran = [0]
        store.db._conn.set_trace_callback(lambda _sql: ran.__setitem__(0, ran[0] + 1))
        per_add = []
        for i in range(3000):
            before = ran[0]
            store.records.add(Record(line=f"b {i}", name="b", created_at=T0))
            per_add.append(ran[0] - before)
        assert max(per_add[-100:]) <= max(per_add[1:101])
        assert len({r.remote_key for r in store.records.page(limit=3000).records}) == 3000
    finally:
        store.close()


def test_a_big_stores_upgrade_is_announced_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handterm_tui.store import db

    path = tmp_path / "v6.sqlite"
    _v6_store(path)
    heard: list[tuple[str, int]] = []

    def announce(text: str) -> None:  # what the version is while the message is shown
        version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        heard.append((text, version))

    monkeypatch.setattr(db, "UPGRADE_NOTICE_FROM", 2)
    Store(path, announce=announce).close()
    assert len(heard) == 1
    text, version = heard[0]
    assert version == 6 and text.startswith(f"Upgrading the store at {path} (")
    assert "records; once" in text
    # Upgraded once: the next start says nothing; a small store never does.
    Store(path, announce=announce).close()
    monkeypatch.setattr(db, "UPGRADE_NOTICE_FROM", 20_000)
    small = tmp_path / "small.sqlite"
    _v6_store(small)
    Store(small, announce=announce).close()
    assert len(heard) == 1


def test_an_old_sqlite_library_is_named_instead_of_failing_mid_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 26, 0))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.26.0")
    with pytest.raises(StoreError, match=r"needs SQLite 3\.31\.0 or newer; this Python has 3\.26"):
        Store(tmp_path / "new.sqlite")
