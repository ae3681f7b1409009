"""The local store (stdlib sqlite3, WAL): records, history, notes, outbox, key/value."""

from __future__ import annotations

from pathlib import Path

from handterm_tui.store.db import Database, StoreError
from handterm_tui.store.kv import KeyValue
from handterm_tui.store.notes import NoteStore
from handterm_tui.store.outbox import Census, Outbox, OutboxItem
from handterm_tui.store.owners import Ownership, Unowned
from handterm_tui.store.records import Page, RecordStore

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
    "Store",
    "StoreError",
    "Unowned",
]


class Store:
    """Everything handterm keeps locally, over one database connection."""

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        self.records = RecordStore(self.db)
        self.notes = NoteStore(self.db)
        self.outbox = Outbox(self.db)
        self.kv = KeyValue(self.db)
        self.owners = Ownership(self.db)

    def close(self) -> None:
        self.db.close()
