"""The sign-in screens as a user drives them, against the local backend (and a fake for the
challenge flow): sign in, wrong password, unconfirmed, sign-up with verify, the session screen."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from uikit import answer_choice, fake_services, screen_text, settle

from handterm_tui.ui.screens.login import LoginScreen
from handterm_tui.ui.screens.session import SessionScreen
from handterm_tui.ui.screens.signup import SignupScreen
from handterm_tui.ui.screens.terminal import TerminalScreen

pytestmark = pytest.mark.xdist_group("auth-e2e")

SIZE = (80, 24)


async def type_into(pilot: Any, selector: str, text: str) -> None:
    await pilot.click(selector)
    await pilot.press(*text)


def records(store: Any) -> list[Any]:
    return list(reversed(store.records.page(limit=50).records))


@pytest.fixture
def log_file(handterm_home: Path) -> Iterator[Path]:
    """handterm's real log file set-up (as `handterm` runs it), undone afterwards."""
    from handterm_tui import paths
    from handterm_tui.cli import setup_logging

    root = logging.getLogger("handterm")
    before = list(root.handlers), root.level, root.propagate
    setup_logging()
    yield paths.log_file()
    for handler in root.handlers:
        if handler not in before[0]:
            handler.close()
    root.handlers, root.level, root.propagate = before


async def test_sign_in_through_the_screen(
    backend: Any,
    online_services: Any,
    make_app: Callable[..., Any],
    store: Any,
    handterm_home: Path,
    log_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    password = f"Sc-{uuid.uuid4().hex[:10]}!A1"
    user, _, _ = backend.new_user(password=password)
    caplog.set_level(logging.DEBUG)
    services = online_services(backend, store)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.run_command("login")  # what the palette's "Run: login" does
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await type_into(pilot, "#username", user)
        await pilot.press("enter")  # to the password field
        await pilot.press(*password)
        assert app.screen.query_one("#password").value == password
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, TerminalScreen)
        terminal = app.screen
        assert terminal.query_one("#status").user == user
        shown = screen_text(app)
        assert f"{user}@handterm" in shown  # the prompt
        assert f"Signed in as {user}." in shown  # the record in the scrollback
        assert password not in shown

    lines = [r.line for r in records(store)]
    assert lines == [f"login {user}"]  # one record, no password, nothing recorded twice
    assert records(store)[0].status == 200
    assert records(store)[0].keystrokes == []  # nothing typed on the screen is timed
    assert all(password not in line for line in store.records.history_lines(50))
    leaks = [
        str(path)
        for path in handterm_home.rglob("*")
        if path.is_file() and password.encode() in path.read_bytes()
    ]
    assert leaks == []
    assert log_file.exists() and f"signed in as {user}" in log_file.read_text()
    assert password not in caplog.text


async def test_wrong_password_keeps_the_form(
    backend: Any,
    backend_user: Any,
    online_services: Any,
    make_app: Callable[..., Any],
    store: Any,
) -> None:
    user, password, _ = backend_user
    services = online_services(backend, store)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        app.run_command("login")
        await settle(pilot)
        await type_into(pilot, "#username", user)
        await type_into(pilot, "#password", password + "x")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        text = screen_text(app)
        assert "✗ Incorrect username or password." in text
        assert app.screen.query_one("#username").value == user  # kept
        assert app.screen.query_one("#password").value == ""  # the secret is not kept
        assert app.screen.query_one("#password").has_focus

        await pilot.press(*password, "enter")  # try again in the same form
        await settle(pilot)
        assert services.username == user
        # The failed attempt was made while signed out: offered, and kept apart by default.
        asked = await answer_choice(pilot, None)
        assert "1 record made while signed out" in asked and user in asked
        assert isinstance(app.screen, TerminalScreen)
    assert [(r.line, r.status) for r in records(store)] == [
        (f"login {user}", 401),
        (f"login {user}", 200),
    ]
    first, second = records(store)
    assert first.owner.account is None and second.owner.account == services.owner().account
    assert "Kept apart" in second.response


async def test_escape_cancels_without_a_record(make_app: Callable[..., Any], store: Any) -> None:
    services, _ = fake_services(store)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        app.run_command("login")
        await settle(pilot)
        await pilot.press(*"alice", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TerminalScreen)
    assert records(store) == []


async def test_new_password_challenge_is_answered_in_the_form(
    make_app: Callable[..., Any], store: Any
) -> None:
    services, _ = fake_services(store)  # FakeAuth asks for a new password for "challenge"
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen("login", {"username": "alice"})
        await settle(pilot)
        await pilot.press(*"challenge", "enter")  # focus starts in the password field
        await settle(pilot)
        assert "A new password is required" in screen_text(app)
        await pilot.press(*"weakpass", "enter", *"weakpass", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)  # the policy is checked before sending
        assert "The password needs an uppercase letter" in screen_text(app)
        await pilot.press(*"N3w-Passw0rd!", "enter", *"N3w-Passw0rd!", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TerminalScreen)
        assert app.screen.query_one("#status").user == "alice"
    assert [(r.line, r.status) for r in records(store)] == [("login alice", 200)]
    assert all("N3w-Passw0rd!" not in r.dumps() for r in records(store))


async def test_unconfirmed_user_is_offered_verify_then_signs_in(
    backend: Any, online_services: Any, make_app: Callable[..., Any], store: Any
) -> None:
    user, password, _ = backend.new_user(confirmed=False)
    services = online_services(backend, store)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen("login", {"username": user})
        await settle(pilot)
        await pilot.press(*password, "enter")
        await settle(pilot)
        assert "not confirmed yet" in screen_text(app)
        await pilot.click("#verify")
        await pilot.pause()
        assert isinstance(app.screen, SignupScreen)
        code = backend.last_code(user, "signup")
        assert code
        await pilot.press(*code, "enter")
        await settle(pilot)
        assert "✓" in screen_text(app) and f"login {user}" in screen_text(app)
        await pilot.click("#login")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#username").value == user
        await pilot.press(*password, "enter")
        await settle(pilot)
        assert services.username == user
        asked = await answer_choice(pilot, "add")  # what was typed before signing in joins
        assert "2 records made while signed out" in asked
    assert [r.line.split()[0] for r in records(store)] == ["login", "verify", "login"]
    account = services.owner().account
    assert account and all(r.owner.account == account for r in records(store))


async def test_signup_checks_the_policy_then_verifies(
    backend: Any, online_services: Any, make_app: Callable[..., Any], store: Any
) -> None:
    name = backend.unique_name("scr")
    services = online_services(backend, store)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        app.run_command("signup")
        await settle(pilot)
        assert isinstance(app.screen, SignupScreen)
        await type_into(pilot, "#username", name)
        await type_into(pilot, "#email", f"{name}@example.com")
        await type_into(pilot, "#password", "weakpass")
        await type_into(pilot, "#again", "weakpass")
        text = screen_text(app)
        assert "✗ A-Z" in text and "✓ a-z" in text and "✓ repeated" in text
        await pilot.press("enter")
        await pilot.pause()
        assert "The password needs an uppercase letter, a digit, a symbol" in screen_text(app)
        assert records(store) == []  # nothing was sent

        await type_into(pilot, "#password", "Passw0rd!x")
        await type_into(pilot, "#again", "Passw0rd!x")
        assert "✗" not in app.screen.query_one("#policy").content.plain
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert f"Account {name} created" in text  # the server's words
        code = backend.last_code(name, "signup")
        await pilot.press(*"000000", "enter")
        await settle(pilot)
        assert "code" in app.screen.query_one("#note").text.lower()
        assert app.screen.query_one("#note").kind == "error"
        await pilot.press("f4")  # a new code
        await settle(pilot)
        assert "new code was sent" in screen_text(app)
        code = backend.last_code(name, "signup")
        await type_into(pilot, "#code", code)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#note").kind == "ok"
    lines = [r.line for r in records(store)]
    assert lines[0] == f"signup {name} {name}@example.com"
    assert lines[1:] == [f"verify {name} 000000", f"resend {name}", f"verify {name} {code}"]
    assert all("Passw0rd!x" not in r.line + r.response for r in records(store))


async def test_session_screen_refresh_and_sign_out(
    backend: Any,
    backend_user: Any,
    online_services: Any,
    make_app: Callable[..., Any],
    store: Any,
) -> None:
    user, password, _ = backend_user
    services = online_services(backend, store)
    services.auth().session.sign_in(user, password)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.run_command("session")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        text = screen_text(app)
        assert user in text and "✓ signed in" in text
        for label in ("Access token", "Last refresh", "Refresh token", "Expected expiry"):
            assert label in text
        assert "validity 1 day" in text and "Tokens are kept in" in text
        assert "0 made" in text

        await pilot.press("r")
        await settle(pilot)
        assert "Refreshed" in app.screen.query_one("#note").text
        assert "1 made" in screen_text(app)

        await pilot.press("s")  # asks first, and what to do with what still waits
        await settle(pilot)
        asked = await answer_choice(pilot, "keep")
        assert f"Sign {user} out everywhere? {user} has 1 item still waiting" in asked
        await settle(pilot)
        note = app.screen.query_one("#note").text
        assert "Signed out everywhere." in note and f"Kept here for {user}: 1 item" in note
        assert "○ not signed in" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#status").user is None
    assert [r.line for r in records(store)] == ["session", "logout"]


async def test_offline_mode_says_how_to_get_a_server(
    make_app: Callable[..., Any], store: Any
) -> None:
    app = make_app(store=store)  # no profile configured
    async with app.run_test(size=SIZE) as pilot:
        app.run_command("login")
        await settle(pilot)
        assert isinstance(app.screen, TerminalScreen)
        assert "handterm serve-local --write-profile local" in screen_text(app)
        app.open_screen("session")
        await pilot.pause()
        assert "serve-local --write-profile local" in screen_text(app)


async def test_logout_at_the_prompt_asks_about_waiting_items_and_forgets_the_user(
    backend: Any,
    backend_user: Any,
    online_services: Any,
    make_app: Callable[..., Any],
    store: Any,
) -> None:
    from handterm_tui.ui.widgets.scrollback import Scrollback

    user, password, _ = backend_user
    services = online_services(backend, store)
    services.auth().session.sign_in(user, password)
    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.run_command("wrt only for my account")
        await settle(pilot)
        app.run_command("logout")
        await settle(pilot)
        asked = await answer_choice(pilot, None)  # Esc: the safe answer changes nothing
        assert "still waiting to upload" in asked
        await settle(pilot)
        assert services.username == user
        app.run_command("logout")
        await settle(pilot)
        await answer_choice(pilot, "upload")
        await settle(pilot)
        assert services.username is None
        shown = "\n".join(str(w.render()) for w in app.terminal.query_one(Scrollback).children)
        assert "only for my account" not in shown  # the next person does not see it
        assert "Signed out: showing only what was made here while signed out" in shown
    keys = [k for k in server_keys_of(backend, user) if k.startswith("wrt/")]
    assert len(keys) == 1


def server_keys_of(backend: Any, user: str) -> list[str]:
    sys_path = str(Path(__file__).resolve().parent.parent / "sync")
    import sys

    if sys_path not in sys.path:
        sys.path.insert(0, sys_path)
    from synckit import server_keys

    return list(server_keys(backend, user))
