"""`--compat july2024` refuses what the July 2024 API refused (docs/server.md lists each case
with the original's behaviour), so an end-to-end test cannot pass here and fail there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from handterm_tui.server.testing import PASSWORD, BackendProcess, start_backend


@pytest.fixture(scope="module")
def july(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    server = start_backend(tmp_path_factory.mktemp("july"), compat="july2024", faults=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def july_user(july: BackendProcess) -> dict[str, Any]:
    username, password, _ = july.new_user()
    return {"username": username, "password": password, **july.sign_in(username, password)}


@pytest.mark.parametrize(
    "header",
    ["bearer {t}", "BEARER {t}", "{t}", "Bearer  {t}", "Bearer\t{t}"],
    ids=["lower-case", "upper-case", "bare-token", "two-spaces", "tab"],
)
def test_only_the_exact_bearer_prefix_passes(july, july_user, header) -> None:
    token = july_user["AccessToken"]
    reply = july.http.get("/getUser", headers={"Authorization": header.format(t=token)})
    assert (reply.status_code, reply.json()) == (403, {"message": "Forbidden"})
    exact = july.http.get("/getUser", headers={"Authorization": f"Bearer {token}"})
    assert exact.status_code == 404  # authorized; no profile yet


def test_default_mode_accepts_what_july_refused(api, session) -> None:
    token = session["AccessToken"]
    for header in (f"bearer {token}", token):
        assert api.get("/getUser", headers={"Authorization": header}).status_code == 200


def test_the_webs_password_change_keys_are_refused(july, july_user) -> None:
    h = {"Authorization": f"Bearer {july_user['AccessToken']}"}
    web = {"oldPassword": july_user["password"], "newPassword": "Newer-pass1!"}
    reply = july.http.post("/changePassword", headers=h, json=web)
    assert (reply.status_code, reply.json()) == (
        400,
        "Missing required key 'AccessToken' in params",
    )
    with_token = {**web, "accessToken": july_user["AccessToken"]}
    reply = july.http.post("/changePassword", headers=h, json=with_token)
    assert (reply.status_code, reply.json()) == (
        400,
        "Missing required key 'PreviousPassword' in params",
    )
    original = {
        "accessToken": july_user["AccessToken"],
        "previousPassword": july_user["password"],
        "proposedPassword": "Newer-pass1!",
    }
    done = july.http.post("/changePassword", headers=h, json=original)
    assert done.status_code == 200, done.text
    assert july.sign_in(july_user["username"], "Newer-pass1!")["AccessToken"]


def test_get_log_reads_only_the_query_string(july, july_user) -> None:
    h = {"Authorization": f"Bearer {july_user['AccessToken']}"}
    july.http.post("/saveLog", headers=h, json={"key": "wrt/1", "content": "one"})
    assert july.http.get("/getLog", headers=h).status_code == 400  # J: gateway 500
    body_only = july.http.post("/getLog", headers=h, json={"key": "wrt"})
    assert body_only.status_code == 400  # J's POST route still read only the query
    assert july.http.get("/getLog", headers=h, params={"key": "wrt"}).json() == ["one"]


def test_list_log_reads_only_the_json_body(july, july_user) -> None:
    h = {"Authorization": f"Bearer {july_user['AccessToken']}"}
    july.http.post("/saveLog", headers=h, json={"key": "wrt/1", "content": "one"})
    assert july.http.get("/listLog", headers=h).status_code == 400  # J: gateway 500
    query_only = july.http.get("/listLog", headers=h, params={"logDomain": "wrt"})
    assert query_only.status_code == 400
    listed = july.http.post("/listLog", headers=h, json={"logDomain": "wrt"}).json()
    assert len(listed["body"]) == 1


def test_usernames_must_be_emails(july) -> None:
    reply = july.http.post(
        "/signUp", json={"username": "plainname", "password": PASSWORD, "email": "p@example.com"}
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "Username should be an email."


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/confirm-signup"),
        ("GET", "/check-session"),
        ("POST", "/signOut"),
        ("GET", "/getFile"),
        ("POST", "/putFile"),
    ],
)
def test_later_routes_do_not_exist(july, july_user, method, path) -> None:
    h = {"Authorization": f"Bearer {july_user['AccessToken']}"}
    reply = july.http.request(method, path, headers=h, json={})
    assert (reply.status_code, reply.json()) == (404, {"message": "Not Found"})
