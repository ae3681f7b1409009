"""Up/Down recall with the web's prefix filter.

Browsing starts from whatever is typed: Up walks back through the lines that start with
it (newest first), Down walks forward and, past the newest, gives the typed text back.
Unlike the web, the index runs over the filtered list, so it never skips or repeats.
"""

from __future__ import annotations

from collections.abc import Sequence


class HistoryCursor:
    def __init__(self, lines: Sequence[str] = ()) -> None:
        self._lines: list[str] = list(lines)  # oldest first
        self._matches: list[str] | None = None
        self._index = 0
        self._typed = ""

    @property
    def lines(self) -> list[str]:
        return list(self._lines)

    @property
    def browsing(self) -> bool:
        return self._matches is not None

    def add(self, line: str, limit: int | None = None) -> None:
        """Remember a run line; consecutive duplicates are dropped."""
        if line and (not self._lines or self._lines[-1] != line):
            self._lines.append(line)
            if limit is not None and len(self._lines) > limit:
                del self._lines[: len(self._lines) - limit]
        self.reset()

    def reset(self) -> None:
        self._matches = None
        self._index = 0

    def up(self, typed: str) -> str | None:
        """The previous matching line, or None when there is none (stay put)."""
        if self._matches is None:
            self._typed = typed
            seen: set[str] = set()
            matches: list[str] = []
            for line in reversed(self._lines):  # newest first, each line once
                if line.startswith(typed) and line != typed and line not in seen:
                    seen.add(line)
                    matches.append(line)
            self._matches = matches
            self._index = -1
        if self._index + 1 >= len(self._matches):
            return None
        self._index += 1
        return self._matches[self._index]

    def down(self) -> str | None:
        """The next newer match; past the newest, the text typed before browsing."""
        if self._matches is None:
            return None
        if self._index <= 0:
            typed = self._typed
            self.reset()
            return typed
        self._index -= 1
        return self._matches[self._index]
