"""Ending a session at Cognito itself, for ``auth = "api"`` profiles whose API has no sign-out
route (the July/August 2024 API answers 404; the late-2024 one answers 400 by a bug).

GlobalSignOut (with the access token) and RevokeToken (with the refresh token and the app
client id) are public Cognito operations: one unsigned JSON POST each, no AWS credentials,
no boto3 or pycognito import. The endpoint is the profile's ``cognito_endpoint`` when set,
else AWS's regional endpoint named by the access token's issuer (the pool that issued it).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from handterm_tui.auth.errors import (
    AuthError,
    AuthServiceError,
    ServiceUnreachable,
    SessionEnded,
    TokenRejected,
    safe_text,
)
from handterm_tui.auth.tokens import TokenFormatError, jwt_claims

TARGET = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
# Only AWS's own hosts are derived from a token: never send a token where its claims point.
_AWS_ISSUER = re.compile(r"^https://cognito-idp\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/[\w-]+$")


def _claims(access_token: str) -> dict[str, Any]:
    try:
        return jwt_claims(access_token)
    except TokenFormatError:
        return {}


def endpoint_for(cognito_endpoint: str, access_token: str) -> str | None:
    """The Cognito endpoint to tell, or None when neither the profile nor the token says."""
    if cognito_endpoint.strip():
        return cognito_endpoint.strip().rstrip("/")
    match = _AWS_ISSUER.match(str(_claims(access_token).get("iss") or ""))
    return f"https://cognito-idp.{match.group(1)}.amazonaws.com" if match else None


def client_id_for(client_id: str, access_token: str) -> str | None:
    """The app client id: the profile's, else the access token's ``client_id`` claim."""
    claim = _claims(access_token).get("client_id")
    return client_id or (claim if isinstance(claim, str) and claim else None)


def call(
    endpoint: str, operation: str, payload: dict[str, str], *, timeout: float = 10.0
) -> dict[str, Any]:
    """One Cognito operation as an unsigned JSON POST; typed AuthErrors on failure."""
    headers = {"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET + operation}
    try:
        response = httpx.post(
            endpoint + "/",
            content=json.dumps(payload),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=3.0),
        )
    except httpx.TimeoutException:
        raise ServiceUnreachable("The Cognito user pool did not answer in time.") from None
    except httpx.HTTPError as exc:
        raise ServiceUnreachable(
            f"The Cognito user pool cannot be reached ({type(exc).__name__})."
        ) from None
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if response.is_success:
        return body
    kind = str(body.get("__type") or "").rsplit("#", 1)[-1]
    message = safe_text(body.get("message") or body.get("Message") or kind or "no reason given")
    if kind == "NotAuthorizedException":
        # Revoked or expired: for a sign-out that means the session is already over.
        lowered = message.lower()
        if "revoked" in lowered or "invalid refresh" in lowered:
            raise SessionEnded(code=kind)
        raise TokenRejected(message, code=kind)
    if response.status_code >= 500:
        raise AuthServiceError(
            f"Cognito could not do {operation} (HTTP {response.status_code}: {message}).",
            code=kind or None,
        )
    raise AuthServiceError(f"Cognito refused {operation} ({message}).", code=kind or None)


def end_session(
    cognito_endpoint: str,
    client_id: str,
    access_token: str,
    refresh_token: str | None,
    *,
    timeout: float = 10.0,
) -> str:
    """GlobalSignOut with the access token; if Cognito refuses that token, RevokeToken with
    the refresh token. Returns which one worked; raises an AuthError when neither did
    (NotConfigured-like AuthServiceError when the pool is unknown)."""
    endpoint = endpoint_for(cognito_endpoint, access_token)
    if endpoint is None:
        raise AuthServiceError(
            "the profile does not say where its Cognito pool is (cognito_endpoint)"
        )
    try:
        call(endpoint, "GlobalSignOut", {"AccessToken": access_token}, timeout=timeout)
        return "GlobalSignOut"
    except TokenRejected as first:
        client = client_id_for(client_id, access_token)
        if not refresh_token or not client:
            raise AuthServiceError(f"Cognito refused the access token ({first.message})") from None
        payload = {"Token": refresh_token, "ClientId": client}
        call(endpoint, "RevokeToken", payload, timeout=timeout)
        return "RevokeToken"


__all__ = ["AuthError", "call", "client_id_for", "end_session", "endpoint_for"]
