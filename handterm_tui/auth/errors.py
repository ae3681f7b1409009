"""Typed authentication errors.

Every error carries ``message``: one sentence a user can read. Messages never contain a
password or a token; server-supplied text goes through :func:`safe_text` first.
"""

from __future__ import annotations

import re

from handterm_tui.core.errors import HandtermError
from handterm_tui.core.redact import safe_text as safe_text  # re-exported: the one redactor


class AuthError(HandtermError):
    """Base of every auth failure. ``code`` is the upstream error code when there is one."""

    default_message = "Sign-in failed."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = safe_text(message) if message else self.default_message
        self.code = code
        super().__init__(self.message)


class NotConfigured(AuthError):
    default_message = (
        "No server is configured. Start a local one with "
        "`handterm serve-local --write-profile local --demo-user 'demo:Demo-pass1!'` "
        "(then `profile use local`), or add a [profiles.NAME] table to the config file "
        "(`handterm locate config` prints where it is)."
    )


class NotSignedIn(AuthError):
    default_message = "Not signed in — type `login <user>` to sign in."


class WrongCredentials(AuthError):
    default_message = "Incorrect username or password."


class UserNotFound(AuthError):
    default_message = "No such user."


class UserNotConfirmed(AuthError):
    default_message = (
        "This account is not confirmed yet — type `verify <user> <code>` with the emailed code."
    )


class UserExists(AuthError):
    default_message = "An account with this username already exists."


class InvalidPassword(AuthError):
    """The password policy refused the password; ``message`` holds the policy's words."""

    default_message = "The password does not meet the pool's policy."


class InvalidParameter(AuthError):
    default_message = "The server refused one of the values given."


class CodeMismatch(AuthError):
    default_message = "That code is not right — check it and try again."


class CodeExpired(AuthError):
    default_message = "That code has expired — ask for a new one with `resend <user>`."


class LimitExceeded(AuthError):
    default_message = "Too many attempts — wait a little and try again."


class SessionEnded(AuthError):
    """The refresh token is expired, revoked or invalid: only a new sign-in helps."""

    default_message = "Session ended — type `login` to sign in again. Nothing local was lost."


class TokenRejected(AuthError):
    """The server refused the access token (expired, revoked or foreign)."""

    default_message = "The server did not accept the session's access token."


class ServiceUnreachable(AuthError):
    """Network down, timeout or a 5xx: transient, so tokens are kept."""

    default_message = "The sign-in service cannot be reached — working offline, will retry."


class NotSupported(AuthError):
    default_message = "This profile's sign-in method cannot do that."


class StoreUnavailable(AuthError):
    default_message = "The configured token store is not available."


class AuthServiceError(AuthError):
    """Any other refusal by the service (misconfigured pool or client, unexpected reply)."""

    default_message = "The sign-in service refused the request."


class ChallengeRequired(AuthError):
    """Cognito wants more before issuing tokens.

    ``kind`` is ``"new_password"`` (call ``answer_new_password``) or ``"mfa_totp"`` /
    ``"mfa_sms"`` (call ``answer_mfa`` with this exception and the code). ``session`` is
    Cognito's opaque challenge session; it is kept out of ``message`` and ``repr``.
    """

    default_message = "The server asks for more before signing in."

    def __init__(
        self,
        kind: str,
        username: str,
        message: str | None = None,
        *,
        session: str | None = None,
    ) -> None:
        super().__init__(message or _CHALLENGE_TEXT.get(kind), code=kind)
        self.kind = kind
        self.username = username
        self.session = session

    def __repr__(self) -> str:
        return f"ChallengeRequired(kind={self.kind!r}, username={self.username!r})"


_CHALLENGE_TEXT = {
    "new_password": "A new password is required before this account can sign in.",
    "mfa_totp": "Enter the code from your authenticator app.",
    "mfa_sms": "Enter the code sent to your phone.",
}

# Cognito ``NotAuthorizedException`` messages that mean the refresh token is finished.
SESSION_END_PATTERNS = re.compile(
    r"refresh token has (expired|been revoked)|invalid refresh token|refresh token is required"
    r"|user is disabled|user does not exist|token refresh failed",
    re.IGNORECASE,
)
