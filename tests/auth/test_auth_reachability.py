"""The status tells the truth: a failed call marks the server unreachable at once, probes
back off 2, 4, ... 30 s, and an idle signed-in session probes every 45 s, so the status is
right within 60 s of the server going away or coming back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from authkit import Clock, FakeAuth, config_for

from handterm_tui.api.errors import ApiError, Unreachable
from handterm_tui.auth.errors import ServiceUnreachable
from handterm_tui.auth.session import SessionManager, SessionState, SessionStatus
from handterm_tui.auth.store import SessionStore
from handterm_tui.online import OnlineServices
from handterm_tui.server.testing import BackendProcess, start_backend

TICK = 5.0  # the TUI's timer (ui/app.py TICK_SECONDS)


def manager(tmp_path: Path, auth: FakeAuth, clock: Clock, **options: object) -> SessionManager:
    store = SessionStore("p", mode="file", path=tmp_path / "s.json")
    options.setdefault("verify_interval", None)
    return SessionManager(auth, store, clock=clock, **options)  # type: ignore[arg-type]


def test_a_failed_call_marks_unreachable_at_once_and_a_probe_brings_it_back(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    seen: list[SessionStatus] = []
    m.subscribe(seen.append)

    m.report_unreachable("Cannot reach http://api (ConnectError).")
    status = m.status
    assert status.state is SessionState.UNREACHABLE and status.signed_in  # tokens kept
    assert status.message == "Cannot reach http://api (ConnectError)."
    assert status.next_attempt_at == clock.now + 2
    assert seen[-1].state is SessionState.UNREACHABLE  # the status bar is told at once

    m.report_unreachable("again")  # more failures while offline do not push the probe back
    assert m.status.next_attempt_at == clock.now + 2
    clock.advance(1)
    m.tick()
    assert fake_auth.check_calls == 0
    clock.advance(1)
    assert m.tick().state is SessionState.SIGNED_IN
    assert fake_auth.check_calls == 1
    assert m.status.message is None


def test_probes_back_off_up_to_30_seconds(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    fake_auth.check_fails_with = ServiceUnreachable()
    m.report_unreachable("down")
    start = clock.now
    probes: list[float] = []
    while clock.now - start < 120:
        clock.advance(1)
        calls = fake_auth.check_calls
        m.tick()
        if fake_auth.check_calls > calls:
            probes.append(clock.now - start)
    gaps = [b - a for a, b in zip([0.0, *probes], probes, strict=False)]
    assert gaps[:6] == [2, 4, 8, 16, 30, 30]
    assert m.state is SessionState.UNREACHABLE
    fake_auth.check_fails_with = None
    clock.advance(30)
    assert m.tick().state is SessionState.SIGNED_IN


def test_an_idle_session_probes_every_45_seconds(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(44)
    m.tick()
    assert fake_auth.check_calls == 0
    clock.advance(1)
    m.tick()
    assert fake_auth.check_calls == 1
    fake_auth.check_fails_with = ServiceUnreachable()  # the server goes away
    clock.advance(45)
    assert m.tick().state is SessionState.UNREACHABLE


def test_the_first_tick_after_start_probes_the_server(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    """A stored session says nothing about the server now: do not show "online" for 45 s."""
    m = manager(tmp_path, fake_auth, clock)
    m.store.save(fake_auth.issue())
    assert m.start().state is SessionState.SIGNED_IN
    fake_auth.check_fails_with = ServiceUnreachable()
    clock.advance(5)
    assert m.tick().state is SessionState.UNREACHABLE


def test_a_report_without_a_session_changes_nothing(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.report_unreachable("down")
    assert m.state is SessionState.SIGNED_OUT


# -- against the real local backend, stopped and started -----------------------------------


@pytest.fixture
def own_backend(tmp_path: Path) -> Iterator[BackendProcess]:
    proc = start_backend(tmp_path / "server")
    yield proc
    proc.stop()


def seconds_until(
    services: OnlineServices, clock: Clock, done: Callable[[], bool], limit: float = 120
) -> float:
    """Tick as the TUI does (every 5 s of the manager's clock) until ``done``."""
    waited = 0.0
    while not done():
        assert waited < limit, f"still {services.connection_label()!r} after {waited:.0f} s"
        clock.advance(TICK)
        waited += TICK
        services.tick()
    return waited


def test_the_status_follows_the_server_going_away_and_coming_back(
    own_backend: BackendProcess, store: Any
) -> None:
    user, password, _ = own_backend.new_user()
    clock = Clock(time.time())
    services = OnlineServices(config_for(own_backend), store, clock=clock, verify_interval=None)
    session = services.auth().session
    session.sign_in(user, password)
    assert services.connection_label() == "online"

    def offline() -> bool:
        return services.connection_label() == "offline, retrying"

    def online() -> bool:
        return services.connection_label() == "online"

    # Idle: nothing is called, yet the bar notices within a minute either way.
    own_backend.stop()
    assert seconds_until(services, clock, offline) <= 60
    own_backend.start()
    assert seconds_until(services, clock, online) <= 60

    # A call that fails says so at once, before any tick.
    own_backend.stop()
    with pytest.raises(Unreachable):
        services.auth().api.get_user()
    assert offline()
    clock.advance(60)  # a long outage: the probes back off to their cap
    for _ in range(6):
        clock.advance(TICK)
        services.tick()
    assert offline()
    own_backend.start()
    assert seconds_until(services, clock, online) <= 30 + TICK
    assert services.auth().api.get_user().user_id  # and calls work again
    services.close()


@pytest.mark.parametrize("fault", ["503", "close"])
def test_a_failed_upload_marks_unreachable_until_the_next_probe(
    backend: BackendProcess, backend_user: tuple[str, str, str], fault: str, store: Any
) -> None:
    user, password, _ = backend_user
    clock = Clock(time.time())
    services = OnlineServices(config_for(backend), store, clock=clock, verify_interval=None)
    services.auth().session.sign_in(user, password)
    backend.set_fault("/saveLog", fault)  # a gateway with nothing behind it / a dropped line
    with pytest.raises(ApiError):
        services.auth().api.save_log("probe/1", "{}", confirm=True)
    assert services.connection_label() == "offline, retrying"
    clock.advance(TICK)
    services.tick()  # the probe finds the server there
    assert services.connection_label() == "online"
    assert services.auth().api.save_log("probe/2", "{}")
    services.close()
