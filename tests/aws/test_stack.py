"""The CDK stack, synthesized offline (Node + jsii, no AWS): every setting issue 15 asks for,
and cfn-lint with 0 errors on the template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("aws_cdk", reason="needs the aws extra")

from handterm_tui.aws.stack import SettingError, StackSettings
from handterm_tui.aws.stack_routes import ROUTES

SYNTH = (sys.executable, "-m", "handterm_tui.cli", "aws", "synth")
CFN_LINT = (sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())")


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """One `handterm aws synth` for the module, as a user runs it (offline: no dependency
    download into the Lambda bundle); a few seconds, as jsii starts Node."""
    from aws_cdk.assertions import Template

    root = tmp_path_factory.mktemp("cdk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE")}
    done = subprocess.run(
        [*SYNTH, "--out", str(root / "cdk.out"), "-c", "bundle_deps=false"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote " in done.stdout and "HandTerm.template.json" in done.stdout
    # the Node-version notice is silenced, nothing else: stderr is empty
    assert done.stderr == "", done.stderr
    path = root / "cdk.out" / "HandTerm.template.json"
    assert (root / ".handterm-lambda" / "handterm_tui" / "aws" / "lambda_handler.py").exists()
    return Template.from_json(json.loads(path.read_text())), path


def _resources(template: Any, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = template.find_resources(kind)
    return found


def test_app_client_token_lifetimes_and_flows(synthesized) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "AccessTokenValidity": 60,
            "IdTokenValidity": 60,
            "RefreshTokenValidity": 30 * 24 * 60,  # 30 days, in the unit below
            "TokenValidityUnits": {
                "AccessToken": "minutes",
                "IdToken": "minutes",
                "RefreshToken": "minutes",
            },
            "ExplicitAuthFlows": [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
            ],
            "EnableTokenRevocation": True,
            "PreventUserExistenceErrors": "ENABLED",
            "GenerateSecret": False,
        },
    )
    (client,) = _resources(template, "AWS::Cognito::UserPoolClient").values()
    assert "AllowedOAuthFlows" not in client["Properties"]  # no hosted UI


def test_user_pool_sign_in_policy_verification_and_recovery(synthesized) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "AliasAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "UsernameConfiguration": {"CaseSensitive": False},
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 8,
                    "RequireLowercase": True,
                    "RequireUppercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            },
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
            },
            "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        },
    )


def test_bucket_is_private_encrypted_and_ssl_only(synthesized) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
        },
    )
    (policy,) = _resources(template, "AWS::S3::BucketPolicy").values()
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_iam_reaches_only_the_bucket_prefix_and_the_log_group(synthesized) -> None:
    template, _ = synthesized
    statements = [
        s
        for p in _resources(template, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert statements
    for statement in statements:
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        text = json.dumps(resources)
        assert resources != ["*"] and '"*"' not in text, statement
        assert "Data" in text or "ApiLogs" in text, statement  # the bucket or the log group
        if "Data" in text and "Fn::Join" in text:
            assert text.endswith('"/user_data/*"]]}]'), statement
    actions = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
    }
    for role in _resources(template, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]  # no AWS-managed wildcards


def test_one_arm64_python_lambda_with_log_retention(synthesized) -> None:
    template, _ = synthesized
    functions = _resources(template, "AWS::Lambda::Function")
    assert len(functions) == 1
    (fn,) = functions.values()
    props = fn["Properties"]
    assert props["Architectures"] == ["arm64"]
    assert props["Runtime"].startswith("python3.")
    assert props["Handler"] == "handterm_tui.aws.lambda_handler.main"
    assert set(props["Environment"]["Variables"]) == {
        "HANDTERM_USER_POOL_ID",
        "HANDTERM_CLIENT_ID",
        "HANDTERM_BUCKET",
        "HANDTERM_CORS_ORIGINS",
    }
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})


def test_every_contract_route_and_only_the_protected_ones_are_authorized(synthesized) -> None:
    template, _ = synthesized
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in _resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    expected = {f"{m} {p}": auth for p, methods, auth in ROUTES for m in methods}
    assert set(routes) == set(expected)
    for key, protected in expected.items():
        if protected:
            assert routes[key]["AuthorizationType"] == "CUSTOM", key
            assert "AuthorizerId" in routes[key], key
        else:
            assert routes[key].get("AuthorizationType", "NONE") == "NONE", key
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Authorizer",
        {
            "AuthorizerType": "REQUEST",
            "AuthorizerPayloadFormatVersion": "2.0",
            "EnableSimpleResponses": True,
            "IdentitySource": ["$request.header.Authorization"],
            "AuthorizerResultTtlInSeconds": 0,  # a revoked token is refused at once
        },
    )
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration", {"PayloadFormatVersion": "2.0"}
    )


def test_cors_matches_serve_local(synthesized) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        {
            "ProtocolType": "HTTP",
            "CorsConfiguration": {
                "AllowOrigins": ["http://localhost:5173", "https://handterm.com"],
                "AllowMethods": ["GET", "POST", "OPTIONS"],
                "AllowHeaders": ["authorization", "content-type"],
                "AllowCredentials": True,
                "ExposeHeaders": ["x-handterm-next-before"],
            },
        },
    )


def test_outputs_for_profile_import(synthesized) -> None:
    template, _ = synthesized
    outputs = template.to_json()["Outputs"]
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId", "Region"} <= set(outputs)
    assert outputs["Region"]["Value"] == {"Ref": "AWS::Region"}


def test_cfn_lint_finds_no_errors(synthesized) -> None:
    _, path = synthesized
    done = subprocess.run(
        [*CFN_LINT, str(path), "--format", "parseable"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = [line for line in done.stdout.splitlines() if ":E" in line]
    assert done.returncode in (0, 4, 8), done.stderr  # 2: an error; 4: warnings; 8: info
    assert errors == []


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"refresh_days": "0"}, "refresh_days must be 1 to 3650 days"),
        ({"refresh_days": "3651"}, "refresh_days must be 1 to 3650 days"),
        ({"access_minutes": "4"}, "access_minutes must be 5 to 1440 minutes"),
        ({"access_minutes": "1 hour"}, "access_minutes must be a whole number of minutes"),
        ({"log_retention_days": "10"}, "log_retention_days must be one of"),
    ],
)
def test_out_of_range_settings_are_sentences(context, message) -> None:
    with pytest.raises(SettingError, match=message):
        StackSettings.from_context(context.get)


def test_settings_from_context_with_units() -> None:
    got = StackSettings.from_context(
        {"refresh_days": "90", "access_minutes": "15", "cors_origins": "https://a.example/"}.get
    )
    assert (got.refresh_days, got.access_minutes) == (90, 15)
    assert got.cors_origins == ("https://a.example",)


def test_the_cdk_cli_app_command_synthesizes_where_the_cli_says(tmp_path) -> None:
    """`handterm aws deploy` hands the CDK CLI `python -m handterm_tui.aws.app`; the CLI passes
    context and the output folder in the environment, as here."""
    out = tmp_path / "cdk.out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE")}
    env["CDK_OUTDIR"] = str(out)
    env["CDK_CONTEXT_JSON"] = json.dumps({"bundle_deps": "false", "refresh_days": "90"})
    done = subprocess.run(
        [sys.executable, "-m", "handterm_tui.aws.app"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    template = json.loads((out / "HandTerm.template.json").read_text())
    (client,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolClient"
    ]
    assert client["Properties"]["RefreshTokenValidity"] == 90 * 1440
