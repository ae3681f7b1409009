"""The Lambda path, offline: moto in server mode as Cognito and S3, and a small HTTP API stand-in
that turns each HTTP request into an API Gateway HTTP API payload 2.0 event for the Lambda
entry points (lambda_handler.authorize, then lambda_handler.handler) and their answer back into
HTTP. Tests and the benchmark talk HTTP to it exactly as they talk to `serve-local`.

    python -m handterm_tui.aws.localgw --data-dir DIR [--token-minutes N] [--refresh-days N]

prints one JSON ready line (api_url, cognito_endpoint, s3_endpoint, region, user_pool_id,
client_id), like serve-local. The gateway part follows the HTTP API documentation: explicit
routes only (404 otherwise), 401 without calling the authorizer when the identity source (the
Authorization header) is missing, 403 when the authorizer says no, lower-case headers with
repeats joined by commas, cookies in `cookies`, non-UTF-8 bodies base64-encoded, and the
Lambda's 6 MB synchronous payload limit. Loopback only; it is a test rig, not a server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REGION = "us-east-1"
LAMBDA_PAYLOAD = 6 * 1024 * 1024  # synchronous invoke, request and response
CUSTOM_ATTRIBUTES = [
    {"Name": n, "AttributeDataType": "String", "Mutable": True}
    for n in ("gh_username", "gh_id", "gh_token", "gh_refresh_token")
]


def routes() -> dict[str, tuple[frozenset[str], bool]]:
    """path -> (methods, protected): the contract's routes, as the stack declares them."""
    from .stack_routes import ROUTES

    return {path: (frozenset(methods), auth) for path, methods, auth in ROUTES}


def pool_settings(
    access_minutes: int = 60, refresh_minutes: int = 30 * 1440, hide_user_existence: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """CreateUserPool and CreateUserPoolClient parameters matching the CDK stack's settings."""
    pool = {
        "PoolName": "handterm",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        "AliasAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
        },
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            *CUSTOM_ATTRIBUTES,
        ],
    }
    client = {
        "ClientName": "handterm",
        "GenerateSecret": False,
        "ExplicitAuthFlows": [
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
        "AccessTokenValidity": access_minutes,
        "IdTokenValidity": access_minutes,
        "RefreshTokenValidity": refresh_minutes,
        "TokenValidityUnits": {
            "AccessToken": "minutes",
            "IdToken": "minutes",
            "RefreshToken": "minutes",
        },
        "EnableTokenRevocation": True,
        "PreventUserExistenceErrors": "ENABLED" if hide_user_existence else "LEGACY",
        "ReadAttributes": ["email", "email_verified", "custom:gh_username"],
    }
    return pool, client


class _Context:
    """The bits of a Lambda context object that handlers and Mangum read."""

    function_name = "handterm-api"
    memory_limit_in_mb = 512

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self) -> int:
        return int((self._deadline - time.monotonic()) * 1000)


def _joined(pairs: Sequence[tuple[bytes, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        out[key] = f"{out[key]},{text}" if key in out else text
    return out


def http_event(
    method: str,
    path: str,
    query: bytes,
    headers: Sequence[tuple[bytes, bytes]],
    body: bytes,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """A payload format 2.0 event as API Gateway HTTP API builds it for `method path`."""
    from urllib.parse import parse_qsl

    flat = _joined(headers)
    cookie = flat.pop("cookie", None)
    params: dict[str, str] = {}
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": query.decode("latin-1"),
        "headers": flat,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": flat.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": flat.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookie:
        event["cookies"] = [c.strip() for c in cookie.split(";") if c.strip()]
    if params:
        event["queryStringParameters"] = params
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def authorizer_event(event: dict[str, Any], header: str) -> dict[str, Any]:
    """The REQUEST authorizer event (payload 2.0) for a route whose identity source is the
    Authorization header."""
    return {
        **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
        "type": "REQUEST",
        "routeArn": f"arn:aws:execute-api:{REGION}:123456789012:local/$default/"
        + event["routeKey"].replace(" ", ""),
        "identitySource": [header],
    }


class Gateway:
    """ASGI: HTTP in, Lambda invocations (one at a time, like one warm instance), HTTP out."""

    def __init__(self) -> None:
        from . import lambda_handler

        self.lambdas = lambda_handler
        self.routes = routes()
        # One warm instance: one thread, one invocation at a time, with the event loop the
        # Lambda runtime's main thread would have (Mangum asks for the current one).
        self._instance = concurrent.futures.ThreadPoolExecutor(
            1, "lambda", lambda: asyncio.set_event_loop(asyncio.new_event_loop())
        )

    def _invoke(self, fn: Any, event: dict[str, Any]) -> dict[str, Any]:
        payload = json.dumps(event)  # what crosses the wire must be JSON, as on AWS
        if len(payload.encode()) > LAMBDA_PAYLOAD:
            return {"statusCode": 413, "body": json.dumps({"message": "Request Entity Too Large"})}
        result: dict[str, Any] = fn(json.loads(payload), _Context())
        if len(json.dumps(result).encode()) > LAMBDA_PAYLOAD:
            return {"statusCode": 500, "body": json.dumps({"message": "Internal Server Error"})}
        return result

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        method, path = scope["method"], scope["path"]
        event = http_event(method, path, scope["query_string"], scope["headers"], body)
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._instance, self._route, method, path, event)
        await self._reply(send, result)

    def _route(self, method: str, path: str, event: dict[str, Any]) -> dict[str, Any]:
        headers = event["headers"]
        preflight = method == "OPTIONS" and "access-control-request-method" in headers
        found = self.routes.get(path)
        if not preflight and (found is None or method not in found[0]):
            return _json(404, {"message": "Not Found"})
        if found is not None and found[1] and not preflight:
            header = headers.get("authorization", "")
            if not header.strip():
                return _json(401, {"message": "Unauthorized"})
            said = self._invoke(self.lambdas.authorize, authorizer_event(event, header))
            if not said.get("isAuthorized"):
                return _json(403, {"message": "Forbidden"})
            event["requestContext"]["authorizer"] = {"lambda": said.get("context") or {}}
        return self._invoke(self.lambdas.handler, event)

    async def _reply(self, send: Any, result: dict[str, Any]) -> None:
        raw = result.get("body") or ""
        data = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
        headers = [
            (k.lower().encode("latin-1"), str(v).encode("latin-1"))
            for k, v in (result.get("headers") or {}).items()
            if k.lower() != "content-length"
        ]
        headers += [(b"set-cookie", c.encode("latin-1")) for c in result.get("cookies") or []]
        headers.append((b"content-length", str(len(data)).encode()))
        status = int(result.get("statusCode", 200))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def _json(status: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


def start_moto(host: str = "127.0.0.1") -> tuple[Any, int]:
    """moto's whole server (Cognito with our hardening, S3) on loopback, in a daemon thread."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from handterm_tui.server import cognito

    cognito.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, 0, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, int(server.server_address[1])


def provision(
    endpoint: str, access_minutes: int, refresh_minutes: int, hide_user_existence: bool
) -> dict[str, str]:
    """Create the pool, app client and bucket through boto3, as the stack would on AWS."""
    import boto3

    pool_params, client_params = pool_settings(access_minutes, refresh_minutes, hide_user_existence)
    idp = boto3.client("cognito-idp", region_name=REGION, endpoint_url=endpoint)
    pool_id = idp.create_user_pool(**pool_params)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, **client_params)["UserPoolClient"][
        "ClientId"
    ]
    bucket = f"handterm-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION, endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return {"user_pool_id": pool_id, "client_id": client_id, "bucket": bucket}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m handterm_tui.aws.localgw")
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--token-minutes", type=int, default=60)
    p.add_argument("--refresh-days", type=int, default=30)
    p.add_argument("--show-user-existence", action="store_true", help="PreventUserExistence LEGACY")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    args, _unknown = p.parse_known_args(argv)  # BackendProcess passes serve-local flags too
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[var] = "testing"  # moto only; never real credentials
    os.environ.pop("AWS_PROFILE", None)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    _moto, moto_port = start_moto()
    endpoint = f"http://127.0.0.1:{moto_port}"
    made = provision(
        endpoint, args.token_minutes, args.refresh_days * 1440, not args.show_user_existence
    )
    os.environ.update(
        {
            "AWS_REGION": REGION,
            "HANDTERM_USER_POOL_ID": made["user_pool_id"],
            "HANDTERM_CLIENT_ID": made["client_id"],
            "HANDTERM_BUCKET": made["bucket"],
            "HANDTERM_COGNITO_ENDPOINT": endpoint,
            "HANDTERM_S3_ENDPOINT": endpoint,
        }
    )
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(128)
    ready = {
        "api_url": f"http://127.0.0.1:{sock.getsockname()[1]}",
        "cognito_endpoint": endpoint,
        "s3_endpoint": endpoint,
        "region": REGION,
        **made,
    }
    config = uvicorn.Config(Gateway(), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)

    async def serve() -> None:
        async def announce() -> None:
            while not server.started:
                await asyncio.sleep(0.005)
            sys.stdout.write(json.dumps(ready) + "\n")
            sys.stdout.flush()

        task = asyncio.create_task(announce())
        await server.serve(sockets=[sock])
        task.cancel()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
