"""Records as JSON lines or CSV (``handterm logs export``, the browser's export)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from handterm_tui.core.records import Record
from handterm_tui.store.log_index import LogIndex, Row


def export_dict(record: Record, row: Row) -> dict[str, Any]:
    data = record.to_json()
    data["key"] = record.remote_key
    data["where"] = row.where
    data["ref"] = row.ref
    return data


CSV_FIELDS = ("ref", "time", "kind", "status", "wpm", "where", "key", "line", "response")


def export_csv_row(record: Record, row: Row) -> dict[str, Any]:
    wpm = record.gross_wpm if record.gross_wpm is not None else record.web_wpm
    return {
        "ref": row.ref,
        "time": row.created_at,
        "kind": record.kind,
        "status": record.status,
        "wpm": "" if wpm is None else round(wpm, 1),
        "where": row.where,
        "key": record.remote_key or "",
        "line": record.line,
        "response": record.response,
    }


def export_lines(index: LogIndex, fmt: str) -> Iterator[str]:
    """The filtered records as JSON lines or CSV text, a line at a time (any size)."""
    import csv
    import io

    if fmt == "jsonl":
        for row in index.iter_rows():
            record = index.record(row)
            if record is not None:
                yield json.dumps(export_dict(record, row), ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in index.iter_rows():
        record = index.record(row)
        if record is not None:
            writer.writerow(export_csv_row(record, row))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
