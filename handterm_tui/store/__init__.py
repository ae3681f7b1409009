"""The local store (stdlib sqlite3, WAL): records, history, notes, outbox, key/value."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from handterm_tui.store.db import Database, StoreError, StoreUnusable, move_aside
from handterm_tui.store.kv import KeyValue
from handterm_tui.store.notes import NoteStore
from handterm_tui.store.outbox import Census, Outbox, OutboxItem
from handterm_tui.store.owners import Ownership, Unowned
from handterm_tui.store.records import Page, RecordStore
from handterm_tui.store.remote import RemoteRecords

__all__ = [
    "Census",
    "Database",
    "KeyValue",
    "NoteStore",
    "Outbox",
    "OutboxItem",
    "Ownership",
    "Page",
    "RecordStore",
    "RemoteRecords",
    "Store",
    "StoreError",
    "StoreUnusable",
    "Unowned",
    "forget_marker",
    "move_aside",
]

log = logging.getLogger("handterm.store")

Counts = dict[str, int]


class Store:
    """Everything handterm keeps locally, over one database connection.

    With ``marker`` (a small JSON file in the state folder), the store remembers how many
    records and notes it held; a store that turns up empty or missing although it held
    some is refused (:class:`StoreUnusable`) instead of being silently started anew.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        marker: Path | None = None,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self._marker = marker if self.path is not None else None
        known = self._known()
        if known and self.path is not None:
            try:
                size: int | None = self.path.stat().st_size
            except FileNotFoundError:
                size = None
            except OSError:
                size = 1  # unreadable: let the database say so
            if not size:
                raise _emptied(self.path, known, "is missing" if size is None else "is 0 bytes")
        self.db = Database(path, announce=announce)
        self.records = RecordStore(self.db)
        self.notes = NoteStore(self.db)
        self.outbox = Outbox(self.db)
        self.kv = KeyValue(self.db)
        self.owners = Ownership(self.db)
        self.remote = RemoteRecords(self.db)
        self._noted: Counts = {}
        if self._marker is not None and self.path is not None:
            try:
                current = self._counts()
            except StoreError:
                self.db.close()
                raise
            if known and not any(current.values()):
                self.db.close()
                raise _emptied(self.path, known, "has no records")
            self._note(current, known)
            self.db.after_write.append(self._after_write)

    @property
    def notices(self) -> list[str]:
        """Things the user should be told once (e.g. a deleted WAL that was recovered)."""
        return self.db.notices

    # -- the marker: how much this store held when last seen ------------------------

    def _key(self) -> str:
        assert self.path is not None
        return str(self.path.resolve())

    def _known(self) -> Counts:
        if self._marker is None:
            return {}
        entry = _read_marker(self._marker).get(self._key(), {})
        return {k: int(v) for k, v in entry.items() if isinstance(v, int) and v > 0}

    def _counts(self) -> Counts:
        with self.db.reading() as conn:
            return {
                "records": int(conn.execute("SELECT count(*) FROM records").fetchone()[0]),
                "notes": int(conn.execute("SELECT count(*) FROM notes").fetchone()[0]),
            }

    def _note(self, current: Counts, known: Counts) -> None:
        self._noted = current
        # Zero counts aside (the marker's reading drops them): compared as is, a store
        # without notes rewrote the marker file at every start and close.
        held = {k: v for k, v in current.items() if v > 0}
        if self._marker is not None and held != {k: v for k, v in known.items() if v > 0}:
            _write_marker(self._marker, self._key(), current)

    def _after_write(self) -> None:
        # Cheap: only the first write to a store the marker calls empty updates the file, so
        # a first session that crashes before close is still protected.
        if not any(self._noted.values()):
            self._note(self._counts(), self._noted)

    def close(self) -> None:
        if self._marker is not None:
            try:
                self._note(self._counts(), self._noted)
            except StoreError:
                log.warning("could not update the store marker", exc_info=True)
        self.db.close()


def _emptied(path: Path, known: Counts, how: str) -> StoreUnusable:
    held = " and ".join(
        f"{n:,} {what if n != 1 else what[:-1]}"
        for what in ("records", "notes")
        if (n := known.get(what, 0))
    )
    return StoreUnusable(
        f"{path} {how}, but it held {held} when handterm last checked. Nothing was changed. "
        f"Put your copy back at {path} if you have one (a backup, another disk), or run "
        "`handterm --new-store` to start an empty store (a file there is kept as "
        f"{path.name}.emptied-<time>).",
        path,
        "emptied",
    )


def _read_marker(marker: Path) -> dict[str, dict[str, int]]:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_marker(marker: Path, key: str, counts: Counts | None) -> None:
    data = _read_marker(marker)
    if counts is None:
        data.pop(key, None)
    else:
        data[key] = counts
    try:
        marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = marker.with_name(marker.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, marker)
    except OSError:
        # Best effort: the store itself is fine; only the empty-store check weakens.
        log.warning("cannot write the store marker %s", marker, exc_info=True)


def forget_marker(marker: Path, path: Path) -> None:
    """The user chose a new store: stop expecting the old one's records."""
    _write_marker(marker, str(path.resolve()), None)
