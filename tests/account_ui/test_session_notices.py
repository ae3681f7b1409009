"""The scrollback says so when the session changes state on its own (no command typed)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from uikit import fake_services, settle

from handterm_tui.auth.errors import ServiceUnreachable, SessionEnded
from handterm_tui.ui.widgets.scrollback import Notice


def notices(app: Any) -> list[str]:
    return [str(n.content) for n in app.terminal.query(Notice)]


async def test_offline_back_online_and_ended_are_announced(
    make_app: Callable[..., Any], store: Any
) -> None:
    services, fake = fake_services(store)
    session = services.auth().session
    session.sign_in("alice", "pw")
    store.notes.add("queued while it happens", owner=services.owner())
    app = make_app(services=services, store=store)
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        assert "alice" in str(app.terminal.query_one("#prompt-label").content)

        fake.fail_with = ServiceUnreachable()
        session.tick(now=time.time() + 3600)  # the refresh falls due while the server is away
        await settle(pilot)
        assert any("cannot be reached" in n and "1 item(s)" in n for n in notices(app))
        assert app.ctx.username == "alice"  # tokens kept

        fake.fail_with = None
        session.tick(now=time.time() + 3700)
        await settle(pilot)
        assert notices(app)[-1] == "Back online."

        fake.fail_with = SessionEnded()
        session.tick(now=time.time() + 3 * 3600)
        await settle(pilot)
        assert "Session ended" in notices(app)[-1]
        assert "Nothing local was lost" in notices(app)[-1]
        assert app.ctx.username is None
        assert "guest" in str(app.terminal.query_one("#prompt-label").content)
    assert store.notes.count() == 1
