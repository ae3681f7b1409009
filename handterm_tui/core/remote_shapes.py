"""What the server's stored objects look like, read back into records: handterm's JSON, or
the web's HTML; and the keys they are stored under."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

from handterm_tui.core.records import Record, parse_iso

_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"[ \t]+")
_WEB_LOG_LINE = re.compile(r"""class=["']?log-line\b""")
_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")


def short_key(full_key: str) -> str:
    """``user_data/<uid>/logs/command_2024-….json`` → ``command_2024-…`` (the saveLog key)."""
    key = full_key.split("/logs/", 1)[1] if "/logs/" in full_key else full_key
    head, dot, ext = key.rpartition(".")
    return head if dot and ext.isalpha() else key


def record_from_remote(key: str, content: str) -> Record:
    """A record from an uploaded object: handterm's JSON, the July-2024 web's HTML record, or
    other HTML (best effort: its text, line by line)."""
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = None
    ours = isinstance(data, dict) and ("line" in data or "command" in data)
    if ours:
        record = Record.from_json(data)
    elif _WEB_LOG_LINE.search(content):
        record = _from_web_html(content)
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
    if not ours:
        stamp = _STAMP.search(key)
        if stamp:
            record.created_at = parse_iso(stamp.group(1))
    record.remote_key = key
    return record


class _WebRecord(HTMLParser):
    """The July-2024 web client's command record (HandTerm.tsx ``saveCommandResponseHistory``):

    ``<div data-status="200"><div class="log-line"><span class="log-time">[<span
    class="log-hour">18</span>…]</span><span class="wpm-label">WPM:</span><span
    class="wpm">42</span>help</div><div class="response">…</div><table class="wpm-table">…
    </table></div>``: the command is the log line's own text (the web saved no arguments).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.status: int | None = None
        self.command: list[str] = []
        self.wpm: list[str] = []
        self.response: list[str] = []
        self.time: dict[str, str] = {}
        self._stack: list[str] = []  # the class of each open element ("" when none)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        status = values.get("data-status") or ""
        if self.status is None and status.isdigit():
            self.status = int(status)
        if tag == "br":
            if "response" in self._stack:
                self.response.append("\n")
            return
        if tag in ("img", "hr", "input", "meta", "link"):
            return  # void elements never close
        cls = (values.get("class") or "").split()
        self._stack.append(cls[0] if cls else tag)
        if tag in ("div", "p", "tr", "li") and "response" in self._stack[:-1]:
            self.response.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <td/>: nothing opens, so nothing may close.
        if tag == "br":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "hr", "input", "meta", "link"):
            return
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        where = self._stack[-1] if self._stack else ""
        if "wpm-table" in self._stack:
            return  # the slow-chars table is recomputed from keystrokes, not read back
        if "response" in self._stack:
            self.response.append(data)
        elif where in ("log-hour", "log-minute", "log-second"):
            self.time[where] = data.strip()
        elif where == "wpm":
            self.wpm.append(data)
        elif where == "log-line":
            self.command.append(data)


def _from_web_html(content: str) -> Record:
    parser = _WebRecord()
    parser.feed(content)
    parser.close()
    command = _WS.sub(" ", "".join(parser.command)).strip()
    response = "\n".join(
        _WS.sub(" ", line).strip() for line in "".join(parser.response).strip().splitlines()
    )
    try:
        wpm: float | None = float("".join(parser.wpm).strip())
    except ValueError:
        wpm = None  # the web wrote NaN when no keystroke was timed
    if wpm is not None and wpm != wpm:
        wpm = None
    record = Record(
        line=command,
        name=command.split()[0] if command else "",
        response=response,
        status=parser.status if parser.status is not None else 200,
        web_wpm=wpm,
    )
    clock = [parser.time.get(k, "") for k in ("log-hour", "log-minute", "log-second")]
    if all(part.isdigit() for part in clock):
        record.extra["web_local_time"] = ":".join(clock)  # the writer's local clock
    return record


def note_ms(key: str) -> int | None:
    """``wrt/1720632000000`` → 1720632000000 (the web's Date.now() at writing)."""
    match = re.match(r"wrt/(\d+)", key)
    return int(match.group(1)) if match else None
