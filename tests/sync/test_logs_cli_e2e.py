"""`handterm logs list --remote`, `logs show` and `logs export` against the local backend."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from synckit import config_for, login

from handterm_tui import cli_logs
from handterm_tui.app_factory import open_store
from handterm_tui.auth.factory import build
from handterm_tui.core.records import Record

pytestmark = pytest.mark.xdist_group("sync-e2e")


def test_list_remote_show_and_export(
    backend: Any,
    backend_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    user, password, _ = backend_user
    config = config_for(backend)
    store = open_store()
    store.records.add(Record(line="wrt typed here", name="wrt", response="Noted."))
    login(config, user, password, monkeypatch)
    # Typed while signed out: it joins this account only when asked to.
    assert cli_logs.sync_main(config, as_json=True, include_signed_out=True) == 0

    # A record another device uploaded: on the server only.
    laptop = Record(
        line="ls --from laptop",
        name="ls",
        response="made elsewhere",
        created_at=datetime(2026, 11, 19, 8, 0, tzinfo=UTC),
    )
    with build(config, verify_interval=None) as auth:
        auth.session.sign_in(user, password)
        auth.api.save_log("command_2026-11-19T08:00:00.000Z", laptop.dumps(), "json")

    capsys.readouterr()
    assert cli_logs.logs_main(config, ["list", "--remote", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_line = {r["line"]: r for r in rows}
    assert "wrt typed here" in by_line and "ls --from laptop" in by_line
    assert by_line["ls --from laptop"]["where"] != by_line["wrt typed here"]["where"]

    assert cli_logs.logs_main(config, ["show", by_line["ls --from laptop"]["ref"]]) == 0
    shown = capsys.readouterr().out
    assert "ls --from laptop" in shown and "made elsewhere" in shown

    out = tmp_path / "logs.csv"
    assert cli_logs.logs_main(config, ["export", "--format", "csv", "-o", str(out)]) == 0
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert any(row.get("line") == "wrt typed here" for row in table)
    assert cli_logs.logs_main(config, ["show", "no-such-ref"]) == 1
