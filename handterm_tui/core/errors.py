"""The one base of handterm's own errors: every failure a front end turns into words."""

from __future__ import annotations


class HandtermError(Exception):
    """A failure with ``message``: one sentence for the user (never a secret).

    Subclasses: ``auth.errors.AuthError``, ``api.errors.ApiError``, ``store.StoreError``,
    ``config.ConfigError``, ``services.Unavailable``. A front end that catches this shows
    ``message``; anything else reaching it is a bug.
    """

    message: str

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
