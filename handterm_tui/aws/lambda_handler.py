"""The Lambda entry points: `handler` serves the route core through Mangum (API Gateway HTTP API,
payload format 2.0); `authorize` is the gateway's Lambda authorizer (simple responses).

Both are built once per warm instance from the environment the stack sets (runtime.Settings).
"""

from __future__ import annotations

from typing import Any

from handterm_tui.server.app import Api
from handterm_tui.server.authorizer import Denied, bearer
from handterm_tui.server.storage import S3Storage

from .runtime import CognitoAuthorizer, CognitoIdentity, Settings

_STATE: dict[str, Any] = {}


def _build() -> tuple[Any, CognitoAuthorizer]:
    if "adapter" not in _STATE:
        from mangum import Mangum

        settings = Settings.from_env()
        idp = CognitoIdentity(
            settings.user_pool_id, settings.client_id, settings.region, settings.cognito_endpoint
        )
        authorizer = CognitoAuthorizer(idp)
        storage = S3Storage(settings.bucket, settings.s3_endpoint, settings.region, create=False)
        api = Api(idp, storage, authorizer, cors_origins=settings.cors_origins)
        # lifespan off: the app has no startup work, and "auto" would probe it on every cold start
        _STATE["adapter"] = Mangum(api, lifespan="off")
        _STATE["authorizer"] = authorizer
    return _STATE["adapter"], _STATE["authorizer"]


def reset() -> None:
    """Forget the warm instance (tests change the environment between backends)."""
    _STATE.clear()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    adapter, authorizer = _build()
    request = event.get("requestContext") or {}
    said = ((request.get("authorizer") or {}).get("lambda")) or {}
    headers = event.get("headers") or {}
    authorizer.trust(bearer(headers.get("authorization")), said.get("username"), said.get("exp"))
    try:
        result: dict[str, Any] = adapter(event, context)
    finally:
        authorizer.trust(None, None, None)
    return result


def authorize(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """HTTP API Lambda authorizer, payload 2.0, simple response: yes with who, or no (403)."""
    _adapter, authorizer = _build()
    sources = event.get("identitySource") or []
    header = sources[0] if sources else (event.get("headers") or {}).get("authorization")
    authorizer.trust(None, None, None)
    try:
        identity = authorizer.verify(bearer(header))
    except Denied:
        return {"isAuthorized": False}
    return {
        "isAuthorized": True,
        "context": {"username": identity.username, "exp": identity.exp},
    }


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The one function the stack deploys: the gateway's authorizer calls (type REQUEST with an
    identity source) are answered by `authorize`, every route request by `handler`."""
    if event.get("type") == "REQUEST" and "identitySource" in event:
        return authorize(event, context)
    return handler(event, context)
