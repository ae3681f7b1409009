"""The HandTerm backend as one CDK stack: Cognito, an HTTP API, one Lambda, one bucket.

Token lifetimes come from context with their units in the names (access_minutes, refresh_days)
and are checked against Cognito's limits before CDK sees them, so a wrong value is a sentence,
not a synth stack trace. Every setting here is asserted in tests/aws/test_stack.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .node import silence_node_notice

silence_node_notice()  # before aws_cdk starts the jsii runtime

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_apigatewayv2 as apigw  # noqa: E402
from aws_cdk import aws_apigatewayv2_authorizers as authorizers  # noqa: E402
from aws_cdk import aws_apigatewayv2_integrations as integrations  # noqa: E402
from aws_cdk import aws_cognito as cognito  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_logs as logs  # noqa: E402
from aws_cdk import aws_s3 as s3  # noqa: E402
from constructs import Construct  # noqa: E402

from handterm_tui.server.app import DEFAULT_CORS_ORIGINS  # noqa: E402
from handterm_tui.server.openapi import NEXT_HEADER  # noqa: E402

from .stack_routes import ROUTES  # noqa: E402

HANDLER = "handterm_tui.aws.lambda_handler.main"
# Cognito's limits (aws-backend.md section 1): access/ID 5 minutes to 1 day, refresh 60 minutes
# to 10 years, access/ID not longer than refresh.
ACCESS_MINUTES = (5, 1440)
REFRESH_DAYS = (1, 3650)
LOG_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


class SettingError(ValueError):
    """A context value out of range or not a number."""


@dataclass(frozen=True)
class StackSettings:
    stack_name: str = "HandTerm"
    access_minutes: int = 60
    refresh_days: int = 30
    log_retention_days: int = 30
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    throttle_rate: int = 50  # requests per second, whole API (a cost ceiling, not a quota)
    throttle_burst: int = 100

    @classmethod
    def from_context(cls, get: Any) -> StackSettings:
        """Read settings from CDK context (`-c key=value`); `get(key)` returns None if unset."""

        def number(key: str, default: int, low: int, high: int, unit: str) -> int:
            raw = get(key)
            if raw is None or raw == "":
                return default
            try:
                value = int(str(raw))
            except ValueError:
                raise SettingError(f"{key} must be a whole number of {unit}, not {raw!r}") from None
            if not low <= value <= high:
                raise SettingError(
                    f"{key} must be {low} to {high} {unit} (Cognito's limit), not {value}"
                )
            return value

        access = number("access_minutes", 60, *ACCESS_MINUTES, "minutes")
        refresh = number("refresh_days", 30, *REFRESH_DAYS, "days")
        retention = number("log_retention_days", 30, 1, 365, "days")
        if retention not in LOG_RETENTION:
            raise SettingError(
                f"log_retention_days must be one of {sorted(LOG_RETENTION)}, not {retention}"
            )
        origins = get("cors_origins")
        return cls(
            stack_name=str(get("stack_name") or "HandTerm"),
            access_minutes=access,
            refresh_days=refresh,
            log_retention_days=retention,
            cors_origins=tuple(o.strip().rstrip("/") for o in str(origins).split(",") if o.strip())
            if origins
            else DEFAULT_CORS_ORIGINS,
            throttle_rate=number("throttle_rate", 50, 1, 10000, "requests per second"),
            throttle_burst=number("throttle_burst", 100, 1, 5000, "requests"),
        )


class HandTermStack(cdk.Stack):
    def __init__(
        self, scope: Construct, settings: StackSettings, code_dir: Path, **kwargs: Any
    ) -> None:
        super().__init__(scope, settings.stack_name, **kwargs)
        s = settings

        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            custom_attributes={
                name: cognito.StringAttribute(mutable=True)
                for name in ("gh_username", "gh_id", "gh_token", "gh_refresh_token")
            },
            # the policy the client checks before it asks (auth/, server/cognito.py)
            password_policy=cognito.PasswordPolicy(
                min_length=8,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
            ),
            user_verification=cognito.UserVerificationConfig(
                email_style=cognito.VerificationEmailStyle.CODE
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            removal_policy=cdk.RemovalPolicy.RETAIN,  # users outlive a `cdk destroy`
        )
        client = pool.add_client(
            "AppClient",
            user_pool_client_name="handterm",
            disable_o_auth=True,  # no hosted UI: the API signs users in (SRP or password)
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),  # + refresh
            access_token_validity=cdk.Duration.minutes(s.access_minutes),
            id_token_validity=cdk.Duration.minutes(s.access_minutes),
            refresh_token_validity=cdk.Duration.days(s.refresh_days),
            enable_token_revocation=True,
            prevent_user_existence_errors=True,
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes("gh_username"),
        )

        bucket = s3.Bucket(
            self,
            "Data",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

        log_group = logs.LogGroup(
            self,
            "ApiLogs",
            retention=LOG_RETENTION[s.log_retention_days],
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # A role of our own: no managed policy, so nothing reaches past this log group and
        # the bucket's user_data/ prefix (Cognito's user APIs need no IAM at all).
        role = iam.Role(self, "ApiRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group.grant_write(role)
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject"],
                resources=[bucket.arn_for_objects("user_data/*")],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": ["user_data/*"]}},
            )
        )

        fn = lambda_.Function(
            self,
            "Api",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=HANDLER,
            code=lambda_.Code.from_asset(str(code_dir)),
            memory_size=512,
            timeout=cdk.Duration.seconds(10),
            role=role,
            log_group=log_group,
            environment={
                "HANDTERM_USER_POOL_ID": pool.user_pool_id,
                "HANDTERM_CLIENT_ID": client.user_pool_client_id,
                "HANDTERM_BUCKET": bucket.bucket_name,
                "HANDTERM_CORS_ORIGINS": ",".join(s.cors_origins),
            },
        )

        integration = integrations.HttpLambdaIntegration(
            "Routes", fn, payload_format_version=apigw.PayloadFormatVersion.VERSION_2_0
        )
        # Cache 0: each request asks the authorizer, which asks Cognito (GetUser), so a token
        # revoked by sign-out is refused at once, as serve-local refuses it.
        authorizer = authorizers.HttpLambdaAuthorizer(
            "TokenCheck",
            fn,
            response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
            identity_source=["$request.header.Authorization"],
            results_cache_ttl=cdk.Duration.seconds(0),
        )
        api = apigw.HttpApi(
            self,
            "HttpApi",
            api_name="handterm",
            # as serve-local's CORS (server/app.py): origins, methods, headers, credentials
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=list(s.cors_origins),
                allow_methods=[
                    apigw.CorsHttpMethod.GET,
                    apigw.CorsHttpMethod.POST,
                    apigw.CorsHttpMethod.OPTIONS,
                ],
                allow_headers=["authorization", "content-type"],
                expose_headers=[NEXT_HEADER.lower()],
                allow_credentials=True,
            ),
        )
        stage = api.default_stage
        assert stage is not None
        raw_stage: Any = stage.node.default_child
        raw_stage.default_route_settings = apigw.CfnStage.RouteSettingsProperty(
            throttling_rate_limit=s.throttle_rate, throttling_burst_limit=s.throttle_burst
        )
        for path, methods, protected in ROUTES:
            api.add_routes(
                path=path,
                methods=[apigw.HttpMethod(m) for m in methods],
                integration=integration,
                authorizer=authorizer if protected else None,
            )

        cdk.CfnOutput(self, "ApiUrl", value=api.api_endpoint)
        cdk.CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)
        cdk.CfnOutput(self, "Region", value=self.region)
        cdk.CfnOutput(self, "RefreshTokenValidityDays", value=str(s.refresh_days))
