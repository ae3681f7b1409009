"""Notes written with `wrt` are a kind of their own in the log browser and `handterm logs`,
and stay in the prompt's history."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from handterm_tui import config as config_mod
from handterm_tui.commands import Context, Runner
from handterm_tui.core.owner import NOBODY
from handterm_tui.store import Store
from handterm_tui.store.log_index import Filter, LogIndex


def test_a_written_note_is_a_note_and_stays_recallable(store: Store) -> None:
    runner = Runner(Context(config=config_mod.load(), store=store, interactive=False))
    runner.start("wrt buy milk")
    runner.start("wrt")  # the listing is a command, not a note
    runner.start("help")
    notes = LogIndex(store, Filter(kind="note"), viewer=NOBODY)
    rows, _ = notes.page(limit=10)
    assert [(r.kind, r.line) for r in rows] == [("note", "wrt buy milk")]
    commands, _ = LogIndex(store, Filter(kind="command"), viewer=NOBODY).page(limit=10)
    assert [r.line for r in commands] == ["help", "wrt"]
    assert "wrt buy milk" in store.records.history_lines(10, viewer=NOBODY)


async def test_the_browser_cycles_to_notes(make_app: Callable[..., Any], store: Store) -> None:
    from handterm_tui.ui.widgets.logs_list import LogList

    runner = Runner(Context(config=config_mod.load(), store=store, interactive=False))
    for line in ("wrt first note", "help", "wrt second note"):
        runner.start(line)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.run_command("logs")
        await pilot.pause()
        app.screen.query_one(LogList).focus()
        for _ in range(3):  # all kinds → command → game → note
            await pilot.press("k")
        await pilot.pause()
        widget = app.screen.query_one(LogList)
        shown = [widget.render_line(y).text for y in range(widget.size.height)]
        lines = [line for line in shown if line.strip() and "wrt" in line]
        assert len(lines) == 2 and all("note" in line for line in lines)
        assert not any("help" in line for line in shown)


def test_notes_written_before_get_their_kind(tmp_path: Path) -> None:
    from handterm_tui.store.db import _statements
    from handterm_tui.store.schema import MIGRATIONS

    path = tmp_path / "v5.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:5]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    for line, args in (("wrt old note", '["old", "note"]'), ("wrt", "[]")):
        conn.execute(
            "INSERT INTO records (created_at, line, name, args, profile) "
            "VALUES ('2026-01-01T00:00:00.000Z', ?, 'wrt', ?, '')",
            (line, args),
        )
    conn.commit()
    conn.close()
    store = Store(path)
    kinds = {r.line: r.kind for r in store.records.page(viewer=NOBODY).records}
    assert kinds == {"wrt old note": "note", "wrt": "command"}
    store.close()
