"""The local backend, findable: offline mode names the exact command, `profile use NAME`
switches the running TUI to a server, and a config file written meanwhile is picked up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from handterm_tui import config as config_mod
from handterm_tui.config import Profile, write_profile
from handterm_tui.ui.widgets.status import StatusBar

pytestmark = pytest.mark.xdist_group("auth-e2e")


async def type_line(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text], "enter")
    await settle(pilot)


async def settle(pilot: Any) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def last_response(app: Any) -> str:
    view = app.terminal.scrollback.query("RecordView").last()
    return str(view.record.response)


async def test_offline_login_names_the_exact_local_server_command(
    make_app: Callable[..., Any],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "login demo")
        text = last_response(app)
    assert "handterm serve-local --write-profile local --demo-user 'demo:Demo-pass1!'" in text
    assert "profile use local" in text and "make serve" in text


async def test_profile_use_switches_live_and_login_works(
    make_app: Callable[..., Any], backend: Any, backend_user: tuple[str, str, str]
) -> None:
    username, password, _ = backend_user
    # Two profiles; the default one points at nothing.
    write_profile(Profile(**{**backend.profile("dead"), "api_url": "http://127.0.0.1:9"}))
    write_profile(Profile(**backend.profile("local")), make_default=False)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.ctx.config.profile.name == "dead"
        await type_line(pilot, "profile list")
        assert "* dead" in last_response(app) and "  local" in last_response(app)
        await type_line(pilot, "profile use local")
        assert "Using profile local" in last_response(app)
        assert app.ctx.config.profile.name == "local"
        await type_line(pilot, f"login {username}")
        await pilot.press(*password)
        await pilot.press("enter")
        await settle(pilot)
        assert app.ctx.username == username
        assert app.terminal.query_one(StatusBar).user == username
        # The web's profile: saved with text (POST /setUser), shown without (GET /getUser).
        await type_line(pilot, "profile Types with one hand")
        assert "Profile saved" in last_response(app)
        await type_line(pilot, "profile")
        assert "Types with one hand" in last_response(app)
    # It is the default from now on.
    assert config_mod.load().profile.name == "local"  # type: ignore[union-attr]


async def test_a_profile_written_while_running_is_picked_up(
    make_app: Callable[..., Any], backend: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.terminal.query_one(StatusBar).connection == "offline mode"
        # What `handterm serve-local --write-profile local` does from another terminal.
        write_profile(Profile(**backend.profile("local")))
        for _ in range(40):
            await asyncio.sleep(0.1)
            if app.ctx.config.profile is not None:
                break
        await settle(pilot)
        assert app.ctx.config.profile is not None and app.ctx.config.profile.name == "local"
        assert app.terminal.query_one(StatusBar).connection != "offline mode"
        notices = [str(n.render()) for n in app.terminal.scrollback.query("Notice")]
        assert any("now using profile local" in n for n in notices)


async def test_the_verify_screen_says_where_a_local_servers_codes_are(
    make_app: Callable[..., Any], backend: Any
) -> None:
    write_profile(Profile(**backend.profile("local")))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_screen("signup", {"username": "someone", "stage": "verify"})
        await settle(pilot)
        note = str(app.screen.query_one("#note").render())
        assert "Type the code emailed to someone" in note
        assert "codes.txt" in note and "serve-local prints where" in note
