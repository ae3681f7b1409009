"""Text from a server, made safe to show or log: no token, no long opaque blob."""

from __future__ import annotations

import re

_JWT = re.compile(r"eyJ[\w-]{6,}\.[\w-]*\.?[\w-]*")
_LONG_BLOB = re.compile(r"[A-Za-z0-9+/=_-]{80,}")


def safe_text(text: object, limit: int = 300) -> str:
    """Server text made safe to show or log: tokens and long opaque blobs removed, length capped."""
    cleaned = _LONG_BLOB.sub("[redacted]", _JWT.sub("[redacted]", str(text)))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
