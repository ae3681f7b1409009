"""End to end against the local backend (real HTTP, hardened moto Cognito, 127.0.0.1 only)."""

from __future__ import annotations

import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from authkit import FailKeyring, HangingKeyring, config_for

from handterm_tui import paths
from handterm_tui.auth.errors import (
    CodeMismatch,
    SessionEnded,
    UserExists,
    UserNotConfirmed,
    WrongCredentials,
)
from handterm_tui.auth.factory import AuthSystem, build
from handterm_tui.auth.session import SessionState
from handterm_tui.auth.store import EndedSession, StoreKind
from handterm_tui.auth.tokens import jwt_claims

pytestmark = pytest.mark.xdist_group("auth-e2e")
# The two slow tests (token lifetimes must pass) go to other groups, so xdist runs them in
# parallel with the rest.
slow_short = pytest.mark.xdist_group("auth-short")


def system_for(backend: Any, **options: Any) -> AuthSystem:
    config_options = {
        k: options.pop(k) for k in ("auth", "token_store", "keyring_timeout") if k in options
    }
    options.setdefault("verify_interval", None)
    return build(config_for(backend, **config_options), **options)


class ExpirySpy(httpx.BaseTransport):
    """Real transport that records how much validity each bearer token had when sent."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.margins: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer "):
            self.margins.append(jwt_claims(header[7:])["exp"] - time.time())
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("auth", ["cognito", "api"])
def test_sign_up_verify_sign_in(backend: Any, auth: str) -> None:
    name = backend.unique_name("new")
    with system_for(backend, auth=auth) as system:
        result = system.authenticator.sign_up(name, "Passw0rd!x", f"{name}@example.com")
        assert not result.confirmed
        with pytest.raises(UserNotConfirmed):
            system.session.sign_in(name, "Passw0rd!x")
        with pytest.raises(UserExists):
            system.authenticator.sign_up(name, "Passw0rd!x", f"{name}@example.com")
        with pytest.raises(CodeMismatch):
            system.authenticator.confirm_sign_up(name, "000000")
        code = backend.last_code(name, "signup")
        assert code
        system.authenticator.confirm_sign_up(name, code)
        status = system.session.sign_in(name, "Passw0rd!x")
        assert status.state is SessionState.SIGNED_IN and status.username == name
        assert system.api.get_user().user_id == name


@pytest.mark.parametrize("auth", ["cognito", "api"])
def test_wrong_password_and_unconfirmed(backend: Any, auth: str) -> None:
    user, password, _ = backend.new_user()
    unconfirmed, password2, _ = backend.new_user(confirmed=False)
    with system_for(backend, auth=auth) as system:
        with pytest.raises(WrongCredentials):
            system.session.sign_in(user, password + "nope")
        with pytest.raises(WrongCredentials):
            system.session.sign_in(backend.unique_name("ghost"), password)
        with pytest.raises(UserNotConfirmed):
            system.session.sign_in(unconfirmed, password2)
        assert system.session.state is SessionState.SIGNED_OUT
        assert not paths.token_file().exists()


@slow_short
def test_session_kept_alive_across_many_lifetimes(short_backend: Any) -> None:
    """Drive tick() like the UI timer while calling the API: never an expired token sent."""
    user, password, _ = short_backend.new_user()
    spy = ExpirySpy()
    with system_for(short_backend, transport=spy) as system:
        status = system.session.sign_in(user, password)
        lifetime = status.expires_at - time.time()  # type: ignore[operator]
        assert lifetime <= 2
        deadline = time.time() + 5.5 * 2.0
        calls = 0
        while time.time() < deadline:
            system.session.tick()
            assert system.api.get_user().user_id == user
            calls += 1
            time.sleep(0.05)
        assert system.session.status.refreshes >= 5
        assert system.api.stats.retried == 0  # the server never refused a token
        assert min(spy.margins) > 0, "a call went out with an expired token"
        assert calls == len(spy.margins)


def test_403_refreshes_once_and_retries_once(backend: Any, backend_user: Any) -> None:
    user, password, _ = backend_user
    with system_for(backend) as system:
        system.session.sign_in(user, password)
        backend.set_fault("/getUser", "403", count=1)
        assert system.api.get_user().user_id == user
        assert system.api.stats.retried == 1
        assert system.session.status.refreshes == 1
        assert system.session.status.calls_retried == 1


def test_sign_out_elsewhere_ends_the_session(backend: Any, backend_user: Any) -> None:
    user, password, _ = backend_user
    here = system_for(backend)
    other = system_for(backend, token_path=paths.state_dir() / "other.json")
    with here, other:
        here.session.sign_in(user, password)
        other.session.sign_in(user, password)
        revoked_at = time.monotonic()
        assert other.session.sign_out() == "Signed out everywhere."
        with pytest.raises(SessionEnded):
            here.api.get_user()
        detected = time.monotonic() - revoked_at
        assert here.session.state is SessionState.SESSION_ENDED
        assert isinstance(here.store.load(), EndedSession)
        assert detected < 2.0


def test_periodic_check_detects_revocation_without_api_calls(
    backend: Any, backend_user: Any
) -> None:
    user, password, _ = backend_user
    with system_for(backend, verify_interval=0.5) as system:
        system.session.sign_in(user, password)
        backend.http.post(
            "/signOut",
            headers={"Authorization": f"Bearer {backend.sign_in(user, password)['AccessToken']}"},
        )
        revoked_at = time.monotonic()
        while system.session.state is not SessionState.SESSION_ENDED:
            assert time.monotonic() - revoked_at < 5
            system.session.tick()
            time.sleep(0.05)
        assert time.monotonic() - revoked_at < 2.0


@pytest.mark.xdist_group("auth-expiry")
def test_refresh_token_expiry_ends_session_nothing_lost(tmp_path: Path) -> None:
    from handterm_tui.server.testing import start_backend

    with start_backend(tmp_path / "srv", token_seconds=2, refresh_seconds=4) as srv:
        user, password, _ = srv.new_user()
        local = paths.data_dir() / "notes.txt"
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_text("my local work\n")
        with system_for(srv) as system:
            system.session.sign_in(user, password)
            started = time.monotonic()
            while system.session.state is not SessionState.SESSION_ENDED:
                assert time.monotonic() - started < 10
                system.session.tick()
                time.sleep(0.05)
            ended_after = time.monotonic() - started
            status = system.session.status
            assert 3 <= ended_after < 8
            assert status.message == (
                "Session ended — type `login` to sign in again. Nothing local was lost."
            )
            assert status.refreshes >= 1  # it was kept alive until the refresh token died
            assert isinstance(system.store.load(), EndedSession)
            assert "refresh_token" not in paths.token_file().read_text()
        assert local.read_text() == "my local work\n"


@slow_short
def test_backend_down_keeps_tokens_and_recovers(short_backend: Any) -> None:
    user, password, _ = short_backend.new_user()
    with system_for(short_backend, backoff_cap=1.0) as system:
        system.session.sign_in(user, password)
        stored = system.store.load()
        short_backend.stop()
        try:
            started = time.monotonic()
            while system.session.state is not SessionState.UNREACHABLE:
                assert time.monotonic() - started < 10
                system.session.tick()
                time.sleep(0.05)
            assert system.store.load() == stored  # tokens kept
            assert system.session.status.signed_in
        finally:
            short_backend.start()
        started = time.monotonic()
        while system.session.state is not SessionState.SIGNED_IN:
            assert time.monotonic() - started < 10
            system.session.tick()
            time.sleep(0.05)
        assert system.api.get_user().user_id == user


@pytest.mark.parametrize("ring", [HangingKeyring, FailKeyring])
def test_keyring_missing_or_hanging_uses_private_file(
    backend: Any, backend_user: Any, ring: type
) -> None:
    user, password, _ = backend_user
    keyring = ring()
    started = time.monotonic()
    with system_for(
        backend, token_store="auto", keyring_timeout=0.3, keyring_backend=keyring
    ) as system:
        status = system.session.sign_in(user, password)
        assert time.monotonic() - started < 3
        assert system.store.kind is StoreKind.FILE
        assert status.store_note and "readable only by you" in status.store_note
        token_file = paths.token_file()
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    if isinstance(keyring, HangingKeyring):
        keyring.release.set()


@pytest.fixture(scope="module")
def july(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from handterm_tui.server.testing import start_backend

    proc = start_backend(tmp_path_factory.mktemp("july"), compat="july2024")
    yield proc
    proc.stop()


@pytest.mark.parametrize("auth", ["cognito", "api"])
def test_july2024_backend(july: Any, auth: str) -> None:
    user, password, _ = july.new_user()  # email as username, auto-confirmed
    with system_for(july, auth=auth) as system:
        status = system.session.sign_in(user, password)
        assert status.state is SessionState.SIGNED_IN
        before = system.store.load()
        assert system.api.list_log("wrt") == []  # July: 200 {"body": []}
        system.api.save_log("wrt/1720632000000", "hello", "txt")
        assert system.api.get_log("wrt") == ["hello"]
        assert system.api.list_log("wrt")[0].endswith("wrt/1720632000000.txt")
        assert system.session.force_refresh(system.session.ensure_fresh())
        after = system.store.load()
        assert after.refresh_token == before.refresh_token  # type: ignore[union-attr]
        assert system.session.status.refreshes == 1
