"""Logout where the API has no sign-out route (the July/August 2024 API, auth = "api"):
handterm ends the session at Cognito itself, or says plainly that the server was not told."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from authkit import config_for, make_jwt

from handterm_tui.api.client import HandTermApi
from handterm_tui.auth import cognito_direct
from handterm_tui.auth.api_auth import ApiAuth
from handterm_tui.auth.errors import SessionEnded
from handterm_tui.auth.factory import build
from handterm_tui.auth.session import SessionState
from handterm_tui.auth.tokens import TokenSet
from handterm_tui.server.testing import BackendProcess, start_backend

pytestmark = pytest.mark.xdist_group("auth-e2e")


@pytest.fixture(scope="module")
def july(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    proc = start_backend(tmp_path_factory.mktemp("july"), compat="july2024")
    yield proc
    proc.stop()


def dead_endpoint() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def api_config(backend: BackendProcess, **changes: str) -> Any:
    config = config_for(backend, auth="api")
    profile = dataclasses.replace(config.profiles["local"], **changes)
    return dataclasses.replace(config, profiles={"local": profile})


def refresh_with(backend: BackendProcess, tokens: TokenSet) -> TokenSet:
    with HandTermApi(backend.api_url) as api:
        return ApiAuth(api).refresh(tokens)


def test_the_july_api_has_no_sign_out_route(july: BackendProcess) -> None:
    assert july.http.post("/signOut").status_code == 404
    assert july.http.post("/signout").status_code == 404


def test_logout_ends_the_session_at_cognito_when_the_api_cannot(july: BackendProcess) -> None:
    user, password, _ = july.new_user()
    with build(api_config(july), verify_interval=None, probe_interval=None) as auth:
        auth.session.sign_in(user, password)
        tokens = auth.store.load()
        assert isinstance(tokens, TokenSet)
        assert refresh_with(july, tokens).access_token  # alive before
        assert auth.session.sign_out() == "Signed out everywhere."
        assert auth.session.state is SessionState.SIGNED_OUT
        assert auth.store.load() is None
    with pytest.raises(SessionEnded):
        refresh_with(july, tokens)  # the refresh token really stopped working
    reply = july.http.get("/getUser", headers={"Authorization": f"Bearer {tokens.access_token}"})
    assert reply.status_code in (401, 403)  # and so did the access token


def test_logout_says_plainly_when_the_server_was_not_told(july: BackendProcess) -> None:
    user, password, _ = july.new_user()
    config = api_config(july, cognito_endpoint=dead_endpoint())
    with build(config, verify_interval=None, probe_interval=None) as auth:
        auth.session.sign_in(user, password)
        tokens = auth.store.load()
        assert isinstance(tokens, TokenSet)
        message = auth.session.sign_out()
        assert auth.store.load() is None  # signed out here all the same
    until = datetime.fromtimestamp(tokens.refresh_issued_at + 86400, UTC)
    assert "the server was not told" in message
    assert "no sign-out route" in message and "cannot be reached" in message
    assert f"the refresh token stays valid until {until:%Y-%m-%d %H:%M} UTC." in message
    assert refresh_with(july, tokens).access_token  # true: it still works


def test_the_cognito_endpoint_comes_from_the_profile_or_an_aws_issuer() -> None:
    aws = make_jwt({"iss": "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab12", "exp": 1})
    other = make_jwt({"iss": "https://evil.example/cognito-idp.eu-west-2.amazonaws.com/x"})
    local = "http://127.0.0.1:5001/"
    assert cognito_direct.endpoint_for(local, aws) == "http://127.0.0.1:5001"
    assert cognito_direct.endpoint_for("", aws) == "https://cognito-idp.eu-west-2.amazonaws.com"
    assert cognito_direct.endpoint_for("", other) is None  # a token never picks the host
    assert cognito_direct.endpoint_for("", "not-a-jwt") is None
