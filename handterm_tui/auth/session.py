"""The session manager: keeps one user signed in for the whole life of the refresh token.

Pure Python and thread-safe; the UI drives it with a timer that calls :meth:`tick` in a short
thread worker every few seconds, and subscribes to status changes.

How it decides (every decision reads the wall clock afresh, so laptop sleep and clock jumps
only make the next tick act sooner):
- expiry is the access token's ``exp`` claim (corrected by the server's clock offset when the
  ``iat`` shows the clocks disagree by more than a minute);
- a refresh is due ``min(early_window, early_fraction * lifetime)`` before expiry, and always
  once expired;
- one refresh at a time (a lock: ticks skip, API callers wait and reuse the result);
- at most one attempt per interval: after a success the next attempt waits a quarter of the
  token's lifetime (max 30 s); after a network fault it backs off 2, 4, 8 ... up to 60 s;
- a refused refresh token (expired, revoked, invalid) ends the session: tokens erased, an
  "ended" marker kept, nothing local touched. A network fault keeps the tokens and retries.
- every ``verify_interval`` seconds the access token is checked with the server, so a session
  revoked elsewhere is noticed without waiting for the next refresh.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from handterm_tui.auth.base import Authenticator
from handterm_tui.auth.errors import (
    AuthError,
    ChallengeRequired,
    NotSignedIn,
    ServiceUnreachable,
    SessionEnded,
    StoreUnavailable,
    TokenRejected,
)
from handterm_tui.auth.store import EndedSession, SessionStore
from handterm_tui.auth.tokens import TokenSet

log = logging.getLogger("handterm.auth")

DAY = 86400.0
SKEW_TOLERANCE = 60.0  # clocks closer than this are trusted as they are


class SessionState(StrEnum):
    SIGNED_OUT = "signed_out"
    SIGNED_IN = "signed_in"
    SESSION_ENDED = "session_ended"
    UNREACHABLE = "unreachable"


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class SessionStatus:
    """A snapshot for the UI, ``status`` and ``session``. Times are local epoch seconds."""

    state: SessionState
    username: str | None = None
    expires_at: float | None = None  # access token expiry
    last_refresh_at: float | None = None
    refresh_issued_at: float | None = None
    refresh_expected_expiry: float | None = None  # issued + the profile's validity
    refresh_validity_days: int = 30
    store_kind: str | None = None
    store_note: str | None = None
    message: str | None = None  # last error, or why the session ended
    refreshing: bool = False
    next_attempt_at: float | None = None  # when offline: the next retry
    refreshes: int = 0
    calls_retried: int = 0
    profile: str | None = None
    account: str | None = None  # core.owner.account_key of the tokens held (None: none held)

    @property
    def signed_in(self) -> bool:
        """Tokens held (an unreachable server does not sign anyone out)."""
        return self.state in (SessionState.SIGNED_IN, SessionState.UNREACHABLE)

    def seconds_left(self, now: float | None = None) -> float | None:
        if self.expires_at is None:
            return None
        return self.expires_at - (time.time() if now is None else now)

    def as_dict(self, now: float | None = None) -> dict[str, Any]:
        """A stable JSON object (``handterm status --json``)."""
        data = asdict(self)
        data["state"] = self.state.value
        for key in (
            "expires_at",
            "last_refresh_at",
            "refresh_issued_at",
            "refresh_expected_expiry",
            "next_attempt_at",
        ):
            data[key] = _iso(data[key])
        left = self.seconds_left(now)
        data["seconds_left"] = None if left is None else max(0, int(left))
        return data


Listener = Callable[[SessionStatus], None]


class SessionManager:
    """Holds the tokens of one profile and keeps them fresh. Implements the API client's
    ``TokenProvider`` (:meth:`ensure_fresh`, :meth:`force_refresh`, :meth:`token_rejected`)."""

    def __init__(
        self,
        authenticator: Authenticator,
        store: SessionStore,
        *,
        profile: str | None = None,
        refresh_validity_days: int = 30,
        clock: Callable[[], float] = time.time,
        early_window: float = 300.0,
        early_fraction: float = 0.2,
        backoff_base: float = 2.0,
        backoff_cap: float = 60.0,
        verify_interval: float | None = 300.0,
    ) -> None:
        self.authenticator = authenticator
        self.store = store
        self.profile = profile or store.profile
        self.refresh_validity_days = refresh_validity_days
        self.clock = clock
        self.early_window = early_window
        self.early_fraction = early_fraction
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.verify_interval = verify_interval

        self._lock = threading.RLock()  # guards the fields below
        self._flight = threading.Lock()  # one network refresh/check at a time
        self._tokens: TokenSet | None = None
        self._state = SessionState.SIGNED_OUT
        self._message: str | None = None
        self._ended_user: str | None = None
        self._refreshing = False
        self._last_refresh_at: float | None = None
        self._last_verified_at = 0.0
        self._next_attempt_at = 0.0
        self._failures = 0
        self._skew = 0.0  # server clock minus ours, when they disagree beyond tolerance
        self._started = False
        self._store_note: str | None = None
        self._listeners: list[Listener] = []
        self.refreshes = 0
        self.calls_retried = 0
        self.refresh_failures = 0

    # -- listeners and status -----------------------------------------------------------

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(status)`` on every change (from whichever thread made it)."""
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def _notify(self) -> None:
        status = self.status
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback(status)
            except Exception:
                log.exception("session listener failed")

    @property
    def status(self) -> SessionStatus:
        with self._lock:
            tokens = self._tokens
            issued = tokens.refresh_issued_at if tokens else None
            return SessionStatus(
                state=self._state,
                username=tokens.username if tokens else self._ended_user,
                expires_at=self._local_exp(tokens) if tokens else None,
                last_refresh_at=self._last_refresh_at,
                refresh_issued_at=issued,
                refresh_expected_expiry=None
                if issued is None
                else issued + self.refresh_validity_days * DAY,
                refresh_validity_days=self.refresh_validity_days,
                store_kind=str(self.store.kind) if self._store_note else None,
                store_note=self._store_note,
                message=self._message,
                refreshing=self._refreshing,
                next_attempt_at=self._next_attempt_at
                if self._state is SessionState.UNREACHABLE
                else None,
                refreshes=self.refreshes,
                calls_retried=self.calls_retried,
                profile=self.profile,
                account=tokens.account if tokens else None,
            )

    @property
    def state(self) -> SessionState:
        with self._lock:
            return self._state

    # -- timing -------------------------------------------------------------------------

    def _local_exp(self, tokens: TokenSet) -> float:
        return tokens.expires_at - self._skew

    def _due_at(self, tokens: TokenSet) -> float:
        early = min(self.early_window, self.early_fraction * tokens.lifetime)
        return self._local_exp(tokens) - early

    def _margin(self, tokens: TokenSet) -> float:
        """Least validity a token must have left to be sent (covers the request's flight)."""
        return min(5.0, 0.1 * tokens.lifetime)

    def _gap_after_success(self, tokens: TokenSet) -> float:
        return max(0.5, min(30.0, 0.25 * tokens.lifetime))

    def _learn_skew(self, tokens: TokenSet, received: float) -> None:
        offset = tokens.issued_at - received
        self._skew = offset if abs(offset) > SKEW_TOLERANCE else 0.0

    # -- start, sign in, sign out -------------------------------------------------------

    def _describe_store(self) -> None:
        try:
            self._store_note = self.store.describe()
        except AuthError as exc:
            self._store_note = exc.message

    def start(self) -> SessionStatus:
        """Load the stored session (once); refresh at once if its access token has expired."""
        with self._lock:
            if self._started:
                return self.status
            self._started = True
        try:
            stored = self.store.load()
        except StoreUnavailable as exc:
            stored = None
            with self._lock:
                self._message = exc.message
        self._describe_store()
        now = self.clock()
        with self._lock:
            if isinstance(stored, TokenSet) and self._tokens is None:
                self._tokens = stored
                self._state = SessionState.SIGNED_IN
            elif isinstance(stored, EndedSession) and self._tokens is None:
                self._state = SessionState.SESSION_ENDED
                self._ended_user = stored.username
                self._message = SessionEnded.default_message
            tokens = self._tokens
        self._notify()
        if tokens is not None and now >= self._due_at(tokens):
            self._try_refresh(now, wait=True)
        return self.status

    def _install(self, tokens: TokenSet) -> SessionStatus:
        now = self.clock()
        with self._lock:
            self._started = True
            self._tokens = tokens
            self._state = SessionState.SIGNED_IN
            self._message = None
            self._ended_user = None
            self._failures = 0
            self._next_attempt_at = 0.0
            self._last_verified_at = now
            self._learn_skew(tokens, now)
        try:
            self.store.save(tokens)
        except StoreUnavailable as exc:
            with self._lock:
                self._message = f"Signed in for this run only: {exc.message}"
        self._describe_store()
        log.info("signed in as %s", tokens.username)
        self._notify()
        return self.status

    def sign_in(self, username: str, password: str) -> SessionStatus:
        """Raises WrongCredentials, UserNotConfirmed, ChallengeRequired, ServiceUnreachable..."""
        return self._install(self.authenticator.sign_in(username, password))

    def answer_new_password(self, username: str, password: str, new_password: str) -> SessionStatus:
        return self._install(
            self.authenticator.answer_new_password(username, password, new_password)
        )

    def answer_mfa(self, challenge: ChallengeRequired, code: str) -> SessionStatus:
        return self._install(self.authenticator.answer_mfa(challenge, code))

    def sign_out(self) -> str:
        """Global sign-out (best effort) and erase every stored copy. Returns what happened."""
        with self._lock:
            tokens = self._tokens
            self._tokens = None
            self._state = SessionState.SIGNED_OUT
            self._message = None
            self._ended_user = None
            self._started = True
        remote = "There was no session to end on the server."
        if tokens is not None:
            remote = "Signed out everywhere."
            try:
                access = tokens.access_token
                if self.clock() >= self._local_exp(tokens) - self._margin(tokens):
                    access = self.authenticator.refresh(tokens).access_token
                self.authenticator.sign_out(access)
            except SessionEnded:
                remote = "The session had already ended on the server."
            except AuthError as exc:
                remote = f"Signed out on this machine; the server was not told ({exc.message})"
        try:
            self.store.clear()
        except AuthError as exc:
            remote += f" The token store could not be cleared: {exc.message}"
        log.info("signed out")
        self._notify()
        return remote

    def change_password(self, previous: str, proposed: str) -> None:
        token = self.ensure_fresh()
        try:
            self.authenticator.change_password(token, previous, proposed)
        except TokenRejected:
            token = self.force_refresh(token)
            self.authenticator.change_password(token, previous, proposed)

    # -- the refresh machinery ----------------------------------------------------------

    def _try_refresh(self, now: float, *, wait: bool) -> TokenSet | None:
        """Refresh, recording the outcome; never raises (for tick and start)."""
        try:
            return self._refresh(now, wait=wait)
        except AuthError:
            return None
        except Exception:
            log.exception("unexpected failure while refreshing")
            return None

    def _refresh(self, now: float, *, wait: bool) -> TokenSet | None:
        """One refresh, single flight. Returns None when another thread holds the flight and
        ``wait`` is False. Raises SessionEnded, ServiceUnreachable or another AuthError."""
        with self._lock:
            before = self._tokens
        if not self._flight.acquire(blocking=wait):
            return None
        try:
            with self._lock:
                current = self._tokens
                if current is None:
                    if self._state is SessionState.SESSION_ENDED:
                        raise SessionEnded()
                    raise NotSignedIn()
                if current is not before:
                    return current  # refreshed (or signed in) while we waited
                self._refreshing = True
            self._notify()
            try:
                fresh = self.authenticator.refresh(current)
            except SessionEnded as exc:
                self._end(current, exc.message)
                raise
            except AuthError as exc:
                self._fail(current, now, exc)
                raise
            except Exception as exc:
                log.exception("refresh failed unexpectedly")
                error = ServiceUnreachable(f"Refresh failed ({type(exc).__name__}); will retry.")
                self._fail(current, now, error)
                raise error from None
            self._succeed(current, fresh, now)
            return fresh
        finally:
            self._flight.release()

    def _succeed(self, current: TokenSet, fresh: TokenSet, now: float) -> None:
        received = self.clock()
        with self._lock:
            if self._tokens is not current:
                return  # signed out or in again meanwhile: this result is stale
            self._tokens = fresh
            self._state = SessionState.SIGNED_IN
            self._message = None
            self._refreshing = False
            self._failures = 0
            self._learn_skew(fresh, received)
            self._next_attempt_at = now + self._gap_after_success(fresh)
            self._last_refresh_at = received
            self._last_verified_at = received  # a refresh proves the session is not revoked
            self.refreshes += 1
        try:
            self.store.save(fresh)
        except AuthError as exc:
            log.warning("refreshed tokens not saved: %s", exc.message)
        log.info(
            "session refreshed for %s; access token valid until %s",
            fresh.username,
            _iso(self._local_exp(fresh)),
        )
        self._notify()

    def _fail(self, current: TokenSet, now: float, error: AuthError) -> None:
        with self._lock:
            if self._tokens is not current:
                return
            self._failures += 1
            self.refresh_failures += 1
            delay = min(self.backoff_cap, self.backoff_base * 2 ** (self._failures - 1))
            self._next_attempt_at = now + delay
            self._state = SessionState.UNREACHABLE
            self._message = error.message
            self._refreshing = False
        log.warning("session check failed (%s); retrying in %.0f s", error.message, delay)
        self._notify()

    def _end(self, current: TokenSet, message: str) -> None:
        with self._lock:
            if self._tokens is not current:
                return
            self._tokens = None
            self._state = SessionState.SESSION_ENDED
            self._message = SessionEnded.default_message
            self._ended_user = current.username
            self._refreshing = False
        try:
            self.store.mark_ended(current.username, message, self.clock())
        except AuthError:
            try:
                self.store.clear()
            except AuthError as exc:
                log.warning("could not clear the token store: %s", exc.message)
        log.info("session of %s ended: %s", current.username, message)
        self._notify()

    def _check(self, now: float) -> None:
        """Ask the server whether the access token still holds (revocation included)."""
        with self._lock:
            tokens = self._tokens
        if tokens is None or not self._flight.acquire(blocking=False):
            return
        try:
            self.authenticator.check(tokens.access_token)
        except TokenRejected:
            rejected = True
        except AuthError as exc:
            self._fail(tokens, now, exc)
            return
        except Exception as exc:
            log.exception("session check failed unexpectedly")
            self._fail(tokens, now, ServiceUnreachable(f"Check failed ({type(exc).__name__})."))
            return
        else:
            rejected = False
        finally:
            self._flight.release()
        if rejected:
            # Revoked, or expired early: only a refresh can tell which.
            with self._lock:
                self._next_attempt_at = 0.0
            self._try_refresh(now, wait=True)
            return
        changed = False
        with self._lock:
            if self._tokens is tokens:
                self._last_verified_at = now
                if self._state is SessionState.UNREACHABLE:
                    self._state = SessionState.SIGNED_IN
                    self._message = None
                    self._failures = 0
                    changed = True
        if changed:
            log.info("server reachable again")
            self._notify()

    # -- what the timer and the API client call ------------------------------------------

    def tick(self, now: float | None = None) -> SessionStatus:
        """Refresh if due, check if a check is due; decided from the clock now. Never raises."""
        now = self.clock() if now is None else now
        with self._lock:
            tokens = self._tokens
            blocked = now < self._next_attempt_at
            check_due = bool(self.verify_interval) and (
                self._state is SessionState.UNREACHABLE
                or now - self._last_verified_at >= (self.verify_interval or 0)
            )
        if tokens is None or blocked:
            return self.status
        if now >= self._due_at(tokens):
            self._try_refresh(now, wait=False)
        elif check_due:
            self._check(now)
        return self.status

    def ensure_fresh(self) -> str:
        """An access token with validity left; refreshes first when one is due.

        Raises NotSignedIn, SessionEnded, or ServiceUnreachable when the token has expired
        and the server cannot be reached (no request is sent with an expired token).
        """
        now = self.clock()
        with self._lock:
            tokens = self._tokens
            state = self._state
            blocked = now < self._next_attempt_at
            failing = self._failures > 0
            message = self._message
        if tokens is None:
            raise SessionEnded() if state is SessionState.SESSION_ENDED else NotSignedIn()
        if now < self._due_at(tokens):
            return tokens.access_token
        usable = now < self._local_exp(tokens) - self._margin(tokens)
        if blocked and failing:
            if usable:
                return tokens.access_token
            raise ServiceUnreachable(message)  # offline: do not hammer, do not send it stale
        try:
            fresh = self._refresh(now, wait=True)
        except SessionEnded:
            raise
        except AuthError:
            if usable:
                return tokens.access_token
            raise
        return (fresh or tokens).access_token

    def force_refresh(self, rejected: str) -> str:
        """The server refused ``rejected``: refresh now (whatever the backoff) and return the
        new access token. Returns at once if another caller already refreshed."""
        with self._lock:
            self.calls_retried += 1
            tokens = self._tokens
            state = self._state
        if tokens is None:
            raise SessionEnded() if state is SessionState.SESSION_ENDED else NotSignedIn()
        if tokens.access_token != rejected:
            return tokens.access_token
        fresh = self._refresh(self.clock(), wait=True)
        return (fresh or tokens).access_token

    def token_rejected(self, token: str) -> None:
        """Even a freshly refreshed token was refused: treat the session as ended."""
        with self._lock:
            tokens = self._tokens
        if tokens is not None and tokens.access_token == token:
            self._end(tokens, "the API refused the refreshed token")

    def refresh_now(self) -> SessionStatus:
        """Refresh at once, whatever the schedule (the user asked). Single flight with the
        background tick; raises the refresh's AuthError (SessionEnded, ServiceUnreachable...)."""
        self._refresh(self.clock(), wait=True)
        return self.status

    def verify(self) -> SessionStatus:
        """Refresh if needed, then ask the server: tells unreachable from ended (for status)."""
        self.start()
        try:
            self.ensure_fresh()
        except AuthError:
            return self.status
        self._check(self.clock())
        return self.status
