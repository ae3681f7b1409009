"""The browser's pager reaches the oldest record from the oldest end, and takes its count
later without changing which rows it shows (issue 13: End on a big store, search as you type)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.logbook.pager import Pager
from handterm_tui.store.log_index import Filter, LogIndex

ME = Owner("local")


def fill(store: Any, count: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(count):
        store.records.add(
            Record(
                line=f"echo {i}",
                name="echo",
                response=f"r{i}",
                created_at=start + timedelta(seconds=i),
                owner=ME,
            ),
            upload=False,
        )


class CountingIndex(LogIndex):
    pages = 0

    def page(self, *args: Any, **kwargs: Any) -> Any:
        CountingIndex.pages += 1
        return super().page(*args, **kwargs)


def test_the_oldest_row_is_read_from_the_oldest_end(store: Any) -> None:
    fill(store, 250)
    CountingIndex.pages = 0
    pager = Pager(CountingIndex(store, viewer=ME), page_size=10)
    assert pager.row(249) is not None and pager.row(249).line == "echo 0"  # type: ignore[union-attr]
    assert CountingIndex.pages == 1  # one page, not the 25 before it
    # Every row reads the same from either end.
    top = Pager(LogIndex(store, viewer=ME), page_size=10)
    for n in (0, 9, 10, 125, 240, 248, 249):
        assert pager.row(n) == top.row(n), n
    assert pager.row(250) is None


def test_a_count_taken_later_keeps_the_rows(store: Any) -> None:
    fill(store, 45)
    pager = Pager(LogIndex(store, Filter(query="echo"), viewer=ME), page_size=10, count=False)
    assert not pager.counted and pager.total == 10  # the first page only
    pager.reach(25)
    assert pager.total == 30
    pager.set_count(pager.index.count())
    assert pager.total == 45 and pager.row(44).line == "echo 0"  # type: ignore[union-attr]
