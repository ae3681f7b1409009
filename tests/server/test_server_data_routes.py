"""User data, logs and files (contract 3.8-3.14, 10), the gateway rows, and storage safety."""

from __future__ import annotations

import concurrent.futures
import json
import os
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

PROTECTED = [
    ("POST", "/changePassword"),
    ("GET", "/getUser"),
    ("POST", "/setUser"),
    ("POST", "/saveLog"),
    ("GET", "/getLog"),
    ("POST", "/getLog"),
    ("GET", "/listLog"),
    ("POST", "/listLog"),
    ("GET", "/getFile"),
    ("POST", "/putFile"),
]
BAD_KEYS = [
    "../x",
    "a/../../b",
    "/etc/passwd",
    "a\\b",
    "a\x00b",
    "a//b",
    "./a",
    "a/.",
    "..",
    "a\nb",
]


def save(api: httpx.Client, headers: dict[str, str], key: str, content: str, ext: str = "txt"):
    return api.post(
        "/saveLog", headers=headers, json={"key": key, "content": content, "extension": ext}
    )


# -- gateway ------------------------------------------------------------------------------


def test_unknown_routes_and_methods_are_404(api, session) -> None:
    for method, path in [
        ("GET", "/nope"),
        ("GET", "/saveLog"),
        ("DELETE", "/getLog"),
        ("GET", "/__faults__x"),
        ("PUT", "/signIn"),
        ("GET", "//signUp"),
    ]:
        reply = api.request(method, path, headers=session["headers"])
        assert (reply.status_code, reply.json()) == (404, {"message": "Not Found"}), path


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_routes_need_a_header(api, method, path) -> None:
    for headers in ({}, {"Authorization": ""}):
        reply = api.request(method, path, headers=headers, json={})
        assert (reply.status_code, reply.json()) == (401, {"message": "Unauthorized"})


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_routes_deny_bad_tokens(api, session, forge, method, path) -> None:
    bad = [
        "garbage",
        session["IdToken"],  # ID token
        forge(session, client_id="someotherclient"),  # other app client
        forge(session, iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"),
        forge(session),  # right claims, signed with moto's public-private key, never issued
    ]
    for token in bad:
        reply = api.request(method, path, headers={"Authorization": f"Bearer {token}"}, json={})
        assert (reply.status_code, reply.json()) == (403, {"message": "Forbidden"})


@pytest.fixture
def forge():
    """Mint an access token with moto's bundled private key (pitfall 7)."""
    import time

    from joserfc import jwt
    from joserfc.jwk import RSAKey
    from moto.utilities.utils import load_resource

    key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))

    def make(session: dict, **claims: object) -> str:
        base = json.loads(
            __import__("base64").urlsafe_b64decode(session["AccessToken"].split(".")[1] + "==")
        )
        base.update({"jti": os.urandom(8).hex(), "iat": int(time.time())}, **claims)
        return jwt.encode({"alg": "RS256", "kid": "dummy"}, base, key)

    return make


def test_bearer_prefix_is_optional_and_case_insensitive(api, session) -> None:
    token = session["AccessToken"]
    for value in (token, f"bearer {token}", f"BEARER  {token}"):
        assert api.get("/getUser", headers={"Authorization": value}).status_code == 200


# -- /getUser, /setUser -------------------------------------------------------------------


def test_get_user_returns_attributes_without_github_secrets(api, backend, session) -> None:
    cog = backend.cognito(session["username"], access_token=session["AccessToken"])
    cog.update_profile({"custom:gh_token": "secret-gh", "custom:gh_username": "octo"}, attr_map={})
    reply = api.get("/getUser", headers=session["headers"])
    assert reply.status_code == 200
    body = reply.json()
    assert body["userId"] == session["username"]
    attrs = body["userAttributes"]
    assert attrs["email"] == session["email"]
    assert attrs["email_verified"] == "true"
    assert attrs["custom:gh_username"] == "octo"
    assert "custom:gh_token" not in attrs and "secret-gh" not in reply.text
    assert all(isinstance(v, str) for v in attrs.values())


def test_set_user_writes_the_profile_document(api, session) -> None:
    headers = session["headers"]
    assert api.post("/setUser", headers=headers, json={}).status_code == 400
    reply = api.post("/setUser", headers=headers, json={"profile": "# Me\nhello"})
    assert reply.json() == {"message": "User data updated successfully"}
    got = api.get("/getFile", headers=headers, params={"key": "_index", "extension": "md"})
    assert got.json() == {"content": "# Me\nhello"}


# -- /saveLog, /getLog, /listLog ----------------------------------------------------------


def test_log_round_trip_newest_first(api, session) -> None:
    h = session["headers"]
    for ms, text in ((1720632000000, "first"), (1720632999999, "third"), (1720632500000, "second")):
        assert save(api, h, f"wrt/{ms}", text).json() == {"message": "Log saved"}
    assert api.get("/getLog", headers=h, params={"key": "wrt", "limit": 10}).json() == [
        "third",
        "second",
        "first",
    ]
    assert api.get("/getLog", headers=h, params={"key": "wrt", "limit": "2"}).json() == [
        "third",
        "second",
    ]
    listed = api.post("/listLog", headers=h, json={"logDomain": "wrt", "limit": 10}).json()
    base = f"user_data/{session['username']}/logs/wrt/"
    assert listed == {
        "body": [base + "1720632999999.txt", base + "1720632500000.txt", base + "1720632000000.txt"]
    }
    via_get = api.get("/listLog", headers=h, params={"logDomain": "wrt", "limit": 1}).json()
    assert via_get == {"body": [base + "1720632999999.txt"]}


def test_get_log_orders_numeric_first_then_names_ascending(api, session) -> None:
    h = session["headers"]
    save(api, h, "command_2024-07-10T18:20:00.123Z", "c1", "json")
    save(api, h, "command_2024-07-11T18:20:00.123Z", "c2", "json")
    save(api, h, "5_numeric", "n5")
    save(api, h, "12", "n12")
    assert api.get("/getLog", headers=h, params={"key": ""}).json() == ["n12", "n5", "c1", "c2"]
    # The prefix is a raw string prefix, as in the original.
    assert api.get("/getLog", headers=h, params={"key": "comm"}).json() == ["c1", "c2"]
    assert api.post("/getLog?key=1", headers=h).json() == ["n12"]


def test_get_log_without_a_query_string_and_limit_parsing(api, session) -> None:
    h = session["headers"]
    for i in range(12):
        save(api, h, f"wrt/{1000 + i}", f"n{i}")
    assert len(api.get("/getLog", headers=h).json()) == 10  # original: gateway 500
    assert api.get("/getLog", headers=h, params={"limit": 0}).json() == []
    assert len(api.get("/getLog", headers=h, params={"limit": 99999}).json()) == 12
    for bad in ("abc", "-1", "1.5", "true"):
        reply = api.get("/getLog", headers=h, params={"limit": bad})
        assert reply.status_code == 400 and "limit" in reply.json()["message"], bad
    assert api.post("/listLog", headers=h, json={"limit": "x"}).status_code == 400


def test_list_log_empty_is_404_in_the_default_mode(api, session) -> None:
    reply = api.post("/listLog", headers=session["headers"], json={"logDomain": "nothing"})
    assert (reply.status_code, reply.json()) == (404, {"message": "No logs found."})
    assert api.get("/getLog", headers=session["headers"], params={"key": "x"}).json() == []


def test_save_log_rejects_bad_input(api, session) -> None:
    h = session["headers"]
    assert api.post("/saveLog", headers=h, json={"content": "x"}).json() == {
        "message": "Missing key"
    }
    assert api.post("/saveLog", headers=h, json={"key": "a"}).status_code == 400
    assert (
        api.post("/saveLog", headers=h, json={"key": "a", "content": {"x": 1}}).status_code == 400
    )
    for ext in ("", "a/b", "..", "x" * 40, "a.b"):
        assert save(api, h, "k", "x", ext).status_code == 400 if ext else True
    for key in BAD_KEYS:
        reply = save(api, h, key, "escape")
        assert (reply.status_code, reply.json()) == (400, {"message": "Invalid key"}), key
        reply = api.get("/getLog", headers=h, params={"key": key})
        assert reply.status_code == 400 or key.endswith("/."), key


def test_traversal_never_writes_outside_the_user_folder(api, backend, session) -> None:
    h = session["headers"]
    before = {p for p in Path(backend.data_dir).rglob("*")}
    for key in BAD_KEYS:
        save(api, h, key, "escape")
        api.post("/putFile", headers=h, json={"key": key, "content": "escape"})
        api.get("/getFile", headers=h, params={"key": key, "extension": "txt"})
    after = {p for p in Path(backend.data_dir).rglob("*")}
    assert not {p for p in after - before if "escape" in p.name or p.suffix == ".txt"}


def test_keys_with_odd_characters_round_trip(api, backend, session) -> None:
    h = session["headers"]
    keys = ["wrt/ünï cødé", "a%2Fb", "x:y", "...dots", "q?x=1&y=#"]
    for i, key in enumerate(keys):
        assert save(api, h, key, f"v{i}").status_code == 200, key
        got = api.get("/getFile", headers=h, params={"key": f"logs/{key}", "extension": "txt"})
        assert got.json() == {"content": f"v{i}"}, key
    user_dir = Path(backend.data_dir) / "user_data" / quote(session["username"], safe="@+-_.")
    assert all(p.resolve().is_relative_to(user_dir.resolve()) for p in user_dir.rglob("*"))


def test_two_megabyte_bodies_and_the_payload_limit(api, session) -> None:
    h = session["headers"]
    big = "é" + "x" * (2 * 1024 * 1024)
    assert save(api, h, "big/1", big).status_code == 200
    assert api.get("/getLog", headers=h, params={"key": "big/"}).json() == [big]
    huge = api.post(
        "/saveLog", headers=h, json={"key": "big/2", "content": "x" * (7 * 1024 * 1024)}
    )
    assert (huge.status_code, huge.json()) == (413, {"message": "Request Entity Too Large"})


def test_users_cannot_see_each_other(api, backend, session) -> None:
    save(api, session["headers"], "wrt/1", "mine")
    other, password, _ = backend.new_user()
    tokens = backend.sign_in(other, password)
    h2 = {"Authorization": f"Bearer {tokens['AccessToken']}"}
    assert api.get("/getLog", headers=h2, params={"key": "wrt"}).json() == []
    assert api.post("/listLog", headers=h2, json={"logDomain": ""}).status_code == 404


def test_more_than_a_thousand_logs_newest_still_found(api, backend, session) -> None:
    """The original read one S3 page (1000 keys), so the newest entries vanished."""
    h = session["headers"]
    # A first request builds this user's index; 1500 files written behind the server's back
    # before that are found by the walk, the rest go through the API.
    folder = Path(backend.data_dir) / "user_data" / session["username"] / "logs" / "wrt"
    folder.mkdir(parents=True)
    for i in range(1500):
        (folder / f"{1720000000000 + i}.txt").write_text(f"old{i}")
    assert save(api, h, "wrt/1730000000000", "newest").status_code == 200
    assert save(api, h, "wrt/0999", "oldest").status_code == 200
    got = api.get("/getLog", headers=h, params={"key": "wrt", "limit": 3}).json()
    assert got == ["newest", "old1499", "old1498"]
    listed = api.post("/listLog", headers=h, json={"logDomain": "wrt/", "limit": 1000}).json()
    assert len(listed["body"]) == 1000
    assert listed["body"][0].endswith("wrt/1730000000000.txt")
    everything = api.get("/getLog", headers=h, params={"key": "wrt", "limit": 1000}).json()
    assert len(everything) == 1000 and everything[-1] == "old501"


def test_concurrent_writers(backend, session) -> None:
    h = session["headers"]

    def write(i: int) -> tuple[int, int]:
        with httpx.Client(base_url=backend.api_url, timeout=30) as client:
            a = save(client, h, f"race/{i}", f"own-{i}").status_code
            b = save(client, h, "race/shared", f"shared-{i}-" + "z" * 20000).status_code
            return a, b

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(write, range(32)))
    assert all(r == (200, 200) for r in results)
    with httpx.Client(base_url=backend.api_url) as client:
        got = client.get("/getLog", headers=h, params={"key": "race/", "limit": 100}).json()
    assert len(got) == 33
    shared = [g for g in got if g.startswith("shared-")]
    assert len(shared) == 1 and shared[0].endswith("z" * 20000)  # one whole write, not a mix
    assert sorted(g for g in got if g.startswith("own-")) == sorted(f"own-{i}" for i in range(32))


# -- /getFile, /putFile -------------------------------------------------------------------


def test_file_routes(api, session) -> None:
    h = session["headers"]
    put = lambda body, **kw: api.post("/putFile", headers=h, json=body, **kw)  # noqa: E731
    assert put({"content": "x"}).json() == {"message": "Key not found."}
    assert put({"content": "x"}).status_code == 404
    missing = put({"key": "notes/a"})
    assert (missing.status_code, missing.json()) == (400, {"message": "Content not found."})
    assert put({"key": "notes/a", "content": "hello", "extension": "md"}).json() == {
        "message": "File notes/a saved"
    }
    assert put({"key": "notes/empty", "content": ""}).status_code == 200  # empty files round-trip
    get = lambda **p: api.get("/getFile", headers=h, params=p)  # noqa: E731
    assert get(key="notes/a", extension="md").json() == {"content": "hello"}
    assert get(key="notes/empty", extension="json").json() == {"content": ""}
    for params in ({}, {"key": "notes/a"}, {"extension": "md"}):
        reply = get(**params)
        assert (reply.status_code, reply.json()) == (
            400,
            {"message": "Missing key or extension parameter"},
        )
    nope = get(key="notes/none", extension="md")
    assert (nope.status_code, nope.json()) == (404, {"message": "File not found"})
    assert put({"content": "via path"}, params={"path": "notes/p.md"}).status_code == 200
    assert get(key="notes/p", extension="md").json() == {"content": "via path"}
