"""Typed errors of the HandTerm API client.

``message`` is user-facing and made only of the server's ``message``/``error`` words (never the
echoed request: the July-2024 signUp echoes the password) with tokens redacted.
"""

from __future__ import annotations

from handterm_tui.core.errors import HandtermError
from handterm_tui.core.redact import safe_text


class ApiError(HandtermError):
    default_message = "The HandTerm API call failed."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        route: str | None = None,
        code: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.message = safe_text(message) if message else self.default_message
        self.status = status
        self.route = route
        self.code = code  # the body's errorCode/code when it has one
        self.detail = safe_text(detail) if detail else None  # e.g. Cognito's own words
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, route={self.route!r}, message={self.message!r})"


class BadRequest(ApiError):
    default_message = "The API refused the request."


class Unauthorized(ApiError):
    default_message = "Not signed in — type `login <user>`."


class Forbidden(ApiError):
    default_message = "The API refused the session's token."


class NotFound(ApiError):
    default_message = "Not found."


class Conflict(ApiError):
    default_message = "That conflicts with what the server already has."


class ServerError(ApiError):
    default_message = "The HandTerm API had an internal error."


class Unreachable(ApiError):
    default_message = "The HandTerm API cannot be reached — working offline."


class BadResponse(ApiError):
    default_message = "The HandTerm API sent a reply handterm cannot read."


def error_for_status(
    status: int,
    message: str | None,
    route: str,
    *,
    code: str | None = None,
    detail: str | None = None,
) -> ApiError:
    """The typed error for an HTTP error status."""
    kind: type[ApiError]
    if status == 400:
        kind = BadRequest
    elif status == 401:
        kind = Unauthorized
    elif status == 403:
        kind = Forbidden
    elif status == 404:
        kind = NotFound
    elif status == 409:
        kind = Conflict
    elif status in (502, 503, 504):
        kind = Unreachable  # gateway could not reach the backend: transient
    elif status >= 500:
        kind = ServerError
    else:
        kind = BadRequest
    return kind(message, status=status, route=route, code=code, detail=detail)
