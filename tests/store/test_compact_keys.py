"""Schema 5: keystroke timings stored compactly, records made by schema 4 kept whole, and
records in one burst (same millisecond) each still cheap (issue 13)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke
from handterm_tui.store import Store, keycodec
from handterm_tui.store.db import _statements
from handterm_tui.store.keystrokes import chord_accumulator
from handterm_tui.store.schema import MIGRATIONS

ME = Owner("p", "acct-1")


def typed(line: str, first: float | None = None) -> list[Keystroke]:
    return [Keystroke(c, first if n == 0 else 87.349123 + n) for n, c in enumerate(line)]


def test_timings_round_trip_to_the_microsecond_and_are_small() -> None:
    line = "git commit -m 'fix'"
    keys = [(k.char, k.interval_ms) for k in typed(line)]
    blob = keycodec.encode(keys, line)
    assert blob is not None and len(blob) <= 3 * len(line) + 1
    back = keycodec.decode(blob, line)
    assert [c for c, _ in back] == list(line)
    assert all(
        (a is None and b is None) or round(a, 3) == round(b, 3)  # type: ignore[arg-type]
        for (_, a), (_, b) in zip(keys, back, strict=True)
    )
    # Characters that are not the line (a correction, a masked secret) are kept as typed.
    other = [("p", None), ("\x7f", 50.0), ("l", 60.5)]
    assert keycodec.decode(keycodec.encode(other, "l") or b"", "l") == other
    # What cannot be encoded stays JSON; a damaged blob is an error, not a wrong figure.
    assert keycodec.encode([("ab", 1.0)], "ab") is None
    assert keycodec.encode([("a", float("nan"))], "a") is None
    with pytest.raises(ValueError):
        keycodec.decode(blob[:-1] + b"\xff", line)


def test_a_record_reads_back_with_its_keystrokes_and_uploads_the_same(store: Store) -> None:
    record = store.records.add(Record(line="ls -la", name="ls", keystrokes=typed("ls -la")))
    assert record.id is not None
    again = store.records.get(record.id)
    assert again is not None
    assert [(k.char, round(k.interval_ms or 0, 3)) for k in again.keystrokes] == [
        (k.char, round(k.interval_ms or 0, 3)) for k in record.keystrokes
    ]
    content = store.records.upload_content(record.id, "keystrokes")
    assert content is not None and '"durationMilliseconds": 88.349' in content


def _v4_store(path: Path) -> None:
    """A store as the current release (schema 4) leaves it, keystrokes as JSON text."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4], start=1):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    for i in range(50):
        conn.execute(
            "INSERT INTO records (created_at, kind, line, name, keystrokes, remote_key, "
            "profile, account, extra) VALUES (?, ?, ?, ?, ?, ?, 'p', 'acct-1', ?)",
            (
                f"2026-01-01T00:00:{i:02d}.000Z",
                "game" if i % 5 == 0 else "command",
                f"echo {i}",
                "echo",
                f'[["e", null], ["c", 120.5], ["h", {90 + i}.25]]',
                f"command_2026-01-01T00:00:{i:02d}.000Z",
                '{"text": "ech"}' if i % 5 == 0 else "{}",
            ),
        )
    conn.close()


def test_migrating_a_schema_4_store_keeps_every_record(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    _v4_store(path)
    store = Store(path)
    try:
        assert store.db.schema_version == len(MIGRATIONS)
        assert store.records.count() == 50
        old = store.records.page(limit=100).records
        assert len(old) == 50
        assert [k.interval_ms for k in old[-1].keystrokes] == [None, 120.5, 90.25]
        new = store.records.add(Record(line="ech", name="ech", keystrokes=typed("ech"), owner=ME))
        assert new.id is not None
        got = store.records.get(new.id)
        assert got is not None and [k.char for k in got.keystrokes] == list("ech")
        # Old JSON rows and new compact rows both feed the chord figures.
        acc = chord_accumulator(store.db, include_prompt=True, owner=ME, save=False)
        assert acc.last_id == new.id
    finally:
        store.close()


def test_records_in_one_burst_stay_cheap_and_distinct(store: Store) -> None:
    at = datetime(2026, 6, 1, 0, 0, 0, 719_761, tzinfo=UTC)  # not on a whole ms
    costs: list[float] = []
    keys: set[str] = set()
    for i in range(1500):  # more than fit in a second's worth of retries before
        began = time.perf_counter()
        record = store.records.add(Record(line=f"x {i}", name="x", created_at=at))
        costs.append(time.perf_counter() - began)
        assert record.remote_key is not None
        keys.add(record.remote_key)
    assert len(keys) == 1500
    first, last = sorted(costs[:100])[50], sorted(costs[-100:])[50]
    assert last < max(5 * first, 0.002)  # flat, not growing with the burst


def test_the_uploader_reads_a_batch_as_it_would_read_each_item(store: Store) -> None:
    made = [
        store.records.add(Record(line=f"ls {i}", name="ls", keystrokes=typed(f"ls {i}")))
        for i in range(5)
    ]
    wanted = [(r.id, part) for r in made for part in ("record", "keystrokes")]
    wanted.append((10_000, "record"))  # gone: left out, so the uploader drops its item
    batch = store.records.upload_contents(wanted)  # type: ignore[arg-type]
    assert len(batch) == 10
    for record_id, part in wanted[:-1]:
        assert batch[(record_id, part)] == store.records.upload_content(record_id, part)  # type: ignore[index,arg-type]


def test_typing_timings_pack_tighter_and_read_back_the_same_to_the_microsecond() -> None:
    line = "python -m pytest -q tests/store"
    steady = [(c, None if n == 0 else 40.0 + 11.123457 * n) for n, c in enumerate(line)]
    blob = keycodec.encode(steady, line)
    assert blob is not None and blob[0] & keycodec.PACKED
    assert len(blob) <= 2.5 * len(line) + 2  # 19-bit values: about 2.4 bytes a key, not 3
    assert keycodec.decode(blob, line) == [
        (c, None if ms is None else round(ms, 3)) for c, ms in steady
    ]
    # One long pause would widen every key: the varint layout is kept when it is shorter.
    paused = [*steady[:-1], (line[-1], 3_600_000.0)]
    blob = keycodec.encode(paused, line)
    assert blob is not None and not blob[0] & keycodec.PACKED
    assert keycodec.decode(blob, line)[-1] == (line[-1], 3_600_000.0)
    # Characters other than the line (a correction) pack too; a cut or padded blob is an error.
    own = [(c, None if n == 0 else 90.5 + n) for n, c in enumerate("git statsu\x7f\x7fus")]
    blob = keycodec.encode(own, "git status")
    assert blob is not None and blob[0] == keycodec.OWN | keycodec.PACKED
    assert keycodec.decode(blob, "git status") == own
    for damaged in (blob[:-1], blob + b"\x00"):
        with pytest.raises(ValueError):
            keycodec.decode(damaged, "git status")
