"""What commands and screens get from the online world: one typed interface, two homes.

:class:`Services` is everything a front end or a command may ask of the session and the
server; :class:`OfflineServices` (no profile configured) answers every question locally and
:class:`handterm_tui.online.OnlineServices` answers them for a profile. Nothing here imports
httpx, boto3 or pycognito: offline start-up stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from handterm_tui.core.errors import HandtermError
from handterm_tui.core.owner import NOBODY, Owner

if TYPE_CHECKING:
    from handterm_tui.api.client import HandTermApi
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.auth.session import SessionStatus
    from handterm_tui.sync.service import SyncService

# The exact steps to a working server on this machine (no AWS): said wherever offline mode is.
LOCAL_SERVER = (
    "Start a local server in another terminal:\n"
    "  handterm serve-local --write-profile local --demo-user 'demo:Demo-pass1!'\n"
    "(in a checkout: `make serve`), then type `profile use local` and `login demo`."
)
OFFLINE_MODE = (
    "No server is configured (offline mode): records stay here.\n" + LOCAL_SERVER + "\n"
    "Or add a [profiles.NAME] table to the config file (`handterm locate config`)."
)

StatusListener = Callable[["SessionStatus"], object]


class Unavailable(HandtermError):
    """What was asked needs a server or a session that is not there; ``message`` says why
    in words a user can act on."""


@dataclass(frozen=True)
class AccountApi:
    """The API as one account: it sends only that account's tokens (a sign-in as someone else
    midway makes its calls fail, never go out as the other account)."""

    api: HandTermApi
    owner: Owner


class Services(Protocol):
    def start(self) -> None:
        """Load the stored session (blocking: call from a worker)."""
        ...

    def tick(self) -> None:
        """Keep the session fresh and upload a batch (blocking: a short worker on a timer)."""
        ...

    def close(self) -> None: ...

    def subscribe(self, listener: StatusListener) -> None:
        """Call ``listener(status)`` on every session change, from whichever thread saw it."""
        ...

    @property
    def status(self) -> SessionStatus | None:
        """The last session status (None: not loaded yet, or offline mode)."""
        ...

    @property
    def username(self) -> str | None: ...

    def owner(self) -> Owner:
        """Who owns what is made now, and whose items views show."""
        ...

    def auth(self) -> AuthSystem:
        """The profile's auth system; raises :class:`Unavailable` (offline mode, a partial
        profile)."""
        ...

    def account_api(self) -> AccountApi:
        """The API as the signed-in account (loads the stored session first); raises
        :class:`Unavailable` with the reason when nobody is signed in."""
        ...

    @property
    def sync(self) -> SyncService | None:
        """The one uploader of this profile (None offline)."""
        ...

    def connection_label(self) -> str: ...

    def session_left_label(self) -> str: ...


class OfflineServices:
    """No profile: everything is local, nobody signs in, nothing uploads."""

    def start(self) -> None:
        return None

    def tick(self) -> None:
        return None

    def close(self) -> None:
        return None

    def subscribe(self, listener: StatusListener) -> None:
        return None

    @property
    def status(self) -> SessionStatus | None:
        return None

    @property
    def username(self) -> str | None:
        return None

    def owner(self) -> Owner:
        return NOBODY

    def auth(self) -> AuthSystem:
        raise Unavailable(OFFLINE_MODE)

    def account_api(self) -> AccountApi:
        raise Unavailable(OFFLINE_MODE)

    @property
    def sync(self) -> SyncService | None:
        return None

    def connection_label(self) -> str:
        return "offline mode"

    def session_left_label(self) -> str:
        return ""
