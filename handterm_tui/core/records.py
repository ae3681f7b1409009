"""Record types: what every command run leaves behind."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from handterm_tui.core.owner import NOBODY, Owner
from handterm_tui.core.stats import Keystroke, figures

# Statuses follow the web's HTTP-like codes.
OK = 200
USAGE = 400
NOT_SIGNED_IN = 401
NOT_FOUND = 404
FAILED = 500
UNAVAILABLE = 503

MASK = "********"


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """``2024-07-10T18:20:00.123Z``, the web's ``toISOString()`` form."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Record:
    """One command run (or game result), as stored and as uploaded."""

    line: str  # the command line as typed, secret arguments masked
    name: str
    args: list[str] = field(default_factory=list)
    switches: dict[str, str | bool] = field(default_factory=dict)
    response: str = ""
    status: int = OK
    kind: str = "command"  # command | game | note (a `wrt` that wrote one)
    keystrokes: list[Keystroke] = field(default_factory=list)
    created_at: datetime = field(default_factory=utc_now)
    extra: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    remote_key: str | None = None  # fixed at creation: retries overwrite, never duplicate
    gross_wpm: float | None = None
    web_wpm: float | None = None
    owner: Owner = NOBODY  # who it belongs to; never uploaded (the server knows from the token)

    def __post_init__(self) -> None:
        if self.keystrokes and self.gross_wpm is None and self.web_wpm is None:
            fig = figures(self.keystrokes)
            self.gross_wpm, self.web_wpm = fig.gross_wpm, fig.web_wpm

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def to_json(self) -> dict[str, Any]:
        """The structured record uploaded as ``command_<ISO>.json``."""
        return upload_body(
            kind=self.kind,
            time=iso_utc(self.created_at),
            line=self.line,
            name=self.name,
            args=list(self.args),
            switches=dict(self.switches),
            response=self.response,
            status=self.status,
            gross_wpm=self.gross_wpm,
            web_wpm=self.web_wpm,
            keystrokes=[(k.char, k.interval_ms) for k in self.keystrokes],
            extra=self.extra,
        )

    def dumps(self) -> str:
        return body_text(self.to_json())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        command = data.get("command") or {}
        wpm = data.get("wpm") or {}
        return cls(
            line=str(data.get("line", "")),
            name=str(command.get("name", "")),
            args=[str(a) for a in command.get("args", [])],
            switches=dict(command.get("switches", {})),
            response=str(data.get("response", "")),
            status=int(data.get("status", OK)),
            kind=str(data.get("kind", "command")),
            keystrokes=[
                Keystroke(str(c), None if ms is None else float(ms))
                for c, ms in data.get("keystrokes", [])
            ],
            created_at=parse_iso(str(data["time"])) if data.get("time") else utc_now(),
            extra=dict(data.get("extra", {})),
            gross_wpm=wpm.get("gross"),
            web_wpm=wpm.get("web"),
        )


def upload_body(
    *,
    kind: str,
    time: str,
    line: str,
    name: str,
    args: list[str],
    switches: dict[str, Any],
    response: str,
    status: int,
    gross_wpm: float | None,
    web_wpm: float | None,
    keystrokes: Iterable[tuple[str, float | None]],
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The record object the server stores (one shape: a Record's, or a stored row's built
    straight from its columns by the uploader)."""
    return {
        "version": 1,
        "kind": kind,
        "time": time,
        "line": line,
        "command": {"name": name, "args": args, "switches": switches},
        "response": response,
        "status": status,
        "wpm": {"gross": gross_wpm, "web": web_wpm},
        "keystrokes": [[c, ms] for c, ms in keystrokes],
        "extra": extra,
    }


def body_text(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Note:
    text: str
    created_ms: int
    id: int | None = None
    remote_key: str | None = None  # wrt/<epoch ms>
    source: str = "local"  # local | remote
    owner: Owner = NOBODY


def mask_line(words: list[str], mask_from: int | None) -> list[str]:
    """Replace secret arguments (command word is index -1 relative to args) with a mask."""
    if mask_from is None:
        return words
    keep = 1 + mask_from
    return words[:keep] + [MASK for _ in words[keep:]]
