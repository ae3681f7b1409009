"""Benchmark the Lambda path per request (payload 2.0 event in, response out, warm) beside the
serve-local route, all in one process on 127.0.0.1, bounded by request count and time.

Figures (median microseconds per request, warm):
- lambda getFile, S3: event -> Mangum -> route core -> S3 GetObject (moto in server mode on
  loopback, as the Lambda calls S3 over HTTPS) -> response dict.
- lambda getFile, disk: the same event path with the disk store: what Mangum and the event
  cost beside the core.
- serve-local getFile: the same route core called as ASGI, disk store (serve-local's route,
  without uvicorn's HTTP parsing).
- authorizer: the gateway's Lambda authorizer (JWT checks cached, GetUser to Cognito each time).

    python bench/bench_lambda.py [--requests 2000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TIME_LIMIT = 30.0  # seconds per measurement, whatever the request count
PASSWORD = "Passw0rd!x"


def _timed(fn: Any, requests: int) -> list[float]:
    for _ in range(20):  # warm
        fn()
    times: list[float] = []
    deadline = time.monotonic() + TIME_LIMIT
    for _ in range(requests):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e6)
        if time.monotonic() > deadline:
            break
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[var] = "testing"  # moto only
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

    import boto3

    from handterm_tui.aws import lambda_handler, localgw
    from handterm_tui.server import poolstore
    from handterm_tui.server.app import Api
    from handterm_tui.server.authorizer import Authorizer
    from handterm_tui.server.identity import MotoIdentity
    from handterm_tui.server.storage import DiskStorage

    _server, port = localgw.start_moto()
    endpoint = f"http://127.0.0.1:{port}"
    made = localgw.provision(endpoint, 60, 30 * 1440, True)
    os.environ.update(
        {
            "AWS_REGION": localgw.REGION,
            "HANDTERM_USER_POOL_ID": made["user_pool_id"],
            "HANDTERM_CLIENT_ID": made["client_id"],
            "HANDTERM_BUCKET": made["bucket"],
            "HANDTERM_COGNITO_ENDPOINT": endpoint,
            "HANDTERM_S3_ENDPOINT": endpoint,
        }
    )
    idp = boto3.client("cognito-idp", region_name=localgw.REGION, endpoint_url=endpoint)
    idp.sign_up(
        ClientId=made["client_id"],
        Username="bench",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "bench@example.com"}],
    )
    idp.admin_confirm_sign_up(UserPoolId=made["user_pool_id"], Username="bench")
    token = idp.initiate_auth(
        ClientId=made["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bench", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]

    headers = [(b"authorization", f"Bearer {token}".encode()), (b"host", b"api.local")]
    query = b"key=notes/a&extension=md"
    event = localgw.http_event("GET", "/getFile", query, headers, b"")
    said = lambda_handler.authorize(localgw.authorizer_event(event, f"Bearer {token}"), None)
    assert said["isAuthorized"], said
    event["requestContext"]["authorizer"] = {"lambda": said["context"]}
    put = localgw.http_event(
        "POST",
        "/putFile",
        b"",
        headers,
        json.dumps({"key": "notes/a", "content": "x" * 200, "extension": "md"}).encode(),
    )
    put["requestContext"]["authorizer"] = {"lambda": said["context"]}
    assert lambda_handler.handler(put, None)["statusCode"] == 200
    asyncio.set_event_loop(asyncio.new_event_loop())

    def lambda_call() -> None:
        reply = lambda_handler.handler(json.loads(json.dumps(event)), None)
        assert reply["statusCode"] == 200, reply

    results: dict[str, float] = {}
    results["lambda getFile, S3"] = statistics.median(_timed(lambda_call, args.requests))

    with tempfile.TemporaryDirectory() as tmp:
        # The same Lambda adapter over the disk store: what the event and Mangum cost.
        adapter, _authorizer = lambda_handler._build()
        disk = DiskStorage(Path(tmp) / "lambda")
        disk.put("bench", "notes/a.md", b"x" * 200)
        adapter.app.storage = disk
        results["lambda getFile, disk"] = statistics.median(_timed(lambda_call, args.requests))

        # serve-local's route: the same core with the in-process pool, called as ASGI.
        pool = poolstore.create(poolstore.PoolSettings(region="eu-west-1"))
        poolstore.ensure_demo_user(pool, "local", PASSWORD)
        local_disk = DiskStorage(Path(tmp) / "local")
        local_disk.put("local", "notes/a.md", b"x" * 200)
        local = Api(MotoIdentity(pool), local_disk, Authorizer(pool, "eu-west-1"))
        tokens, _gh = MotoIdentity(pool).sign_in("local", PASSWORD)
        assert tokens is not None
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/getFile",
            "raw_path": b"/getFile",
            "query_string": query,
            "headers": [(b"authorization", f"Bearer {tokens['AccessToken']}".encode())],
            "http_version": "1.1",
            "scheme": "http",
            "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 1),
        }
        loop = asyncio.new_event_loop()

        async def once() -> None:
            sent: list[dict[str, Any]] = []

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: dict[str, Any]) -> None:
                sent.append(message)

            await local(dict(scope), receive, send)
            assert sent[0]["status"] == 200, sent

        results["serve-local getFile (ASGI)"] = statistics.median(
            _timed(lambda: loop.run_until_complete(once()), args.requests)
        )

    auth_event = localgw.authorizer_event(event, f"Bearer {token}")
    results["authorizer (GetUser each time)"] = statistics.median(
        _timed(lambda: lambda_handler.authorize(auth_event, None), min(args.requests, 500))
    )
    if args.json:
        print(json.dumps({k: round(v, 1) for k, v in results.items()}))
    else:
        for name, value in results.items():
            print(f"{name}: {value:.0f} us per request (median, warm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
