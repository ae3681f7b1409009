"""Upstream failures → typed auth errors (no network: botocore errors built by hand, the API
served by httpx.MockTransport)."""

from __future__ import annotations

import json

import httpx
import pytest
from authkit import FakeAuth
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from handterm_tui.api.client import HandTermApi
from handterm_tui.auth import errors as e
from handterm_tui.auth.api_auth import ApiAuth
from handterm_tui.auth.cognito import map_cognito_error


def client_error(code: str, message: str = "", status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "Op",
    )


@pytest.mark.parametrize(
    ("code", "message", "operation", "expected"),
    [
        ("NotAuthorizedException", "Refresh Token has expired", "refresh", e.SessionEnded),
        ("NotAuthorizedException", "Refresh Token has been revoked", "refresh", e.SessionEnded),
        ("NotAuthorizedException", "Invalid Refresh Token", "refresh", e.SessionEnded),
        ("UserNotFoundException", "User does not exist.", "refresh", e.SessionEnded),
        (
            "NotAuthorizedException",
            "Incorrect username or password.",
            "sign_in",
            e.WrongCredentials,
        ),
        ("UserNotFoundException", "User does not exist.", "sign_in", e.WrongCredentials),
        ("NotAuthorizedException", "Password attempts exceeded", "sign_in", e.LimitExceeded),
        ("NotAuthorizedException", "Access Token has been revoked", "check", e.TokenRejected),
        ("UserNotConfirmedException", "", "sign_in", e.UserNotConfirmed),
        ("UsernameExistsException", "alice", "sign_up", e.UserExists),
        ("InvalidPasswordException", "Password must have symbols", "sign_up", e.InvalidPassword),
        ("CodeMismatchException", "", "confirm_sign_up", e.CodeMismatch),
        ("ExpiredCodeException", "", "confirm_forgot_password", e.CodeExpired),
        ("TooManyRequestsException", "", "refresh", e.LimitExceeded),
        ("InternalErrorException", "", "refresh", e.ServiceUnreachable),
        ("ResourceNotFoundException", "", "sign_in", e.AuthServiceError),
    ],
)
def test_cognito_codes(code: str, message: str, operation: str, expected: type) -> None:
    error = map_cognito_error(client_error(code, message), operation)
    assert type(error) is expected


def test_cognito_policy_message_is_kept() -> None:
    error = map_cognito_error(
        client_error("InvalidPasswordException", "Password must have symbols"), "sign_up"
    )
    assert error.message == "Password must have symbols"


def test_network_faults_are_unreachable() -> None:
    for exc in (
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ):
        assert isinstance(map_cognito_error(exc, "refresh"), e.ServiceUnreachable)


def api_auth(status: int, body: object) -> ApiAuth:
    reply = httpx.Response(status, content=json.dumps(body).encode())
    return ApiAuth(HandTermApi("http://api.test", transport=httpx.MockTransport(lambda r: reply)))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, {"message": "Refresh Token has expired"}, e.SessionEnded),  # July 2024
        (
            500,
            {"message": "Invalid Refresh Token", "error": "Invalid Refresh Token"},
            e.SessionEnded,
        ),
        (401, {"message": "Refresh Token has been revoked"}, e.SessionEnded),
        (400, {"message": "Token refresh failed or incomplete."}, e.SessionEnded),
        (500, {"message": "Internal Server Error"}, e.ServiceUnreachable),
        (502, {"message": "Bad Gateway"}, e.ServiceUnreachable),
        (404, {"message": "Not Found"}, e.ServiceUnreachable),
    ],
)
def test_api_refresh_errors(status: int, body: object, expected: type, fake_auth: FakeAuth) -> None:
    with pytest.raises(expected):
        api_auth(status, body).refresh(fake_auth.issue())


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, "Incorrect username or password.", e.WrongCredentials),  # July 2024: bare string
        (400, "User is not confirmed.", e.UserNotConfirmed),
        (
            401,
            {"code": "NotAuthorized", "message": "Incorrect username or password."},
            e.WrongCredentials,
        ),
        (404, {"code": "UserNotFound", "message": "User does not exist."}, e.WrongCredentials),
        (401, {"message": "Authentication failed or incomplete."}, e.AuthServiceError),
        (
            500,
            {"code": "InternalServerError", "message": "An unexpected error"},
            e.ServiceUnreachable,
        ),
    ],
)
def test_api_sign_in_errors(status: int, body: object, expected: type) -> None:
    with pytest.raises(expected):
        api_auth(status, body).sign_in("alice", "pw")


def test_api_sign_up_policy_words_come_through() -> None:
    body = {
        "error": "Password does not meet the requirements",
        "errorCode": "InvalidPassword",
        "details": "Password must have uppercase characters",
    }
    with pytest.raises(e.InvalidPassword) as info:
        api_auth(400, body).sign_up("alice", "weak", "a@e.com")
    assert info.value.message == "Password must have uppercase characters"


def test_api_confirm_route_missing_in_july() -> None:
    with pytest.raises(e.NotSupported):
        api_auth(404, {"message": "Not Found"}).confirm_sign_up("alice", "123456")
