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
  token's lifetime (max 30 s); after a network fault it backs off 2, 4, 8 ... up to 30 s;
- a refused refresh token (expired, revoked, invalid) ends the session: tokens erased, an
  "ended" marker kept, nothing local touched. A network fault keeps the tokens and retries.
- every ``verify_interval`` seconds the access token is checked with the server, so a session
  revoked elsewhere is noticed without waiting for the next refresh;
- the state tells the truth about the server: any failed call reported through
  :meth:`report_unreachable` marks it UNREACHABLE at once, and idle ticks probe the API every
  ``probe_interval`` seconds, so the state is right within a minute either way;
- sign-out is final: the store follows the memory state by generation, so a refresh that
  finishes after a sign-out (or a sign-in as someone else) is dropped, never saved.
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
from handterm_tui.auth.store import EndedSession, SessionStore, Stored
from handterm_tui.auth.tokens import TokenSet
from handterm_tui.core.redact import safe_text

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


Probe = Callable[[str], object]


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M UTC")


class SessionManager:
    """Holds the tokens of one profile and keeps them fresh. Implements the API client's
    ``TokenProvider`` (:meth:`ensure_fresh`, :meth:`force_refresh`, :meth:`token_rejected`).

    What the store should hold follows the memory state through a generation number: every
    change (sign-in, refresh, sign-out, ended) bumps it, and only the newest state is ever
    written. A refresh that finishes after a sign-out therefore cannot bring tokens back.
    """

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
        backoff_cap: float = 30.0,
        verify_interval: float | None = 300.0,
        probe_interval: float | None = 45.0,
        probe: Probe | None = None,
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
        self.verify_interval = verify_interval  # revocation check (the auth service)
        self.probe_interval = probe_interval  # idle liveness probe (the API)
        self.probe = probe  # a light call to the API; None: the authenticator's check

        self._lock = threading.RLock()  # guards the fields below
        self._flight = threading.Lock()  # one network refresh/check at a time
        self._tokens: TokenSet | None = None
        self._state = SessionState.SIGNED_OUT
        self._message: str | None = None
        self._ended_user: str | None = None
        self._refreshing = False
        self._last_refresh_at: float | None = None
        self._last_verified_at = 0.0
        self._last_contact_at = 0.0
        self._next_attempt_at = 0.0
        self._failures = 0
        self._down: set[str] = set()  # what failed while UNREACHABLE: "auth" and/or "api"
        self._skew = 0.0  # server clock minus ours, when they disagree beyond tolerance
        self._started = False
        self._store_note: str | None = None
        self._listeners: list[Listener] = []
        # The store follows the memory state: generation of the wanted record, of the
        # record last written, and one writer at a time (see _persist).
        self._gen = 0
        self._want: Stored | None = None
        self._written_gen = 0
        self._writing = threading.Lock()
        self._written = threading.Condition(self._lock)
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

    def _last_refresh(self, tokens: TokenSet | None) -> float | None:
        """When the tokens were last refreshed, by this process or another one sharing the
        token store (the access token's own issue time says so), never a stale figure."""
        last = self._last_refresh_at
        if tokens is not None and tokens.issued_at - self._skew > tokens.refresh_issued_at + 1:
            last = max(last or 0.0, tokens.issued_at - self._skew)
        return last

    @property
    def status(self) -> SessionStatus:
        with self._lock:
            tokens = self._tokens
            issued = tokens.refresh_issued_at if tokens else None
            return SessionStatus(
                state=self._state,
                username=tokens.username if tokens else self._ended_user,
                expires_at=self._local_exp(tokens) if tokens else None,
                last_refresh_at=self._last_refresh(tokens),
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

    def _backoff(self) -> float:
        doubling = 2.0 ** max(0, self._failures - 1)
        return float(min(self.backoff_cap, self.backoff_base * doubling))

    # -- the token store follows the memory state ----------------------------------------

    def _want_stored(self, item: Stored | None) -> None:
        """Record what the store must hold now (call with ``_lock`` held, then _persist)."""
        self._gen += 1
        self._want = item

    def _write(self, item: Stored | None) -> None:
        if item is None:
            self.store.clear()
        elif isinstance(item, EndedSession):
            try:
                self.store.mark_ended(item.username, item.reason, item.ended_at)
            except AuthError:
                self.store.clear()  # at least no token copy survives
        else:
            self.store.save(item)

    def _persist(self) -> AuthError | None:
        """Bring the store up to the newest wanted state. One writer at a time, never
        blocking: when another thread is writing, it writes the newest state before it lets
        go (checked under ``_lock``, so no wanted state is ever missed). Returns the error of
        the last write this thread made, if any."""
        error: AuthError | None = None
        while True:
            with self._lock:
                if self._written_gen >= self._gen:
                    return error
                if not self._writing.acquire(blocking=False):
                    return error  # the writer now will see the newer state
                gen, item = self._gen, self._want
            error = None
            try:
                self._write(item)
            except AuthError as exc:
                error = exc
            except OSError as exc:  # a read-only home, a full disk
                error = StoreUnavailable(f"the token store could not be written ({exc.strerror})")
            except Exception as exc:
                log.exception("token store write failed")
                error = StoreUnavailable(f"the token store failed ({type(exc).__name__})")
            finally:
                with self._lock:
                    self._written_gen = gen
                    self._writing.release()
                    self._written.notify_all()
            if error is not None:
                log.warning("token store not updated: %s", error.message)

    def wait_stored(self, timeout: float = 5.0) -> bool:
        """Wait until the store holds the newest state (before exit); False on timeout."""
        with self._written:
            return self._written.wait_for(lambda: self._written_gen >= self._gen, timeout)

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
            gen = self._gen
        try:
            stored = self.store.load()
        except StoreUnavailable as exc:
            stored = None
            with self._lock:
                self._message = exc.message
        self._describe_store()
        now = self.clock()
        with self._lock:
            # A sign-in or sign-out while the store was read is newer than what it held.
            fresh_start = self._gen == gen and self._tokens is None
            if isinstance(stored, TokenSet) and fresh_start:
                # Not heard from the server yet: the first tick probes it.
                self._tokens = stored
                self._state = SessionState.SIGNED_IN
            elif isinstance(stored, EndedSession) and fresh_start:
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
            self._down.clear()
            self._next_attempt_at = 0.0
            self._last_verified_at = now
            self._last_contact_at = now
            self._learn_skew(tokens, now)
            self._want_stored(tokens)
        error = self._persist()
        if isinstance(error, StoreUnavailable):
            with self._lock:
                if self._tokens is tokens:
                    self._message = f"Signed in for this run only: {error.message}"
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
        """Erase every stored copy, then end the session on the server (best effort).

        The local erasure comes first and is final: a refresh finishing meanwhile is
        discarded. Returns what happened, saying plainly when the server was not told."""
        with self._lock:
            tokens = self._tokens
            self._tokens = None
            self._state = SessionState.SIGNED_OUT
            self._message = None
            self._ended_user = None
            self._down.clear()
            self._failures = 0
            self._started = True
            self._want_stored(None)
        cleared = self._persist()
        remote = "There was no session to end on the server."
        if tokens is not None:
            remote = "Signed out everywhere."
            try:
                access = tokens.access_token
                if self.clock() >= self._local_exp(tokens) - self._margin(tokens):
                    access = self.authenticator.refresh(tokens).access_token
                self.authenticator.sign_out(access, tokens.refresh_token)
            except SessionEnded:
                remote = "The session had already ended on the server."
            except AuthError as exc:
                until = tokens.refresh_issued_at + self.refresh_validity_days * DAY
                remote = (
                    f"Signed out on this machine, but the server was not told ({exc.message}); "
                    f"the refresh token stays valid until {_when(until)}."
                )
            except Exception as exc:  # never a traceback for a best-effort call
                log.exception("sign-out call failed unexpectedly")
                until = tokens.refresh_issued_at + self.refresh_validity_days * DAY
                remote = (
                    f"Signed out on this machine, but the server was not told "
                    f"({type(exc).__name__}); the refresh token stays valid until {_when(until)}."
                )
        if cleared is not None:
            remote += f" The token store could not be cleared: {cleared.message}"
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
            # Whatever happened (signed out or in meanwhile included), this flight is over.
            with self._lock:
                stuck = self._refreshing
                self._refreshing = False
                self._flight.release()
            if stuck:
                self._notify()

    def _succeed(self, current: TokenSet, fresh: TokenSet, now: float) -> None:
        received = self.clock()
        with self._lock:
            if self._tokens is not current:
                return  # signed out or in again meanwhile: this result is stale, drop it
            self._tokens = fresh
            self._down.discard("auth")
            if not self._down:
                self._state = SessionState.SIGNED_IN
                self._message = None
            self._refreshing = False
            self._failures = 0
            self._learn_skew(fresh, received)
            # Still down elsewhere (the API): probe it on the next tick, not a gap later.
            self._next_attempt_at = now if self._down else now + self._gap_after_success(fresh)
            self._last_refresh_at = received
            self._last_verified_at = received  # a refresh proves the session is not revoked
            self._last_contact_at = received
            self.refreshes += 1
            self._want_stored(fresh)
        self._persist()
        log.info(
            "session refreshed for %s; access token valid until %s",
            fresh.username,
            _iso(self._local_exp(fresh)),
        )
        self._notify()

    def _fail(self, current: TokenSet, now: float, error: AuthError, via: str = "auth") -> None:
        with self._lock:
            if self._tokens is not current:
                return
            self._failures += 1
            self.refresh_failures += 1
            delay = self._backoff()
            self._next_attempt_at = now + delay
            self._state = SessionState.UNREACHABLE
            self._down.add(via)
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
            self._down.clear()
            self._want_stored(EndedSession(current.username, self.clock(), message))
        self._persist()
        log.info("session of %s ended: %s", current.username, message)
        self._notify()

    def _reached(self, tokens: TokenSet, now: float, via: set[str]) -> None:
        """Calls through ``via`` succeeded: back to SIGNED_IN once nothing else is down."""
        changed = False
        with self._lock:
            if self._tokens is not tokens:
                return
            self._last_contact_at = now
            if "auth" in via:
                self._last_verified_at = now
            if self._state is SessionState.UNREACHABLE:
                self._down -= via
                if self._down:
                    self._next_attempt_at = now  # probe the other one on the next tick
                else:
                    self._state = SessionState.SIGNED_IN
                    self._message = None
                    self._failures = 0
                    self._next_attempt_at = 0.0
                    changed = True
        if changed:
            log.info("server reachable again")
            self._notify()

    def _call(self, now: float, via: str) -> None:
        """Ask the server about the access token: ``auth`` checks it with the auth service
        (revocation included), ``api`` is the light probe of the API."""
        with self._lock:
            tokens = self._tokens
        if tokens is None or not self._flight.acquire(blocking=False):
            return
        call: Probe = self.authenticator.check
        if via == "api" and self.probe is not None:
            call = self.probe
        # Without a probe of its own, the API is probed with the auth check (which, for
        # auth = "api", goes to the API anyway): its success answers for both.
        answered = {via} if self.probe is not None else {"auth", "api"}
        try:
            call(tokens.access_token)
        except TokenRejected:
            rejected = True
        except AuthError as exc:
            self._fail(tokens, now, exc, via)
            return
        except Exception as exc:
            log.exception("session check failed unexpectedly")
            self._fail(
                tokens, now, ServiceUnreachable(f"Check failed ({type(exc).__name__})."), via
            )
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
        self._reached(tokens, now, answered)

    def _check(self, now: float) -> None:
        self._call(now, "auth")

    # -- what the timer and the API client call ------------------------------------------

    def report_unreachable(self, message: str) -> None:
        """A call elsewhere (an upload, a fetch) could not reach the server: say so at once
        and let the next tick probe, backing off. Safe from any thread; never raises."""
        now = self.clock()
        with self._lock:
            if self._tokens is None:
                return
            first = self._state is not SessionState.UNREACHABLE
            self._down.add("api")
            self._message = safe_text(message)
            if first:
                self._state = SessionState.UNREACHABLE
                self._failures = max(self._failures, 1)
                self._next_attempt_at = now + self._backoff()
        if first:
            log.warning("server unreachable: %s", message)
        self._notify()

    def tick(self, now: float | None = None) -> SessionStatus:
        """Refresh if due, else check or probe if due; decided from the clock now.

        Signed in and idle, the API is probed every ``probe_interval`` seconds and the
        session checked with the auth service every ``verify_interval``; while UNREACHABLE
        what failed is probed, backing off 2, 4, ... ``backoff_cap`` s. Never raises."""
        now = self.clock() if now is None else now
        with self._lock:
            tokens = self._tokens
            blocked = now < self._next_attempt_at
            down = set(self._down) if self._state is SessionState.UNREACHABLE else set()
            verify_due = bool(self.verify_interval) and (
                now - self._last_verified_at >= (self.verify_interval or 0)
            )
            probe_due = bool(self.probe_interval) and (
                now - self._last_contact_at >= (self.probe_interval or 0)
            )
        if tokens is None or blocked:
            return self.status
        if now >= self._due_at(tokens):
            self._try_refresh(now, wait=False)
        elif "auth" in down or (verify_due and not down):
            self._call(now, "auth")
        elif down or probe_due:
            self._call(now, "api")
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

    def close(self, timeout: float = 5.0) -> None:
        """Before exit: let a store write still under way in another thread finish."""
        if not self.wait_stored(timeout):
            log.warning("the token store was still being written at exit")
