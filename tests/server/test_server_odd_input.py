"""Each odd input that once gave a 500 (issue 10) is a 4xx with a message, and changes nothing."""

from __future__ import annotations

import pytest

from handterm_tui.server.testing import PASSWORD

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("limit", ["1e400", "-1e400", "Infinity", "-Infinity", "NaN", "1e999999"])
def test_huge_and_non_finite_limits(api, session, limit) -> None:
    h = session["headers"]
    for path, field in (("/getLog", "key"), ("/listLog", "logDomain")):
        body = f'{{"{field}": "wrt", "limit": {limit}}}'
        reply = api.post(path, headers={**h, **JSON}, content=body)
        assert reply.status_code == 400, (path, limit, reply.text)
        assert "message" in reply.json()
        query = api.get(path, headers=h, params={field: "wrt", "limit": limit})
        assert query.status_code == 400, (path, limit, query.text)


def test_lone_surrogates_are_refused_and_create_nothing(api, backend) -> None:
    name = backend.unique_name()
    for field in ("username", "password", "email"):
        fields = {"username": f'"{name}"', "password": f'"{PASSWORD}"', "email": '"a@b.co"'}
        fields[field] = '"ab\\ud800cd"' if field != "email" else '"a\\udfffb@b.co"'
        body = "{" + ",".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
        reply = api.post("/signUp", headers=JSON, content=body)
        assert reply.status_code == 400, (field, reply.text)
        assert "Unicode" in reply.json()["message"]
    # nothing was created: the name is still free
    ok = api.post("/signUp", json={"username": name, "password": PASSWORD, "email": "a@b.co"})
    assert ok.status_code == 200, ok.text
    # raw CESU-8 surrogate bytes are not UTF-8 either
    raw = b'{"username": "x\xed\xa0\x80", "password": "Passw0rd!x", "email": "c@d.co"}'
    assert api.post("/signUp", headers=JSON, content=raw).status_code == 400
    # a proper pair (an emoji written as escapes) is fine
    pair = '{"username": "%s", "password": "Passw0rd!x\\ud83d\\ude00", "email": "e@f.co"}'
    reply = api.post("/signUp", headers=JSON, content=pair % backend.unique_name())
    assert reply.status_code == 200, reply.text


def test_surrogates_in_data_routes(api, session) -> None:
    h = {**session["headers"], **JSON}
    for path, body in (
        ("/saveLog", '{"key": "wrt/1", "content": "\\udc00"}'),
        ("/setUser", '{"profile": "\\ud800"}'),
        ("/putFile", '{"key": "a", "content": "x", "extension": "\\ud800"}'),
        ("/changePassword", '{"previousPassword": "x", "proposedPassword": "\\ud800"}'),
    ):
        assert api.post(path, headers=h, content=body).status_code == 400, path


@pytest.mark.parametrize("path", ["/signUp", "/signIn", "/confirm-signup", "/refreshToken"])
def test_deeply_nested_json_is_400(api, path) -> None:
    for depth in (10_000, 200_000):
        body = '{"a": ' + "[" * depth + "]" * depth + "}"
        reply = api.post(path, headers=JSON, content=body)
        assert reply.status_code == 400, (path, depth, reply.text)


def test_deeply_nested_json_on_protected_routes(api, session) -> None:
    body = '{"key": ' + "[" * 100_000 + "]" * 100_000 + "}"
    for path in ("/saveLog", "/getLog", "/listLog", "/setUser", "/putFile", "/changePassword"):
        reply = api.post(path, headers={**session["headers"], **JSON}, content=body)
        assert reply.status_code == 400, (path, reply.text)


def test_key_parts_too_long_for_a_file_name(api, session) -> None:
    h = session["headers"]
    long_part = "é" * 42  # 84 bytes of UTF-8, 252 percent-encoded: past a file name's 255
    for key in (f"wrt/{long_part}", f"{long_part}/1", "x" * 240):
        reply = api.post("/saveLog", headers=h, json={"key": key, "content": "c"})
        assert reply.status_code == 400, (key, reply.text)
        assert "key part" in reply.json()["message"]
        reply = api.post("/putFile", headers=h, json={"key": key, "content": "c"})
        assert reply.status_code == 400
        reply = api.get("/getFile", headers=h, params={"key": key, "extension": "md"})
        assert reply.status_code == 400
        assert api.get("/getLog", headers=h, params={"key": key}).status_code == 400
    fits = "é" * 30  # 180 bytes encoded: still a valid key
    reply = api.post("/saveLog", headers=h, json={"key": f"wrt/{fits}", "content": "kept"})
    assert reply.status_code == 200
    assert api.get("/getLog", headers=h, params={"key": f"wrt/{fits}"}).json() == ["kept"]


def test_confirming_with_an_email_another_account_verified(api, backend) -> None:
    first = backend.unique_name()
    second = backend.unique_name()
    email = f"{first}@example.com"
    for name in (first, second):
        reply = api.post("/signUp", json={"username": name, "password": PASSWORD, "email": email})
        assert reply.status_code == 200
    codes = {name: backend.last_code(name, "signup") for name in (first, second)}
    done = api.post("/confirm-signup", json={"username": first, "code": codes[first]})
    assert done.status_code == 200
    clash = api.post("/confirm-signup", json={"username": second, "code": codes[second]})
    assert clash.status_code == 409, clash.text
    assert clash.json() == {"message": "An account with this email already exists"}
