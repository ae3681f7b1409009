"""The log filters' dates, in the words a person types."""

from __future__ import annotations


def parse_day(text: str, *, end: bool = False, today: str | None = None) -> str:
    """A date filter as ISO UTC: ``2026-11-27``, a full ISO time, ``today`` or ``7d`` (days
    ago). With ``end``, a bare date means the end of that day (an exclusive bound).
    Raises ValueError with words a user understands."""
    from datetime import UTC, datetime, timedelta

    from handterm_tui.core.records import iso_utc, parse_iso, utc_now

    raw = text.strip().lower()
    now = parse_iso(today) if today else utc_now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        if raw == "today":
            day = midnight
        elif raw == "yesterday":
            day = midnight - timedelta(days=1)
        elif raw.endswith("d") and raw[:-1].isdigit():
            return iso_utc(now - timedelta(days=int(raw[:-1])))
        elif len(raw) == 10:
            day = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
        else:
            return iso_utc(parse_iso(text.strip().upper()))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: use YYYY-MM-DD, an ISO time, today, yesterday or Nd"
        ) from None
    return iso_utc(day + timedelta(days=1) if end else day)
