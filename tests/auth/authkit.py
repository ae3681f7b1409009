"""Helpers for the auth tests: unsigned JWT look-alikes, a scripted authenticator, fake
keyrings and a settable clock. (A plain module: test files import it by name.)"""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

from handterm_tui.auth.base import SignUpResult
from handterm_tui.auth.errors import AuthError, ChallengeRequired, TokenRejected
from handterm_tui.auth.tokens import TokenSet


def make_jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k'})}.{part(claims)}.c2ln"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeAuth:
    """An Authenticator whose refresh outcome the test scripts. Tokens live ``lifetime`` s."""

    kind = "fake"

    def __init__(self, clock: Clock, lifetime: float = 3600.0) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.refresh_calls = 0
        self.check_calls = 0
        self.sign_outs: list[str] = []
        self.fail_with: AuthError | None = None  # raised by refresh while set
        self.check_fails_with: AuthError | None = None
        self.refresh_delay = 0.0
        self.serial = 0
        self._lock = threading.Lock()

    def issue(self, username: str = "alice", refresh: str = "refresh-1") -> TokenSet:
        with self._lock:
            self.serial += 1
            serial = self.serial
        now = int(self.clock())
        access = make_jwt(
            {
                "username": username,
                "sub": "uuid-1",
                "iat": now,
                "exp": now + int(self.lifetime),
                "n": serial,
                "token_use": "access",
            }
        )
        idt = make_jwt({"cognito:username": username, "iat": now, "exp": now + int(self.lifetime)})
        return TokenSet.from_tokens(access, idt, refresh, now=self.clock())

    def sign_up(self, username: str, password: str, email: str) -> SignUpResult:
        return SignUpResult(username, confirmed=False)

    def confirm_sign_up(self, username: str, code: str) -> str:
        return "ok"

    def resend_code(self, username: str) -> str | None:
        return None

    def sign_in(self, username: str, password: str) -> TokenSet:
        if password == "challenge":
            raise ChallengeRequired("new_password", username)
        return self.issue(username)

    def answer_new_password(self, username: str, password: str, new_password: str) -> TokenSet:
        return self.issue(username)

    def answer_mfa(self, challenge: ChallengeRequired, code: str) -> TokenSet:
        return self.issue(challenge.username)

    def refresh(self, tokens: TokenSet) -> TokenSet:
        self.refresh_calls += 1
        if self.refresh_delay:
            time.sleep(self.refresh_delay)
        if self.fail_with is not None:
            raise self.fail_with
        fresh = self.issue(tokens.username)
        return tokens.refreshed(fresh.access_token, fresh.id_token, None)

    def check(self, access_token: str) -> str:
        self.check_calls += 1
        if self.check_fails_with is not None:
            raise self.check_fails_with
        return "alice"

    def change_password(self, access_token: str, previous: str, proposed: str) -> None:
        if previous != "old":
            raise TokenRejected()

    def forgot_password(self, username: str) -> str | None:
        return None

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None:
        return None

    def sign_out(self, access_token: str, refresh_token: str | None = None) -> None:
        self.sign_outs.append(access_token)

    def close(self) -> None:
        return None


class MemoryKeyring:
    priority = 5

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


class HangingKeyring(MemoryKeyring):
    """A Secret Service that never answers (locked collection waiting for a prompt)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None


class FailKeyring(MemoryKeyring):
    priority = 0  # what keyring.backends.fail.Keyring reports


def config_for(
    backend: Any,
    *,
    auth: str = "cognito",
    token_store: str = "file",
    keyring_timeout: float = 2.0,
    validity_days: int = 1,
) -> Any:
    """A handterm Config whose only profile points at a local backend."""
    from pathlib import Path

    from handterm_tui.config import Config, Profile, Settings

    profile = Profile(
        name="local",
        api_url=backend.api_url,
        region=backend.region,
        user_pool_id=backend.user_pool_id,
        client_id=backend.client_id,
        cognito_endpoint=backend.cognito_endpoint,
        auth=auth,
        refresh_token_validity_days=validity_days,
    )
    return Config(
        path=Path("/nonexistent/config.toml"),
        profiles={"local": profile},
        default_profile="local",
        settings=Settings(token_store=token_store, keyring_timeout=keyring_timeout),
    )


def cli_login(config: Any, user: str, password: str, monkeypatch: Any) -> int:
    """`handterm login --password-stdin` with ``password`` on standard input."""
    import io

    from handterm_tui import cli_auth

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return cli_auth.login_main(config, user, password_stdin=True)
