"""Where the session's tokens live between runs: the OS keyring, else a private file.

``auto`` uses the keyring only when one answers within ``keyring_timeout`` (the probe runs in
a daemon thread: a hung Secret Service over SSH must not hang handterm, as it does some tools);
otherwise, like gh, a JSON file created 0600 in a 0700 directory, written atomically. The
``kind`` and ``describe()`` say which, so the UI can tell the user once. ``clear()`` erases
every copy. Passwords are never stored; neither store is ever logged.

One record per profile: the tokens, or a small "session ended" marker (username and time,
no token) so ``status`` can keep saying "session ended" after the tokens are gone.

A session belongs to a handterm home as well as a profile: the keyring entry is
``session:<profile>@<hash of the state dir>``, so two people with their own ``HANDTERM_HOME``
under one system account never share tokens (the token file lives in the state dir already).
Entries from before (``session:<profile>``) belong to the default home: without
``HANDTERM_HOME`` the first load moves such an entry to the new key, once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from handterm_tui import paths
from handterm_tui.auth.errors import StoreUnavailable
from handterm_tui.auth.tokens import TokenFormatError, TokenSet

log = logging.getLogger("handterm.auth")

SERVICE = "handterm"
FILE_VERSION = 1
T = TypeVar("T")


class StoreKind(StrEnum):
    KEYRING = "keyring"
    FILE = "file"


@dataclass(frozen=True)
class EndedSession:
    """Marker left when a session ended on its own (refresh token expired or revoked)."""

    username: str
    ended_at: float
    reason: str


Stored = TokenSet | EndedSession


class KeyringTimeout(Exception):
    pass


def call_with_timeout(fn: Callable[[], T], timeout: float) -> T:
    """Run ``fn`` in a daemon thread; raise KeyringTimeout if it has not returned in time.

    A thread that hangs forever is abandoned (daemon: it cannot block exit).
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="handterm-keyring", daemon=True).start()
    if not done.wait(timeout):
        raise KeyringTimeout
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def _record(item: Stored) -> dict[str, Any]:
    if isinstance(item, TokenSet):
        return {"tokens": item.to_dict()}
    return {"ended": {"username": item.username, "ended_at": item.ended_at, "reason": item.reason}}


def _parse_record(data: Any) -> Stored | None:
    if not isinstance(data, dict):
        return None
    try:
        if isinstance(data.get("tokens"), dict):
            return TokenSet.from_dict(data["tokens"])
        ended = data.get("ended")
        if isinstance(ended, dict):
            return EndedSession(
                username=str(ended.get("username") or ""),
                ended_at=float(ended.get("ended_at") or 0),
                reason=str(ended.get("reason") or ""),
            )
    except (TokenFormatError, TypeError, ValueError):
        log.warning("ignoring an unreadable stored session")
    return None


class FileBackend:
    """``{"version": 1, "profiles": {name: record}}`` in one 0600 file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read_all(self) -> dict[str, Any]:
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if mode & 0o077:
                log.warning("token file was readable by others; making it private")
                os.chmod(self.path, 0o600)
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("token file unreadable; ignoring it")
            return {}
        profiles = data.get("profiles") if isinstance(data, dict) else None
        return profiles if isinstance(profiles, dict) else {}

    def _write_all(self, profiles: dict[str, Any]) -> None:
        if not profiles:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        directory = paths.ensure_private_dir(self.path.parent)
        with contextlib.suppress(OSError):
            os.chmod(directory, 0o700)
        tmp = directory / f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        text = json.dumps({"version": FILE_VERSION, "profiles": profiles}, indent=1)
        # Created 0600 from the first byte: no window where the tokens are world-readable.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def get(self, profile: str) -> Any:
        return self._read_all().get(profile)

    def put(self, profile: str, record: dict[str, Any] | None) -> None:
        profiles = self._read_all()
        if record is None:
            if profile not in profiles:
                return
            profiles.pop(profile)
        else:
            profiles[profile] = record
        self._write_all(profiles)


class SessionStore:
    """The session store of one profile. Thread-safe."""

    def __init__(
        self,
        profile: str,
        *,
        mode: str = "auto",
        keyring_timeout: float = 2.0,
        path: Path | None = None,
        keyring_backend: Any = None,
    ) -> None:
        if mode not in ("auto", "keyring", "file"):
            raise ValueError(f"token_store must be auto, keyring or file, not {mode!r}")
        self.profile = profile
        self.mode = mode
        self.keyring_timeout = keyring_timeout
        self.file = FileBackend(path or paths.token_file())
        self.home = home_tag()
        # Only the default home may adopt (and must erase) an entry from before homes.
        self._legacy_done = bool(os.environ.get("HANDTERM_HOME"))
        self._injected_backend = keyring_backend
        self._keyring: Any = None  # the usable backend once probed
        self._kind: StoreKind | None = None
        self._why_file = ""
        self._lock = threading.RLock()

    # -- which store --------------------------------------------------------------------

    @property
    def kind(self) -> StoreKind:
        """Probe once (up to ``keyring_timeout`` seconds), then remember."""
        with self._lock:
            if self._kind is None:
                self._resolve()
            assert self._kind is not None
            return self._kind

    def _resolve(self) -> None:
        if self.mode == "file":
            self._use_file("the config asks for the file store")
            return
        reason = self._probe()
        if reason is None:
            self._kind = StoreKind.KEYRING
        elif self.mode == "keyring":
            raise StoreUnavailable(f'token_store = "keyring", but {reason}.')
        else:
            self._use_file(reason)

    def _use_file(self, reason: str) -> None:
        self._kind = StoreKind.FILE
        self._keyring = None
        self._why_file = reason

    def _probe(self) -> str | None:
        """None when a keyring answers; else why not."""
        injected = self._injected_backend

        def work() -> Any:
            if injected is not None:
                backend = injected
            else:
                import keyring

                backend = keyring.get_keyring()
            if getattr(backend, "priority", 1) <= 0:  # fail / null / empty chainer
                return None
            backend.get_password(SERVICE, "probe")
            return backend

        try:
            backend = call_with_timeout(work, self.keyring_timeout)
        except KeyringTimeout:
            return f"the OS keyring did not answer within {self.keyring_timeout:g} s"
        except Exception as exc:
            return f"the OS keyring failed ({type(exc).__name__})"
        if backend is None:
            return "no OS keyring is available"
        self._keyring = backend
        return None

    def describe(self) -> str:
        """One sentence for the user: where the tokens are kept, and why."""
        kind = self.kind
        if kind is StoreKind.KEYRING:
            name = type(self._keyring).__name__
            module = type(self._keyring).__module__.rsplit(".", 1)[-1]
            return f"Tokens are kept in the OS keyring ({module}.{name})."
        return f"Tokens are kept in {self.file.path} (readable only by you): {self._why_file}."

    # -- keyring calls, each bounded by the timeout ------------------------------------

    @property
    def entry_name(self) -> str:
        """The keyring entry of this profile in this home (service ``handterm``)."""
        return f"session:{self.profile}@{self.home}"

    def _key(self) -> str:
        return self.entry_name

    def _legacy_key(self) -> str:
        return f"session:{self.profile}"

    def _adopt_legacy(self) -> str | None:
        """Without HANDTERM_HOME, move an entry from before homes to this home's key (once).
        Returns its text. Keyring failures leave it where it is, for the next run."""
        if self._legacy_done:
            return None
        legacy = self._keyring_call(lambda b: b.get_password(SERVICE, self._legacy_key()))
        if legacy:
            self._keyring_call(lambda b: b.set_password(SERVICE, self._key(), legacy))
            self._keyring_call(lambda b: _delete(b, self._legacy_key()))
            log.info("moved the stored session of profile %s to this home's entry", self.profile)
        self._legacy_done = True
        return legacy or None

    def _drop_legacy(self) -> None:
        """No copy from before homes may outlive a save or a clear of the default home."""
        if not self._legacy_done:
            with contextlib.suppress(Exception):
                self._keyring_call(lambda b: _delete(b, self._legacy_key()))
                self._legacy_done = True

    def _keyring_call(self, fn: Callable[[Any], T]) -> T:
        backend = self._keyring
        try:
            return call_with_timeout(lambda: fn(backend), self.keyring_timeout)
        except Exception as exc:
            reason = (
                f"the OS keyring stopped answering within {self.keyring_timeout:g} s"
                if isinstance(exc, KeyringTimeout)
                else f"the OS keyring failed ({type(exc).__name__})"
            )
            if self.mode == "keyring":
                raise StoreUnavailable(f'token_store = "keyring", but {reason}.') from None
            log.warning("falling back to the token file: %s", reason)
            self._use_file(reason)
            raise

    # -- records ------------------------------------------------------------------------

    def load(self) -> Stored | None:
        with self._lock:
            if self.kind is StoreKind.KEYRING:
                try:
                    text = self._keyring_call(lambda b: b.get_password(SERVICE, self._key()))
                    if not text:
                        text = self._adopt_legacy()
                except StoreUnavailable:
                    raise
                except Exception:
                    text = None
                if text:
                    try:
                        return _parse_record(json.loads(text))
                    except ValueError:
                        log.warning("ignoring an unreadable keyring entry")
            # A file copy may exist from a run where the keyring did not answer.
            return _parse_record(self.file.get(self.profile))

    def save(self, item: Stored) -> None:
        record = _record(item)
        with self._lock:
            if self.kind is StoreKind.KEYRING:
                text = json.dumps(record)
                try:
                    self._keyring_call(lambda b: b.set_password(SERVICE, self._key(), text))
                except StoreUnavailable:
                    raise
                except Exception:
                    pass  # now on the file store; fall through
                else:
                    self._drop_legacy()
                    self.file.put(self.profile, None)  # no stale copy in a file
                    return
            self.file.put(self.profile, record)

    def mark_ended(self, username: str, reason: str, at: float | None = None) -> None:
        """Replace the tokens with an "ended" marker (erasing every token copy first)."""
        with self._lock:
            self.clear()
            self.save(EndedSession(username, time.time() if at is None else at, reason))

    def clear(self) -> None:
        """Erase every copy: keyring entry and file entry."""
        with self._lock:
            kind = self.kind
            if kind is StoreKind.KEYRING or self._keyring is not None:
                with contextlib.suppress(Exception):
                    self._keyring_call(lambda b: _delete(b, self._key()))
                self._drop_legacy()
            self.file.put(self.profile, None)


def home_tag() -> str:
    """A short, stable name of this handterm home: a hash of its resolved state dir."""
    state = paths.state_dir()
    try:
        resolved = state.resolve()
    except OSError:
        resolved = state.absolute()
    return hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:12]


def _delete(backend: Any, key: str) -> None:
    try:
        backend.delete_password(SERVICE, key)
    except Exception as exc:  # keyring raises PasswordDeleteError when absent
        if type(exc).__name__ != "PasswordDeleteError":
            raise
