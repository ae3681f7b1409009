"""Uploads against the local backend: real HTTP, real tokens, the server's own disk checked.

Every fault ends the same way: each record on the server exactly once, none lost here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest
from synckit import config_for, expected_keys, login, offline_records, server_keys

from handterm_tui import cli_logs
from handterm_tui.app_factory import open_store
from handterm_tui.auth.factory import build
from handterm_tui.sync.uploader import Uploader

pytestmark = pytest.mark.xdist_group("sync-e2e")


def drain(uploader: Uploader, rounds: int = 10) -> None:
    """What the background tick does over time: retry until the queue is empty."""
    for _ in range(rounds):
        if uploader.run(force=True).left == 0:
            return
    raise AssertionError(f"{uploader.store.outbox.count()} items never left the outbox")


def assert_exactly_once(backend: Any, user: str, store: Any, records: int) -> None:
    found = server_keys(backend, user)
    dupes = [k for k, n in Counter(found).items() if n > 1]
    assert dupes == []
    assert set(found) == expected_keys(store)
    assert store.records.count() == records  # nothing lost locally
    assert store.outbox.count() == 0


def test_thousand_offline_records_upload_in_one_sync(
    backend: Any,
    backend_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user, password, _ = backend_user
    config = config_for(backend)
    store = open_store()
    offline_records(store, 1000)
    store.notes.add("written offline", created_ms=1_790_000_000_000)
    assert store.outbox.count() == 1501  # 1000 records, 500 keystroke logs, 1 note

    login(config, user, password, monkeypatch)
    capsys.readouterr()
    # Made while signed out: they wait apart until the account holder takes them.
    assert cli_logs.sync_main(config, as_json=True) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 0
    assert server_keys(backend, user) == []
    assert cli_logs.sync_main(config, as_json=True, include_signed_out=True) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sent"] == 1501 and report["failed"] == 0 and report["left"] == 0
    assert_exactly_once(backend, user, store, 1000)
    assert "wrt/1790000000000.txt" in server_keys(backend, user)


@pytest.mark.parametrize(
    ("mode", "count", "delay"),
    [
        ("500", 6, None),
        ("timeout", 2, 0.2),
        ("close", 2, None),
        ("drop_after_store", 6, None),
        ("malformed", 6, None),
    ],
)
def test_faults_end_with_every_record_once(
    backend: Any, backend_user: Any, mode: str, count: int, delay: float | None
) -> None:
    user, password, _ = backend_user
    store = open_store()
    offline_records(store, 40)
    with build(config_for(backend), verify_interval=None) as auth:
        auth.session.sign_in(user, password)
        backend.set_fault("/saveLog", mode, count=count, delay=delay)
        uploader = Uploader(store, auth.api, workers=2)
        first = uploader.run(force=True)
        assert first.failed >= 1  # the fault was seen, not papered over
        failed_items = [i for i in store.outbox.items(1000) if i.attempts]
        assert failed_items and all(i.last_error for i in failed_items)
        drain(uploader)
    assert_exactly_once(backend, user, store, 40)


def test_backend_stopped_for_a_while(backend: Any, backend_user: Any) -> None:
    user, password, _ = backend_user
    store = open_store()
    offline_records(store, 30)
    with build(config_for(backend), verify_interval=None) as auth:
        auth.session.sign_in(user, password)
        with backend.outage():
            report = Uploader(store, auth.api).run(force=True)
            assert report.sent == 0 and report.left == 45
            assert report.paused and "not answering" in report.paused
        drain(Uploader(store, auth.api))
    assert_exactly_once(backend, user, store, 30)


def test_session_ending_in_the_middle_of_a_batch(backend: Any, backend_user: Any) -> None:
    user, password, _ = backend_user
    store = open_store()
    offline_records(store, 80, every_keys=1000)
    queued = store.outbox.count()
    with build(config_for(backend), verify_interval=None) as auth:
        auth.session.sign_in(user, password)
        token = auth.session.ensure_fresh()
        ended = []

        def end_session_elsewhere(progress: Any) -> None:
            if progress.done == 20 and not ended:  # another device signs out everywhere
                ended.append(
                    backend.http.post("/signOut", headers={"Authorization": f"Bearer {token}"})
                )

        report = Uploader(store, auth.api, workers=2).run(
            force=True, progress=end_session_elsewhere
        )
        assert ended and ended[0].status_code == 200
        assert report.paused and "session" in report.paused
        assert 20 <= report.sent < queued and report.left == queued - report.sent
        # Items stopped by the session are not blamed for it.
        assert all(i.attempts == 0 for i in store.outbox.items(1000))
        auth.session.sign_in(user, password)
        drain(Uploader(store, auth.api))
    assert_exactly_once(backend, user, store, 80)


def test_kill_9_of_handterm_sync_in_the_middle(
    backend: Any, backend_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from handterm_tui.config import Profile, write_profile

    user, password, _ = backend_user
    write_profile(Profile(**backend.profile()))
    from handterm_tui import config as config_mod

    config = config_mod.load()
    store = open_store()
    offline_records(store, 1500, every_keys=1000)
    login(config, user, password, monkeypatch)
    proc = subprocess.Popen(
        [sys.executable, "-m", "handterm_tui", "sync", "--include-signed-out"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while store.outbox.count() > 1200 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    left = store.outbox.count()
    assert 0 < left < 1500, "the kill should land in the middle of the batch"
    capsys.readouterr()
    assert cli_logs.sync_main(config, as_json=True, include_signed_out=True) in (0, 5)
    if store.outbox.count():
        assert cli_logs.sync_main(config, as_json=True) == 0
    assert_exactly_once(backend, user, store, 1500)
