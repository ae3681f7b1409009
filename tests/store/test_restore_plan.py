"""Restoring the scrollback at start-up reads a few rows, whatever the store's size."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.store import Store


class _Planning:
    """A read connection that notes the plan of each SELECT, with its real parameters."""

    def __init__(self, conn: sqlite3.Connection, plans: list[str]) -> None:
        self._conn = conn
        self._plans = plans

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith("SELECT"):
            plan = self._conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            self._plans += [str(row[3]) for row in plan]
        return self._conn.execute(sql, params)


def test_the_last_clear_is_found_by_name_not_by_walking_every_command(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_out = Owner()
    for line in ["a", "b", "clear", "c", "d"]:
        store.records.add(Record(line=line, name=line, owner=signed_out))
    plans: list[str] = []
    reading = store.db.reading

    @contextmanager
    def planning() -> Iterator[Any]:
        with reading() as conn:
            yield _Planning(conn, plans)

    monkeypatch.setattr(store.db, "reading", planning)
    restored = store.records.since_last("clear", 10, viewer=signed_out)
    assert [r.line for r in restored] == ["c", "d"]
    # By (account, kind) it read every command record: 2.5 ms on 10k records, 0.25 s on 1M.
    assert any("records_clear" in plan for plan in plans), plans
    assert not any("records_account_kind_id" in plan for plan in plans), plans


def test_opening_an_unchanged_store_does_not_rewrite_its_marker() -> None:
    from handterm_tui import paths
    from handterm_tui.app_factory import open_store

    store = open_store()
    store.records.add(Record(line="a", name="a"))  # records, and no notes
    store.close()
    marker = paths.store_marker_file()
    before = marker.stat().st_mtime_ns
    open_store().close()
    assert marker.stat().st_mtime_ns == before
