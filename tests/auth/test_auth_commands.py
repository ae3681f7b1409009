"""The account prompt commands through the command runner, against the local backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from authkit import config_for

from handterm_tui.app_factory import open_store
from handterm_tui.commands import Runner
from handterm_tui.commands.base import Context
from handterm_tui.online import OnlineServices

pytestmark = pytest.mark.xdist_group("auth-e2e")


@pytest.fixture
def runner(backend: Any) -> Iterator[Runner]:
    config = config_for(backend)
    store = open_store()
    services = OnlineServices(config, store, verify_interval=None)
    yield Runner(Context(config=config, store=store, services=services, interactive=False))
    services.close()
    store.close()


def say(runner: Runner, line: str, *secrets: str) -> Any:
    """Run a line, answering each AskSecret with the next secrets in turn."""
    run = runner.start(line)
    while secrets:
        assert run.waiting_for_secret, run.outcome.text
        count = 1 + len(run.outcome.action.more)
        run = runner.finish(run, *secrets[:count])
        secrets = secrets[count:]
    assert not run.waiting_for_secret
    return run


def test_login_session_whoami_logout(runner: Runner, backend_user: Any) -> None:
    user, password, _ = backend_user
    run = say(runner, f"login {user}", password)
    assert run.outcome.ok, run.outcome.text
    assert f"Signed in as {user}." in run.outcome.text
    assert password not in run.record.line + run.record.response
    assert say(runner, "whoami").outcome.text == user
    text = say(runner, "session --check").outcome.text
    assert f"Signed in as {user}" in text and "Refresh token issued" in text
    assert "Signed out everywhere." in say(runner, "logout").outcome.text
    assert say(runner, "whoami").outcome.text.startswith("guest")


def test_password_on_the_line_is_refused_and_masked(runner: Runner, backend_user: Any) -> None:
    user, password, _ = backend_user
    run = say(runner, f"login {user} {password}")
    assert run.outcome.status == 400
    assert password not in run.record.line and password not in str(run.record.args)
    assert password not in run.outcome.text


def test_wrong_password(runner: Runner, backend_user: Any) -> None:
    user, password, _ = backend_user
    run = say(runner, f"login {user}", password + "x")
    assert run.outcome.status == 401
    assert run.outcome.text == "Incorrect username or password."


def test_signup_verify_login(runner: Runner, backend: Any) -> None:
    name = backend.unique_name("cmd")
    weak = say(runner, f"signup {name} {name}@example.com", "weakpass", "weakpass")
    assert weak.outcome.status == 400 and "uppercase" in weak.outcome.text
    differ = say(runner, f"signup {name} {name}@example.com", "Passw0rd!x", "Passw0rd!y")
    assert "differ" in differ.outcome.text
    made = say(runner, f"signup {name} {name}@example.com", "Passw0rd!x", "Passw0rd!x")
    assert made.outcome.ok and f"verify {name} <code>" in made.outcome.text
    assert say(runner, f"resend {name}").outcome.ok
    code = backend.last_code(name, "signup")
    assert say(runner, f"verify {name} {code}").outcome.ok
    assert say(runner, f"login {name}", "Passw0rd!x").outcome.ok


def test_passwd_and_forgot(runner: Runner, backend_user: Any, backend: Any) -> None:
    user, password, _ = backend_user
    assert say(runner, "passwd").outcome.status == 401  # not signed in yet
    assert say(runner, f"login {user}", password).outcome.ok
    changed = say(runner, "passwd", password, "N3w-Passw0rd!", "N3w-Passw0rd!")
    assert changed.outcome.ok, changed.outcome.text
    wrong = say(runner, "passwd", password, "An0ther-Pass!", "An0ther-Pass!")
    assert wrong.outcome.status == 401 and "current password" in wrong.outcome.text

    asked = runner.start(f"forgot {user}")
    assert asked.waiting_for_secret and "reset code was sent" in asked.outcome.text
    code = backend.last_code(user, "reset")
    done = runner.finish(asked, code, "R3set-Passw0rd!", "R3set-Passw0rd!")
    assert done.outcome.ok, done.outcome.text
    assert code not in done.record.line
    assert say(runner, f"login {user}", "R3set-Passw0rd!").outcome.ok


def test_offline_mode_explains(handterm_home: Any) -> None:
    from pathlib import Path

    from handterm_tui.config import Config
    from handterm_tui.services import OfflineServices

    store = open_store()
    try:
        ctx = Context(config=Config(path=Path("/x")), store=store, services=OfflineServices())
        run = Runner(ctx).start("login alice")
        assert run.outcome.status == 503 and "serve-local" in run.outcome.text
    finally:
        store.close()
