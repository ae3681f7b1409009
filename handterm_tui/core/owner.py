"""Who a record, note or upload belongs to.

Every item is made under an owner: the account signed in at that moment (identified by the
token's issuer and ``sub``, so a user deleted and re-created under the same name is another
account), or nobody, "signed out on this profile". An item only ever uploads with its owner's
tokens; items made while signed out join an account only when its holder says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Owner:
    profile: str = ""  # the profile in use ('' = offline mode, or made before owners existed)
    account: str | None = None  # account_key() of the signed-in user; None = signed out
    username: str | None = None  # for words on screen only; never used to match

    @property
    def signed_in(self) -> bool:
        return self.account is not None

    def signed_out(self) -> Owner:
        """The owner of what is made on this profile while nobody is signed in."""
        return Owner(self.profile)


NOBODY = Owner()


def account_key(claims: Mapping[str, Any], fallback_user: str = "") -> str:
    """``<pool>/<sub>`` from an access token's claims: the identity that owns items.

    The pool comes from the ``iss`` claim (``https://cognito-idp.<region>.amazonaws.com/<pool>``);
    ``sub`` is the user's immutable id. Tokens without them (never seen from Cognito) fall back
    to the username, still scoped by whatever issuer is known.
    """
    issuer = str(claims.get("iss") or "").rstrip("/")
    pool = issuer.rsplit("/", 1)[-1] if issuer else "?"
    subject = str(claims.get("sub") or claims.get("username") or fallback_user or "?")
    return f"{pool}/{subject}"
