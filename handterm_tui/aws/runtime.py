"""The route core's AWS home: Cognito through boto3 `cognito-idp`, objects in S3.

Same interfaces as serve-local's (server/identity.py, server/storage.py), so the Lambda runs the
very routes our tests exercise. `endpoint_url` points boto3 at an emulator (moto in server mode
in tests); on AWS it is None and boto3 talks to the region's real endpoints.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from handterm_tui.server.authorizer import Denied, Identity, access_claims, remember
from handterm_tui.server.cognito import SIGNUP_CODE_HEADER
from handterm_tui.server.identity import IdpError, SignedUp


def _client_error(exc: Exception) -> IdpError | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    error = response.get("Error") or {}
    code = str(error.get("Code") or "")
    return IdpError(code, str(error.get("Message") or code)) if code else None


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified (for tokens Cognito just handed us over TLS)."""
    try:
        part = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class CognitoIdentity:
    """A real (or emulated) Cognito user pool through boto3, as the Lambda's identity provider."""

    blocking = True

    def __init__(
        self, user_pool_id: str, client_id: str, region: str, endpoint_url: str | None = None
    ) -> None:
        import boto3  # in the Lambda runtime; lazy so importing this module stays cheap

        self.user_pool_id, self.client_id, self.region = user_pool_id, client_id, region
        self.endpoint_url = endpoint_url
        self.client: Any = boto3.client(
            "cognito-idp", region_name=region, endpoint_url=endpoint_url
        )

    def _call(self, op: str, **params: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = getattr(self.client, op)(**params)
        except Exception as exc:
            err = _client_error(exc)
            if err is None:
                raise
            raise err from None
        return result

    def sign_up(self, username: str, password: str, email: str) -> SignedUp:
        result = self._call(
            "sign_up",
            ClientId=self.client_id,
            Username=username,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
        code = None
        if self.endpoint_url:  # only an emulator hands the code back; Cognito e-mails it
            headers = result.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            code = headers.get(SIGNUP_CODE_HEADER)
        return SignedUp(
            bool(result.get("UserConfirmed")),
            str(result.get("UserSub", "")),
            result.get("CodeDeliveryDetails"),
            code,
        )

    def confirm_sign_up(self, username: str, code: str) -> None:
        self._call(
            "confirm_sign_up", ClientId=self.client_id, Username=username, ConfirmationCode=code
        )

    def sign_in(self, username: str, password: str) -> tuple[dict[str, Any] | None, str | None]:
        result = self._call(
            "initiate_auth",
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        tokens = result.get("AuthenticationResult")
        if not tokens:
            return None, None
        gh = _claims(str(tokens.get("IdToken", ""))).get("custom:gh_username")
        return dict(tokens), str(gh) if gh else None

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        result = self._call(
            "initiate_auth",
            ClientId=self.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        return dict(result.get("AuthenticationResult") or {})

    def sign_out(self, access_token: str) -> None:
        self._call("global_sign_out", AccessToken=access_token)

    def change_password(self, access_token: str, old: str, new: str) -> None:
        self._call(
            "change_password",
            AccessToken=access_token,
            PreviousPassword=old,
            ProposedPassword=new,
        )

    def attributes(self, identity: Identity) -> dict[str, str] | None:
        try:
            result = self._call("get_user", AccessToken=identity.token)
        except IdpError as exc:
            if exc.code == "UserNotFoundException":
                return None
            raise
        return {a["Name"]: str(a.get("Value", "")) for a in result.get("UserAttributes", [])}


@dataclass
class _Trusted:
    token: str
    identity: Identity


class CognitoAuthorizer:
    """Verify a Cognito access token as serve-local's authorizer does, revocation included.

    Signature (RS256, the pool's JWKS), `iss`, `token_use == "access"`, `client_id` and `exp`
    are checked locally; then GetUser asks Cognito whether the token is still alive, because a
    signed-out (revoked) token keeps a valid signature until it expires. Both the gateway's
    Lambda authorizer and the routes use this; when the gateway already said yes for this very
    request, `trust()` hands its answer to the routes so Cognito is asked once, not twice.
    """

    def __init__(self, idp: CognitoIdentity) -> None:
        self.idp = idp
        self.issuer = f"https://cognito-idp.{idp.region}.amazonaws.com/{idp.user_pool_id}"
        base = idp.endpoint_url.rstrip("/") if idp.endpoint_url else self.issuer.rsplit("/", 1)[0]
        self.jwks_url = f"{base}/{idp.user_pool_id}/.well-known/jwks.json"
        self._keys: Any = None
        self._jwt: Any = None
        self._cache: dict[str, tuple[str, int]] = {}
        self._trusted: _Trusted | None = None

    def _key_set(self) -> Any:
        if self._keys is None:
            from joserfc import jwk, jwt

            with urllib.request.urlopen(self.jwks_url, timeout=5) as reply:
                self._keys = jwk.KeySet.import_key_set(json.loads(reply.read()))
            self._jwt = jwt
        return self._keys

    def _decode(self, token: str) -> tuple[str, int]:
        keys = self._key_set()
        found = access_claims(self._jwt, keys, token, self.issuer, self.idp.client_id)
        remember(self._cache, token, found)
        return found

    def trust(self, token: str | None, username: object, exp: object) -> None:
        """The gateway's authorizer verified `token` for the current request (or None: forget)."""
        self._trusted = None
        if token and isinstance(username, str) and username:
            try:
                when = int(str(exp))
            except ValueError:
                return
            self._trusted = _Trusted(token, Identity(username, when, token))

    def verify(self, token: str | None) -> Identity:
        if not token:
            raise Denied("no token")
        trusted = self._trusted
        if trusted is not None and trusted.token == token and trusted.identity.exp > time.time():
            return trusted.identity
        username, exp = self._cache.get(token) or self._decode(token)
        if exp <= time.time():
            raise Denied("expired")
        try:
            self.idp._call("get_user", AccessToken=token)
        except IdpError as exc:  # revoked, expired, user disabled or deleted
            raise Denied(exc.code) from None
        return Identity(username, exp, token)


@dataclass(frozen=True)
class Settings:
    """What the Lambda reads from its environment (the stack sets these)."""

    user_pool_id: str
    client_id: str
    bucket: str
    region: str
    cognito_endpoint: str | None = None
    s3_endpoint: str | None = None
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        missing = [n for n in ("HANDTERM_USER_POOL_ID", "HANDTERM_CLIENT_ID", "HANDTERM_BUCKET")]
        missing = [n for n in missing if not e.get(n)]
        if missing:
            raise RuntimeError(f"handterm lambda: missing environment {', '.join(missing)}")
        origins = tuple(o.strip() for o in e.get("HANDTERM_CORS_ORIGINS", "").split(",") if o)
        return cls(
            e["HANDTERM_USER_POOL_ID"],
            e["HANDTERM_CLIENT_ID"],
            e["HANDTERM_BUCKET"],
            e.get("AWS_REGION") or e.get("AWS_DEFAULT_REGION") or "us-east-1",
            e.get("HANDTERM_COGNITO_ENDPOINT") or None,
            e.get("HANDTERM_S3_ENDPOINT") or None,
            origins,
        )
