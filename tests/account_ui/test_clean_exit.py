"""Quitting in the middle of work: the upload and the refresh stop, no thread is left behind,
nothing is lost, and nothing calls into the app after it has gone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from uikit import Clock, FakeAuth, fake_services, online_services

from handterm_tui.core.records import Record

pytestmark = pytest.mark.xdist_group("auth-e2e")


def threads_left(prefixes: tuple[str, ...], wait: float = 5.0) -> list[str]:
    """Names of threads still running after up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        left = [t.name for t in threading.enumerate() if t.name.startswith(prefixes)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


async def test_quitting_during_an_upload_loses_nothing(
    backend: Any, backend_user: Any, make_app: Callable[..., Any], store: Any
) -> None:
    user, password, _ = backend_user
    services = online_services(backend, store)
    services.auth().session.sign_in(user, password)
    owner = services.owner()
    for i in range(400):
        store.records.add(Record(line=f"echo {i}", name="echo", owner=owner))
    queued = store.outbox.count(owner=owner)
    backend.set_fault("/saveLog", "timeout", count=10_000, delay=0.05)  # a slow server
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.run_command("sync")
        deadline = time.monotonic() + 20
        while store.outbox.count(owner=owner) == queued and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.press("ctrl+q")  # in the middle of the upload
    backend.clear_faults()
    assert threads_left(("handterm-upload",)) == []
    left = store.outbox.count(owner=owner)
    assert 0 < left <= queued + 1  # stopped midway (+1: the `sync` line's own record)
    # Nothing lost: whatever did not go is still queued, and the next run sends it.
    again = online_services(backend, store)
    assert again.sync is not None and again.sync.run(force=True).left == 0
    again.close()


async def test_quitting_during_a_refresh_leaves_no_thread(
    make_app: Callable[..., Any], store: Any
) -> None:
    fake = FakeAuth(Clock(time.time()), lifetime=0.5)  # expired at once: the tick refreshes
    services, _ = fake_services(store, fake)
    session = services.auth().session
    session.sign_in("alice", "pw")
    release = threading.Event()
    entered = threading.Event()
    original = fake.refresh

    def slow_refresh(tokens: Any) -> Any:
        entered.set()
        release.wait(10)
        return original(tokens)

    fake.refresh = slow_refresh  # type: ignore[method-assign]
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test() as pilot:
        await pilot.pause()
        # A refresh in one of the app's thread workers, as its timer tick runs them.
        app.run_worker(session.refresh_now, thread=True, group="token-refresh")
        for _ in range(100):  # the loop must run for the worker to start
            if entered.is_set():
                break
            await pilot.pause(0.05)
        assert entered.is_set()
        await pilot.press("ctrl+q")  # while the refresh is in flight
    release.set()
    deadline = time.monotonic() + 5
    while session.status.refreshing and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not session.status.refreshing  # the refresh ran out; no flag left set for ever
    assert session.status.signed_in and session.refreshes == 1  # and nothing was lost
    assert threads_left(("handterm-upload",)) == []
