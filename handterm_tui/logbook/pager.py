"""Row number → row for a list widget: pages loaded on demand, only a few kept.

Pages are found from either end: rows near the top by newest-first keyset pages, rows nearer
the oldest end by oldest-first pages from there, so End on a million records reads one page,
not five thousand. The count may come later (``count=False``, then :meth:`Pager.set_count`):
until then the pager knows the rows it has read, and going further down reads on.
"""

from __future__ import annotations

from collections import OrderedDict

from handterm_tui.store.log_index import PAGE, Cursor, LogIndex, Row

CACHED_PAGES = 8


class Pager:
    """Row number → row, loading pages on demand and keeping only a few."""

    def __init__(self, index: LogIndex, page_size: int = PAGE, *, count: bool = True) -> None:
        self.index = index
        self.page_size = page_size
        self._count: int | None = index.count() if count else None
        # Start cursor of each page found so far, from the newest end and from the oldest.
        self._head: list[Cursor | None] = [None]
        self._tail: list[Cursor | None] = [None]
        self._pages: OrderedDict[tuple[bool, int], list[Row]] = OrderedDict()
        self._seen = 0  # rows known to exist, read from the newest end
        if self._count is None:
            self._load(False, 0)

    @property
    def counted(self) -> bool:
        return self._count is not None

    @property
    def total(self) -> int:
        """The count once known; until then the rows read so far."""
        return self._count if self._count is not None else self._seen

    def set_count(self, total: int) -> None:
        self._count = total

    def reach(self, number: int) -> None:
        """Before the count is known: read on from the top until row ``number`` (or the end)."""
        if self._count is None and number >= self._seen >= 0:
            last = number // self.page_size
            page = len(self._head) - 1
            while page <= last:
                rows = self._load(False, page)
                if len(rows) < self.page_size:
                    break
                page += 1

    def _load(self, from_oldest: bool, number: int) -> list[Row]:
        cached = self._pages.get((from_oldest, number))
        if cached is not None:
            self._pages.move_to_end((from_oldest, number))
            return cached
        cursors = self._tail if from_oldest else self._head
        # Cursors are found in order: reaching page n walks the pages before it once.
        while len(cursors) <= number:
            self._load(from_oldest, len(cursors) - 1)
        rows, after = self.index.page(cursors[number], self.page_size, oldest=from_oldest)
        if len(cursors) == number + 1:
            cursors.append(after)
        if not from_oldest:
            self._seen = max(self._seen, number * self.page_size + len(rows))
        self._pages[(from_oldest, number)] = rows
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows

    def row(self, number: int) -> Row | None:
        if number < 0 or (self._count is not None and number >= self._count):
            return None
        page = number // self.page_size
        if self._count is not None and page >= len(self._head):
            # Not reached from the top yet: come from whichever end is nearer.
            from_end = self._count - 1 - number
            walked = (len(self._head) - 1) * self.page_size
            if from_end < number - walked:
                tail = from_end // self.page_size
                rows = self._load(True, tail)
                offset = from_end % self.page_size
                return rows[offset] if offset < len(rows) else None
        rows = self._load(False, page)
        offset = number % self.page_size
        return rows[offset] if offset < len(rows) else None

    @property
    def cached_pages(self) -> int:
        return len(self._pages)
