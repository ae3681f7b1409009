"""Row number → row for a list widget: pages loaded on demand, only a few kept."""

from __future__ import annotations

from collections import OrderedDict

from handterm_tui.store.log_index import PAGE, Cursor, LogIndex, Row

CACHED_PAGES = 8


class Pager:
    """Row number → row, loading pages on demand and keeping only a few."""

    def __init__(self, index: LogIndex, page_size: int = PAGE) -> None:
        self.index = index
        self.page_size = page_size
        self.total = index.count()
        self._cursors: list[Cursor | None] = [None]  # start cursor of each page found so far
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()

    def _load(self, number: int) -> list[Row]:
        cached = self._pages.get(number)
        if cached is not None:
            self._pages.move_to_end(number)
            return cached
        # Cursors are found in order: reaching page n walks the pages before it once.
        while len(self._cursors) <= number:
            self._load(len(self._cursors) - 1)
        rows, after = self.index.page(self._cursors[number], self.page_size)
        if len(self._cursors) == number + 1:
            self._cursors.append(after)
        self._pages[number] = rows
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows

    def row(self, number: int) -> Row | None:
        if not 0 <= number < self.total:
            return None
        rows = self._load(number // self.page_size)
        offset = number % self.page_size
        return rows[offset] if offset < len(rows) else None

    @property
    def cached_pages(self) -> int:
        return len(self._pages)
