"""The search window (the newest records' own index) gives exactly the rows the full index
gives, keeps up with records made after it was built, and holds one viewer's records only
(issue 13: search as you type on a million records)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.store.log_index import Filter, LogIndex
from handterm_tui.store.search_window import SearchWindow

DANA = Owner("p", "pool/dana", "dana")
BOB = Owner("p", "pool/bob", "bob")
START = datetime(2026, 1, 1, tzinfo=UTC)


def add(store: Any, owner: Owner, i: int, line: str, kind: str = "command") -> None:
    store.records.add(
        Record(
            line=line,
            name=line.split()[0],
            kind=kind,
            response=f"résponse {i}",
            created_at=START + timedelta(minutes=i),
            owner=owner,
        ),
        upload=False,
    )


def fill(store: Any, count: int) -> None:
    for i in range(count):
        owner = BOB if i % 5 == 0 else DANA
        line = "echo rare one" if i in (3, 97) else f"echo {i} {'golf' if i % 3 else 'hotel'}"
        add(store, owner, i, line, kind="game" if i % 7 == 0 else "command")


def walk(index: LogIndex) -> list[tuple[str, int]]:
    return [(row.line, row.id) for row in index.iter_rows(page=20)]


QUERIES = [
    Filter(query="echo"),
    Filter(query="e"),
    Filter(query="resp"),  # the stored text says "résponse": the tokenizer folds accents
    Filter(query="golf 1"),
    Filter(query="rare"),
    Filter(query="zzz"),
    Filter(query="ho", kind="game"),
    Filter(query="echo", since="2026-01-01T01:00:00.000Z", until="2026-01-01T02:30:00.000Z"),
]


@pytest.mark.parametrize("flt", QUERIES, ids=lambda f: f"{f.query}-{f.kind}-{f.since}")
def test_the_window_finds_the_rows_the_full_index_finds(store: Any, flt: Filter) -> None:
    fill(store, 400)
    window = SearchWindow(store, DANA, size=60)
    window.build()
    with_window = walk(LogIndex(store, flt, viewer=DANA, window=window))
    without = walk(LogIndex(store, flt, viewer=DANA))
    assert with_window == without
    window.close()


def test_the_window_answers_common_words_and_leaves_rare_ones_to_the_index(store: Any) -> None:
    fill(store, 400)
    window = SearchWindow(store, DANA, size=60)
    window.build()
    common = window.hits('"echo"*', (("echo",), None, None, None), before=None, limit=20)
    assert common is not None and len(common) == 20
    assert (
        window.hits('"rare"*', (("rare",), None, None, None), before=None, limit=20) is None
    )  # older than the window
    window.close()


def test_records_made_after_the_build_are_found(store: Any) -> None:
    fill(store, 200)
    window = SearchWindow(store, DANA, size=60)
    window.build()
    add(store, DANA, 500, "echo fresh words")
    index = LogIndex(store, Filter(query="fresh"), viewer=DANA, window=window)
    rows, _ = index.page(limit=5)
    assert [row.line for row in rows] == ["echo fresh words"]
    rows, _ = LogIndex(store, Filter(query="echo"), viewer=DANA, window=window).page(limit=5)
    assert rows[0].line == "echo fresh words"
    window.close()


def test_one_viewers_window_never_shows_anothers_records(store: Any) -> None:
    fill(store, 200)
    add(store, BOB, 300, "echo bobs secret")
    window = SearchWindow(store, DANA, size=60)
    window.build()
    dana = walk(LogIndex(store, Filter(query="secret"), viewer=DANA, window=window))
    assert dana == []
    # Handed to bob's index, dana's window is not used: bob sees his own record.
    bob = walk(LogIndex(store, Filter(query="secret"), viewer=BOB, window=window))
    assert [line for line, _ in bob] == ["echo bobs secret"]
    # A window that holds all of a viewer's records answers even rare words itself.
    whole = SearchWindow(store, BOB, size=10_000)
    whole.build()
    assert (
        whole.hits('"secret"*', (("secret",), None, None, None), before=None, limit=20) is not None
    )
    whole.close()
    window.close()


def test_a_search_that_only_narrows_an_empty_one_is_empty_until_a_record_matches(
    store: Any,
) -> None:
    fill(store, 400)  # "golf" and "hotel" never share a line
    window = SearchWindow(store, DANA, size=60)
    window.build()

    def search(text: str) -> tuple[list[str], int]:
        index = LogIndex(store, Filter(query=text), viewer=DANA, window=window)
        rows, _ = index.page(limit=20)
        return [row.line for row in rows], index.count()

    assert search("golf h") == ([], 0)
    assert window.known_empty((("golf", "hotel"), None, None, None))
    assert window.known_empty((("golf", "h", "x"), None, None, None))
    assert not window.known_empty((("golf",), None, None, None))  # wider: not known
    assert not window.known_empty((("golf", "hotel"), "game", None, None))  # another filter
    assert search("golf hotel") == ([], 0)
    add(store, DANA, 900, "golf hotel at last")
    assert search("golf hotel") == (["golf hotel at last"], 1)
    assert search("golf h")[0] == ["golf hotel at last"]
    window.close()
