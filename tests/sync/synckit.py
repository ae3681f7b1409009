"""Helpers for the sync tests: a signed-in store against the local backend, offline records,
and what the server really holds (read from its data dir, not through the API)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "auth"))
from authkit import cli_login, config_for

from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke

__all__ = ["config_for", "expected_keys", "login", "offline_records", "server_keys"]

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def login(config: Any, user: str, password: str, monkeypatch: Any) -> None:
    assert cli_login(config, user, password, monkeypatch) == 0


def offline_records(
    store: Any, count: int, *, every_keys: int = 2, start: int = 0, owner: Any = None
) -> None:
    """``count`` records as if typed signed out (or as ``owner``); every ``every_keys``-th
    has keystrokes."""
    from handterm_tui.core.owner import NOBODY

    for i in range(start, start + count):
        keys = (
            [Keystroke(c, None if j == 0 else 120.0 + j) for j, c in enumerate(f"echo {i}")]
            if i % every_keys == 0
            else []
        )
        store.records.add(
            Record(
                line=f"echo {i}",
                name="echo",
                args=[str(i)],
                response=f"line {i}",
                keystrokes=keys,
                created_at=START + timedelta(seconds=i),
                owner=owner or NOBODY,
            )
        )


def expected_keys(store: Any) -> set[str]:
    """Every object the store's records and notes should become on the server."""
    with store.db.reading() as conn:
        keys = {f"{r[0]}.json" for r in conn.execute("SELECT remote_key FROM records")}
        keys |= {
            "char-time_" + r[0].split("_", 1)[1] + ".json"
            for r in conn.execute(
                "SELECT remote_key FROM records WHERE keystrokes != '[]' OR keys IS NOT NULL"
            )
        }
        keys |= {f"{r[0]}.txt" for r in conn.execute("SELECT remote_key FROM notes")}
    return keys


def server_keys(backend: Any, user: str) -> list[str]:
    """The user's log objects on the server's disk, one entry per file (duplicates show)."""
    from handterm_tui.server.storage import safe_user

    base = Path(backend.data_dir) / "user_data" / safe_user(user) / "logs"
    found: list[str] = []
    for folder, _dirs, files in os.walk(base):
        rel = os.path.relpath(folder, base)
        prefix = "" if rel == "." else "/".join(unquote(p) for p in rel.split(os.sep)) + "/"
        found.extend(prefix + unquote(name) for name in files if not name.startswith("."))
    return found
