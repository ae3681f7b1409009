"""What the server's stored objects look like, read back into records: handterm's JSON, or
the web's HTML; and the keys they are stored under."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from handterm_tui.core.records import Record, parse_iso

_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"[ \t]+")
_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")


def short_key(full_key: str) -> str:
    """``user_data/<uid>/logs/command_2024-….json`` → ``command_2024-…`` (the saveLog key)."""
    key = full_key.split("/logs/", 1)[1] if "/logs/" in full_key else full_key
    head, dot, ext = key.rpartition(".")
    return head if dot and ext.isalpha() else key


def record_from_remote(key: str, content: str) -> Record:
    """A record from an uploaded object: handterm's JSON, or the web's HTML (best effort)."""
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = None
    if isinstance(data, dict) and ("line" in data or "command" in data):
        record = Record.from_json(data)
    else:
        text = html.unescape(_TAG.sub("\n", content))
        lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
        lines = [line for line in lines if line]
        status = re.search(r'data-status="?(\d{3})', content)
        record = Record(
            line=lines[0] if lines else key,
            name=(lines[0].split() or [""])[0] if lines else "",
            response="\n".join(lines[1:]),
            status=int(status.group(1)) if status else 200,
        )
        stamp = _STAMP.search(key)
        if stamp:
            record.created_at = parse_iso(stamp.group(1))
    record.remote_key = key
    return record


def note_ms(key: str) -> int | None:
    """``wrt/1720632000000`` → 1720632000000 (the web's Date.now() at writing)."""
    match = re.match(r"wrt/(\d+)", key)
    return int(match.group(1)) if match else None
