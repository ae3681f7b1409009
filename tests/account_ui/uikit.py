"""Helpers for the sign-in screen tests (a plain module: test files import it by name).

Reuses tests/auth/authkit.py (config_for, FakeAuth, Clock) rather than copying it.
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "auth"))

from authkit import Clock, FakeAuth, config_for

from handterm_tui.online import OnlineServices

__all__ = [
    "Clock",
    "FakeAuth",
    "answer_choice",
    "config_for",
    "fake_services",
    "online_services",
    "screen_text",
    "settle",
]

# A profile that points nowhere: the fake authenticator answers instead (auth = "api" keeps
# pycognito out of these tests).
NOWHERE = SimpleNamespace(
    api_url="http://127.0.0.1:9",
    region="us-east-1",
    user_pool_id="us-east-1_Fake",
    client_id="fakeclient",
    cognito_endpoint="http://127.0.0.1:9",
)


def online_services(backend: Any, store: Any) -> OnlineServices:
    """Services for the local backend; no periodic server check, so tests stay quiet."""
    return OnlineServices(config_for(backend), store, verify_interval=None)


def fake_services(store: Any, auth: Any = None) -> tuple[OnlineServices, Any]:
    """Services whose authenticator is a scripted FakeAuth (no network at all)."""
    services = OnlineServices(config_for(NOWHERE, auth="api"), store, verify_interval=None)
    fake = auth or FakeAuth(Clock(time.time()))
    system = services.auth()
    system.authenticator = fake
    system.session.authenticator = fake
    return services, fake


async def settle(pilot: Any) -> None:
    """Let workers finish and their results reach the screen (twice: a result may start
    another worker). A worker cancelled because its screen closed once it had done its job
    is not a failure of the test."""
    from textual.worker import WorkerCancelled

    for _ in range(2):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def answer_choice(pilot: Any, key: str | None = None) -> str:
    """Answer the question on screen (None: Esc) and return what it asked."""
    from handterm_tui.ui.widgets.choice import ChoiceScreen

    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen), f"no question on screen, but {screen!r}"
    asked = screen.question
    if key is None:
        await pilot.press("escape")
    else:
        (button,) = [b for b in screen.query("Button") if b.name == key]
        await pilot.click(button)
    await settle(pilot)
    return asked


def plain(renderable: Any) -> str:
    """A widget's content as plain text (str, Text, Content, or a Rich table)."""
    from rich.console import Console

    if isinstance(renderable, str):
        return renderable
    if hasattr(renderable, "plain"):
        return str(renderable.plain)
    console = Console(width=100, color_system=None, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def screen_text(app: Any) -> str:
    """Everything the current screen shows, as plain text (for assertions)."""
    from textual.widgets import Button, Input, Static

    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Button):
            parts.append(plain(widget.label))
        elif isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, Static):
            parts.append(plain(widget.content))
    return "\n".join(parts)
