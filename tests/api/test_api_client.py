"""Fault shapes of the deployed API versions, served by httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from handterm_tui.api.client import HandTermApi
from handterm_tui.api.errors import (
    BadRequest,
    BadResponse,
    Forbidden,
    NotFound,
    ServerError,
    Unauthorized,
    Unreachable,
)

Handler = Callable[[httpx.Request], httpx.Response]


def raw(status: int, body: Any, content_type: str | None = None) -> httpx.Response:
    """A reply the way the Lambdas send it: JSON text, usually without Content-Type."""
    text = body if isinstance(body, str) and content_type == "text" else json.dumps(body)
    headers = {"Content-Type": content_type} if content_type and content_type != "text" else {}
    return httpx.Response(status, content=text.encode(), headers=headers)


class Tokens:
    def __init__(self) -> None:
        self.current = "tok-1"
        self.forced: list[str] = []
        self.rejected: list[str] = []

    def ensure_fresh(self) -> str:
        return self.current

    def force_refresh(self, rejected: str) -> str:
        self.forced.append(rejected)
        self.current = f"tok-{len(self.forced) + 1}"
        return self.current

    def token_rejected(self, token: str) -> None:
        self.rejected.append(token)


def api(
    handler: Handler, tokens: Tokens | None = None, base: str = "http://api.test/"
) -> HandTermApi:
    return HandTermApi(base, tokens=tokens, transport=httpx.MockTransport(handler))


def test_paths_have_no_double_slash_and_send_bearer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return raw(200, {"userId": "alice", "userAttributes": {"email": "a@e.com"}})

    info = api(handler, Tokens()).get_user()
    assert seen[0].url == "http://api.test/getUser"
    assert seen[0].headers["authorization"] == "Bearer tok-1"
    assert info.user_id == "alice" and info.attributes == {"email": "a@e.com"}


def test_get_user_drops_leaked_github_tokens() -> None:
    body = {
        "userId": "a",
        "userAttributes": {
            "custom:gh_token": "x",
            "custom:gh_refresh_token": "y",
            "custom:gh_username": "octo",
        },
    }
    info = api(lambda r: raw(200, body), Tokens()).get_user()
    assert info.attributes == {"custom:gh_username": "octo"}


def test_403_refreshes_once_and_retries_once() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer tok-1":
            return raw(403, {"message": "Forbidden"})
        return raw(200, {"message": "Log saved"})

    tokens = Tokens()
    client = api(handler, tokens)
    assert client.save_log("wrt/1", "hello", "txt") == "Log saved"
    assert calls == ["Bearer tok-1", "Bearer tok-2"]
    assert tokens.forced == ["tok-1"]
    assert client.stats.retried == 1


def test_second_refusal_is_reported_and_raised() -> None:
    tokens = Tokens()
    client = api(lambda r: raw(403, {"message": "Forbidden"}), tokens)
    with pytest.raises(Forbidden):
        client.get_log("wrt")
    assert tokens.forced == ["tok-1"] and tokens.rejected == ["tok-2"]


def test_change_password_puts_the_fresh_token_in_the_body_too() -> None:
    bodies: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) == 1:
            return raw(401, {"message": "Unauthorized"})
        return raw(200, {"message": "Password changed successfully"})

    api(handler, Tokens()).change_password("Old_passw0rd", "New_passw0rd!")
    assert [b["accessToken"] for b in bodies] == ["tok-1", "tok-2"]


def test_protected_route_without_session() -> None:
    with pytest.raises(Unauthorized):
        api(lambda r: raw(200, {})).get_log("wrt")


def test_bare_string_error_and_no_content_type() -> None:
    client = api(lambda r: raw(400, "Incorrect username or password."))
    with pytest.raises(BadRequest) as info:
        client.sign_in("alice", "pw")
    assert info.value.message == "Incorrect username or password."


def test_typed_error_codes_are_kept() -> None:
    body = {
        "error": "Password does not meet the requirements",
        "errorCode": "InvalidPassword",
        "details": "Password must have uppercase characters",
    }
    with pytest.raises(BadRequest) as info:
        api(lambda r: raw(400, body)).sign_up("alice", "pw", "a@e.com")
    assert info.value.code == "InvalidPassword"
    assert info.value.detail == "Password must have uppercase characters"


def test_july_signup_echo_never_reaches_the_message() -> None:
    body = {
        "error": "An account with the given email already exists.",
        "request": {"password": "Sup3r-Secret!", "params": {"Password": "Sup3r-Secret!"}},
    }
    with pytest.raises(BadRequest) as info:
        api(lambda r: raw(400, body)).sign_up("a@e.com", "Sup3r-Secret!", "a@e.com")
    assert "Sup3r-Secret!" not in str(info.value) + repr(info.value) + (info.value.detail or "")


def test_refresh_reply_with_and_without_refresh_token() -> None:
    july = api(lambda r: raw(200, {"IdToken": "i", "AccessToken": "a"})).refresh_token("R")
    assert july.refresh_token is None and july.access_token == "a"
    late = api(lambda r: raw(200, {"IdToken": "i", "AccessToken": "a", "RefreshToken": "R"}))
    assert late.refresh_token("R").refresh_token == "R"
    assert "a" not in repr(july).replace("AuthReply", "").replace("redacted", "")


def test_refresh_reply_without_access_token_is_bad() -> None:
    with pytest.raises(BadResponse):
        api(lambda r: raw(200, {"message": "ok"})).refresh_token("R")


@pytest.mark.parametrize(
    "reply",
    [raw(200, {"body": []}), raw(404, {"message": "No logs found."}), raw(200, None)],
)
def test_list_log_empty_in_every_version(reply: httpx.Response) -> None:
    assert api(lambda r: reply, Tokens()).list_log("wrt") == []


def test_list_log_route_missing_is_not_empty() -> None:
    with pytest.raises(NotFound):
        api(lambda r: raw(404, {"message": "Not Found"}), Tokens()).list_log("wrt")


def test_get_log_sends_key_and_limit() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return raw(200, ["third", "second"])

    assert api(handler, Tokens()).get_log("wrt", limit=2) == ["third", "second"]
    assert seen[0].url.params["key"] == "wrt" and seen[0].url.params["limit"] == "2"


@pytest.mark.parametrize(
    ("reply", "text"),
    [
        (raw(200, {"content": "# profile"}), "# profile"),
        (raw(200, "# raw profile\n", "text"), "# raw profile\n"),
        (raw(200, {"a": 1}), '{"a": 1}'),  # a stored JSON file, sent raw
    ],
)
def test_get_file_raw_or_wrapped(reply: httpx.Response, text: str) -> None:
    assert api(lambda r: reply, Tokens()).get_file("_index", "md") == text


def test_network_faults_are_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    for handler in (refuse, slow):
        with pytest.raises(Unreachable):
            api(handler).sign_in("a", "b")
    with pytest.raises(Unreachable):
        api(lambda r: raw(503, {"message": "Service Unavailable"})).sign_in("a", "b")
    with pytest.raises(ServerError):
        api(lambda r: raw(500, {"message": "Internal Server Error"})).sign_in("a", "b")


def test_sign_out_falls_back_to_lowercase_route() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == "/signOut":
            return raw(404, {"message": "Not Found"})
        return raw(200, {"message": "SignOut handled successfully"})

    assert api(handler).sign_out("tok") == "SignOut handled successfully"
    assert paths == ["/signOut", "/signout"]


def test_error_messages_never_carry_tokens() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJ1c2VybmFtZSI6ImFsaWNlIn0.c2lnbmF0dXJl"
    with pytest.raises(ServerError) as info:
        api(lambda r: raw(500, {"message": f"bad token {jwt}"})).refresh_token(jwt)
    assert jwt not in str(info.value)


@pytest.mark.parametrize("reply", ["Log saved", "<html>gateway</html>", "[1]"])
def test_save_log_with_confirm_refuses_a_reply_that_is_not_an_object(reply: str) -> None:
    client = api(lambda _req: raw(200, reply, "text"), Tokens())
    assert client.save_log("wrt/1", "hi", "txt")  # tolerant by default (raw-text deployments)
    with pytest.raises(BadResponse):
        client.save_log("wrt/1", "hi", "txt", confirm=True)


def test_save_log_with_confirm_accepts_a_json_object() -> None:
    client = api(lambda _req: raw(200, {"message": "Log saved"}), Tokens())
    assert client.save_log("wrt/1", "hi", "txt", confirm=True) == "Log saved"
