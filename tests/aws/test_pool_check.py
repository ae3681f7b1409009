"""`handterm pool check` against moto in server mode (boto3 cognito-idp, as on AWS)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from handterm_tui.aws.localgw import pool_settings
from handterm_tui.cli import main


@pytest.fixture
def idp(backend) -> Any:
    return boto3.client(
        "cognito-idp", region_name="us-east-1", endpoint_url=backend.cognito_endpoint
    )


def _pool(idp: Any, **client: Any) -> str:
    """A pool made like the stack's, its client changed by `client` (None removes a key)."""
    pool_params, client_params = pool_settings(60, 30 * 1440)
    pool_params["PoolName"] = f"check-{uuid.uuid4().hex[:6]}"
    pool_id = idp.create_user_pool(**pool_params)["UserPool"]["Id"]
    merged = {k: v for k, v in {**client_params, **client}.items() if v is not None}
    if client.get("none"):
        return pool_id
    merged.pop("none", None)
    idp.create_user_pool_client(UserPoolId=pool_id, **merged)
    return pool_id


def _check(backend, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["pool", "check", *args, "--endpoint-url", backend.cognito_endpoint])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_stack_like_pool_is_healthy_and_said_in_words(backend, idp, capsys) -> None:
    pool_id = _pool(idp)
    code, out, _ = _check(backend, capsys, pool_id)
    assert code == 0, out
    assert "refresh token  30 days" in out and "(43200 minutes)" in out
    assert "access token   1 hour" in out and "(60 minutes)" in out
    assert "users are signed out 30 days after signing in" in out
    assert "revocation     on" in out
    assert "ALLOW_REFRESH_TOKEN_AUTH" in out
    assert "Result: healthy" in out


def test_a_one_day_refresh_without_units_is_a_finding(backend, idp, capsys) -> None:
    """The original stack's trouble: validity 1 with no unit is read as 1 day."""
    pool_id = _pool(
        idp,
        RefreshTokenValidity=1,
        TokenValidityUnits=None,
        AccessTokenValidity=None,
        IdTokenValidity=None,
    )
    code, out, _ = _check(backend, capsys, pool_id)
    assert code == 1
    assert "refresh token  1 day" in out and "(1 days)" in out
    assert "FINDING: refresh tokens last 1 day" in out
    assert "users are signed out 1 day after signing in" in out
    assert "access token   1 hour       (not set: service default)" in out


def test_missing_refresh_flow_and_revocation_off_are_findings(backend, idp, capsys) -> None:
    pool_id = _pool(idp, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"], EnableTokenRevocation=False)
    code, out, _ = _check(backend, capsys, pool_id)
    assert code == 1
    assert "ALLOW_REFRESH_TOKEN_AUTH is not among the auth flows" in out
    assert "token revocation is off" in out
    assert "users are signed out 1 hour after signing in (no refresh flow)" in out


def test_an_empty_client_list_is_explained(backend, idp, capsys) -> None:
    pool_id = _pool(idp, none=True)
    code, out, _ = _check(backend, capsys, pool_id)
    assert code == 1
    assert "has no app clients" in out and "UserPoolClientId output" in out


def test_a_missing_pool_and_the_wrong_cli_region_are_explained(backend, capsys) -> None:
    code, out, _ = _check(backend, capsys, "us-east-1_NoSuchPool", "--region", "eu-west-1")
    assert code == 1
    assert "the pool id names region us-east-1, but your AWS region is eu-west-1" in out
    assert "--region us-east-1" in out
    assert "no user pool us-east-1_NoSuchPool in region us-east-1" in out
    assert "another account or another stack" in out


def test_json_and_every_pool_in_a_region(backend, idp, capsys) -> None:
    pool_id = _pool(idp)
    code, out, _ = _check(backend, capsys, "--region", "us-east-1", "--json")
    data = json.loads(out)
    assert data["exit"] == code
    pools = {p["id"]: p for p in data["pools"]}
    (client,) = pools[pool_id]["clients"]
    assert client["refresh"] == {
        "value": 43200,
        "unit": "minutes",
        "seconds": 30 * 86400,
        "words": "30 days",
        "stated": True,
    }
    assert client["findings"] == []


def test_no_credentials_is_exit_2_without_a_traceback(backend, capsys, monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask a metadata address
    code, out, err = _check(backend, capsys, "us-east-1_Anything")
    assert code == 2 and out == ""
    assert "no AWS credentials found" in err and "Traceback" not in err


def test_unreachable_cognito_is_exit_2(capsys, monkeypatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code = main(["pool", "check", "us-east-1_X", "--json", "--endpoint-url", "http://127.0.0.1:9"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2 and data["exit"] == 2 and "cannot reach Cognito" in data["error"]


def test_refresh_token_rotation_is_a_finding_for_refresh_token_auth_clients() -> None:
    """moto does not store rotation, so the described client is given here as Cognito sends it."""
    from handterm_tui.aws.poolcheck import check_client

    report = check_client(
        {
            "ClientId": "c",
            "ClientName": "web",
            "RefreshTokenValidity": 30,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "EnableTokenRevocation": True,
            "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
        }
    )
    assert report.rotation is True
    (finding,) = report.findings
    assert "GetTokensFromRefreshToken" in finding and "1 hour" in finding


def test_the_global_profile_option_may_come_first(backend, capsys) -> None:
    code = main(
        [
            "--profile",
            "x",
            "pool",
            "check",
            "us-east-1_Gone",
            "--endpoint-url",
            backend.cognito_endpoint,
        ]
    )
    assert code == 1 and "no user pool us-east-1_Gone" in capsys.readouterr().out
