"""The secret prompt at the command line: while a password (or code) is asked for, the label
asks for it and the input is masked, whatever refreshes the status bar meanwhile (a status
refresh, a session change). Before, a refresh put `guest@handterm ~$` back over a masked input,
and a command typed there was sent as the password."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from uikit import plain, settle

from handterm_tui.ui.app import SessionChanged
from handterm_tui.ui.widgets.prompt import PromptLine

pytestmark = pytest.mark.xdist_group("auth-e2e")

SIZE = (80, 24)


def key_names(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


def prompt_state(app: Any) -> tuple[str, bool]:
    """The label as shown on screen, and whether the input is masked."""
    label = app.terminal.query_one(PromptLine).query_one("#prompt-label")
    return plain(label.content), app.terminal.prompt.password


async def refresh_everything(app: Any, pilot: Any) -> None:
    """What happens on its own while a password is typed: status refreshes, session news."""
    app.refresh_status()
    app.post_message(SessionChanged())
    await pilot.pause()
    app.terminal.refresh_status()
    await pilot.pause()


async def answer_prompts(
    app: Any, pilot: Any, line: str, prompts: list[str], answers: list[str | Callable[[], str]]
) -> None:
    """Run ``line``; at each secret prompt refresh the status, check, then type the answer."""
    await pilot.press(*key_names(line), "enter")
    await settle(pilot)
    for question, wanted in zip(prompts, answers, strict=True):
        answer = wanted if isinstance(wanted, str) else wanted()
        # Passwords are masked; short-lived emailed codes are typed in the clear (issue 12).
        mask = "code" not in question.lower()
        assert prompt_state(app) == (question + " ", mask), question
        await refresh_everything(app, pilot)  # right as the prompt appears
        assert prompt_state(app) == (question + " ", mask), question
        await pilot.press(*key_names(answer[:3]))
        await refresh_everything(app, pilot)  # and halfway through typing
        label, masked = prompt_state(app)
        assert label == question + " " and masked == mask, f"{question!r} became {label!r}"
        assert app.terminal.prompt.secret  # masked or not, never timed or kept
        assert app.terminal.prompt.value == answer[:3]  # what was typed is kept, masked
        await pilot.press(*key_names(answer[3:]), "enter")
        await settle(pilot)
    label, masked = prompt_state(app)
    assert label.endswith("@handterm ~$ ") and not masked


async def test_a_status_refresh_never_unmasks_a_secret_prompt(
    backend: Any,
    backend_user: Any,
    online_services: Any,
    make_app: Callable[..., Any],
    store: Any,
) -> None:
    user, password, _ = backend_user
    services = online_services(backend, store)
    app = make_app(config=services.config, store=store, services=services)
    new_password = f"Nw-{uuid.uuid4().hex[:8]}!A1"
    newer_password = f"Nr-{uuid.uuid4().hex[:8]}!B2"
    fresh = backend.unique_name("mask")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await answer_prompts(app, pilot, f"login {user}", [f"Password for {user}:"], [password])
        assert services.username == user
        await answer_prompts(
            app,
            pilot,
            "passwd",
            ["Current password:", "New password:", "New password again:"],
            [password, new_password, new_password],
        )
        await answer_prompts(
            app,
            pilot,
            f"signup {fresh} {fresh}@example.com",
            ["Password:", "Password again:"],
            [new_password, new_password],
        )
        await answer_prompts(
            app,
            pilot,
            f"forgot {user}",
            ["Code from the email:", "New password:", "New password again:"],
            [lambda: backend.last_code(user, "reset") or "", newer_password, newer_password],
        )
    outcomes = {r.line.split()[0]: r for r in store.records.page(limit=50).records}
    assert outcomes["passwd"].status == 200, outcomes["passwd"].response
    assert outcomes["signup"].status == 200, outcomes["signup"].response
    assert outcomes["forgot"].status == 200, outcomes["forgot"].response
    assert all(
        secret not in r.dumps()
        for r in store.records.page(limit=50).records
        for secret in (password, new_password, newer_password)
    )
