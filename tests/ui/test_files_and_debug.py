"""cat/edit (files on the server, through the user's $EDITOR) and the debug pane, against the
local backend: saved only when changed, never over a newer server copy without asking, and
the pane shows method, route, status and time but never a token."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handterm_tui.config import Profile, write_profile
from handterm_tui.ui.screens.debug import DebugPane
from handterm_tui.ui.widgets.choice import ChoiceScreen

pytestmark = pytest.mark.xdist_group("auth-e2e")


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def type_line(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text], "enter")
    await settle(pilot)


def notices(app: Any) -> list[str]:
    return [str(n.render()) for n in app.terminal.scrollback.query("Notice")]


def last_response(app: Any) -> str:
    return str(app.terminal.scrollback.query("RecordView").last().record.response)


def editor(tmp_path: Path, body: str) -> str:
    """An $EDITOR that runs ``body`` (Python, with ``path`` the file) and exits."""
    script = tmp_path / f"editor{abs(hash(body))}.py"
    script.write_text(f"import sys\npath = sys.argv[1]\n{body}\n", encoding="utf-8")
    return f"{sys.executable} {script}"


async def signed_in(app: Any, pilot: Any, username: str, password: str) -> None:
    await settle(pilot)
    await type_line(pilot, f"login {username}")
    await pilot.press(*password, "enter")
    await settle(pilot)
    assert app.ctx.username == username


async def test_edit_saves_back_and_cat_shows_it(
    make_app: Callable[..., Any],
    backend: Any,
    backend_user: tuple[str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    username, password, _ = backend_user
    write_profile(Profile(**backend.profile("local")))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await signed_in(app, pilot, username, password)
        await type_line(pilot, "cat plan.md")
        assert "No file plan.md on the server yet" in last_response(app)
        monkeypatch.setenv("VISUAL", editor(tmp_path, "open(path, 'a').write('step one\\n')"))
        await type_line(pilot, "edit plan.md")
        await settle(pilot)
        assert any("Saved plan.md to the server" in n for n in notices(app))
        await type_line(pilot, "cat plan.md")
        assert last_response(app) == "step one\n"
        # Closing the editor without a change saves nothing.
        monkeypatch.setenv("VISUAL", editor(tmp_path, "pass"))
        await type_line(pilot, "edit plan.md")
        assert any("No changes to plan.md" in n for n in notices(app))


async def test_edit_asks_before_overwriting_a_newer_server_copy(
    make_app: Callable[..., Any],
    backend: Any,
    backend_user: tuple[str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    username, password, _ = backend_user
    write_profile(Profile(**backend.profile("local")))
    token = backend.sign_in(username, password)["AccessToken"]
    put = (
        "import httpx\n"
        f"httpx.post({backend.api_url + '/putFile'!r}, "
        f"headers={{'Authorization': 'Bearer {token}'}}, "
        "json={'key': 'plan', 'extension': 'md', 'content': 'from the web\\n'})\n"
        "open(path, 'a').write('from the terminal\\n')"
    )
    monkeypatch.setenv("VISUAL", editor(tmp_path, put))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await signed_in(app, pilot, username, password)
        await type_line(pilot, "edit plan.md")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)  # asked, not overwritten
        await pilot.press("escape")  # the safe answer: keep the server's
        await settle(pilot)
        kept = [n for n in notices(app) if "Kept the server's copy of plan.md" in n]
        assert kept
        await type_line(pilot, "cat plan.md")
        assert last_response(app) == "from the web\n"
        # The user's text is not lost: the notice names the file that holds it.
        path = Path(kept[0].rsplit(" ", 1)[-1])
        assert path.read_text(encoding="utf-8") == "from the terminal\n"


async def test_debug_pane_shows_calls_but_never_a_token(
    make_app: Callable[..., Any], backend: Any, backend_user: tuple[str, str, str]
) -> None:
    username, password, _ = backend_user
    write_profile(Profile(**backend.profile("local")))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await signed_in(app, pilot, username, password)
        await type_line(pilot, "debug")
        pane = app.terminal.query_one(DebugPane)
        assert pane.display
        await type_line(pilot, "profile")
        pane.refresh_calls()
        await pilot.pause()
        shown = str(pane.render())
        assert "GET  /getUser" in shown and " 200" in shown and " ms" in shown
        assert "Bearer" not in shown and "eyJ" not in shown
        await type_line(pilot, "debug")
        assert not pane.display
