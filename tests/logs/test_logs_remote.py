"""The log browser and the server's records, against `handterm serve-local`: a record another
device uploaded is fetched when the browser opens, merged by time, never twice, and never
shown to another account."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "account_ui"))
from uikit import online_services, settle

from handterm_tui.core.records import Record

pytestmark = pytest.mark.xdist_group("auth-e2e")
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def screen_lines(app: Any) -> list[str]:
    from handterm_tui.ui.widgets.logs_list import LogList

    widget = app.screen.query_one(LogList)
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def test_the_servers_records_are_fetched_merged_and_kept_to_their_account(
    backend: Any, make_app: Callable[..., Any], store: Any
) -> None:
    user, password, _ = backend.new_user(confirmed=True)
    other, other_pw, _ = backend.new_user(confirmed=True)
    services = online_services(backend, store)
    services.auth().session.sign_in(user, password)
    for minute in range(6):  # typed here, 08:00 to 08:05
        store.records.add(
            Record(
                line=f"echo here {minute}",
                name="echo",
                created_at=START + timedelta(minutes=minute),
                owner=services.owner(),
            )
        )
    # Another device uploaded one at 08:02:30.
    desktop = Record(line="make from-desktop", name="make", response="built")
    desktop.created_at = START + timedelta(minutes=2, seconds=30)
    services.auth().api.save_log("command_2026-11-20T08:02:30.000Z", desktop.dumps(), "json")

    app = make_app(config=services.config, store=store, services=services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.run_command("logs")
        await settle(pilot)
        screen = app.screen
        assert "1 fetched" in screen.last_message  # signed in: fetched as the browser opened
        order = [line for line in screen_lines(app) if line.strip()]
        names = [o for o in order if "from-desktop" in o]
        assert names and "srv" in names[0]
        assert order.index(names[0]) == 3  # after 08:05, 08:04, 08:03; before 08:02
        await pilot.press("f4")  # again: nothing new, nothing twice
        await settle(pilot)
        assert "0 fetched, 1 already here" in screen.last_message

    # The fetched copy is this account's: another account signed in here never sees it.
    services.auth().session.sign_in(other, other_pw)
    from handterm_tui.store.log_index import Filter, LogIndex

    assert LogIndex(store, Filter(query="desktop"), viewer=services.owner()).count() == 0
    services.close()
