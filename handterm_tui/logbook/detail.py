"""A record in plain words (``handterm logs show``, the browser's detail pane, copying)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handterm_tui.core.records import Record, iso_utc
from handterm_tui.core.stats import display_char, format_wpm, slowest

if TYPE_CHECKING:
    from handterm_tui.store import Store
    from handterm_tui.store.log_index import Row

KEY_ROWS = 40  # keystrokes listed in full up to this many; longer lines are summarised


def header_lines(record: Record, row: Row, state: str) -> list[str]:
    return [
        f"{record.line}",
        f"time {iso_utc(record.created_at)}   status {record.status}   kind {record.kind}",
        f"WPM {format_wpm(record.gross_wpm)} (web figure {format_wpm(record.web_wpm)})"
        f"   where: {row.where}   ref {row.ref}",
        f"key {record.remote_key or '-'}",
        f"upload: {state}",
    ]


def keystroke_lines(record: Record) -> list[str]:
    keys = record.keystrokes
    if not keys:
        return ["(no keystrokes timed)"]
    out = ["char        ms     wpm"]
    shown = keys if len(keys) <= KEY_ROWS else keys[:KEY_ROWS]
    for key in shown:
        ms = key.interval_ms
        wpm = "-" if not ms else f"{12000.0 / ms:.0f}"
        out.append(f"{display_char(key.char):<8} {'-' if ms is None else f'{ms:6.0f}':>6} {wpm:>7}")
    if len(keys) > KEY_ROWS:
        out.append(f"… {len(keys) - KEY_ROWS} more")
    return out


def slow_lines(record: Record) -> list[str]:
    slow = slowest(record.keystrokes)
    if not slow:
        return []
    return [
        f"{display_char(s.char):<8} {s.mean_ms:6.0f} ms  {s.wpm:5.1f} wpm  ×{s.count}" for s in slow
    ]


def record_text(record: Record, row: Row, state: str) -> str:
    """Everything about one record, for a pager or the clipboard."""
    parts = header_lines(record, row, state)
    parts += ["", "response:", record.response or "(no output)"]
    slow = slow_lines(record)
    if slow:
        parts += ["", "slow characters:", *slow]
    parts += ["", "keystrokes:", *keystroke_lines(record)]
    return "\n".join(parts)


def describe(store: Store, row: Row) -> tuple[Record | None, str]:
    from handterm_tui.store.log_index import LogIndex, upload_state

    record = LogIndex(store).record(row)
    return record, upload_state(store, row)
