"""Whether the server can be used now, in words a user understands when it cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem

OFFLINE_MODE = "No server is configured (offline mode): records stay here."


def signed_in_auth(services: Any) -> tuple[AuthSystem | None, str]:
    """(auth, "") when a session holds tokens (an unreachable server is tried anyway);
    otherwise (None, why not). Loads the stored session on first use."""
    from handterm_tui.auth.errors import AuthError

    try:
        auth = services.get("auth") if services is not None else None
    except AuthError as exc:
        return None, exc.message
    if auth is None:
        return None, OFFLINE_MODE
    try:
        status = auth.session.start()
    except AuthError as exc:
        return None, exc.message
    if status.signed_in:
        return auth, ""
    from handterm_tui.auth.session import SessionState

    if status.state is SessionState.SESSION_ENDED:
        return None, "The session ended: type `login` to sign in again (nothing local is lost)."
    return None, "Not signed in: type `login <user>`; queued records upload after sign-in."
