"""What the Cognito port answers: only the actions a client app makes, nothing else.

moto's server speaks every AWS API to every caller (it checks no credentials), so on a shared
machine anyone could list users, set a victim's password or read S3 through it. The gate in front
of it lets through the public Cognito actions a client (handterm, pycognito, the web app) uses,
all of which need either the app client id or the caller's own access token, plus the pool's
JWKS and OpenID configuration. Everything else gets a Cognito-shaped AccessDeniedException.
Administration (demo users, passwords) happens inside the server process or through
`handterm serve-local admin`, which talks to a socket in the data dir.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CLIENT_ACTIONS = frozenset(
    {
        # the list (what handterm's client and the web client call)
        "InitiateAuth",
        "RespondToAuthChallenge",
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "GetUser",
        "ChangePassword",
        "GlobalSignOut",
        "RevokeToken",
        "UpdateUserAttributes",
        # what pycognito's user-side methods call; each needs the caller's own access token
        "GetUserAttributeVerificationCode",
        "VerifyUserAttribute",
        "DeleteUser",
        "SetUserMFAPreference",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
    }
)
_WELL_KNOWN = re.compile(r"^/[\w-]+/\.well-known/(jwks\.json|openid-configuration)$")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def refusal(action: str | None) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body of the error botocore shows as AccessDeniedException."""
    what = f"{action} is" if action else "this request is"
    body = json.dumps(
        {
            "__type": "AccessDeniedException",
            "message": f"handterm serve-local answers only a client app's Cognito actions; "
            f"{what} not one of them (use `handterm serve-local admin`)",
        }
    ).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("x-amzn-ErrorType", "AccessDeniedException"),
        ("Content-Length", str(len(body))),
    ]
    return "400 Bad Request", headers, body


def allowed(environ: dict[str, Any]) -> tuple[bool, str | None]:
    """(let through?, the Cognito action if the request names one)."""
    method = environ.get("REQUEST_METHOD", "")
    path = environ.get("PATH_INFO", "")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if method == "GET" and not target:
        return bool(_WELL_KNOWN.match(path)), None
    action = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else None
    ok = method == "POST" and path == "/" and action in CLIENT_ACTIONS
    return ok, action or (target or None)


def client_only(app: Wsgi) -> Wsgi:
    """Wrap moto's WSGI dispatcher so only client actions reach it."""

    def gated(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        ok, action = allowed(environ)
        if not ok:
            status, headers, body = refusal(action)
            start_response(status, headers)
            return [body]
        return app(environ, start_response)

    return gated


def s3_only(app: Wsgi) -> Wsgi:
    """Wrap moto's dispatcher for the embedded S3 (`--s3-endpoint local`): signed S3 calls only,
    so this second port is no back door into the user pool."""

    def gated(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if "/s3/aws4_request" not in auth or environ.get("HTTP_X_AMZ_TARGET"):
            status, headers, body = refusal(None)
            start_response(status, headers)
            return [body]
        return app(environ, start_response)

    return gated
