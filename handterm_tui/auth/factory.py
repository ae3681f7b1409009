"""Build the auth pieces of one profile: authenticator, store, session manager, API client.

Imports httpx (through the API client): import this module on first use, not at start-up.
"""

# ruff: noqa: E402  (httpx is imported after declining its CLI; see below)
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# httpx's __init__ loads its command-line client (click, pygments, ~2 MiB resident) when it
# can; handterm never runs it. A None entry makes that import fail, and httpx then defines a
# stub instead — so a signed-in TUI does not carry it. No effect once httpx is loaded.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

from handterm_tui.api.client import DEFAULT_TIMEOUT, HandTermApi
from handterm_tui.api.errors import ApiError, Unreachable
from handterm_tui.auth.base import Authenticator
from handterm_tui.auth.errors import NotConfigured, ServiceUnreachable
from handterm_tui.auth.session import SessionManager
from handterm_tui.auth.store import SessionStore
from handterm_tui.config import Config, Profile


@dataclass
class AuthSystem:
    """Everything signed-in work needs. ``api`` sends the session's tokens on protected routes."""

    config: Config
    profile: Profile
    authenticator: Authenticator
    store: SessionStore
    session: SessionManager
    api: HandTermApi

    def close(self) -> None:
        self.session.close()  # a token-store write still under way finishes first
        self.authenticator.close()
        self.api.close()

    def __enter__(self) -> AuthSystem:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def require_profile(config: Config) -> Profile:
    profile = config.profile
    if profile is None:
        raise NotConfigured()
    if not profile.online_capable:
        missing = "api_url" if not profile.api_url else "user_pool_id and client_id"
        raise NotConfigured(
            f"Profile '{profile.name}' lacks {missing}: add it to the config file (`handterm locate config`), "
            'or use auth = "api" when only the API URL is known.'
        )
    return profile


def build(
    config: Config,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    keyring_backend: Any = None,
    token_path: Path | None = None,
    **session_options: Any,
) -> AuthSystem:
    """Wire the profile's pieces. Cheap: nothing touches the network or the keyring until
    used (``session.start()`` loads the stored session; run it in a worker).

    ``session_options`` go to :class:`SessionManager` (clock, early_window, backoff_cap,
    verify_interval, probe_interval, probe...); ``transport``/``keyring_backend``/
    ``token_path`` are for tests. The API client reports failed calls to the session
    (``report_unreachable``), and the session probes the API with :func:`api_probe`.
    """
    profile = require_profile(config)
    api = HandTermApi(profile.api_url, transport=transport, timeout=timeout)
    authenticator: Authenticator
    if profile.auth == "api":
        from handterm_tui.auth.api_auth import ApiAuth

        authenticator = ApiAuth(
            api, cognito_endpoint=profile.cognito_endpoint, client_id=profile.client_id
        )
    else:
        from handterm_tui.auth.cognito import CognitoAuth

        authenticator = CognitoAuth(profile)
    store = SessionStore(
        profile.name,
        mode=config.settings.token_store,
        keyring_timeout=config.settings.keyring_timeout,
        path=token_path,
        keyring_backend=keyring_backend,
    )
    session_options.setdefault("probe", api_probe(api))
    session = SessionManager(
        authenticator,
        store,
        profile=profile.name,
        refresh_validity_days=profile.refresh_token_validity_days,
        **session_options,
    )
    api.tokens = session
    api.on_unreachable = session.report_unreachable
    return AuthSystem(config, profile, authenticator, store, session, api)


def api_probe(api: HandTermApi) -> Callable[[str], None]:
    """The session's light liveness probe: one GET of the public /check-session route.
    Any HTTP answer (even the 404 of APIs without that route) means the API is there;
    only a transport failure or a gateway 502/503/504 means it is not."""

    def probe(access_token: str) -> None:
        try:
            api.check_session(access_token)
        except Unreachable as exc:
            raise ServiceUnreachable(exc.message) from None
        except ApiError as exc:
            if exc.status in (502, 503, 504):
                raise ServiceUnreachable(f"The HandTerm API answered {exc.status}.") from None

    return probe
