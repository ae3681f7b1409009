"""Snapshots of the login, signup and session screens at 80x24 (one under NO_COLOR).

No backend: a scripted authenticator answers, the session figures come from a fixed status
and a frozen clock, the cursor does not blink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from uikit import FakeAuth, fake_services, settle

from handterm_tui.auth.errors import WrongCredentials
from handterm_tui.auth.session import DAY, SessionState, SessionStatus
from handterm_tui.auth.tokens import TokenSet
from handterm_tui.commands.account import SessionControls

SIZE = (80, 24)
NOW = 1_795_000_000.0  # frozen "now" for the session screen (TZ is UTC in tests)


class RefusingAuth(FakeAuth):
    def sign_in(self, username: str, password: str) -> TokenSet:
        raise WrongCredentials()


class FrozenControls(SessionControls):
    """The session screen's source with a fixed status and clock."""

    def __init__(self, ctx: Any, status: SessionStatus) -> None:
        super().__init__(ctx, clock=lambda: NOW)
        self.fixed = status

    def current(self) -> SessionStatus:
        return self.fixed

    def load(self) -> SessionStatus:
        return self.fixed


def signed_in_status() -> SessionStatus:
    issued = NOW - 3 * 3600
    return SessionStatus(
        state=SessionState.SIGNED_IN,
        username="alice",
        expires_at=NOW + 14 * 60 + 51,
        last_refresh_at=NOW - 9,
        refresh_issued_at=issued,
        refresh_expected_expiry=issued + 30 * DAY,
        refresh_validity_days=30,
        store_kind="file",
        store_note="Tokens are kept in ~/.local/state/handterm/session.json (readable only "
        "by you): no OS keyring answered.",
        refreshes=3,
        calls_retried=1,
        profile="local",
    )


def app_with_fake(make_app: Callable[..., Any], store: Any, auth: Any = None) -> Any:
    services, _ = fake_services(store, auth)
    return make_app(config=services.config, store=store, services=services)


def test_login_screen(snap_compare: Any, make_app: Callable[..., Any], store: Any) -> None:
    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("login")
        await settle(pilot)
        await pilot.press(*"alice", "enter", *"secret")

    assert snap_compare(app_with_fake(make_app, store), run_before=run_before, terminal_size=SIZE)


def test_login_screen_wrong_password(
    snap_compare: Any, make_app: Callable[..., Any], store: Any
) -> None:
    from uikit import Clock

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("login", {"username": "alice"})
        await settle(pilot)
        await pilot.press(*"wrong-one", "enter")
        await settle(pilot)

    app = app_with_fake(make_app, store, RefusingAuth(Clock(NOW)))
    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_signup_screen_policy(snap_compare: Any, make_app: Callable[..., Any], store: Any) -> None:
    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("signup")
        await settle(pilot)
        await pilot.press(*"alice", "enter", *"alice@example.com", "enter")
        await pilot.press(*"weakpass1", "enter", *"weakpass1", "enter")
        await pilot.pause()

    assert snap_compare(app_with_fake(make_app, store), run_before=run_before, terminal_size=SIZE)


def test_signup_screen_verify(snap_compare: Any, make_app: Callable[..., Any], store: Any) -> None:
    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("signup")
        await settle(pilot)
        await pilot.press(*"alice", "enter", *"alice@example.com", "enter")
        await pilot.press(*"Passw0rd!x", "enter", *"Passw0rd!x", "enter")
        await settle(pilot)
        await pilot.press(*"123")

    assert snap_compare(app_with_fake(make_app, store), run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("no_color", [False, True], ids=["color", "no_color"])
def test_session_screen(
    snap_compare: Any,
    make_app: Callable[..., Any],
    store: Any,
    monkeypatch: pytest.MonkeyPatch,
    no_color: bool,
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Any) -> None:
        controls = FrozenControls(pilot.app.ctx, signed_in_status())
        pilot.app.open_screen("session", {"controls": controls})
        await settle(pilot)

    assert snap_compare(app_with_fake(make_app, store), run_before=run_before, terminal_size=SIZE)


def test_session_screen_ended(snap_compare: Any, make_app: Callable[..., Any], store: Any) -> None:
    status = SessionStatus(
        state=SessionState.SESSION_ENDED,
        username="alice",
        refresh_validity_days=30,
        message="Session ended — type `login` to sign in again. Nothing local was lost.",
        refreshes=12,
        profile="local",
    )

    async def run_before(pilot: Any) -> None:
        pilot.app.open_screen("session", {"controls": FrozenControls(pilot.app.ctx, status)})
        await settle(pilot)

    assert snap_compare(app_with_fake(make_app, store), run_before=run_before, terminal_size=SIZE)


def test_session_sign_out_asks_first(
    snap_compare: Any, make_app: Callable[..., Any], store: Any
) -> None:
    """`s` on the session screen asks; Cancel, the safe answer, has the focus."""

    async def run_before(pilot: Any) -> None:
        pilot.app.ctx.services.auth().session.sign_in("alice", "pw")
        controls = FrozenControls(pilot.app.ctx, signed_in_status())
        pilot.app.open_screen("session", {"controls": controls})
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(app_with_fake(make_app, store), run_before=run_before, terminal_size=SIZE)
