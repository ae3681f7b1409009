"""Sessions belong to a handterm home: two people with their own HANDTERM_HOME under one
system account (one keyring) never share tokens; the default home keeps the session it had
before homes were part of the keyring entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from authkit import FakeAuth, MemoryKeyring, config_for

from handterm_tui.auth.factory import build
from handterm_tui.auth.session import SessionState
from handterm_tui.auth.store import SessionStore, StoreKind

pytestmark = pytest.mark.xdist_group("auth-e2e")


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("HANDTERM_HOME", str(home))


def test_two_homes_under_one_keyring_never_share_a_session(
    backend: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = MemoryKeyring()
    config = config_for(backend, token_store="auto")
    dana, dana_pw, _ = backend.new_user()
    bob, bob_pw, _ = backend.new_user()

    def system() -> Any:
        return build(config, keyring_backend=ring, verify_interval=None, probe_interval=None)

    use_home(monkeypatch, tmp_path / "dana")
    with system() as auth:
        auth.session.sign_in(dana, dana_pw)
        assert auth.store.kind is StoreKind.KEYRING

    use_home(monkeypatch, tmp_path / "bob")
    with system() as auth:
        assert auth.session.start().state is SessionState.SIGNED_OUT  # not dana's session
        auth.session.sign_in(bob, bob_pw)

    use_home(monkeypatch, tmp_path / "dana")
    with system() as auth:
        assert auth.session.start().username == dana
        assert auth.api.get_user().user_id  # dana's tokens work against the server
        assert auth.session.sign_out() == "Signed out everywhere."

    use_home(monkeypatch, tmp_path / "bob")
    with system() as auth:
        status = auth.session.start()
        assert (status.state, status.username) == (SessionState.SIGNED_IN, bob)
        assert auth.api.get_user().user_id  # dana's sign-out left bob signed in
    assert len(ring.data) == 1
    assert not any(key == "session:local" for _, key in ring.data)


def test_the_default_home_adopts_its_entry_from_before_homes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_auth: FakeAuth
) -> None:
    monkeypatch.delenv("HANDTERM_HOME")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    ring = MemoryKeyring()
    tokens = fake_auth.issue()
    ring.set_password("handterm", "session:local", json.dumps({"tokens": tokens.to_dict()}))

    store = SessionStore("local", path=tmp_path / "session.json", keyring_backend=ring)
    assert store.load() == tokens  # still signed in after the upgrade
    assert list(ring.data) == [("handterm", store.entry_name)]  # moved, once
    again = SessionStore("local", path=tmp_path / "session.json", keyring_backend=ring)
    assert again.load() == tokens
    again.clear()
    assert ring.data == {}


def test_a_default_home_sign_out_erases_the_entry_from_before_homes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_auth: FakeAuth
) -> None:
    monkeypatch.delenv("HANDTERM_HOME")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    ring = MemoryKeyring()
    ring.set_password(
        "handterm", "session:local", json.dumps({"tokens": fake_auth.issue().to_dict()})
    )
    store = SessionStore("local", path=tmp_path / "session.json", keyring_backend=ring)
    store.save(fake_auth.issue("bob"))  # signed in before ever loading the old entry
    store.clear()
    assert ring.data == {}


def test_a_named_home_leaves_the_entry_from_before_homes_alone(
    tmp_path: Path, fake_auth: FakeAuth
) -> None:
    """With HANDTERM_HOME set (as in every test) the old entry is the default home's."""
    ring = MemoryKeyring()
    record = json.dumps({"tokens": fake_auth.issue().to_dict()})
    ring.set_password("handterm", "session:local", record)
    store = SessionStore("local", path=tmp_path / "session.json", keyring_backend=ring)
    assert store.load() is None
    store.save(fake_auth.issue("bob"))
    store.clear()
    assert ring.data == {("handterm", "session:local"): record}
