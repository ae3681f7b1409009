"""Keystroke logs for the chord figures and drills: every SQL statement they need.

The figures are kept up to date incrementally: the folded state (``core.chord_figures``)
sits in the ``kv`` table with the id of the last record folded in, and each call folds
only the records stored since. Records are never edited, so a record is read once; a
state from another version, or ahead of the records table (a replaced store), is rebuilt.

Which records count: games (drills are stored as games) and, when asked, prompt lines.
A prompt line whose record was masked (a secret on the command line) is never read.

Every query takes the ``owner`` whose records count (None: all, for maintenance).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from handterm_tui.core.chord_figures import Accumulator
from handterm_tui.core.owner import Owner
from handterm_tui.core.records import MASK, parse_iso
from handterm_tui.store import keycodec
from handterm_tui.store.db import Database
from handterm_tui.store.records import owned_by

STATE_KEY = "chord_figures"
BATCH = 2000
_NUMBERS = (int, float)

_GAMES = "kind = 'game'"
_PROMPT = (
    f"(kind IN ('command', 'note') AND (keystrokes != '[]' OR keys IS NOT NULL) "
    f"AND instr(line, '{MASK}') = 0)"
)


def _where(include_prompt: bool) -> str:
    return f"({_GAMES} OR {_PROMPT})" if include_prompt else _GAMES


def state_key(include_prompt: bool, owner: Owner | None = None) -> str:
    account = owner.account if owner is not None else None
    return f"{STATE_KEY}:{account or '-'}:{'all' if include_prompt else 'games'}"


def max_record_id(db: Database) -> int:
    with db.reading() as conn:
        row = conn.execute("SELECT max(id) FROM records").fetchone()
    return int(row[0] or 0)


def load_state(db: Database, key: str) -> Any:
    with db.reading() as conn:
        row = conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def save_state(db: Database, key: str, state: dict[str, Any]) -> None:
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, text),
        )


def practice_rows(
    db: Database, after_id: int, *, include_prompt: bool = False, owner: Owner | None = None
) -> Iterator[sqlite3.Row]:
    """``owner``'s records after ``after_id`` whose keystrokes count, oldest first: id,
    created_at, kind, keystrokes, and what was to be typed (a drill's text, or a game's
    phrase key)."""
    owned, params = owned_by(owner)
    sql = (
        "SELECT id, created_at, kind, line, keystrokes, keys, "
        "json_extract(extra, '$.text') AS text, "
        "json_extract(extra, '$.phrase') AS phrase FROM records "
        f"WHERE id > ? AND {_where(include_prompt)}"
        + (f" AND {owned}" if owned else "")
        + " ORDER BY id"
    )
    last = after_id
    while True:
        with db.reading() as conn:
            rows = conn.execute(sql + " LIMIT ?", (last, *params, BATCH)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def fold(
    acc: Accumulator,
    rows: Iterator[sqlite3.Row],
    phrase_text: Callable[[str], str | None],
) -> int:
    """Fold rows into ``acc``; returns how many were folded."""
    folded = 0
    for row in rows:
        text: str | None = None
        if row["kind"] == "game":
            text = row["text"] if isinstance(row["text"], str) else None
            if text is None and isinstance(row["phrase"], str):
                # None when the phrase is gone: the strokes are then taken as meant.
                text = phrase_text(row["phrase"])
        if row["keys"] is not None:
            try:
                strokes = keycodec.decode(row["keys"], row["line"])
            except ValueError:
                strokes = []
        else:
            strokes = _strokes(row["keystrokes"])
        acc.add(int(row["id"]), parse_iso(row["created_at"]), strokes, text)
        folded += 1
    return folded


def _strokes(raw: str) -> list[tuple[str, float | None]]:
    """``[[char, ms], ...]``; anything malformed (a hand-edited or foreign record) is
    dropped stroke by stroke rather than failing the figures."""
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    try:  # the common case, checked at C speed where it can be: every stroke well formed
        if all(
            type(c) is str and len(c) == 1 and (ms is None or type(ms) in _NUMBERS)
            for c, ms in data
        ):
            return data
    except (TypeError, ValueError):
        pass
    out: list[tuple[str, float | None]] = []
    for item in data:
        if not isinstance(item, list) or len(item) != 2:
            continue
        char, ms = item
        if not isinstance(char, str) or len(char) != 1:
            continue
        if ms is not None and (isinstance(ms, bool) or not isinstance(ms, int | float)):
            ms = None
        out.append((char, ms))
    return out


def _phrase_texts() -> Callable[[str], str | None]:
    from handterm_tui.core import phrases

    catalogue = phrases.load()

    def text(key: str) -> str | None:
        phrase = catalogue.get(key)
        return phrase.text if phrase else None

    return text


def chord_accumulator(
    db: Database,
    *,
    include_prompt: bool = False,
    owner: Owner | None = None,
    save: bool = True,
) -> Accumulator:
    """The figures' state, caught up with every record stored so far."""
    key = state_key(include_prompt, owner)
    acc: Accumulator | None = None
    raw = load_state(db, key)
    if raw is not None:
        try:
            acc = Accumulator.from_json(raw)
        except ValueError:
            acc = None
    if acc is not None and acc.last_id > max_record_id(db):
        acc = None  # a different store behind the same file: start over
    if acc is None:
        acc = Accumulator()
    rows = practice_rows(db, acc.last_id, include_prompt=include_prompt, owner=owner)
    folded = fold(acc, rows, _phrase_texts())
    if folded and save:
        save_state(db, key, acc.to_json())
    return acc


def history_lines(
    db: Database, exclude_names: Iterable[str] = (), limit: int = 2000, owner: Owner | None = None
) -> list[str]:
    """Command lines the user typed (newest first), for drill words: never a masked line,
    never a command named in ``exclude_names`` (account commands that take secrets)."""
    names = sorted(set(exclude_names))
    marks = ", ".join("?" for _ in names)
    owned, params = owned_by(owner)
    sql = (
        "SELECT line FROM records WHERE kind IN ('command', 'note') AND in_history = 1 "
        "AND instr(line, ?) = 0"
        + (f" AND name NOT IN ({marks})" if names else "")
        + (f" AND {owned}" if owned else "")
        + " ORDER BY id DESC LIMIT ?"
    )
    with db.reading() as conn:
        rows = conn.execute(sql, (MASK, *names, *params, limit)).fetchall()
    return [row[0] for row in rows]
