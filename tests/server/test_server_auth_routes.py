"""Authentication routes of the canonical contract, row by row (handterm-api.md 3.1-3.7, 10)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from handterm_tui.server.testing import PASSWORD, BackendProcess

CODE = "x-moto-signup-confirmation-code"


def _signup(api: httpx.Client, backend: BackendProcess, **over: Any) -> httpx.Response:
    name = backend.unique_name()
    body = {"username": name, "password": PASSWORD, "email": f"{name}@example.com", **over}
    return api.post("/signUp", json=body)


# -- /signUp ------------------------------------------------------------------------------


def test_sign_up_returns_l_shape_and_delivers_the_code(api, backend) -> None:
    reply = _signup(api, backend)
    assert reply.status_code == 200
    body = reply.json()
    assert body["message"] == "User signed up successfully"
    assert body["verificationCode"] == "Check your email for the verification code"
    code = reply.headers[CODE]
    assert len(code) == 6 and code.isdigit()
    assert backend.last_code(body["username"], "signup") == code  # also in the server log


@pytest.mark.parametrize(
    ("over", "error_code"),
    [
        ({"password": "short1!"}, "InvalidPassword"),
        ({"password": "alllowercase1!"}, "InvalidPassword"),
        ({"password": "NoDigits!!x"}, "InvalidPassword"),
        ({"password": "NoSymbols1x"}, "InvalidPassword"),
        ({"username": "someone@example.com"}, "InvalidParameter"),  # email is an alias
        ({"email": "not-an-email"}, "InvalidParameter"),
        ({"email": None}, "InvalidParameter"),
    ],
)
def test_sign_up_errors_are_typed_400s_without_the_password(api, backend, over, error_code):
    reply = _signup(api, backend, **over)
    assert reply.status_code == 400
    body = reply.json()
    assert body["errorCode"] == error_code
    assert set(body) == {"error", "errorCode", "details"}
    assert PASSWORD not in reply.text and "short1!" not in reply.text


def test_sign_up_policy_message_is_cognito_like(api, backend) -> None:
    body = _signup(api, backend, password="nouppercase1!").json()
    assert body["details"] == (
        "Password does not conform to policy: Password must have uppercase characters"
    )


def test_sign_up_duplicate_username_any_case(api, backend) -> None:
    username, _, _ = backend.new_user()
    for name in (username, username.upper()):
        reply = api.post(
            "/signUp", json={"username": name, "password": PASSWORD, "email": "x@example.com"}
        )
        assert reply.status_code == 400
        assert reply.json()["errorCode"] == "UsernameExists"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Invalid request body"),
        (b"{not json", "Invalid JSON in request body"),
        (b"[1, 2]", "Invalid request body"),
        (b'"text"', "Invalid request body"),
    ],
)
def test_bad_bodies_are_400_not_crashes(api, content, message) -> None:
    for route in ("/signUp", "/signIn", "/confirm-signup", "/refreshToken"):
        reply = api.post(route, content=content, headers={"Content-Type": "application/json"})
        assert reply.status_code == 400, route
        assert reply.json() == {"message": message}, route


def test_wrong_content_type_is_ignored_like_the_gateway(api, backend) -> None:
    name = backend.unique_name()
    payload = f'{{"username": "{name}", "password": "{PASSWORD}", "email": "{name}@example.com"}}'
    reply = api.post("/signUp", content=payload, headers={"Content-Type": "text/plain"})
    assert reply.status_code == 200


# -- /confirm-signup ----------------------------------------------------------------------


def test_confirm_sign_up_table(api, backend) -> None:
    reply = _signup(api, backend)
    username, code = reply.json()["username"], reply.headers[CODE]
    wrong = "000000" if code != "000000" else "111111"
    post = lambda body: api.post("/confirm-signup", json=body)  # noqa: E731
    assert post({"username": username}).json() == {"message": "Missing required fields"}
    assert post({"username": "", "confirmationCode": code}).status_code == 400
    nobody = post({"username": backend.unique_name(), "confirmationCode": code})
    assert (nobody.status_code, nobody.json()) == (404, {"message": "User not found"})
    bad = post({"username": username, "confirmationCode": wrong})
    assert (bad.status_code, bad.json()) == (400, {"message": "Invalid confirmation code"})
    # Not confirmed yet, so sign-in still says so.
    assert api.post("/signIn", json={"username": username, "password": PASSWORD}).status_code == 400
    ok = post({"username": username, "confirmationCode": code})
    assert (ok.status_code, ok.json()) == (200, {"message": "User confirmed successfully"})
    again = post({"username": username, "confirmationCode": wrong})
    assert (again.status_code, again.json()) == (200, {"message": "User is already confirmed"})


def test_confirm_accepts_the_clients_code_key(api, backend) -> None:
    reply = _signup(api, backend)
    body = {"username": reply.json()["username"], "code": reply.headers[CODE]}
    assert api.post("/confirm-signup", json=body).json() == {
        "message": "User confirmed successfully"
    }


# -- /signIn ------------------------------------------------------------------------------


def test_sign_in_returns_the_token_set(api, backend, backend_user) -> None:
    username, password, email = backend_user
    reply = api.post("/signIn", json={"username": username, "password": password})
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken"}
    assert body["TokenType"] == "Bearer"
    assert body["ExpiresIn"] == 15 * 60  # the fixture's --token-minutes 15
    for alias in (email, email.upper(), username.upper()):  # email alias, case-insensitive
        again = api.post("/signIn", json={"username": alias, "password": password})
        assert again.status_code == 200, alias


def test_sign_in_error_table(api, backend, backend_user) -> None:
    username, _, _ = backend_user
    wrong = api.post("/signIn", json={"username": username, "password": "Wrong-pass1!"})
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"code": "NotAuthorized", "message": "Incorrect username or password."},
    )
    nobody = api.post("/signIn", json={"username": backend.unique_name(), "password": PASSWORD})
    assert (nobody.status_code, nobody.json()) == (
        404,
        {"code": "UserNotFound", "message": "User does not exist."},
    )
    unconfirmed, password, _ = backend.new_user(confirmed=False)
    reply = api.post("/signIn", json={"username": unconfirmed, "password": password})
    assert reply.status_code == 400
    assert reply.json()["code"] == "UserNotConfirmed"
    missing = api.post("/signIn", json={"username": username})
    assert missing.status_code == 400


def test_sign_in_with_a_pending_challenge_is_401(api, backend) -> None:
    name = backend.unique_name()
    made = backend.admin("create-user", name, "--temporary", password="Temp-pass1!")
    assert made.returncode == 0, made.stderr
    reply = api.post("/signIn", json={"username": name, "password": "Temp-pass1!"})
    assert (reply.status_code, reply.json()) == (
        401,
        {"message": "Authentication failed or incomplete."},
    )


def test_sign_in_adds_github_username_when_set(api, backend, session) -> None:
    cog = backend.cognito(session["username"], access_token=session["AccessToken"])
    cog.update_profile({"custom:gh_username": "octocat"}, attr_map={})
    body = api.post(
        "/signIn", json={"username": session["username"], "password": session["password"]}
    ).json()
    assert body["githubUsername"] == "octocat"


# -- /refreshToken ------------------------------------------------------------------------


def test_refresh_echoes_the_refresh_token_and_omits_expires_in(api, session) -> None:
    reply = api.post("/refreshToken", json={"refreshToken": session["RefreshToken"]})
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"IdToken", "AccessToken", "RefreshToken"}
    assert body["RefreshToken"] == session["RefreshToken"]
    assert body["AccessToken"] != session["AccessToken"]
    headers = {"Authorization": f"Bearer {body['AccessToken']}"}
    assert api.get("/getUser", headers=headers).status_code == 200


def test_refresh_failures(api) -> None:
    missing = api.post("/refreshToken", json={})
    assert (missing.status_code, missing.json()) == (400, {"message": "Refresh token is required."})
    garbage = api.post("/refreshToken", json={"refreshToken": "not-a-token"})
    assert garbage.status_code == 401  # session over: sign in again (the original said 500)
    assert garbage.json()["message"] == "Invalid Refresh Token"


# -- /signOut, /check-session -------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sign_out_revokes_every_token(api, session, method) -> None:
    headers = session["headers"]
    assert api.get("/check-session", headers=headers).status_code == 200
    reply = api.request(method, "/signOut", headers=headers)
    assert (reply.status_code, reply.json()) == (200, {"message": "Successfully signed out"})
    assert api.get("/getUser", headers=headers).status_code == 403
    assert api.get("/check-session", headers=headers).json() == {"message": "Invalid session"}
    refresh = api.post("/refreshToken", json={"refreshToken": session["RefreshToken"]})
    assert (refresh.status_code, refresh.json()["message"]) == (
        401,
        "Refresh Token has been revoked",
    )
    again = api.request(method, "/signOut", headers=headers)
    assert again.status_code == 401


def test_sign_out_without_a_token_and_with_a_bare_token(api, session) -> None:
    none = api.post("/signOut")
    assert (none.status_code, none.json()) == (400, {"message": "No access token provided"})
    bare = api.post("/signOut", headers={"authorization": session["AccessToken"]})
    assert bare.status_code == 200


def test_check_session_table(api, session) -> None:
    none = api.get("/check-session")
    assert (none.status_code, none.json()) == (401, {"message": "No authorization header"})
    ok = api.get("/check-session", headers=session["headers"]).json()
    assert ok["message"] == "Session is valid"
    assert ok["username"] == session["username"]
    assert isinstance(ok["exp"], int)
    for token in ("garbage", session["IdToken"]):
        bad = api.get("/check-session", headers={"Authorization": f"Bearer {token}"})
        assert (bad.status_code, bad.json()) == (401, {"message": "Invalid session"})


# -- /changePassword ----------------------------------------------------------------------


def test_change_password(api, session) -> None:
    headers, old = session["headers"], session["password"]
    wrong = api.post(
        "/changePassword",
        headers=headers,
        json={"previousPassword": "Nope-pass1!", "proposedPassword": "New-pass1!"},
    )
    assert (wrong.status_code, wrong.json()) == (400, "Incorrect username or password.")
    weak = api.post(
        "/changePassword", headers=headers, json={"previousPassword": old, "proposedPassword": "x"}
    )
    assert weak.status_code == 400
    assert weak.json().startswith("Password does not conform to policy")
    missing = api.post("/changePassword", headers=headers, json={"previousPassword": old})
    assert missing.status_code == 400 and isinstance(missing.json(), str)
    ok = api.post(
        "/changePassword",
        headers=headers,
        json={"accessToken": "ignored", "oldPassword": old, "newPassword": "New-pass1!"},
    )
    assert (ok.status_code, ok.json()) == (200, {"message": "Password changed successfully"})
    login = lambda pw: api.post(  # noqa: E731
        "/signIn", json={"username": session["username"], "password": pw}
    )
    assert login(old).status_code == 401
    assert login("New-pass1!").status_code == 200
