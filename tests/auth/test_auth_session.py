from __future__ import annotations

import threading
from pathlib import Path

import pytest
from authkit import Clock, FakeAuth

from handterm_tui.auth.errors import (
    LimitExceeded,
    NotSignedIn,
    ServiceUnreachable,
    SessionEnded,
    TokenRejected,
)
from handterm_tui.auth.session import SessionManager, SessionState, SessionStatus
from handterm_tui.auth.store import EndedSession, SessionStore
from handterm_tui.auth.tokens import TokenSet


def manager(tmp_path: Path, auth: FakeAuth, clock: Clock, **options: object) -> SessionManager:
    store = SessionStore("p", mode="file", path=tmp_path / "s.json")
    options.setdefault("verify_interval", None)
    return SessionManager(auth, store, clock=clock, **options)  # type: ignore[arg-type]


def test_sign_in_saves_tokens_and_reports(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    seen: list[SessionStatus] = []
    m = manager(tmp_path, fake_auth, clock)
    m.subscribe(seen.append)
    status = m.sign_in("alice", "pw")
    assert status.state is SessionState.SIGNED_IN
    assert status.username == "alice"
    assert status.expires_at == int(clock.now) + 3600
    assert status.refresh_expected_expiry == status.refresh_issued_at + 30 * 86400  # type: ignore[operator]
    assert status.store_kind == "file"
    assert seen and seen[-1].state is SessionState.SIGNED_IN
    assert m.store.load() is not None


def test_refresh_happens_in_the_early_window_only(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(3600 - 301)  # window = min(300 s, 20% of 3600 s) = 300 s
    m.tick()
    assert fake_auth.refresh_calls == 0
    clock.advance(2)
    status = m.tick()
    assert fake_auth.refresh_calls == 1
    assert status.refreshes == 1
    assert status.expires_at == int(clock.now) + 3600
    m.tick()
    assert fake_auth.refresh_calls == 1


def test_short_tokens_use_a_fraction_of_their_lifetime(tmp_path: Path, clock: Clock) -> None:
    auth = FakeAuth(clock, lifetime=10)
    m = manager(tmp_path, auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(7.9)
    m.tick()
    assert auth.refresh_calls == 0
    clock.advance(0.2)  # past exp - 2 s (20% of 10 s)
    m.tick()
    assert auth.refresh_calls == 1


def test_sleep_past_expiry_refreshes_on_the_next_tick(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(5 * 86400)  # laptop slept for days
    assert m.tick().state is SessionState.SIGNED_IN
    assert fake_auth.refresh_calls == 1


def test_start_refreshes_an_expired_stored_session(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    manager(tmp_path, fake_auth, clock).sign_in("alice", "pw")
    clock.advance(7200)
    m = manager(tmp_path, fake_auth, clock)
    status = m.start()
    assert fake_auth.refresh_calls == 1
    assert status.state is SessionState.SIGNED_IN
    assert status.seconds_left(clock.now) == pytest.approx(3600, abs=1)


def test_network_faults_keep_tokens_and_back_off(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock, backoff_cap=16)
    m.sign_in("alice", "pw")
    clock.advance(3500)
    fake_auth.fail_with = ServiceUnreachable()
    delays = []
    for _ in range(6):
        status = m.tick()
        assert status.state is SessionState.UNREACHABLE
        assert status.next_attempt_at is not None
        delays.append(status.next_attempt_at - clock.now)
        m.tick()  # within the interval: no attempt
        clock.advance(delays[-1])
    assert delays == [2, 4, 8, 16, 16, 16]
    assert fake_auth.refresh_calls == 6
    assert isinstance(m.store.load(), TokenSet)  # tokens kept while offline
    fake_auth.fail_with = None
    assert m.tick().state is SessionState.SIGNED_IN


def test_expired_and_offline_sends_nothing_stale(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    fake_auth.fail_with = ServiceUnreachable()
    clock.advance(3500)  # due but still valid: the old token is fine
    token = m.ensure_fresh()
    assert token
    clock.advance(200)  # expired
    with pytest.raises(ServiceUnreachable):
        m.ensure_fresh()
    calls = fake_auth.refresh_calls
    with pytest.raises(ServiceUnreachable):
        m.ensure_fresh()  # inside the backoff: fails fast, no new attempt
    assert fake_auth.refresh_calls == calls


def test_refused_refresh_ends_session_and_keeps_a_marker(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    fake_auth.fail_with = SessionEnded()
    clock.advance(3600)
    status = m.tick()
    assert status.state is SessionState.SESSION_ENDED
    assert status.username == "alice"
    assert (
        status.message == "Session ended — type `login` to sign in again. Nothing local was lost."
    )
    stored = m.store.load()
    assert isinstance(stored, EndedSession) and stored.username == "alice"
    assert "refresh-1" not in (tmp_path / "s.json").read_text()
    with pytest.raises(SessionEnded):
        m.ensure_fresh()
    again = manager(tmp_path, fake_auth, clock).start()
    assert again.state is SessionState.SESSION_ENDED


def test_single_flight_under_concurrency(tmp_path: Path, fake_auth: FakeAuth, clock: Clock) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(3590)
    fake_auth.refresh_delay = 0.2
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(m.ensure_fresh())) for _ in range(8)]
    ticker = threading.Thread(target=m.tick)
    for t in [*threads, ticker]:
        t.start()
    for t in [*threads, ticker]:
        t.join()
    assert fake_auth.refresh_calls == 1
    assert len(set(results)) == 1


def test_force_refresh_once_per_rejected_token(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    old = m.ensure_fresh()
    new = m.force_refresh(old)
    assert new != old
    assert m.force_refresh(old) == new  # a second caller with the same stale token
    assert fake_auth.refresh_calls == 1
    assert m.status.calls_retried == 2
    m.token_rejected(new)
    assert m.state is SessionState.SESSION_ENDED


def test_force_refresh_ignores_backoff(tmp_path: Path, fake_auth: FakeAuth, clock: Clock) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(3500)
    fake_auth.fail_with = LimitExceeded()
    m.tick()
    assert m.state is SessionState.UNREACHABLE
    fake_auth.fail_with = None
    old = m.status
    assert m.force_refresh(m.ensure_fresh()) and m.status.refreshes == old.refreshes + 1


def test_periodic_check_notices_revocation(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock, verify_interval=60)
    m.sign_in("alice", "pw")
    clock.advance(30)
    m.tick()
    assert fake_auth.check_calls == 0
    clock.advance(31)
    m.tick()
    assert fake_auth.check_calls == 1
    fake_auth.check_fails_with = TokenRejected()
    fake_auth.fail_with = SessionEnded()
    clock.advance(61)
    assert m.tick().state is SessionState.SESSION_ENDED


def test_check_recovers_from_unreachable(tmp_path: Path, fake_auth: FakeAuth, clock: Clock) -> None:
    m = manager(tmp_path, fake_auth, clock, verify_interval=60)
    m.sign_in("alice", "pw")
    fake_auth.check_fails_with = ServiceUnreachable()
    clock.advance(61)
    assert m.tick().state is SessionState.UNREACHABLE
    fake_auth.check_fails_with = None
    clock.advance(2)
    assert m.tick().state is SessionState.SIGNED_IN


def test_clock_skew_is_corrected(tmp_path: Path, clock: Clock) -> None:
    server = Clock(clock.now + 7200)  # our clock is two hours behind the server's
    auth = FakeAuth(server)
    m = manager(tmp_path, auth, clock)
    status = m.sign_in("alice", "pw")
    assert status.seconds_left(clock.now) == pytest.approx(3600, abs=1)
    clock.advance(100)
    server.advance(100)
    m.tick()
    assert auth.refresh_calls == 0


def test_sign_out_tells_server_and_erases(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    assert m.sign_out() == "Signed out everywhere."
    assert fake_auth.sign_outs
    assert m.store.load() is None
    assert not (tmp_path / "s.json").exists()
    with pytest.raises(NotSignedIn):
        m.ensure_fresh()


def test_listener_errors_do_not_break_the_manager(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)

    def boom(status: SessionStatus) -> None:
        raise RuntimeError("ui gone")

    unsubscribe = m.subscribe(boom)
    m.sign_in("alice", "pw")
    unsubscribe()
    assert m.state is SessionState.SIGNED_IN


def test_change_password_retries_once_with_fresh_token(
    tmp_path: Path, fake_auth: FakeAuth, clock: Clock
) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    m.change_password("old", "new")
    with pytest.raises(TokenRejected):
        m.change_password("wrong", "new")
    assert fake_auth.refresh_calls == 1


def test_status_json_is_stable(tmp_path: Path, fake_auth: FakeAuth, clock: Clock) -> None:
    m = manager(tmp_path, fake_auth, clock)
    m.sign_in("alice", "pw")
    data = m.status.as_dict(now=clock.now)
    assert data["state"] == "signed_in"
    assert data["seconds_left"] == 3600
    assert data["expires_at"].endswith("Z")
    assert set(data) >= {"username", "refresh_expected_expiry", "store_kind", "message"}


def test_last_refresh_is_never_stale_across_processes(
    fake_auth: FakeAuth, clock: Clock, tmp_path: Path
) -> None:
    """A refresh made by another handterm sharing the token store shows in this one's status
    (the access token's issue time), instead of "none yet"."""
    path = tmp_path / "session.json"
    first = SessionManager(fake_auth, SessionStore("p", mode="file", path=path), clock=clock)
    first.sign_in("alice", "pw")
    assert first.status.last_refresh_at is None  # none since signing in: true
    clock.advance(600)
    first.refresh_now()
    second = SessionManager(fake_auth, SessionStore("p", mode="file", path=path), clock=clock)
    second.start()
    assert second.status.last_refresh_at == pytest.approx(clock(), abs=1)
