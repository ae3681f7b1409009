"""Attempt limits as Cognito has them: wrong codes end in LimitExceededException, wrong passwords
lock the user out for a doubling time, and handterm's clients say so in words."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from handterm_tui.auth.cognito import (
    LOCKED_OUT,
    TOO_MANY_CODES,
    TOO_MANY_SENDS,
    CognitoAuth,
    map_cognito_error,
)
from handterm_tui.auth.errors import LimitExceeded
from handterm_tui.config import Profile
from handterm_tui.server.testing import PASSWORD

WRONG = "Wrong-pass1!"


def _wrong_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _code_of(exc: BaseException) -> str:
    assert isinstance(exc, ClientError), exc
    return str(exc.response["Error"]["Code"])


@pytest.fixture(scope="module")
def idp(backend):
    """boto3 without retries: botocore would back off and retry a LimitExceededException."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "cognito-idp",
        endpoint_url=backend.cognito_endpoint,
        region_name=backend.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def test_wrong_confirmation_codes_end_in_limit_exceeded(api, backend, idp) -> None:
    name, _, _ = backend.new_user(confirmed=False)
    code = backend.last_code(name, "signup")
    assert code
    for _ in range(5):
        reply = api.post("/confirm-signup", json={"username": name, "code": _wrong_code(code)})
        assert reply.status_code == 400 and reply.json() == {"message": "Invalid confirmation code"}
    burnt = api.post("/confirm-signup", json={"username": name, "code": code})
    assert burnt.status_code == 429, burnt.text  # even the right code: this one is used up
    assert burnt.json()["code"] == "LimitExceeded"
    with pytest.raises(ClientError) as info:
        idp.confirm_sign_up(ClientId=backend.client_id, Username=name, ConfirmationCode=code)
    assert _code_of(info.value) == "LimitExceededException"
    idp.resend_confirmation_code(ClientId=backend.client_id, Username=name)  # a fresh count
    fresh = backend.last_code(name, "signup")
    done = api.post("/confirm-signup", json={"username": name, "code": fresh})
    assert done.status_code == 200, done.text


def test_wrong_reset_codes_end_in_limit_exceeded(backend, backend_user, idp) -> None:
    username, _, _ = backend_user
    idp.forgot_password(ClientId=backend.client_id, Username=username)
    code = backend.last_code(username, "reset")

    def confirm(with_code: str) -> None:
        idp.confirm_forgot_password(
            ClientId=backend.client_id,
            Username=username,
            ConfirmationCode=with_code,
            Password="Reset-pass1!",
        )

    for _ in range(5):
        with pytest.raises(ClientError) as info:
            confirm(_wrong_code(code))
        assert _code_of(info.value) == "CodeMismatchException"
    with pytest.raises(ClientError) as info:
        confirm(code)
    assert _code_of(info.value) == "LimitExceededException"
    words = map_cognito_error(info.value, "confirm_forgot_password")
    assert isinstance(words, LimitExceeded) and words.message == TOO_MANY_CODES


def test_codes_per_hour_are_limited(backend, idp) -> None:
    name, _, _ = backend.new_user(confirmed=False)  # the sign-up sent the first code
    for _ in range(4):
        idp.resend_confirmation_code(ClientId=backend.client_id, Username=name)
    with pytest.raises(ClientError) as info:
        idp.resend_confirmation_code(ClientId=backend.client_id, Username=name)
    assert _code_of(info.value) == "LimitExceededException"
    assert map_cognito_error(info.value, "resend_code").message == TOO_MANY_SENDS


def _sign_in(api, name: str, password: str) -> tuple[int, str]:
    reply = api.post("/signIn", json={"username": name, "password": password})
    return reply.status_code, str(reply.json().get("message"))


def test_password_lockout_starts_after_five_and_doubles(api, backend) -> None:
    name, _, _ = backend.new_user()
    for _ in range(5):
        assert _sign_in(api, name, WRONG) == (401, "Incorrect username or password.")
    # locked for 1 s: even the right password is not checked
    assert _sign_in(api, name, PASSWORD) == (401, "Password attempts exceeded")
    backend.advance_clock(1.1)  # the server's clock, not a sleep
    assert _sign_in(api, name, WRONG) == (401, "Incorrect username or password.")
    # the sixth failure locks for 2 s
    backend.advance_clock(1.1)
    assert _sign_in(api, name, PASSWORD) == (401, "Password attempts exceeded")
    backend.advance_clock(1.0)
    assert _sign_in(api, name, PASSWORD)[0] == 200  # and success starts the count again
    assert _sign_in(api, name, WRONG) == (401, "Incorrect username or password.")


def test_srp_lockout_and_the_clients_words(backend, idp) -> None:
    name, _, _ = backend.new_user()
    auth = CognitoAuth(Profile(**backend.profile()))
    auth.boto_client()  # ready before the 1 s lock starts, so a slow machine still sees it
    srp_wrong, srp_right = backend.cognito(name), backend.cognito(name)
    for _ in range(5):
        with pytest.raises(ClientError):
            idp.initiate_auth(
                ClientId=backend.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": name, "PASSWORD": WRONG},
            )
    with pytest.raises(LimitExceeded) as words:
        auth.sign_in(name, PASSWORD)  # SRP: refused at InitiateAuth while locked
    assert words.value.message == LOCKED_OUT
    backend.advance_clock(1.1)
    with pytest.raises(ClientError) as info:  # a wrong SRP proof counts too: now 2 s
        srp_wrong.authenticate(WRONG)
    assert "Incorrect" in str(info.value)
    with pytest.raises(ClientError) as info:
        srp_right.authenticate(PASSWORD)
    assert _code_of(info.value) == "NotAuthorizedException"
    assert "Password attempts exceeded" in str(info.value)
    assert backend.admin("unlock", name).returncode == 0  # the operator can lift it
    backend.cognito(name).authenticate(PASSWORD)


def test_http_api_client_words_for_lockout(backend) -> None:
    from handterm_tui.api.client import HandTermApi
    from handterm_tui.auth.api_auth import ApiAuth

    name, _, _ = backend.new_user()
    auth = ApiAuth(HandTermApi(backend.api_url))
    for _ in range(5):
        with pytest.raises(Exception, match=r"(?i)incorrect|wrong|not right"):
            auth.sign_in(name, WRONG)
    with pytest.raises(LimitExceeded) as words:
        auth.sign_in(name, PASSWORD)
    assert words.value.message == LOCKED_OUT
