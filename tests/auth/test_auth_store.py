from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from authkit import FailKeyring, FakeAuth, HangingKeyring, MemoryKeyring

from handterm_tui.auth.errors import StoreUnavailable
from handterm_tui.auth.store import EndedSession, SessionStore, StoreKind


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_store_is_private_and_round_trips(tmp_path: Path, fake_auth: FakeAuth) -> None:
    path = tmp_path / "state" / "session.json"
    store = SessionStore("p", mode="file", path=path)
    tokens = fake_auth.issue()
    store.save(tokens)
    assert store.kind is StoreKind.FILE
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700
    assert store.load() == tokens
    assert "readable only by you" in store.describe()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_temp_file_is_created_0600_before_the_rename(
    tmp_path: Path, fake_auth: FakeAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real_replace = os.replace

    def spy(src: str | Path, dst: str | Path) -> None:
        seen.append(mode_of(Path(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    SessionStore("p", mode="file", path=tmp_path / "s.json").save(fake_auth.issue())
    assert seen == [0o600]


def test_loose_permissions_are_tightened(tmp_path: Path, fake_auth: FakeAuth) -> None:
    path = tmp_path / "s.json"
    store = SessionStore("p", mode="file", path=path)
    store.save(fake_auth.issue())
    path.chmod(0o644)
    assert store.load() is not None
    assert mode_of(path) == 0o600


def test_keyring_used_when_it_answers(tmp_path: Path, fake_auth: FakeAuth) -> None:
    ring = MemoryKeyring()
    path = tmp_path / "s.json"
    store = SessionStore("p", path=path, keyring_backend=ring)
    tokens = fake_auth.issue()
    store.save(tokens)
    assert store.kind is StoreKind.KEYRING
    assert "OS keyring" in store.describe()
    assert not path.exists()  # nothing in a file
    assert SessionStore("p", path=path, keyring_backend=ring).load() == tokens
    store.clear()
    assert ring.data == {}


def test_hanging_keyring_falls_back_to_file_within_timeout(
    tmp_path: Path, fake_auth: FakeAuth
) -> None:
    ring = HangingKeyring()
    path = tmp_path / "s.json"
    store = SessionStore("p", path=path, keyring_backend=ring, keyring_timeout=0.2)
    started = time.monotonic()
    store.save(fake_auth.issue())
    assert time.monotonic() - started < 1.5
    ring.release.set()
    assert store.kind is StoreKind.FILE
    assert "did not answer within 0.2 s" in store.describe()
    assert mode_of(path) == 0o600


@pytest.mark.parametrize("ring", [FailKeyring(), None])
def test_no_keyring_means_file(tmp_path: Path, fake_auth: FakeAuth, ring: object) -> None:
    # None: the real keyring package, which finds no backend on a headless test box
    # (keyring.backends.fail.Keyring) unless a developer has one: then it is used.
    store = SessionStore("p", path=tmp_path / "s.json", keyring_backend=ring)
    if ring is None and store.kind is StoreKind.KEYRING:
        pytest.skip("this machine has a working OS keyring")
    store.save(fake_auth.issue())
    assert store.kind is StoreKind.FILE
    assert "no OS keyring" in store.describe()


def test_forced_keyring_without_one_is_an_error(tmp_path: Path) -> None:
    store = SessionStore(
        "p", mode="keyring", path=tmp_path / "s.json", keyring_backend=FailKeyring()
    )
    with pytest.raises(StoreUnavailable):
        store.load()


def test_keyring_failing_on_write_falls_back(tmp_path: Path, fake_auth: FakeAuth) -> None:
    class Broken(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise RuntimeError("dbus gone")

    path = tmp_path / "s.json"
    store = SessionStore("p", path=path, keyring_backend=Broken())
    store.save(fake_auth.issue())
    assert store.kind is StoreKind.FILE
    assert path.exists()


def test_clear_erases_every_copy(tmp_path: Path, fake_auth: FakeAuth) -> None:
    ring = MemoryKeyring()
    path = tmp_path / "s.json"
    SessionStore("p", mode="file", path=path).save(fake_auth.issue())
    store = SessionStore("p", path=path, keyring_backend=ring)
    record = json.dumps({"tokens": fake_auth.issue().to_dict()})
    ring.set_password("handterm", store.entry_name, record)
    store.clear()
    assert ring.data == {}
    assert not path.exists()


def test_profiles_are_separate_and_marker_holds_no_token(
    tmp_path: Path, fake_auth: FakeAuth
) -> None:
    path = tmp_path / "s.json"
    a = SessionStore("a", mode="file", path=path)
    b = SessionStore("b", mode="file", path=path)
    tokens = fake_auth.issue()
    a.save(tokens)
    b.save(fake_auth.issue("bob"))
    a.mark_ended("alice", "revoked", at=5.0)
    assert a.load() == EndedSession("alice", 5.0, "revoked")
    assert b.load() is not None
    assert json.loads(path.read_text())["profiles"]["a"] == {
        "ended": {"username": "alice", "ended_at": 5.0, "reason": "revoked"}
    }
    b.clear()
    assert isinstance(a.load(), EndedSession)
