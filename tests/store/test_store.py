from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from handterm_tui.core.records import Record
from handterm_tui.core.stats import from_timestamps
from handterm_tui.store import Store, StoreError
from handterm_tui.store.schema import MIGRATIONS


def test_a_record_is_stored_with_its_upload_queued_in_one_go(store: Store) -> None:
    keys = from_timestamps([("l", 0.0), ("s", 200.0), ("\r", 400.0)])
    rec = store.records.add(Record(line="ls", name="ls", response="a b", keystrokes=keys))
    assert rec.id is not None
    assert rec.remote_key is not None and rec.remote_key.startswith("command_")
    assert rec.gross_wpm == pytest.approx(60.0)
    items = store.outbox.items()
    assert [i.key for i in items] == [
        rec.remote_key,
        rec.remote_key.replace("command_", "char-time_"),
    ]
    body = json.loads(store.records.upload_content(rec.id, "record") or "")
    assert body["line"] == "ls" and body["response"] == "a b"
    char_times = json.loads(store.records.upload_content(rec.id, "keystrokes") or "")
    assert char_times[1] == {"character": "s", "wpm": 60.0, "durationMilliseconds": 200.0}


def test_records_in_the_same_millisecond_get_distinct_keys(store: Store) -> None:
    first = store.records.add(Record(line="a", name="a"))
    second = Record(line="b", name="b", created_at=first.created_at)
    store.records.add(second)
    assert first.remote_key != second.remote_key


def test_history_drops_consecutive_duplicates_and_caps(store: Store) -> None:
    for line in ["help", "help", "wrt x", "help", "ls"]:
        store.records.add(Record(line=line, name=line.split()[0]))
    assert store.records.history_lines(10) == ["help", "wrt x", "help", "ls"]
    assert store.records.history_lines(2) == ["help", "ls"]


def test_paging_newest_first_and_search(store: Store) -> None:
    for i in range(25):
        store.records.add(
            Record(line=f"wrt note {i}", name="wrt", response="alpha" if i % 5 == 0 else "beta")
        )
    page = store.records.page(limit=10)
    assert [r.line for r in page.records][:2] == ["wrt note 24", "wrt note 23"]
    assert page.has_more
    nxt = store.records.page(limit=10, before_id=page.records[-1].id)
    assert nxt.records[0].line == "wrt note 14"
    hits = store.records.page(query="alph")
    assert [r.line for r in hits.records] == [f"wrt note {i}" for i in (20, 15, 10, 5, 0)]
    # Quotes and FTS operators in a search are plain text, not syntax.
    assert store.records.page(query='"NEAR( OR').records == []


def test_scrollback_restores_from_the_last_clear(store: Store) -> None:
    for line in ["a", "b", "clear", "c", "d"]:
        store.records.add(Record(line=line, name=line))
    assert [r.line for r in store.records.since_last("clear", 10)] == ["c", "d"]


def test_notes_newest_first_and_queued(store: Store) -> None:
    store.notes.add("one", created_ms=1000)
    store.notes.add("two", created_ms=2000)
    dup = store.notes.add("three", created_ms=2000)
    assert dup.remote_key == "wrt/2001"
    assert [n.text for n in store.notes.recent(10)] == ["three", "two", "one"]
    assert {i.key for i in store.outbox.items()} == {"wrt/1000", "wrt/2000", "wrt/2001"}


def test_kv_round_trip(store: Store) -> None:
    store.kv.set("target_wpm", 30)
    assert store.kv.get("target_wpm") == 30
    assert store.kv.get("missing", "x") == "x"


def test_schema_version_and_refusing_a_newer_store(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer handterm"):
        Store(path)


WRITER = textwrap.dedent(
    """
    import sys
    from handterm_tui.store import Store
    from handterm_tui.core.records import Record
    store = Store(sys.argv[1])
    tag, count = sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    for i in range(count):
        store.records.add(Record(line=f"{tag} {i}", name=tag))
        store.notes.add(f"{tag} note {i}")
    print("done", flush=True)
    """
)


def _spawn(path: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    Store(path).close()
    procs = [_spawn(path, tag, 300) for tag in ("alpha", "beta")]
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0 and "done" in out
    store = Store(path)
    lines = [r.line for r in store.records.page(limit=10_000).records]
    assert len(lines) == 600
    assert {f"alpha {i}" for i in range(300)} <= set(lines)
    assert {f"beta {i}" for i in range(300)} <= set(lines)
    assert store.notes.count() == 600
    keys = [i.key for i in store.outbox.items(limit=10_000)]
    assert len(keys) == len(set(keys)) == 1200
    assert store.db.schema_version == len(MIGRATIONS)


@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_a_killed_writer_loses_nothing_it_committed(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    Store(path).close()
    proc = _spawn(path, "k", 100_000)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.8)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    store = Store(path)
    ids = [r.line for r in store.records.page(limit=200_000).records]
    assert ids, "the writer committed nothing in 0.8 s"
    numbers = sorted(int(line.split()[1]) for line in ids)
    assert numbers == list(range(len(numbers)))  # every committed record, no gaps
    # The store still takes writes after the crash.
    store.records.add(Record(line="after", name="after"))
    assert store.records.page(limit=1).records[0].line == "after"
