"""Create the emulated user pool and app client, and keep them across restarts.

moto holds everything in memory. We snapshot what a user would miss after a restart (pool and
client ids, users with their passwords and attributes, live refresh/access tokens, pending codes)
into one JSON file under the data dir, written atomically (temp file + rename, mode 0600) by a
background flusher when it changed and once more on shutdown. On start the pool is rebuilt from
the current options and then given back its old ids, so profiles written earlier stay valid while
new token validities take effect.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cognito
from .storage import atomic_write

ACCOUNT_ID = "123456789012"  # moto's default account: what unsigned and "testing" calls map to
SNAPSHOT_VERSION = 1
CUSTOM_ATTRIBUTES = [
    {"Name": n, "AttributeDataType": "String", "Mutable": True}
    for n in ("gh_username", "gh_id", "gh_token", "gh_refresh_token")
] + [
    {"Name": n, "AttributeDataType": "Number", "Mutable": True}
    for n in ("gh_token_expires", "gh_refresh_expires")
]


@dataclass
class PoolSettings:
    region: str = "us-east-1"
    access_seconds: int = 3600
    refresh_seconds: int = 30 * 86400
    compat: str | None = None  # "july2024": email is the username, sign-ups confirm at once
    auto_confirm: bool = False


@dataclass
class Pool:
    backend: Any
    pool: Any
    client: Any

    @property
    def pool_id(self) -> str:
        return str(self.pool.id)

    @property
    def client_id(self) -> str:
        return str(self.client.id)


def _units(seconds: int, big: str) -> tuple[int, str]:
    """Express a validity in the largest whole unit, as `describe_user_pool_client` would show."""
    for unit, size in ((big, 86400 if big == "days" else 3600), ("minutes", 60)):
        if seconds % size == 0:
            return seconds // size, unit
    return seconds, "seconds"


def create(settings: PoolSettings) -> Pool:
    cognito.apply()
    models = cognito.moto_models()
    backend = models.cognitoidp_backends[ACCOUNT_ID][settings.region]
    config: dict[str, Any] = {
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        "AutoVerifiedAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
        },
        "VerificationMessageTemplate": {
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
            "EmailSubject": "Verify your email for our app!",
            "EmailMessage": "Hello {username}, Thanks for signing up to our app! "
            "Your verification code is {####}",
        },
    }
    if settings.compat == "july2024":
        config["UsernameAttributes"] = ["email"]  # J/A: email is the username, userId is a UUID
    else:
        config["AliasAttributes"] = ["email"]
    pool = backend.create_user_pool("handterm", config)
    pool.add_custom_attributes(CUSTOM_ATTRIBUTES)
    access, access_unit = _units(settings.access_seconds, "hours")
    refresh, refresh_unit = _units(settings.refresh_seconds, "days")
    client = backend.create_user_pool_client(
        pool.id,
        False,
        {
            "ClientName": "handterm",
            "ExplicitAuthFlows": [
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
            ],
            "AccessTokenValidity": access,
            "IdTokenValidity": access,
            "RefreshTokenValidity": refresh,
            "TokenValidityUnits": {
                "AccessToken": access_unit,
                "IdToken": access_unit,
                "RefreshToken": refresh_unit,
            },
            "PreventUserExistenceErrors": "LEGACY",
            "ReadAttributes": ["email", "email_verified", "custom:gh_username"],
            "EnableTokenRevocation": True,
        },
    )
    if settings.compat == "july2024" or settings.auto_confirm:
        cognito.STATE.auto_confirm.add(pool.id)
    return Pool(backend, pool, client)


def _rekey_pool(p: Pool, pool_id: str, client_id: str) -> None:
    backend, pool, client = p.backend, p.pool, p.client
    backend.user_pools.pop(pool.id)
    if pool.id in cognito.STATE.auto_confirm:
        cognito.STATE.auto_confirm.discard(pool.id)
        cognito.STATE.auto_confirm.add(pool_id)
    pool.arn = pool.arn.replace(pool.id, pool_id)
    pool.id = pool_id
    backend.user_pools[pool_id] = pool
    pool.clients.pop(client.id)
    client.id = client_id
    client.user_pool_id = pool_id
    pool.clients[client_id] = client


def snapshot(p: Pool) -> dict[str, Any]:
    """Everything needed to rebuild the pool's users and sessions (caller holds the lock)."""
    cognito.prune(p.backend)
    pool, state = p.pool, cognito.STATE
    users = [
        {
            "username": u.username,
            "sub": u.id,
            "password": u.password,
            "status": str(u.status.value if hasattr(u.status, "value") else u.status),
            "enabled": u.enabled,
            "attributes": u.attributes,
        }
        for u in pool.users.values()
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "pool_id": pool.id,
        "client_id": p.client_id,
        "users": users,
        "refresh_tokens": {t: list(v) if v else None for t, v in pool.refresh_tokens.items()},
        "access_tokens": {t: list(v) for t, v in pool.access_tokens.items()},
        "refresh_issued": {
            t: state.refresh_issued[t] for t in pool.refresh_tokens if t in state.refresh_issued
        },
        "token_exp": {t: state.token_exp[t] for t in pool.access_tokens if t in state.token_exp},
        "codes": [
            [kind, user, c.code, c.expires]
            for (kind, pid, user), c in state.codes.items()
            if pid == pool.id
        ],
    }


def restore(p: Pool, data: dict[str, Any]) -> None:
    if data.get("version") != SNAPSHOT_VERSION:
        raise ValueError(f"unknown pool snapshot version {data.get('version')!r}")
    models = cognito.moto_models()
    _rekey_pool(p, str(data["pool_id"]), str(data["client_id"]))
    pool, state = p.pool, cognito.STATE
    for item in data["users"]:
        user = models.CognitoIdpUser(
            pool.id,
            item["username"],
            item["password"],
            models.UserStatus(item["status"]),
            item["attributes"],
        )
        user.id = item["sub"]
        user.update_attributes([{"Name": "sub", "Value": item["sub"]}])
        user.enabled = bool(item["enabled"])
        pool.users[user.username] = user
    pool.refresh_tokens.update(
        {t: tuple(v) if v else None for t, v in data["refresh_tokens"].items()}
    )
    pool.access_tokens.update({t: tuple(v) for t, v in data["access_tokens"].items()})
    state.refresh_issued.update(data["refresh_issued"])
    state.token_exp.update(data["token_exp"])
    for kind, user, code, expires in data["codes"]:
        state.codes[(kind, pool.id, user)] = cognito.Code(code, expires)


class SnapshotError(Exception):
    """The pool snapshot exists but cannot be restored."""


class Persister:
    """Writes the snapshot when it changed: every `interval` seconds and on close()."""

    def __init__(self, p: Pool, path: Path, interval: float = 0.5) -> None:
        self._pool, self._path, self._interval = p, path, interval
        self._last = ""
        self._seen = -1  # cognito.LOCK.generation at the last snapshot
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pool-persister", daemon=True)

    def load(self) -> bool:
        """Restore the pool from the snapshot; False when there is none yet."""
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            with cognito.LOCK:
                restore(self._pool, data)
        except FileNotFoundError:
            return False
        except Exception as exc:
            # Keep the file for a human to look at; never overwrite users we failed to read.
            aside = self._path.with_name(self._path.name + ".broken")
            os.replace(self._path, aside)
            raise SnapshotError(
                f"could not restore the user pool ({exc!r}); moved to {aside}"
            ) from exc
        return True

    def start(self) -> None:
        self.flush()
        self._thread.start()

    def flush(self, force: bool = True) -> None:
        if not force and cognito.LOCK.generation == self._seen:
            return  # nobody touched the pool since the last snapshot
        with cognito.LOCK:
            self._seen = cognito.LOCK.generation + 1  # our own release counts one
            text = json.dumps(snapshot(self._pool), sort_keys=True)
        if text != self._last:
            atomic_write(self._path, text.encode("utf-8"), mode=0o600)
            self._last = text

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush(force=False)
            except Exception as exc:  # keep serving; report and retry at the next tick
                print(f"handterm-server: pool snapshot failed: {exc}", file=sys.stderr)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.flush()


def ensure_demo_user(p: Pool, name: str, password: str, email: str | None = None) -> str:
    """Create (or reset the password of) a confirmed user with a verified email."""
    models = cognito.moto_models()
    pool = p.pool
    by_email = "email" in (pool.extended_config.get("UsernameAttributes") or [])
    email = email or (name if "@" in name else f"{name}@example.com")
    with cognito.LOCK:
        cognito.validate_password(pool, password)
        user = pool._get_user(email if by_email else name)
        if user is None:
            attrs = [
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ]
            user = models.CognitoIdpUser(
                pool.id, None if by_email else name, password, models.UserStatus.CONFIRMED, attrs
            )
            pool.users[user.username] = user
        user.password = password
        user.status = models.UserStatus.CONFIRMED
        return email if by_email else str(user.username)


def snapshot_path(data_dir: Path, compat: str | None) -> Path:
    name = "cognito-pool.json" if not compat else f"cognito-pool-{compat}.json"
    return data_dir / name


def secure_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
