"""The uploader and the remote merge without a server: a scripted API."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from synckit import offline_records

from handterm_tui.api.errors import BadRequest, ServerError, Unreachable
from handterm_tui.auth.errors import SessionEnded
from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.core.remote_shapes import short_key
from handterm_tui.logbook.fetch import fetch_notes, fetch_records
from handterm_tui.logbook.pager import Pager
from handterm_tui.store.log_index import Filter, LogIndex
from handterm_tui.sync.uploader import MAX_DELAY, Uploader, backoff


class FakeApi:
    """Stores what it is sent; raises scripted errors for chosen keys."""

    def __init__(self) -> None:
        self.objects: dict[str, str] = {}
        self.calls: list[str] = []
        self.fail: dict[str, Exception] = {}
        self.lock = threading.Lock()

    def save_log(
        self, key: str, content: str, extension: str = "json", *, confirm: bool = False
    ) -> str:
        with self.lock:
            self.calls.append(key)
        error = self.fail.get(key)
        if error is not None:
            raise error
        with self.lock:
            self.objects[f"{key}.{extension}"] = content
        return "Log saved"

    def list_log(self, log_domain: str, limit: int = 10) -> list[str]:
        keys = sorted((k for k in self.objects if k.startswith(log_domain)), reverse=True)
        return [f"user_data/u/logs/{k}" for k in keys[:limit]]

    def get_log(self, key: str, limit: int = 10) -> list[str]:
        return [v for k, v in sorted(self.objects.items()) if k.startswith(key)][:limit]


def test_backoff_grows_is_jittered_and_capped() -> None:
    assert backoff(0, rng=lambda: 1.0) == 2.0
    assert backoff(3, rng=lambda: 1.0) == 16.0
    assert backoff(3, rng=lambda: 0.0) == 8.0  # jitter: half to all of the step
    assert backoff(50, rng=lambda: 1.0) == MAX_DELAY


def test_an_item_leaves_only_after_the_server_confirmed(store: Any) -> None:
    offline_records(store, 6, every_keys=3)  # 6 records, 2 keystroke logs
    api = FakeApi()
    bad = store.outbox.items(100)[1].key
    api.fail[bad] = ServerError("boom", status=500)
    report = Uploader(store, api, rng=lambda: 0.0).run(force=True)
    assert (report.sent, report.failed, report.left) == (7, 1, 1)
    (waiting,) = store.outbox.items(100)
    assert waiting.key == bad and waiting.attempts == 1 and "boom" in (waiting.last_error or "")
    # Backoff: a plain run does not retry it yet; `sync` (force) does.
    del api.fail[bad]
    assert Uploader(store, api).run().sent == 0
    assert Uploader(store, api).run(force=True).sent == 1
    assert store.outbox.count() == 0


def test_content_is_the_structured_record_and_web_char_times(store: Any) -> None:
    offline_records(store, 1, every_keys=1)
    api = FakeApi()
    Uploader(store, api).run(force=True)
    record = json.loads(next(v for k, v in api.objects.items() if k.startswith("command_")))
    assert record["line"] == "echo 0" and record["command"]["args"] == ["0"]
    chars = json.loads(next(v for k, v in api.objects.items() if k.startswith("char-time_")))
    assert [c["character"] for c in chars] == list("echo 0")


def test_the_body_built_from_stored_columns_is_the_records_own(store: Any) -> None:
    from handterm_tui.core.stats import Keystroke

    offline_records(store, 4, every_keys=2)  # with and without keystrokes
    odd = [
        Record(
            line="git commit -m 'é ✓ \\ \" \n'",
            name="git",
            args=["commit", "-m", "é ✓"],
            switches={"amend": True, "author": "Ä <a@b>"},
            response="ok\n\ttab",
            status=404,
            kind="game",
            extra={"phrase": "x", "score": 1.5, "n": [1, None]},
        ),
        Record(line="login me ********", name="login", args=["me", "********"]),
        Record(
            line="wrt hi",
            name="wrt",
            kind="note",
            response="Saved.",
            keystrokes=[Keystroke("w", None), Keystroke("r", 87.5), Keystroke("t", 1e-3)],
        ),
    ]
    for record in odd:
        store.records.add(record)
    with store.db.reading() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM records ORDER BY id")]
    bodies = store.records.upload_contents([(i, "record") for i in ids])
    for i in ids:
        record = store.records.get(i)
        assert record is not None and bodies[(i, "record")] == record.dumps()


def test_a_retry_overwrites_the_same_key(store: Any) -> None:
    offline_records(store, 3, every_keys=100)
    api = FakeApi()
    Uploader(store, api).run(force=True)
    keys_before = set(api.objects)
    with store.db.transaction() as conn:  # as if the reply had been lost: queue them again
        conn.execute(
            "INSERT INTO outbox (key, extension, record_id, part, created_at) "
            "SELECT remote_key, 'json', id, 'record', created_at FROM records"
        )
    Uploader(store, api).run(force=True)
    assert set(api.objects) == keys_before
    assert len(api.calls) == len(keys_before) + 3  # three records sent twice, one object each


def test_session_over_stops_the_run_without_blaming_items(store: Any) -> None:
    offline_records(store, 10, every_keys=100)
    api = FakeApi()
    api.fail = {i.key: SessionEnded() for i in store.outbox.items(100)[3:]}
    report = Uploader(store, api, workers=1).run(force=True)
    assert report.paused and "session" in report.paused
    assert report.sent == 3 and report.left == 8
    assert all(i.attempts == 0 for i in store.outbox.items(100))


def test_no_answer_pauses_after_a_streak(store: Any) -> None:
    offline_records(store, 50, every_keys=100)
    api = FakeApi()
    api.fail = {i.key: Unreachable("down") for i in store.outbox.items(100)}
    report = Uploader(store, api, workers=1).run(force=True)
    assert report.paused and "not answering" in report.paused
    assert 3 <= report.failed <= 5 and len(api.calls) <= 5  # stopped, not 51 tries
    assert report.left == 51


def test_a_refused_item_does_not_stop_the_rest(store: Any) -> None:
    offline_records(store, 5, every_keys=100)
    api = FakeApi()
    first = store.outbox.items(1)[0].key
    api.fail[first] = BadRequest("Invalid key", status=400)
    report = Uploader(store, api).run(force=True)
    assert report.sent == 5 and report.failed == 1 and report.paused is None
    assert "400: Invalid key" in report.summary()


def test_progress_is_reported_for_each_item(store: Any) -> None:
    offline_records(store, 30, every_keys=100)  # 30 records, 1 keystroke log
    seen: list[tuple[int, int]] = []
    Uploader(store, FakeApi()).run(force=True, progress=lambda p: seen.append((p.done, p.total)))
    assert seen == [(n, 31) for n in range(1, 32)]


def test_a_limited_run_sends_the_oldest_and_leaves_the_rest(store: Any) -> None:
    offline_records(store, 450, every_keys=1000)  # more than one batch read
    oldest = [i.key for i in store.outbox.items(1000)]
    api = FakeApi()
    report = Uploader(store, api).run(force=True, limit=250)
    assert report.sent == 250 and report.left == 451 - 250
    assert sorted(api.calls) == sorted(oldest[:250])
    assert Uploader(store, api).run(force=True).sent == 201
    assert store.outbox.count() == 0 and sorted(api.calls) == sorted(oldest)


def test_cancel_stops_a_run_and_leaves_the_rest_untouched(store: Any) -> None:
    offline_records(store, 300, every_keys=1000)
    cancel = threading.Event()

    class Slow(FakeApi):
        def save_log(self, key: str, content: str, extension: str = "json", **kw: Any) -> str:
            if len(self.calls) >= 20:
                cancel.set()  # e.g. quitting, or signing out, while it uploads
            time.sleep(0.002)
            return super().save_log(key, content, extension, **kw)

    api = Slow()
    report = Uploader(store, api, workers=2).run(force=True, cancel=cancel)
    assert report.paused == "cancelled"
    assert 20 <= report.sent <= 40 and report.left == 301 - report.sent
    assert all(i.attempts == 0 for i in store.outbox.items(1000))


ME = Owner("local", "pool/sub-me", "me")


def test_remote_records_merge_by_time_without_duplicates(store: Any) -> None:
    offline_records(store, 4, every_keys=100, owner=ME)  # made here, uploaded below
    api = FakeApi()
    Uploader(store, api).run(force=True)
    other = Record(line="ls elsewhere", name="ls", response="from the laptop")
    other.created_at = other.created_at.replace(year=2020)
    api.objects["command_2020-01-01T00:00:00.000Z.json"] = other.dumps()
    api.objects["command_2020-01-02T00:00:00.000Z.json"] = "<div data-status=404>web html</div>"
    report = fetch_records(api, store, ME)
    assert (report.listed, report.known, report.fetched) == (6, 4, 2)
    assert fetch_records(api, store, ME).fetched == 0  # a second fetch adds nothing
    rows = [Pager(LogIndex(store, viewer=ME)).row(i) for i in range(6)]
    assert [r.where for r in rows if r] == ["synced"] * 4 + ["server"] * 2
    found = Pager(LogIndex(store, Filter(query="laptop"), viewer=ME))
    assert found.total == 1 and found.row(0) is not None
    assert LogIndex(store).record(found.row(0)).line == "ls elsewhere"  # type: ignore[arg-type,union-attr]
    # Fetched copies are the fetching account's: nobody else sees them.
    assert Pager(LogIndex(store, Filter(query="laptop"), viewer=Owner("local"))).total == 0


def test_remote_notes_merge_by_key(store: Any) -> None:
    store.notes.add("mine", owner=ME, created_ms=1_000)
    api = FakeApi()
    Uploader(store, api).run(force=True)
    api.objects["wrt/2000.txt"] = "from the web"
    assert fetch_notes(api, store, ME).fetched == 1
    assert fetch_notes(api, store, ME).fetched == 0
    assert [n.text for n in store.notes.recent(10, viewer=ME)] == ["from the web", "mine"]
    assert store.notes.recent(10, viewer=Owner("local")) == []


@pytest.mark.parametrize(
    ("full", "short"),
    [
        (
            "user_data/u/logs/command_2026-01-01T00:00:00.000Z.json",
            "command_2026-01-01T00:00:00.000Z",
        ),
        ("user_data/u/logs/wrt/1720632000000.txt", "wrt/1720632000000"),
        ("command_2026-01-01T00:00:00.000Z", "command_2026-01-01T00:00:00.000Z"),
    ],
)
def test_short_key(full: str, short: str) -> None:
    assert short_key(full) == short


def test_outbox_rows_map_onto_items_field_by_field(store: Any) -> None:
    import dataclasses

    from handterm_tui.store.outbox import _COLUMNS, OutboxItem

    # items() builds OutboxItem positionally from the row: the orders must agree.
    assert [f.name for f in dataclasses.fields(OutboxItem)] == _COLUMNS.split(", ")
    offline_records(store, 1, every_keys=1)
    record, keys = store.outbox.items(10)
    assert (record.part, keys.part) == ("record", "keystrokes")
    assert record.key.startswith("command_") and record.extension == "json"
    assert record.attempts == 0 and record.account is None and record.record_id is not None
