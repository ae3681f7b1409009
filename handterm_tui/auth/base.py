"""The one interface both ways of authenticating implement (Cognito directly, or the API).

All methods block (network); callers run them in thread workers. Failures are the typed
errors of :mod:`handterm_tui.auth.errors`; passwords are used once and never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from handterm_tui.auth.errors import ChallengeRequired
from handterm_tui.auth.tokens import TokenSet


@dataclass(frozen=True)
class SignUpResult:
    username: str
    confirmed: bool  # False: a code was sent, confirm with ``verify``
    delivery: str | None = None  # where the code went, e.g. "EMAIL a***@e***"


class Authenticator(Protocol):
    kind: str  # "cognito" or "api"

    def sign_up(self, username: str, password: str, email: str) -> SignUpResult: ...

    def confirm_sign_up(self, username: str, code: str) -> str:
        """Confirm with the emailed code; returns the server's words (e.g. already confirmed)."""
        ...

    def resend_code(self, username: str) -> str | None:
        """Send a new confirmation code; returns where it went when the server says."""
        ...

    def sign_in(self, username: str, password: str) -> TokenSet:
        """Raises :class:`ChallengeRequired` when Cognito wants a new password or an MFA code."""
        ...

    def answer_new_password(self, username: str, password: str, new_password: str) -> TokenSet: ...

    def answer_mfa(self, challenge: ChallengeRequired, code: str) -> TokenSet: ...

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """New access/ID tokens; raises SessionEnded or ServiceUnreachable."""
        ...

    def check(self, access_token: str) -> str:
        """Ask the server whether the access token is still good (revocation included).

        Returns the username; raises TokenRejected or ServiceUnreachable.
        """
        ...

    def change_password(self, access_token: str, previous: str, proposed: str) -> None: ...

    def forgot_password(self, username: str) -> str | None: ...

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None: ...

    def sign_out(self, access_token: str, refresh_token: str | None = None) -> None:
        """Global sign-out: every session of the user ends (refresh tokens revoked).

        ``refresh_token`` lets an authenticator revoke that token when the access token
        cannot be used. Raises an AuthError when the server was not told."""
        ...

    def close(self) -> None: ...
