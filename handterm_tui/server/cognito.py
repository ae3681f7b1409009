"""Hardening layer over moto's Cognito backend, applied in the process that serves it.

Stock moto 5.2.5 accepts any SRP password and any confirmation code, ignores token validity and
ExplicitAuthFlows, never expires refresh tokens, accepts expired access tokens, cannot sign in by
email alias and has no ResendConfirmationCode. Each patch below closes one of those gaps so the
emulator fails where Cognito fails. moto is pinned exactly (pyproject) because these patches reach
into its internals; tests/server/test_hardening.py fails if an upgrade breaks them.

moto is imported through importlib so mypy treats it as Any: its internals are not an API.
"""

from __future__ import annotations

import functools
import importlib
import re
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import clock, srp

MOTO_VERSION = "5.2.5"


class _CountingLock:
    """A re-entrant lock that counts releases, so the snapshot writer can tell "something
    touched the pool since I last looked" without re-serialising an idle pool twice a second."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.generation = 0

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.generation += 1
        self._lock.release()


# One lock for every Cognito operation: moto's werkzeug threads and the API's event loop share
# the backend, and moto's dicts are not safe to mutate from two threads at once.
LOCK = _CountingLock()

SIGNUP_CODE_HEADER = "x-moto-signup-confirmation-code"
RESET_CODE_HEADER = "x-moto-forgot-password-confirmation-code"
SIGNUP_CODE_SECONDS = 24 * 3600  # Cognito: sign-up codes are valid for 24 hours
RESET_CODE_SECONDS = 3600  # Cognito: password-reset codes are valid for 1 hour
SRP_SECONDS = 180  # Cognito: an auth session lasts 3 minutes by default
# Cognito's documented lockout: after 5 failed sign-ins the user is locked for 1 s, doubling
# with each further failure up to about 15 minutes; attempts while locked are not even checked.
FREE_PASSWORD_FAILURES = 5
MAX_LOCK_SECONDS = 900
FORGET_FAILURES_SECONDS = 900  # a quiet quarter of an hour starts the count again
CODE_ATTEMPTS = 5  # wrong tries per delivered code; then LimitExceededException
CODE_SENDS_PER_HOUR = 5  # codes delivered per user and kind; then LimitExceededException
LOCKED_MESSAGE = "Password attempts exceeded"
LIMIT_MESSAGE = "Attempt limit exceeded, please try after some time."

_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_DEFAULT_VALUES = {"AccessToken": 1, "IdToken": 1, "RefreshToken": 30}
_FLOW_FLAG = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
}
_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME_RE = re.compile(r"^[^\s]{1,128}$")


def moto_models() -> Any:
    return importlib.import_module("moto.cognitoidp.models")


def _exc() -> Any:
    return importlib.import_module("moto.cognitoidp.exceptions")


def _error(error_type: str, message: str) -> Exception:
    """A moto JsonRESTError: moto's server turns it into a Cognito-shaped 400."""
    core: Any = importlib.import_module("moto.core.exceptions")
    err: Exception = core.JsonRESTError(error_type, message)
    return err


def not_authorized(message: str) -> Exception:
    return _error("NotAuthorizedException", message)


@dataclass
class Code:
    code: str
    expires: float
    failures: int = 0  # wrong tries (not persisted: a restart is the operator's choice)


@dataclass
class Lockout:
    failures: int = 0
    until: float = 0.0
    last: float = 0.0


@dataclass
class HardeningState:
    """Side tables the patches keep beside moto's own (persisted by poolstore)."""

    codes: dict[tuple[str, str, str], Code]  # (kind, pool id, username) -> code
    refresh_issued: dict[str, float]  # refresh token -> issue time
    token_exp: dict[str, float]  # access/id token -> exp
    srp: dict[str, tuple[float, srp.SrpChallenge]]  # secret block -> challenge
    auto_confirm: set[str]  # pool ids whose sign-ups confirm at once (J's pre-sign-up trigger)
    code_sink: Callable[[str, str, str], None]
    session_seen: dict[str, float] = field(default_factory=dict)  # moto auth session -> seen
    lockouts: dict[tuple[str, str], Lockout] = field(default_factory=dict)  # (pool, user)
    code_sends: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)


def _log_code(kind: str, username: str, code: str) -> None:
    # Codes (never passwords) go to stderr: the only mailbox a local user and tests have.
    print(f"handterm-server: {kind} code for {username}: {code}", file=sys.stderr, flush=True)


STATE = HardeningState({}, {}, {}, {}, set(), _log_code)
_LAST_CODE = threading.local()  # backend -> response handler hand-over for the code header


def _now() -> float:
    return clock.now()


def validity_seconds(client: Any, kind: str) -> int:
    """AccessToken/IdToken/RefreshToken validity of an app client, honouring its units."""
    cfg = client.extended_config
    value = cfg.get(f"{kind}Validity") or _DEFAULT_VALUES[kind]
    unit = (cfg.get("TokenValidityUnits") or {}).get(kind) or _DEFAULT_UNITS[kind]
    return int(value) * _UNITS.get(unit, 1)


def _pool_for_client(backend: Any, client_id: str) -> tuple[Any, Any]:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool, pool.clients[client_id]
    raise _error("ResourceNotFoundException", f"Client {client_id} does not exist.")


def _pool_for_token(backend: Any, token: str) -> Any | None:
    for pool in backend.user_pools.values():
        if token in pool.access_tokens:
            return pool
    return None


def _check_flow(client: Any, flow: str) -> None:
    allowed = client.extended_config.get("ExplicitAuthFlows") or []
    flag = _FLOW_FLAG.get(flow)
    if allowed and flag and flag not in allowed:
        raise _error("InvalidParameterException", f"{flow} flow not enabled for this client")


def _find_user(pool: Any, client: Any, username: str | None) -> Any:
    user = pool._get_user(username) if username else None
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            raise not_authorized("Incorrect username or password.")
        raise _error("UserNotFoundException", "User does not exist.")
    return user


def check_access_token(backend: Any, token: str) -> None:
    """Cognito's answers for revoked, expired and unknown access tokens (moto accepts expired)."""
    pool = _pool_for_token(backend, token)
    exp = STATE.token_exp.get(token)
    if pool is None:
        if exp is not None:
            raise not_authorized("Access Token has been revoked")
        raise not_authorized("Invalid Access Token")
    if exp is not None and exp <= _now():
        raise not_authorized("Access Token has expired")


def check_refresh_token(pool: Any, client: Any, token: str | None) -> None:
    if not token or token not in pool.refresh_tokens:
        raise not_authorized("Invalid Refresh Token")
    entry = pool.refresh_tokens[token]
    if entry is None:
        raise not_authorized("Refresh Token has been revoked")
    if entry[0] != client.id:
        raise not_authorized("Invalid Refresh Token")
    issued = STATE.refresh_issued.get(token)
    if issued is not None and issued + validity_seconds(client, "RefreshToken") <= _now():
        raise not_authorized("Refresh Token has expired")
    user = pool._get_user(entry[1])
    if user is None:
        raise not_authorized("Invalid Refresh Token")
    if not user.enabled:
        raise not_authorized("User is disabled.")


def validate_password(pool: Any, password: str) -> None:
    """Cognito-like policy messages instead of moto's single generic one."""
    policy = pool.extended_config.get("Policies", {}).get("PasswordPolicy", {})
    problems = []
    if len(password or "") < policy.get("MinimumLength", 8):
        problems.append("Password not long enough")
    if policy.get("RequireUppercase", True) and not re.search(r"[A-Z]", password or ""):
        problems.append("Password must have uppercase characters")
    if policy.get("RequireLowercase", True) and not re.search(r"[a-z]", password or ""):
        problems.append("Password must have lowercase characters")
    if policy.get("RequireNumbers", True) and not re.search(r"\d", password or ""):
        problems.append("Password must have numeric characters")
    if policy.get("RequireSymbols", True) and not any(c in _SYMBOLS for c in password or ""):
        problems.append("Password must have symbol characters")
    if len(password or "") > 256:
        problems.append("Password too long")
    if not _encodable(password or ""):  # a lone surrogate: accepted once, never typed again
        problems.append("Password must be valid Unicode")
    if problems:
        raise _error(
            "InvalidPasswordException", "Password does not conform to policy: " + problems[0]
        )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_locked(pool_id: str, username: str) -> None:
    """NotAuthorizedException while the user is locked out (the password is not checked)."""
    lock = STATE.lockouts.get((pool_id, username))
    if lock is not None and lock.until > _now():
        raise not_authorized(LOCKED_MESSAGE)


def password_failed(pool_id: str, username: str) -> None:
    now = _now()
    lock = STATE.lockouts.setdefault((pool_id, username), Lockout())
    if lock.last + FORGET_FAILURES_SECONDS < now:
        lock.failures = 0
    lock.failures += 1
    lock.last = now
    extra = lock.failures - FREE_PASSWORD_FAILURES
    if extra >= 0:
        lock.until = now + min(2.0**extra, MAX_LOCK_SECONDS)


def password_ok(pool_id: str, username: str) -> None:
    STATE.lockouts.pop((pool_id, username), None)


def unlock(pool_id: str, username: str) -> None:
    """Forget failed sign-ins and wrong codes (for `serve-local admin unlock`)."""
    STATE.lockouts.pop((pool_id, username), None)
    for key, code in STATE.codes.items():
        if key[1:] == (pool_id, username):
            code.failures = 0
    for key in [k for k in STATE.code_sends if k[1:] == (pool_id, username)]:
        STATE.code_sends.pop(key, None)


def _new_code(kind: str, pool: Any, user: Any, seconds: int) -> str:
    now = _now()
    sends = STATE.code_sends.setdefault((kind, pool.id, user.username), [])
    sends[:] = [t for t in sends if t + 3600 > now]
    if len(sends) >= CODE_SENDS_PER_HOUR:  # else a new code per 5 tries walks the code space
        raise _error("LimitExceededException", LIMIT_MESSAGE)
    sends.append(now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    STATE.codes[(kind, pool.id, user.username)] = Code(code, _now() + seconds)
    _LAST_CODE.value = code
    STATE.code_sink(kind, user.username, code)
    return code


def _take_code(kind: str, pool: Any, user: Any, code: str | None, keep: bool = False) -> None:
    """Check a delivered code; wrong -> CodeMismatch, stale or never sent -> ExpiredCode.

    A right code is used up unless `keep` (the caller still has checks that may fail)."""
    entry = STATE.codes.get((kind, pool.id, user.username))
    if entry is None:
        raise _error("ExpiredCodeException", "Invalid code provided, please request a code again.")
    if entry.failures >= CODE_ATTEMPTS:  # even the right code: this one is burnt
        raise _error("LimitExceededException", LIMIT_MESSAGE)
    if not code or not secrets.compare_digest(str(code), entry.code):
        entry.failures += 1
        raise _error(
            "CodeMismatchException", "Invalid verification code provided, please try again."
        )
    if entry.expires <= _now():
        raise _error("ExpiredCodeException", "Invalid code provided, please request a code again.")
    if not keep:
        del STATE.codes[(kind, pool.id, user.username)]


def _delivery(pool: Any, user: Any) -> dict[str, str]:
    email = user.attribute_lookup.get("email", "")
    first, _, domain = email.partition("@")
    return {
        "Destination": f"{first[:1]}***@{domain[:1]}***" if email else "",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def _email_verified(user: Any) -> bool:
    return str(user.attribute_lookup.get("email_verified", "")).lower() == "true"


# ------------------------------------------------------------------------------------------------
# Patched backend methods. Each wraps or replaces one moto method; `orig` is moto's own.


def _patch_get_user(orig: Any) -> Any:
    @functools.wraps(orig)
    def _get_user(self: Any, username: str) -> Any:
        user = orig(self, username)
        if user is not None or not username:
            return user
        # Cognito resolves case-insensitive usernames and verified email aliases; moto doesn't.
        folded = username.casefold()
        if not (self.extended_config.get("UsernameConfiguration") or {}).get("CaseSensitive", True):
            for candidate in self.users.values():
                if candidate.username.casefold() == folded:
                    return candidate
        if "email" in (self.extended_config.get("AliasAttributes") or []):
            for candidate in self.users.values():
                email = candidate.attribute_lookup.get("email", "")
                if email.casefold() == folded and _email_verified(candidate):
                    return candidate
        return None

    return _get_user


def _patch_create_jwt(orig: Any) -> Any:
    @functools.wraps(orig)
    def create_jwt(
        self: Any,
        client_id: str,
        username: str,
        token_use: str,
        expires_in: int = 3600,
        extra_data: dict[str, Any] | None = None,
    ) -> tuple[str, int]:
        client = self.clients.get(client_id)
        if client is not None:
            kind = "AccessToken" if token_use == "access" else "IdToken"
            expires_in = validity_seconds(client, kind)
        token, seconds = orig(self, client_id, username, token_use, expires_in, extra_data)
        STATE.token_exp[token] = int(_now()) + seconds
        return token, seconds

    return create_jwt


def _patch_create_refresh_token(orig: Any) -> Any:
    @functools.wraps(orig)
    def create_refresh_token(self: Any, client_id: str, username: str) -> tuple[str, str]:
        token, jti = orig(self, client_id, username)
        STATE.refresh_issued[token] = _now()
        return token, jti

    return create_refresh_token


def _patch_initiate_auth(orig: Any) -> Any:
    @functools.wraps(orig)
    def initiate_auth(
        self: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> dict[str, Any]:
        pool, client = _pool_for_client(self, client_id)
        _check_flow(client, auth_flow)
        params = dict(auth_parameters or {})
        if auth_flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            check_refresh_token(pool, client, params.get("REFRESH_TOKEN"))
            return dict(orig(self, client_id, auth_flow, params))
        if auth_flow in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH"):
            user = _find_user(pool, client, params.get("USERNAME"))
            params["USERNAME"] = user.username  # tokens carry the real username, not the alias
            check_locked(pool.id, user.username)
            if auth_flow == "USER_SRP_AUTH":
                return _srp_start(self, pool, user, params)
            if user.enabled and user.password != params.get("PASSWORD"):
                password_failed(pool.id, user.username)
                raise not_authorized("Incorrect username or password.")
            password_ok(pool.id, user.username)
        return dict(orig(self, client_id, auth_flow, params))

    return initiate_auth


def _srp_start(backend: Any, pool: Any, user: Any, params: dict[str, str]) -> dict[str, Any]:
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == "UNCONFIRMED":
        raise _error("UserNotConfirmedException", "User is not confirmed.")
    challenge = srp.start(pool.id, user.username, user.password or "", params.get("SRP_A") or "0")
    if challenge is None:
        raise not_authorized("Incorrect username or password.")
    now = _now()
    for block, (created, _) in list(STATE.srp.items()):
        if created + SRP_SECONDS < now:
            STATE.srp.pop(block, None)
            backend.sessions.pop(block, None)
    STATE.srp[challenge.secret_block] = (now, challenge)
    # moto's PASSWORD_VERIFIER step looks the session up by PASSWORD_CLAIM_SECRET_BLOCK.
    backend.sessions[challenge.secret_block] = (user.username, pool)
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": challenge.params(),
    }


def _srp_pool_id(backend: Any, block: str, challenge: srp.SrpChallenge) -> str:
    session = backend.sessions.get(block)
    if session is not None:
        return str(session[1].id)
    return str(challenge.pool_short)


def _patch_respond(orig: Any) -> Any:
    @functools.wraps(orig)
    def respond_to_auth_challenge(
        self: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> dict[str, Any]:
        responses = dict(challenge_responses or {})
        if challenge_name == "PASSWORD_VERIFIER":
            block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or ""
            found = STATE.srp.pop(block, None)
            ok = found is not None and found[0] + SRP_SECONDS >= _now()
            if ok and found is not None:
                ok = srp.verify(
                    found[1],
                    responses.get("TIMESTAMP") or "",
                    responses.get("PASSWORD_CLAIM_SIGNATURE") or "",
                )
            if found is not None:
                pool_id = _srp_pool_id(self, block, found[1])
                check_locked(pool_id, found[1].username)
                (password_ok if ok else password_failed)(pool_id, found[1].username)
            if not ok or found is None:
                self.sessions.pop(block, None)
                raise not_authorized("Incorrect username or password.")
            responses["USERNAME"] = found[1].username
        return dict(orig(self, session, client_id, challenge_name, responses))

    return respond_to_auth_challenge


def _patch_admin_initiate_auth(orig: Any) -> Any:
    @functools.wraps(orig)
    def admin_initiate_auth(
        self: Any,
        user_pool_id: str,
        client_id: str,
        auth_flow: str,
        auth_parameters: dict[str, str],
    ) -> dict[str, Any]:
        pool = self.describe_user_pool(user_pool_id)
        client = pool.clients.get(client_id)
        if client is None:
            raise _error("ResourceNotFoundException", f"Client {client_id} does not exist.")
        _check_flow(client, auth_flow)
        params = dict(auth_parameters or {})
        if auth_flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            check_refresh_token(pool, client, params.get("REFRESH_TOKEN"))
        elif auth_flow in ("ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH"):
            user = _find_user(pool, client, params.get("USERNAME"))
            params["USERNAME"] = user.username
            if not user.enabled:
                raise not_authorized("User is disabled.")
            if user.password != params.get("PASSWORD"):
                raise not_authorized("Incorrect username or password.")
            if user.status == "UNCONFIRMED":
                raise _error("UserNotConfirmedException", "User is not confirmed.")
        return dict(orig(self, user_pool_id, client_id, auth_flow, params))

    return admin_initiate_auth


def _patch_sign_up(orig: Any) -> Any:
    @functools.wraps(orig)
    def sign_up(
        self: Any,
        client_id: str,
        username: str,
        password: str,
        attributes: list[dict[str, str]],
    ) -> tuple[Any, Any]:
        _LAST_CODE.value = None
        pool, _client = _pool_for_client(self, client_id)
        attrs = {a["Name"]: a["Value"] for a in attributes or []}
        by_email = "email" in (pool.extended_config.get("UsernameAttributes") or [])
        if not username or not _USERNAME_RE.match(username) or not _encodable(username):
            raise _error("InvalidParameterException", "Invalid username format.")
        if "email" in (pool.extended_config.get("AliasAttributes") or []) and _EMAIL_RE.match(
            username
        ):
            raise _error(
                "InvalidParameterException",
                "Username cannot be of email format, since user pool is configured for email alias.",
            )
        if by_email and not _EMAIL_RE.match(username):
            raise _error("InvalidParameterException", "Username should be an email.")
        email = attrs.get("email") or (username if by_email else None)
        if not email:
            raise _error(
                "InvalidParameterException",
                "Attributes did not conform to the schema: email: The attribute is required",
            )
        if not _EMAIL_RE.match(email):
            raise _error("InvalidParameterException", "Invalid email address format.")
        if pool._get_user(username) is not None:
            raise _error("UsernameExistsException", "User already exists")
        validate_password(pool, password)
        user, _details = orig(self, client_id, username, password, attributes)
        if pool.id in STATE.auto_confirm:
            user.status = moto_models().UserStatus.CONFIRMED
            user.update_attributes([{"Name": "email_verified", "Value": "true"}])
            return user, None
        _new_code("signup", pool, user, SIGNUP_CODE_SECONDS)
        return user, _delivery(pool, user)

    return sign_up


def confirm_sign_up(backend: Any, client_id: str, username: str, code: str | None) -> None:
    """ConfirmSignUp that checks the code (moto never even receives it)."""
    pool, _client = _pool_for_client(backend, client_id)
    user = pool._get_user(username)
    if user is None:
        raise _error("UserNotFoundException", "Username/client id combination not found.")
    if user.status == "CONFIRMED":
        raise not_authorized("User cannot be confirmed. Current status is CONFIRMED")
    _take_code("signup", pool, user, code, keep=True)
    email = user.attribute_lookup.get("email", "").casefold()
    if "email" in (pool.extended_config.get("AliasAttributes") or []) and email:
        for other in pool.users.values():
            if (
                other is not user
                and _email_verified(other)
                and other.attribute_lookup.get("email", "").casefold() == email
            ):
                raise _error(
                    "AliasExistsException", "An account with the given email already exists."
                )
    _take_code("signup", pool, user, code)
    user.status = moto_models().UserStatus.CONFIRMED
    user.update_attributes([{"Name": "email_verified", "Value": "true"}])


def resend_confirmation_code(backend: Any, client_id: str, username: str) -> dict[str, Any]:
    pool, _client = _pool_for_client(backend, client_id)
    user = pool._get_user(username)
    if user is None:
        raise _error("UserNotFoundException", "Username/client id combination not found.")
    if user.status == "CONFIRMED":
        raise _error("InvalidParameterException", "User is already confirmed.")
    _new_code("signup", pool, user, SIGNUP_CODE_SECONDS)
    return {"CodeDeliveryDetails": _delivery(pool, user)}


def _patch_forgot_password(orig: Any) -> Any:
    @functools.wraps(orig)
    def forgot_password(self: Any, client_id: str, username: str) -> tuple[str | None, Any]:
        pool, _client = _pool_for_client(self, client_id)
        user = pool._get_user(username)
        if user is None:
            raise _error("UserNotFoundException", "Username/client id combination not found.")
        if not _email_verified(user):
            raise _error(
                "InvalidParameterException",
                "Cannot reset password for the user as there is no registered/verified email "
                "or phone_number",
            )
        orig(self, client_id, user.username)  # moto's own checks (recovery settings)
        code = _new_code("reset", pool, user, RESET_CODE_SECONDS)
        user.confirmation_code = code
        return code, {"CodeDeliveryDetails": _delivery(pool, user)}

    return forgot_password


def _patch_confirm_forgot_password(_orig: Any) -> Any:
    def confirm_forgot_password(
        self: Any, client_id: str, username: str, password: str, confirmation_code: str
    ) -> None:
        pool, _client = _pool_for_client(self, client_id)
        user = pool._get_user(username)
        if user is None:
            raise _error("UserNotFoundException", "Username/client id combination not found.")
        _take_code("reset", pool, user, confirmation_code, keep=True)
        validate_password(pool, password)  # a weak password leaves the code usable
        _take_code("reset", pool, user, confirmation_code)
        user.password = password
        password_ok(pool.id, user.username)  # a new password ends a lockout
        user.confirmation_code = None
        if user.status in ("RESET_REQUIRED", "FORCE_CHANGE_PASSWORD"):
            user.status = moto_models().UserStatus.CONFIRMED

    return confirm_forgot_password


def _patch_validate_password(_orig: Any) -> Any:
    def _validate_password(self: Any, user_pool_id: str, password: str) -> None:
        validate_password(self.describe_user_pool(user_pool_id), password)

    return _validate_password


def _patch_change_password(orig: Any) -> Any:
    @functools.wraps(orig)
    def change_password(
        self: Any, access_token: str, previous_password: str, proposed_password: str
    ) -> None:
        check_access_token(self, access_token)
        pool: Any = _pool_for_token(self, access_token)
        _client_id, username = pool.access_tokens[access_token]
        user = pool._get_user(username)
        check_locked(pool.id, username)
        if user is None or user.password != previous_password:
            password_failed(pool.id, username)
            raise not_authorized("Incorrect username or password.")
        orig(self, access_token, previous_password, proposed_password)

    return change_password


def _patch_token_op(orig: Any) -> Any:
    """Operations that take an AccessToken first: reject expired/revoked like Cognito."""

    @functools.wraps(orig)
    def op(self: Any, access_token: str, *args: Any, **kwargs: Any) -> Any:
        if access_token:
            check_access_token(self, access_token)
        return orig(self, access_token, *args, **kwargs)

    return op


def _response_sign_up(orig: Any) -> Any:
    @functools.wraps(orig)
    def sign_up(self: Any) -> Any:
        result = orig(self)
        code = getattr(_LAST_CODE, "value", None)
        if code:
            self.response_headers[SIGNUP_CODE_HEADER] = code
        return result

    return sign_up


def _response_confirm_sign_up(self: Any) -> Any:
    responses: Any = importlib.import_module("moto.core.responses")
    client_id = self._get_param("ClientId")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    confirm_sign_up(
        backend, client_id, self._get_param("Username"), self._get_param("ConfirmationCode")
    )
    return responses.EmptyResult()


def _response_resend(self: Any) -> Any:
    responses: Any = importlib.import_module("moto.core.responses")
    client_id = self._get_param("ClientId")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    _LAST_CODE.value = None
    result = resend_confirmation_code(backend, client_id, self._get_param("Username"))
    self.response_headers[SIGNUP_CODE_HEADER] = _LAST_CODE.value
    return responses.ActionResult(result)


def _response_revoke_token(self: Any) -> Any:
    """RevokeToken (moto has none): the refresh token stops working, as after a sign-out."""
    responses: Any = importlib.import_module("moto.core.responses")
    client_id, token = self._get_param("ClientId"), self._get_param("Token")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    pool, _client = _pool_for_client(backend, client_id)
    entry = pool.refresh_tokens.get(token) if token else None
    if entry is not None:
        if entry[0] != client_id:
            raise _error("UnauthorizedException", "Token does not belong to this client.")
        pool.refresh_tokens[token] = None
    return responses.ActionResult({})


def _locked(orig: Any) -> Any:
    @functools.wraps(orig)
    def call_action(self: Any) -> Any:
        with LOCK:
            return orig(self)

    return call_action


_APPLIED = False


def apply() -> None:
    """Patch moto once per process (idempotent). Must run before moto serves a request."""
    global _APPLIED
    with LOCK:
        if _APPLIED:
            return
        moto: Any = importlib.import_module("moto")
        if moto.__version__ != MOTO_VERSION:
            print(
                f"handterm-server: warning: moto {moto.__version__} is not the pinned "
                f"{MOTO_VERSION}; the Cognito hardening may not hold",
                file=sys.stderr,
            )
        models = moto_models()
        resp: Any = importlib.import_module("moto.cognitoidp.responses")
        pool_cls, backend_cls, r = models.CognitoIdpUserPool, models.CognitoIdpBackend, resp
        pool_cls._get_user = _patch_get_user(pool_cls._get_user)
        pool_cls.create_jwt = _patch_create_jwt(pool_cls.create_jwt)
        pool_cls.create_refresh_token = _patch_create_refresh_token(pool_cls.create_refresh_token)
        b = backend_cls
        b.initiate_auth = _patch_initiate_auth(b.initiate_auth)
        b.respond_to_auth_challenge = _patch_respond(b.respond_to_auth_challenge)
        b.admin_initiate_auth = _patch_admin_initiate_auth(b.admin_initiate_auth)
        b.sign_up = _patch_sign_up(b.sign_up)
        b.forgot_password = _patch_forgot_password(b.forgot_password)
        b.confirm_forgot_password = _patch_confirm_forgot_password(b.confirm_forgot_password)
        b._validate_password = _patch_validate_password(b._validate_password)
        b.change_password = _patch_change_password(b.change_password)
        for name in (
            "get_user",
            "update_user_attributes",
            "global_sign_out",
            "set_user_mfa_preference",
        ):
            setattr(b, name, _patch_token_op(getattr(b, name)))
        rc = r.CognitoIdpResponse
        rc.sign_up = _response_sign_up(rc.sign_up)
        rc.confirm_sign_up = _response_confirm_sign_up
        rc.resend_confirmation_code = _response_resend
        rc.revoke_token = _response_revoke_token
        rc.call_action = _locked(rc.call_action)
        _APPLIED = True


def prune(backend: Any) -> None:
    """Forget expired tokens so the tables (and the snapshot) don't grow without bound."""
    now = _now()
    dead = {t for t, exp in STATE.token_exp.items() if exp + 60 < now}
    for pool in backend.user_pools.values():
        for token in dead:
            pool.access_tokens.pop(token, None)
            pool.id_tokens.pop(token, None)
        for token, entry in list(pool.refresh_tokens.items()):
            issued = STATE.refresh_issued.get(token)
            client = pool.clients.get(entry[0]) if entry else None
            if (
                issued is not None
                and client is not None
                and issued + validity_seconds(client, "RefreshToken") + 60 < now
            ):
                pool.refresh_tokens.pop(token, None)
                STATE.refresh_issued.pop(token, None)
    for token in dead:
        STATE.token_exp.pop(token, None)
    for key, code in list(STATE.codes.items()):
        if code.expires < now:
            STATE.codes.pop(key, None)
    # moto keeps an auth session for every password sign-in and never drops it.
    seen = STATE.session_seen
    for session in list(backend.sessions):
        first = seen.setdefault(session, now)
        if first + SRP_SECONDS < now:
            backend.sessions.pop(session, None)
    for session in [s for s in seen if s not in backend.sessions]:
        seen.pop(session, None)
