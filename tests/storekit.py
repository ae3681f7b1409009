"""Store helpers for tests: a store with no room left, as on a full disk."""

from __future__ import annotations

from handterm_tui.core.records import Record
from handterm_tui.core.stats import from_timestamps
from handterm_tui.store import Store, StoreError


def fill(store: Store) -> None:
    """Use every page the store may have (``max_page_count`` stands in for a full disk).

    Ends with records shaped like a typed `history` line failing, so the next one does too.
    """
    with store.db.transaction() as conn:  # the writing connection: its limit is the one hit
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    for size in (4000, 200, 10):
        try:
            for i in range(10_000):
                store.kv.set(f"filler-{size}-{i}", "x" * size)
        except StoreError:
            continue
    keys = from_timestamps([(c, 100.0 * i) for i, c in enumerate("fillerx\r")])
    try:
        for _ in range(10_000):
            probe = Record(line="fillerx", name="fillerx", response="x" * 20, keystrokes=keys)
            store.records.add(probe, history=False)
    except StoreError:
        return
