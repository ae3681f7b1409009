"""What only the Lambda path has: raw payload 2.0 events, the gateway's authorizer, S3 keys, and
the stack's pool settings (user existence hidden)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from handterm_tui.aws import lambda_handler
from handterm_tui.aws.testing import LambdaBackend


@pytest.fixture
def lambda_env(backend: LambdaBackend, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as the Lambda instance, wired to the test backend's moto."""
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=backend.cognito_endpoint)
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    for name, value in {
        "AWS_REGION": backend.region,
        "HANDTERM_USER_POOL_ID": backend.user_pool_id,
        "HANDTERM_CLIENT_ID": backend.client_id,
        "HANDTERM_BUCKET": bucket,
        "HANDTERM_COGNITO_ENDPOINT": backend.cognito_endpoint,
        "HANDTERM_S3_ENDPOINT": backend.cognito_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    lambda_handler.reset()
    yield
    lambda_handler.reset()


def _event(method: str, path: str, token: str, **extra: Any) -> dict[str, Any]:
    """A payload 2.0 event shaped like the example in API Gateway's HTTP API guide."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "cookies": ["cookie1=value1", "cookie2"],
        "headers": {"authorization": f"Bearer {token}", "content-type": "application/json"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "id",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "agent",
            },
            "requestId": "id",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": "12/Mar/2020:19:03:58 +0000",
            "timeEpoch": 1583348638390,
        },
        "isBase64Encoded": False,
    }
    event.update(extra)
    return event


def test_raw_v2_events_reach_the_routes_base64_bodies_included(lambda_env, session) -> None:
    token = session["AccessToken"]
    said = lambda_handler.authorize(
        {"type": "REQUEST", "identitySource": [f"Bearer {token}"], "headers": {}}, None
    )
    assert said["isAuthorized"] is True and said["context"]["username"] == session["username"]
    body = json.dumps({"key": "wrt/1720632000000", "content": "héllo", "extension": "txt"})
    saved = lambda_handler.handler(
        _event(
            "POST",
            "/saveLog",
            token,
            body=base64.b64encode(body.encode()).decode(),
            isBase64Encoded=True,
            requestContext={
                **_event("POST", "/saveLog", token)["requestContext"],
                "authorizer": {"lambda": said["context"]},
            },
        ),
        None,
    )
    assert saved["statusCode"] == 200 and json.loads(saved["body"]) == {"message": "Log saved"}
    got = lambda_handler.handler(
        _event(
            "GET",
            "/getLog",
            token,
            rawQueryString="key=wrt&limit=5",
            queryStringParameters={"key": "wrt", "limit": "5"},
        ),
        None,
    )
    assert got["statusCode"] == 200 and got["isBase64Encoded"] is False
    assert json.loads(got["body"]) == ["héllo"]


def test_gateway_authorizer_says_no_to_garbage_and_to_signed_out_tokens(
    lambda_env, api, session
) -> None:
    ask = lambda t: lambda_handler.authorize(  # noqa: E731
        {"type": "REQUEST", "identitySource": [f"Bearer {t}"], "headers": {}}, None
    )
    assert ask("garbage") == {"isAuthorized": False}
    assert ask(session["IdToken"]) == {"isAuthorized": False}
    assert ask(session["AccessToken"])["isAuthorized"] is True
    assert api.post("/signOut", headers=session["headers"]).status_code == 200
    assert ask(session["AccessToken"]) == {"isAuthorized": False}  # revoked: GetUser says no


def test_objects_land_in_the_bucket_under_the_users_prefix(backend, api, session) -> None:
    reply = api.post(
        "/saveLog",
        headers=session["headers"],
        json={"key": "wrt/1720632000000", "content": "x", "extension": "txt"},
    )
    assert reply.status_code == 200
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=backend.cognito_endpoint)
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert f"user_data/{session['username']}/logs/wrt/1720632000000.txt" in keys


def test_every_contract_route_is_served_through_the_gateway(api, session) -> None:
    from handterm_tui.aws.stack_routes import ROUTES

    answered = set()
    for path, methods, _auth in sorted(ROUTES, key=lambda r: r[0] == "/signOut"):  # it revokes
        for method in methods:
            reply = api.request(method, path, headers=session["headers"], json={})
            refused = (403, 500) if path == "/signOut" else (401, 403, 500)  # twice: 401
            assert reply.status_code not in refused, (method, path, reply.text)
            assert reply.json() != {"message": "Not Found"}, (method, path)  # the gateway's 404
            assert reply.headers["content-type"].startswith("application/json")
            answered.add(f"{method} {path}")
    assert len(answered) == sum(len(m) for _p, m, _a in ROUTES) == 17


def test_the_stacks_pool_hides_whether_a_user_exists(tmp_path) -> None:
    with LambdaBackend(tmp_path, token_minutes=15, refresh_days=1) as stack_like:
        reply = stack_like.http.post(
            "/signIn", json={"username": stack_like.unique_name(), "password": "Passw0rd!x"}
        )
        assert (reply.status_code, reply.json()) == (
            401,
            {"code": "NotAuthorized", "message": "Incorrect username or password."},
        )


BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"moto", "textual", "rich", "uvicorn", "httpx", "pycognito",
                                  "aws_cdk", "werkzeug", "keyring"}:
            raise ImportError(f"not in the Lambda: {name}")
sys.meta_path.insert(0, Block())
sys.path.insert(0, sys.argv[1])
import handterm_tui.aws.lambda_handler as h
assert h.__file__.startswith(sys.argv[1]), h.__file__
h.main({"type": "REQUEST", "identitySource": []}, None)
"""


def test_the_lambda_bundle_imports_without_moto_the_tui_or_the_cdk(tmp_path, monkeypatch):
    """What the stack uploads (the package without ui/, no moto, no Textual, no CDK) is enough
    for the entry point to import and answer, here with "missing environment"."""
    import subprocess
    import sys

    from handterm_tui.aws.app import bundle

    folder = bundle(tmp_path / "lambda", with_dependencies=False)
    assert not (folder / "handterm_tui" / "ui").exists()
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("HANDTERM_")}
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert "missing environment HANDTERM_USER_POOL_ID" in done.stderr, done.stderr
    assert "not in the Lambda" not in done.stderr, done.stderr
