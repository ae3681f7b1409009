"""`archive`, `outbox` and `wrt` as a user types them, offline and against the backend."""

from __future__ import annotations

from typing import Any

import pytest
from synckit import config_for, offline_records, server_keys

from handterm_tui.commands import Context, Runner
from handterm_tui.config import Config
from handterm_tui.online import OnlineServices

pytestmark = pytest.mark.xdist_group("sync-e2e")


def run(ctx: Context, line: str) -> Any:
    return Runner(ctx).start(line).outcome


def test_offline_outbox_and_archive_say_why(store: Any) -> None:
    from pathlib import Path

    ctx = Context(config=Config(path=Path("/nonexistent")), store=store)
    offline_records(store, 3, every_keys=100)
    text = run(ctx, "outbox").text
    assert "4 waiting (3 records, 1 keystrokes)" in text and "Offline mode" in text
    outcome = run(ctx, "sync")
    assert outcome.status == 401 and "offline mode" in outcome.text
    assert store.outbox.count() == 6  # nothing dropped; `outbox` and `sync` are records too


def test_archive_and_wrt_merge_with_the_server(backend: Any, backend_user: Any, store: Any) -> None:
    user, password, _ = backend_user
    services = OnlineServices(config_for(backend), store, verify_interval=None)
    ctx = Context(config=services.config, store=store, services=services)
    services.auth().session.sign_in(user, password)
    run(ctx, "wrt written here")
    outcome = run(ctx, "archive")
    assert outcome.ok and "sent 2" in outcome.text and "left 0" in outcome.text
    assert "wrt/" in " ".join(server_keys(backend, user))
    services.auth().api.save_log("wrt/1700000000000", "written on the web", "txt")
    listing = run(ctx, "wrt")
    lines = listing.text.splitlines()
    assert sum("written here" in line for line in lines) == 1  # uploaded, yet shown once
    assert any("written on the web" in line for line in lines)
    assert run(ctx, "wrt").text.count("written on the web") == 1
    services.close()
