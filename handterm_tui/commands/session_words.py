"""A session's state in words: `handterm status`, the prompt's `session` and its screen."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from handterm_tui.auth.session import SessionState
from handterm_tui.core.when import when

if TYPE_CHECKING:
    from handterm_tui.auth.session import SessionStatus


def describe_status(status: SessionStatus, now: float | None = None) -> list[str]:
    """Plain-text lines for `handterm status` (and the UI's `session` command)."""
    now = time.time() if now is None else now
    head = {
        SessionState.SIGNED_IN: f"Signed in as {status.username}",
        SessionState.SIGNED_OUT: "Not signed in — run `handterm login`",
        SessionState.SESSION_ENDED: (
            f"Session of {status.username or 'the last user'} ended — run `handterm login`. "
            "Nothing local was lost."
        ),
        SessionState.UNREACHABLE: f"Signed in as {status.username}, but the server cannot be "
        "reached (tokens kept, will retry)",
    }[status.state]
    lines = [head + (f" (profile {status.profile})" if status.profile else "") + "."]
    if status.signed_in:
        lines.append(f"Access token expires:   {when(status.expires_at, now)}")
        if status.last_refresh_at:
            lines.append(f"Last refresh:           {when(status.last_refresh_at, now)}")
        lines.append(f"Refresh token issued:   {when(status.refresh_issued_at, now)}")
        lines.append(
            f"Refresh token expected to expire: {when(status.refresh_expected_expiry, now)} "
            f"(validity {status.refresh_validity_days} "
            f"day{'' if status.refresh_validity_days == 1 else 's'}, per the profile)"
        )
    if status.store_note:
        lines.append(status.store_note)
    if status.message and status.state is not SessionState.SESSION_ENDED:
        lines.append(status.message)
    return lines
