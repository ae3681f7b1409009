"""Sign-out sticks: a refresh (or a store read) that finishes during a sign-out or a sign-in as
someone else never brings the old tokens back, in memory or on disk.

Each test forces one interleaving with events: a thread is held inside the authenticator's
refresh, the store's save or the store's load while the main thread signs out (or in), then
let go. No sleeps; the waits' timeouts only stop a broken build from hanging the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from authkit import Clock, FakeAuth, MemoryKeyring

from handterm_tui.auth.session import SessionManager, SessionState, SessionStatus
from handterm_tui.auth.store import SessionStore, Stored
from handterm_tui.auth.tokens import TokenSet

HANG = 10.0  # a safety net, never reached when the code is right


class Gate:
    """Holds one thread at a point until the test lets it go."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.go = threading.Event()

    def hold(self) -> None:
        self.reached.set()
        assert self.go.wait(HANG), "the test never let the thread go"

    def wait_reached(self) -> None:
        assert self.reached.wait(HANG), "the thread never reached the gate"


class GatedAuth(FakeAuth):
    """A refresh that stops at ``gate`` (once) before answering."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.gate: Gate | None = None

    def refresh(self, tokens: TokenSet) -> TokenSet:
        gate, self.gate = self.gate, None
        if gate is not None:
            gate.hold()
        return super().refresh(tokens)


class GatedStore(SessionStore):
    """A store whose next save of tokens, or next load, stops at a gate."""

    save_gate: Gate | None = None
    load_gate: Gate | None = None

    def save(self, item: Stored) -> None:
        gate = self.save_gate
        if gate is not None and isinstance(item, TokenSet):
            self.save_gate = None
            gate.hold()
        super().save(item)

    def load(self) -> Stored | None:
        found = super().load()
        gate, self.load_gate = self.load_gate, None
        if gate is not None:
            gate.hold()
        return found


def make_store(kind: str, tmp_path: Path) -> tuple[GatedStore, Callable[[], Any]]:
    """A gated store and a function returning every copy of the session it holds."""
    path = tmp_path / "session.json"
    if kind == "file":
        store = GatedStore("p", mode="file", path=path)
        return store, lambda: path.read_text() if path.exists() else None
    ring = MemoryKeyring()
    store = GatedStore("p", mode="keyring", path=path, keyring_backend=ring)
    return store, lambda: (dict(ring.data) or None) if not path.exists() else path.read_text()


def manager(store: SessionStore, auth: FakeAuth, clock: Clock) -> SessionManager:
    return SessionManager(auth, store, clock=clock, verify_interval=None, probe_interval=None)


def in_thread(fn: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def finish(thread: threading.Thread) -> None:
    thread.join(HANG)
    assert not thread.is_alive(), "a thread is stuck"


STORES = pytest.mark.parametrize("kind", ["file", "keyring"])


@STORES
def test_a_refresh_answering_after_sign_out_is_dropped(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    auth = GatedAuth(clock)
    store, copies = make_store(kind, tmp_path)
    m = manager(store, auth, clock)
    seen: list[SessionStatus] = []
    m.subscribe(seen.append)
    m.sign_in("alice", "pw")
    clock.advance(3600)  # expired: the next tick refreshes
    auth.gate = gate = Gate()
    ticking = in_thread(m.tick)
    gate.wait_reached()
    assert m.status.refreshing

    message = m.sign_out()  # while the refresh is at the server
    assert message == "Signed out everywhere."
    assert copies() is None
    gate.go.set()  # the server answers with fresh tokens
    finish(ticking)

    status = m.status
    assert status.state is SessionState.SIGNED_OUT
    assert status.username is None
    assert not status.refreshing  # used to stay true for ever
    assert seen[-1].state is SessionState.SIGNED_OUT and not seen[-1].refreshing
    assert m.wait_stored(HANG)
    assert copies() is None
    assert store.load() is None
    assert SessionStore("p", mode="file", path=tmp_path / "session.json").load() is None


@STORES
def test_sign_out_while_refreshed_tokens_are_being_saved(kind: str, tmp_path: Path) -> None:
    """The old bug: _succeed checked, then saved outside the lock; a sign-out in between
    erased the store, and the save wrote the tokens back (signed in at the next start)."""
    clock = Clock()
    auth = FakeAuth(clock)
    store, copies = make_store(kind, tmp_path)
    m = manager(store, auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(3600)
    store.save_gate = gate = Gate()
    ticking = in_thread(m.tick)
    gate.wait_reached()  # the refresh succeeded and its save has begun

    assert m.sign_out() == "Signed out everywhere."  # returns: never waits on that save
    assert m.status.state is SessionState.SIGNED_OUT
    gate.go.set()
    finish(ticking)

    assert m.wait_stored(HANG)
    assert m.status.state is SessionState.SIGNED_OUT
    assert not m.status.refreshing
    assert copies() is None
    assert manager(store, auth, clock).start().state is SessionState.SIGNED_OUT  # next run


@STORES
def test_sign_in_as_another_user_during_a_refresh(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    auth = GatedAuth(clock)
    store, _ = make_store(kind, tmp_path)
    m = manager(store, auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(3600)
    auth.gate = gate = Gate()
    ticking = in_thread(m.tick)
    gate.wait_reached()

    m.sign_in("bob", "pw")  # while alice's refresh is at the server
    gate.go.set()
    finish(ticking)

    assert m.wait_stored(HANG)
    status = m.status
    assert status.username == "bob" and status.state is SessionState.SIGNED_IN
    assert not status.refreshing
    stored = store.load()
    assert isinstance(stored, TokenSet) and stored.username == "bob"
    assert m.ensure_fresh() == stored.access_token


@STORES
def test_sign_in_as_another_user_while_a_refresh_is_being_saved(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    auth = FakeAuth(clock)
    store, _ = make_store(kind, tmp_path)
    m = manager(store, auth, clock)
    m.sign_in("alice", "pw")
    clock.advance(3600)
    store.save_gate = gate = Gate()
    ticking = in_thread(m.tick)
    gate.wait_reached()  # alice's refreshed tokens are being written

    m.sign_in("bob", "pw")
    gate.go.set()
    finish(ticking)

    assert m.wait_stored(HANG)
    assert m.status.username == "bob"
    stored = store.load()
    assert isinstance(stored, TokenSet) and stored.username == "bob"


def test_a_slow_start_does_not_undo_a_sign_out(tmp_path: Path) -> None:
    """start() reads the store in a worker; a sign-out meanwhile is newer than what it read."""
    clock = Clock()
    auth = FakeAuth(clock)
    store, copies = make_store("file", tmp_path)
    store.save(auth.issue("alice"))
    m = manager(store, auth, clock)
    store.load_gate = gate = Gate()
    starting = in_thread(m.start)
    gate.wait_reached()  # the stored tokens are read, not yet installed

    m.sign_out()
    gate.go.set()
    finish(starting)

    assert m.status.state is SessionState.SIGNED_OUT
    assert copies() is None
