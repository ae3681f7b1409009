"""Authentication straight against the Cognito user pool, through pycognito.

SRP sign-in: the password never leaves the machine. boto3/botocore/pycognito are imported
inside functions because they cost a lot at start-up.

Wiring (cognito-local.md, recipe C): against a local emulator the boto3 client gets
``endpoint_url=profile.cognito_endpoint`` and dummy credentials, pycognito gets
``pool_domain_url=None`` (moto issues tokens with the AWS issuer) and the JWKS fetched once
from ``<endpoint>/<pool>/.well-known/jwks.json``. Against AWS the public-client calls go
unsigned, so no AWS credentials are needed or looked up.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from handterm_tui.auth.base import SignUpResult
from handterm_tui.auth.errors import (
    AuthError,
    AuthServiceError,
    ChallengeRequired,
    CodeExpired,
    CodeMismatch,
    InvalidParameter,
    InvalidPassword,
    LimitExceeded,
    ServiceUnreachable,
    SessionEnded,
    TokenRejected,
    UserExists,
    UserNotConfirmed,
    UserNotFound,
    WrongCredentials,
)
from handterm_tui.auth.tokens import TokenFormatError, TokenSet, display_username
from handterm_tui.config import Profile

log = logging.getLogger("handterm.auth")
T = TypeVar("T")

_JWKS_CACHE: dict[str, dict[str, Any]] = {}
_JWKS_LOCK = threading.Lock()


def fetch_jwks(url: str, *, refresh: bool = False, timeout: float = 5.0) -> dict[str, Any]:
    """The pool's JWKS, fetched once per process (pycognito would refetch every instance)."""
    with _JWKS_LOCK:
        if not refresh and url in _JWKS_CACHE:
            return _JWKS_CACHE[url]
    import httpx

    try:
        response = httpx.get(url, timeout=timeout)
        response.raise_for_status()
        jwks = response.json()
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        if status >= 500:
            raise ServiceUnreachable(
                f"The pool's signing keys are unavailable (HTTP {status})."
            ) from None
        raise AuthServiceError(
            f"The pool's signing keys were not found (HTTP {status}): check region and user_pool_id."
        ) from None
    except (httpx.HTTPError, ValueError):
        raise ServiceUnreachable("The pool's signing keys could not be fetched.") from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise AuthServiceError("The pool's signing keys are not a JWKS.")
    with _JWKS_LOCK:
        _JWKS_CACHE[url] = jwks
    return jwks


class _OneClient:
    """Stands in for a boto3 session so every pycognito instance reuses one client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def client(self, *_args: Any, **_kwargs: Any) -> Any:
        return self._client


# Words for Cognito's attempt limits (serve-local has the same ones): what to do, not a code.
LOCKED_OUT = (
    "Too many wrong passwords: sign-in is locked for a while (the wait doubles with each "
    "further failure, up to about 15 minutes). Try again later, or reset the password "
    "with `forgot`."
)
TOO_MANY_CODES = (
    "Too many wrong codes: this code no longer works. Ask for a new one, and try again later."
)
TOO_MANY_SENDS = "Too many codes were asked for: wait a while (up to an hour), then ask again."


def limit_words(operation: str) -> str:
    """The LimitExceeded words for an operation (the same words for the HTTP API's replies)."""
    if operation in ("confirm_sign_up", "confirm_forgot_password"):
        return TOO_MANY_CODES
    if operation in ("resend_code", "forgot_password", "sign_up"):
        return TOO_MANY_SENDS
    return LimitExceeded.default_message


def map_cognito_error(exc: BaseException, operation: str) -> AuthError:
    """A typed AuthError for a botocore/pycognito/httpx failure of ``operation``."""
    if isinstance(exc, AuthError):
        return exc
    import botocore.exceptions as bex

    if isinstance(exc, bex.ConnectionError | bex.HTTPClientError):
        return ServiceUnreachable(
            "The Cognito user pool cannot be reached — working offline, will retry."
        )
    if not isinstance(exc, bex.ClientError):
        from pycognito.exceptions import TokenVerificationException

        if isinstance(exc, TokenVerificationException):
            return AuthServiceError(
                "Cognito's tokens could not be verified (check region, user_pool_id, "
                "cognito_endpoint)."
            )
        return AuthServiceError(f"Cognito call failed ({type(exc).__name__}).")
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "")
    message = str(error.get("Message") or "")
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return map_error_code(code, message, status, operation)


def map_error_code(code: str, message: str, status: int, operation: str) -> AuthError:
    """A typed AuthError for a Cognito error reply (its ``__type``, message and status)."""
    if code == "NotAuthorizedException":
        lowered = message.lower()
        if operation == "refresh":
            return SessionEnded(code=code)
        if operation in ("check", "sign_out") or "token" in lowered:
            return TokenRejected(code=code)
        if operation == "confirm_sign_up":
            return AuthServiceError(message or "This account cannot be confirmed.", code=code)
        if "attempts exceeded" in lowered:
            return LimitExceeded(LOCKED_OUT, code=code)
        if "disabled" in lowered:
            return WrongCredentials("This account is disabled.", code=code)
        if operation == "change_password":
            return WrongCredentials("The current password is not right.", code=code)
        return WrongCredentials(code=code)
    if code == "UserNotFoundException":
        if operation == "refresh":
            return SessionEnded(code=code)
        if operation == "sign_in":
            return WrongCredentials(code=code)  # do not reveal which usernames exist
        return UserNotFound(code=code)
    simple: dict[str, Callable[[], AuthError]] = {
        "UserNotConfirmedException": lambda: UserNotConfirmed(code=code),
        "UsernameExistsException": lambda: UserExists(code=code),
        "AliasExistsException": lambda: UserExists(
            "An account with this email already exists.", code=code
        ),
        "InvalidPasswordException": lambda: InvalidPassword(
            message or InvalidPassword.default_message, code=code
        ),
        "CodeMismatchException": lambda: CodeMismatch(code=code),
        "ExpiredCodeException": lambda: CodeExpired(code=code),
        "InvalidParameterException": lambda: InvalidParameter(message or None, code=code),
        "PasswordResetRequiredException": lambda: AuthServiceError(
            "A password reset is required — type `forgot <user>`.", code=code
        ),
        "ResourceNotFoundException": lambda: AuthServiceError(
            "The profile's user pool or app client does not exist "
            "(check region, user_pool_id and client_id).",
            code=code,
        ),
    }
    if code in simple:
        return simple[code]()
    if code in (
        "LimitExceededException",
        "TooManyRequestsException",
        "TooManyFailedAttemptsException",
    ):
        return LimitExceeded(limit_words(operation), code=code)
    if status >= 500 or code in ("InternalErrorException", "ServiceUnavailable"):
        return ServiceUnreachable(
            "The Cognito user pool had an internal error — will retry.", code=code
        )
    return AuthServiceError(message or None, code=code)


TARGET = "AWSCognitoIdentityProviderService."


class CognitoAuth:
    """SRP sign-in (and the rarer account operations) through pycognito/boto3; the calls a
    long-lived session makes on its own — refreshing tokens, checking the session — are one
    unsigned JSON POST each (public-client operations), so the ~40 MiB of boto3, botocore
    and pycognito are never loaded into a TUI that only restored its session."""

    kind = "cognito"

    def __init__(
        self,
        profile: Profile,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
    ) -> None:
        self.pool_id = profile.user_pool_id
        self.client_id = profile.client_id
        self.region = profile.region or self.pool_id.split("_")[0]
        self.endpoint = profile.cognito_endpoint.rstrip("/") or None
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._client: Any = None
        self._client_lock = threading.Lock()

    # -- wiring -------------------------------------------------------------------------

    @property
    def service_url(self) -> str:
        return self.endpoint or f"https://cognito-idp.{self.region}.amazonaws.com"

    def _direct(self, operation: str, target: str, payload: dict[str, Any]) -> dict[str, Any]:
        """One Cognito operation as an unsigned JSON POST; typed AuthErrors on failure."""
        import json

        import httpx

        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET + target,
        }
        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        try:
            response = httpx.post(
                self.service_url + "/",
                content=json.dumps(payload),
                headers=headers,
                timeout=timeout,
            )
        except httpx.HTTPError:
            raise ServiceUnreachable(
                "The Cognito user pool cannot be reached — working offline, will retry."
            ) from None
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if response.is_success:
            return body
        code = str(body.get("__type") or "").rsplit("#", 1)[-1]
        message = str(body.get("message") or body.get("Message") or "")
        if not code and response.status_code < 500:
            raise AuthServiceError(f"Cognito refused the call (HTTP {response.status_code}).")
        raise map_error_code(code, message, response.status_code, operation)

    @property
    def jwks_url(self) -> str:
        base = self.endpoint or f"https://cognito-idp.{self.region}.amazonaws.com"
        return f"{base}/{self.pool_id}/.well-known/jwks.json"

    def boto_client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore import UNSIGNED
                from botocore.config import Config

                options: dict[str, Any] = {
                    "connect_timeout": self.connect_timeout,
                    "read_timeout": self.read_timeout,
                    "retries": {"max_attempts": 2, "mode": "standard"},
                }
                kwargs: dict[str, Any] = {"region_name": self.region}
                if self.endpoint:
                    kwargs["endpoint_url"] = self.endpoint
                    if not os.environ.get("AWS_ACCESS_KEY_ID"):
                        # Emulators want a signature, any will do; never look for real ones.
                        kwargs["aws_access_key_id"] = "handterm-local"
                        kwargs["aws_secret_access_key"] = "handterm-local"
                else:
                    # Public-client operations need no signature: skip the credential chain
                    # (which could probe instance metadata over the network).
                    options["signature_version"] = UNSIGNED
                self._client = boto3.session.Session().client(
                    "cognito-idp", config=Config(**options), **kwargs
                )
            return self._client

    def _cognito(self, username: str | None = None, **tokens: Any) -> Any:
        from pycognito import Cognito

        cog = Cognito(
            self.pool_id,
            self.client_id,
            user_pool_region=self.region,
            username=username,
            session=_OneClient(self.boto_client()),
            **tokens,
        )
        cog.pool_domain_url = None  # expect the AWS issuer (what AWS and moto both issue)
        cog.pool_jwk = fetch_jwks(self.jwks_url)
        return cog

    def _run(self, operation: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except IndexError:
            # pycognito's get_key found no key with the token's kid: keys rotated. Retry once.
            fetch_jwks(self.jwks_url, refresh=True)
            try:
                return fn()
            except Exception as exc:
                raise map_cognito_error(exc, operation) from None
        except Exception as exc:
            raise map_cognito_error(exc, operation) from None

    def _token_set(self, cog: Any, typed_username: str, **kwargs: Any) -> TokenSet:
        try:
            return TokenSet.from_tokens(
                cog.access_token,
                cog.id_token or "",
                cog.refresh_token,
                username=display_username(typed_username, cog.access_token),
                **kwargs,
            )
        except TokenFormatError as exc:
            raise AuthServiceError(f"Cognito sent an unreadable token ({exc}).") from None

    # -- Authenticator ------------------------------------------------------------------

    def sign_up(self, username: str, password: str, email: str) -> SignUpResult:
        def run() -> SignUpResult:
            cog = self._cognito(username)
            cog.set_base_attributes(email=email)
            reply = cog.register(username, password)
            details = reply.get("CodeDeliveryDetails") or {}
            delivery = " ".join(
                str(details[k]) for k in ("DeliveryMedium", "Destination") if details.get(k)
            )
            return SignUpResult(
                username=username,
                confirmed=bool(reply.get("UserConfirmed")),
                delivery=delivery or None,
            )

        return self._run("sign_up", run)

    def confirm_sign_up(self, username: str, code: str) -> str:
        def run() -> str:
            self._cognito(username).confirm_sign_up(code, username=username)
            return "Account confirmed — you can sign in now."

        try:
            return self._run("confirm_sign_up", run)
        except AuthServiceError as exc:
            if "current status is confirmed" in exc.message.lower():
                return "This account is already confirmed."
            raise

    def resend_code(self, username: str) -> str | None:
        def run() -> str | None:
            reply = self.boto_client().resend_confirmation_code(
                ClientId=self.client_id, Username=username
            )
            details = reply.get("CodeDeliveryDetails") or {}
            medium, dest = details.get("DeliveryMedium"), details.get("Destination")
            return f"{medium} {dest}" if medium and dest else None

        return self._run("resend_code", run)

    def sign_in(self, username: str, password: str) -> TokenSet:
        from pycognito.exceptions import (
            ForceChangePasswordException,
            SMSMFAChallengeException,
            SoftwareTokenMFAChallengeException,
        )

        def run() -> TokenSet:
            cog = self._cognito(username)
            try:
                cog.authenticate(password)
            except ForceChangePasswordException:
                raise ChallengeRequired("new_password", username) from None
            except SoftwareTokenMFAChallengeException as exc:
                session = exc.get_tokens().get("Session")
                raise ChallengeRequired("mfa_totp", username, session=session) from None
            except SMSMFAChallengeException as exc:
                session = exc.get_tokens().get("Session")
                raise ChallengeRequired("mfa_sms", username, session=session) from None
            return self._token_set(cog, username)

        return self._run("sign_in", run)

    def answer_new_password(self, username: str, password: str, new_password: str) -> TokenSet:
        def run() -> TokenSet:
            cog = self._cognito(username)
            cog.new_password_challenge(password, new_password)
            return self._token_set(cog, username)

        return self._run("sign_in", run)

    def answer_mfa(self, challenge: ChallengeRequired, code: str) -> TokenSet:
        def run() -> TokenSet:
            cog = self._cognito(challenge.username)
            session = {"Session": challenge.session}
            if challenge.kind == "mfa_sms":
                cog.respond_to_sms_mfa_challenge(code, mfa_tokens=session)
            else:
                cog.respond_to_software_token_mfa_challenge(code, mfa_tokens=session)
            return self._token_set(cog, challenge.username)

        return self._run("mfa", run)

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """InitiateAuth REFRESH_TOKEN_AUTH as one JSON call (no pycognito, no boto3). The
        tokens come straight from the pool over HTTPS; their claims must name this pool and
        app client, and the API's authorizer checks their signatures on every call."""
        reply = self._direct(
            "refresh",
            "InitiateAuth",
            {
                "AuthFlow": "REFRESH_TOKEN_AUTH",
                "ClientId": self.client_id,
                "AuthParameters": {"REFRESH_TOKEN": tokens.refresh_token},
            },
        )
        result = reply.get("AuthenticationResult")
        access = result.get("AccessToken") if isinstance(result, dict) else None
        if not isinstance(result, dict) or not isinstance(access, str) or not access:
            raise AuthServiceError("Cognito's refresh reply has no access token.")
        self._check_claims(access)
        id_token = result.get("IdToken")
        refresh = result.get("RefreshToken")
        try:
            return tokens.refreshed(
                access,
                id_token if isinstance(id_token, str) and id_token else None,
                refresh if isinstance(refresh, str) and refresh else None,
            )
        except TokenFormatError as exc:
            raise AuthServiceError(f"Cognito sent an unreadable token ({exc}).") from None

    def _check_claims(self, access_token: str) -> None:
        from handterm_tui.auth.tokens import jwt_claims

        try:
            claims = jwt_claims(access_token)
        except TokenFormatError as exc:
            raise AuthServiceError(f"Cognito sent an unreadable token ({exc}).") from None
        issuer = str(claims.get("iss") or "")
        if not issuer.endswith("/" + self.pool_id) or claims.get("client_id") not in (
            None,
            self.client_id,
        ):
            raise AuthServiceError(
                "Cognito's refreshed token is for another pool or app client (check "
                "region, user_pool_id, client_id and cognito_endpoint)."
            )

    def check(self, access_token: str) -> str:
        """GetUser with the access token, as one JSON call: is the session still good?"""
        reply = self._direct("check", "GetUser", {"AccessToken": access_token})
        return str(reply.get("Username") or "")

    def change_password(self, access_token: str, previous: str, proposed: str) -> None:
        def run() -> None:
            self.boto_client().change_password(
                PreviousPassword=previous, ProposedPassword=proposed, AccessToken=access_token
            )

        self._run("change_password", run)

    def forgot_password(self, username: str) -> str | None:
        def run() -> str | None:
            reply = self.boto_client().forgot_password(ClientId=self.client_id, Username=username)
            details = reply.get("CodeDeliveryDetails") or {}
            medium, dest = details.get("DeliveryMedium"), details.get("Destination")
            return f"{medium} {dest}" if medium and dest else None

        return self._run("forgot_password", run)

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None:
        def run() -> None:
            self.boto_client().confirm_forgot_password(
                ClientId=self.client_id,
                Username=username,
                ConfirmationCode=code,
                Password=new_password,
            )

        self._run("confirm_forgot_password", run)

    def sign_out(self, access_token: str, refresh_token: str | None = None) -> None:
        self._run("sign_out", lambda: self.boto_client().global_sign_out(AccessToken=access_token))

    def close(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            close = getattr(client, "close", None)
            if callable(close):
                close()
