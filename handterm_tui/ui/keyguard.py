"""Keys typed in the first moment after a screen opens are not taken as its actions.

A screen opened from the prompt (``session``, ``login``, ``logs``, ``play``…) appears while the
user may still be typing: the rest of a word, or Enter, must not become a single-letter action
(``s`` signing out, ``r`` refreshing, ``e`` exporting). Such screens inherit :class:`KeyGuard`;
the app arms the guard whenever one becomes the current screen (opened, or uncovered again) and
drops its keys for ``GUARD_SECONDS`` on an injectable clock, so tests are deterministic.
Escape, Ctrl+C and Ctrl+Q always pass: they are never the rest of a word.
"""

from __future__ import annotations

GUARD_SECONDS = 0.4
PASS_KEYS = frozenset({"escape", "ctrl+c", "ctrl+q"})


class KeyGuard:
    """Mixin for screens opened from the prompt (put it before the Screen base class)."""

    _key_guard_since: float | None = None

    def arm_key_guard(self, now: float) -> None:
        """The screen has just become current: start the quiet moment."""
        self._key_guard_since = now

    def key_guarded(self, key: str, now: float, seconds: float) -> bool:
        """True when ``key``, arriving at ``now``, falls in the quiet moment and is dropped."""
        if seconds <= 0 or key in PASS_KEYS:
            return False
        if self._key_guard_since is None:  # shown without the app arming it: arm on first key
            self._key_guard_since = now
        return now - self._key_guard_since < seconds
