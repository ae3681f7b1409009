"""The Cognito emulator fails where Cognito fails. Each test here passes on stock moto 5.2.5 only
because of handterm_tui/server/cognito.py; if a moto upgrade breaks a patch, one of these fails."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from handterm_tui.server.testing import PASSWORD, BackendProcess


def error_code(exc: Exception) -> str:
    assert isinstance(exc, ClientError), exc
    return str(exc.response["Error"]["Code"])


@pytest.fixture(scope="module")
def idp(backend: BackendProcess) -> Any:
    import boto3

    return boto3.client(
        "cognito-idp",
        endpoint_url=backend.cognito_endpoint,
        region_name=backend.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def headers_of(client: Any, operation: str) -> dict[str, str]:
    """Capture response headers of one operation on a botocore client."""
    seen: dict[str, str] = {}

    def hook(http_response: Any, **_: Any) -> None:
        seen.update({k.lower(): v for k, v in http_response.headers.items()})

    client.meta.events.register(f"after-call.cognito-idp.{operation}", hook)
    return seen


def test_moto_is_the_pinned_version() -> None:
    import moto

    from handterm_tui.server.cognito import MOTO_VERSION

    assert moto.__version__ == MOTO_VERSION


def test_srp_checks_the_password(backend, backend_user) -> None:
    username, password, email = backend_user
    good = backend.cognito(username)
    good.authenticate(password)  # pycognito verifies the tokens against the JWKS and issuer
    assert good.access_claims["username"] == username
    for wrong in ("Wrong-pass1!", password + "x", ""):
        with pytest.raises(ClientError) as info:
            backend.cognito(username).authenticate(wrong)
        assert error_code(info.value) == "NotAuthorizedException"
    by_email = backend.cognito(email)
    by_email.authenticate(password)  # email alias; tokens carry the real username
    assert by_email.access_claims["username"] == username


def test_srp_unknown_and_unconfirmed_users(backend) -> None:
    with pytest.raises(ClientError) as info:
        backend.cognito(backend.unique_name()).authenticate(PASSWORD)
    assert error_code(info.value) == "UserNotFoundException"
    name, password, _ = backend.new_user(confirmed=False)
    with pytest.raises(ClientError) as info:
        backend.cognito(name).authenticate(password)
    assert error_code(info.value) == "UserNotConfirmedException"


def test_confirmation_code_is_checked_once(backend) -> None:
    cog = backend.cognito()
    seen = headers_of(cog.client, "SignUp")
    name = backend.unique_name()
    cog.set_base_attributes(email=f"{name}@example.com")
    cog.register(name, PASSWORD)
    code = seen["x-moto-signup-confirmation-code"]
    assert backend.last_code(name, "signup") == code
    with pytest.raises(ClientError) as info:
        cog.confirm_sign_up("000000" if code != "000000" else "111111", username=name)
    assert error_code(info.value) == "CodeMismatchException"
    cog.confirm_sign_up(code, username=name)
    with pytest.raises(ClientError) as info:
        cog.confirm_sign_up(code, username=name)
    assert error_code(info.value) == "NotAuthorizedException"  # already CONFIRMED
    user = backend.cognito(name)
    user.authenticate(PASSWORD)
    assert user.get_user(attr_map={}).email_verified in ("true", True)


def test_resend_confirmation_code(backend, idp) -> None:
    name, _, _ = backend.new_user(confirmed=False)
    first = backend.last_code(name, "signup")
    seen = headers_of(idp, "ResendConfirmationCode")
    reply = idp.resend_confirmation_code(ClientId=backend.client_id, Username=name)
    assert reply["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    second = seen["x-moto-signup-confirmation-code"]
    assert backend.last_code(name, "signup") == second
    if first != second:
        with pytest.raises(ClientError):
            idp.confirm_sign_up(ClientId=backend.client_id, Username=name, ConfirmationCode=first)
    idp.confirm_sign_up(ClientId=backend.client_id, Username=name, ConfirmationCode=second)
    with pytest.raises(ClientError) as info:
        idp.resend_confirmation_code(ClientId=backend.client_id, Username=name)
    assert error_code(info.value) == "InvalidParameterException"


ADMIN_CALLS = [
    ("list_users", {"UserPoolId": "{pool}"}),
    ("admin_set_user_password", {"UserPoolId": "{pool}", "Username": "{user}",
                                 "Password": "Stolen-pass1!", "Permanent": True}),
    ("admin_create_user", {"UserPoolId": "{pool}", "Username": "intruder"}),
    ("admin_delete_user", {"UserPoolId": "{pool}", "Username": "{user}"}),
    ("admin_disable_user", {"UserPoolId": "{pool}", "Username": "{user}"}),
    ("admin_user_global_sign_out", {"UserPoolId": "{pool}", "Username": "{user}"}),
    ("admin_update_user_attributes", {"UserPoolId": "{pool}", "Username": "{user}",
                                      "UserAttributes": [{"Name": "email", "Value": "x@y.z"}]}),
    ("admin_confirm_sign_up", {"UserPoolId": "{pool}", "Username": "{user}"}),
    ("admin_initiate_auth", {"UserPoolId": "{pool}", "ClientId": "{client}",
                             "AuthFlow": "ADMIN_NO_SRP_AUTH",
                             "AuthParameters": {"USERNAME": "{user}", "PASSWORD": "x"}}),
    ("create_user_pool_client", {"UserPoolId": "{pool}", "ClientName": "evil"}),
    ("create_user_pool", {"PoolName": "evil"}),
    ("describe_user_pool_client", {"UserPoolId": "{pool}", "ClientId": "{client}"}),
    ("list_user_pools", {"MaxResults": 10}),
]  # fmt: skip


@pytest.mark.parametrize(("operation", "params"), ADMIN_CALLS, ids=[c[0] for c in ADMIN_CALLS])
def test_admin_actions_are_refused(backend, backend_user, idp, operation, params) -> None:
    """Anyone on the machine can reach the Cognito port: it must not hand out accounts."""
    username, password, _ = backend_user
    values = {"{pool}": backend.user_pool_id, "{client}": backend.client_id, "{user}": username}

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return values.get(value, value)

    with pytest.raises(ClientError) as info:
        getattr(idp, operation)(**fill(params))
    assert error_code(info.value) == "AccessDeniedException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    backend.cognito(username).authenticate(password)  # the account is untouched


def test_other_services_are_refused(backend) -> None:
    import boto3
    import httpx

    s3 = boto3.client(
        "s3",
        endpoint_url=backend.cognito_endpoint,
        region_name=backend.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with pytest.raises(ClientError) as info:
        s3.list_buckets()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400  # a Cognito error
    for method, path in (("GET", "/"), ("PUT", "/bucket"), ("GET", "/moto-api/data.json")):
        reply = httpx.request(method, backend.cognito_endpoint + path)
        assert reply.status_code == 400 and reply.json()["__type"] == "AccessDeniedException"
    wellknown = f"{backend.cognito_endpoint}/{backend.user_pool_id}/.well-known/"
    assert httpx.get(wellknown + "openid-configuration").status_code == 200


def test_revoke_token_ends_the_refresh_token(backend, backend_user, idp) -> None:
    username, password, _ = backend_user
    tokens = idp.initiate_auth(
        ClientId=backend.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    idp.revoke_token(Token=tokens["RefreshToken"], ClientId=backend.client_id)
    with pytest.raises(ClientError) as info:
        idp.initiate_auth(
            ClientId=backend.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    assert "revoked" in str(info.value)


def test_admin_command_manages_users(backend) -> None:
    name = backend.unique_name("adm")
    made = backend.admin("create-user", name, password="Admin-pass1!")
    assert made.returncode == 0, made.stderr
    backend.cognito(name).authenticate("Admin-pass1!")
    assert backend.admin("set-password", name, password="Other-pass1!").returncode == 0
    backend.cognito(name).authenticate("Other-pass1!")
    weak = backend.admin("set-password", name, password="weak")
    assert weak.returncode == 1 and "Password" in weak.stderr and "Traceback" not in weak.stderr
    listed = backend.admin("list-users")
    assert f"{name}\t{name}@example.com\tCONFIRMED" in listed.stdout
    assert backend.admin("delete-user", name).returncode == 0
    with pytest.raises(ClientError):
        backend.cognito(name).authenticate("Other-pass1!")
    sock = backend.data_dir / "admin.sock"
    assert sock.stat().st_mode & 0o777 == 0o600


def test_token_validity_follows_the_client_settings(backend, backend_user, idp) -> None:
    username, password, _ = backend_user
    result = idp.initiate_auth(
        ClientId=backend.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    assert result["ExpiresIn"] == 15 * 60
    cog = backend.cognito(username)
    cog.authenticate(password)
    claims = cog.access_claims
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["token_use"] == "access" and claims["client_id"] == backend.client_id


def test_refresh_and_sign_out_through_pycognito(backend, backend_user) -> None:
    username, password, _ = backend_user
    cog = backend.cognito(username)
    cog.authenticate(password)
    old = cog.access_token
    time.sleep(1.05)  # a new iat, so a new token
    cog.renew_access_token()
    assert cog.access_token != old
    assert cog.get_user(attr_map={}).username == username
    cog.logout()
    again = backend.cognito(username, access_token=old)
    with pytest.raises(ClientError) as info:
        again.client.get_user(AccessToken=old)
    assert error_code(info.value) == "NotAuthorizedException"


def test_garbage_refresh_token_is_invalid(backend, idp) -> None:
    with pytest.raises(ClientError) as info:
        idp.initiate_auth(
            ClientId=backend.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": "garbage"},
        )
    assert error_code(info.value) == "NotAuthorizedException"
    assert "Invalid Refresh Token" in str(info.value)


def test_forgot_password_codes_are_real(backend, backend_user) -> None:
    username, _, _ = backend_user
    cog = backend.cognito(username)
    seen = headers_of(cog.client, "ForgotPassword")
    cog.initiate_forgot_password()
    code = seen["x-moto-forgot-password-confirmation-code"]
    assert code.isdigit() and backend.last_code(username, "reset") == code
    for wrong in ("000000" if code != "000000" else "111111", "moto-confirmation-code:1", "x"):
        with pytest.raises(ClientError) as info:
            cog.confirm_forgot_password(wrong, "Reset-pass1!")
        assert error_code(info.value) == "CodeMismatchException"
    with pytest.raises(ClientError) as info:
        cog.confirm_forgot_password(code, "weak")
    assert error_code(info.value) == "InvalidPasswordException"
    cog.confirm_forgot_password(code, "Reset-pass1!")
    backend.cognito(username).authenticate("Reset-pass1!")
    with pytest.raises(ClientError):
        backend.cognito(username).authenticate(PASSWORD)


def test_forgot_password_needs_a_verified_email(backend) -> None:
    name, _, _ = backend.new_user(confirmed=False)
    with pytest.raises(ClientError) as info:
        backend.cognito(name).initiate_forgot_password()
    assert error_code(info.value) == "InvalidParameterException"


def test_moto_reset_api_is_closed(backend) -> None:
    import httpx

    reply = httpx.post(f"{backend.cognito_endpoint}/moto-api/reset")
    assert reply.status_code == 400 and reply.json()["__type"] == "AccessDeniedException"
    assert backend.jwks()["keys"][0]["kid"] == "dummy"


def test_client_settings_are_enforced_in_process() -> None:
    """A second app client (only creatable in-process now): password flow off, user-existence
    errors hidden, admin flows refused; the API's authorizer refuses its tokens."""
    from handterm_tui.server import poolstore
    from handterm_tui.server.authorizer import Authorizer, Denied
    from handterm_tui.server.base import cognito_error

    pool = poolstore.create(poolstore.PoolSettings())
    poolstore.ensure_demo_user(pool, "carol", PASSWORD)
    backend = pool.backend
    other = backend.create_user_pool_client(
        pool.pool_id,
        False,
        {
            "ClientName": "other",
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "PreventUserExistenceErrors": "ENABLED",
        },
    ).id

    def code_of(fn: Any, *args: Any) -> str:
        with pytest.raises(Exception) as info:
            fn(*args)
        found = cognito_error(info.value)
        return found[0] if found else repr(info.value)

    params = {"USERNAME": "carol", "PASSWORD": PASSWORD}
    assert code_of(backend.initiate_auth, other, "USER_PASSWORD_AUTH", params) == (
        "InvalidParameterException"
    )
    unknown = {"USERNAME": "nobody-here", "SRP_A": "ab" * 64}
    assert code_of(backend.initiate_auth, other, "USER_SRP_AUTH", unknown) == (
        "NotAuthorizedException"  # not UserNotFoundException
    )
    admin_flow = (pool.pool_id, pool.client_id, "ADMIN_NO_SRP_AUTH", params)
    assert code_of(backend.admin_initiate_auth, *admin_flow) == "InvalidParameterException"
    # A real token of another client is refused by the API's authorizer.
    token = pool.pool.create_jwt(other, "carol", "access")[0]
    pool.pool.access_tokens[token] = (other, "carol")
    with pytest.raises(Denied):
        Authorizer(pool, "us-east-1").verify(token)


def test_pycognito_password_change_and_resend(backend, backend_user) -> None:
    username, password, _ = backend_user
    cog = backend.cognito(username)
    cog.authenticate(password)
    assert cog.check_token(renew=True) is False  # not expired: nothing to do
    with pytest.raises(ClientError) as info:
        cog.change_password("Wrong-pass1!", "Newer-pass1!")
    assert error_code(info.value) == "NotAuthorizedException"
    cog.change_password(password, "Newer-pass1!")
    backend.cognito(username).authenticate("Newer-pass1!")
    pending, _, _ = backend.new_user(confirmed=False)
    before = len(backend.codes(pending, "signup"))
    backend.cognito(pending).resend_confirmation_code(pending)
    assert len(backend.codes(pending, "signup")) == before + 1


def test_codes_are_kept_in_a_private_file(backend) -> None:
    """No mail: a person finds sign-up and reset codes in <data-dir>/codes.txt (path printed)."""
    from pathlib import Path

    codes = Path(backend.codes_file)
    assert codes.parent == backend.data_dir.resolve()
    assert codes.stat().st_mode & 0o777 == 0o600
    assert f"codes are written to {codes}" in backend.log_tail(10_000_000)
    name, _, _ = backend.new_user(confirmed=False)
    code = backend.last_code(name, "signup")
    assert f"signup code for {name}: {code}" in codes.read_text()
    backend.cognito(name).resend_confirmation_code(name)
    again = backend.last_code(name, "signup")
    assert codes.read_text().rstrip().endswith(f"signup code for {name}: {again}")
