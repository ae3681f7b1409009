"""Odd input is a 4xx, always: property-based runs of every route against a real serve-local.

Bounded so the module stays around ten seconds: hypothesis sends random JSON, raw bytes, query
strings and headers to every route; schemathesis generates requests from /openapi.json (which
must match the router). The pass condition is the one a user notices: no reply >= 500 and the
server still up. The totals are printed (run with -s to see them).
"""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handterm_tui.server.testing import BackendProcess

FUZZ_EXAMPLES = 200
SCHEMATHESIS_EXAMPLES = 6  # per operation
ROUTES = [
    ("/signUp", "POST"),
    ("/confirm-signup", "POST"),
    ("/signIn", "POST"),
    ("/refreshToken", "POST"),
    ("/signOut", "GET"),
    ("/signOut", "POST"),
    ("/check-session", "GET"),
    ("/changePassword", "POST"),
    ("/getUser", "GET"),
    ("/setUser", "POST"),
    ("/saveLog", "POST"),
    ("/getLog", "GET"),
    ("/getLog", "POST"),
    ("/listLog", "GET"),
    ("/listLog", "POST"),
    ("/getFile", "GET"),
    ("/putFile", "POST"),
    ("/openapi.json", "GET"),
]
FIELDS = [
    "username",
    "password",
    "email",
    "code",
    "confirmationCode",
    "refreshToken",
    "previousPassword",
    "proposedPassword",
    "profile",
    "key",
    "content",
    "extension",
    "limit",
    "logDomain",
    "before",
    "path",
]


@pytest.fixture(scope="module")
def fuzz_server(backend: BackendProcess) -> BackendProcess:
    """The session's server: one start less, and the fuzz must not break it for later tests."""
    return backend.ensure_running()


@pytest.fixture(scope="module")
def token(fuzz_server: BackendProcess) -> str:
    username, password, _ = fuzz_server.new_user()
    return str(fuzz_server.sign_in(username, password)["AccessToken"])


def _text() -> st.SearchStrategy[str]:
    odd = st.sampled_from(
        [
            "",
            "..",
            "/",
            "a/../b",
            "\x00",
            "1e400",
            "-1",
            "Infinity",
            "NaN",
            "é" * 90,
            "%ff",
            "\ud800",
            "a\udfffb",
        ]
    )
    # exclude_categories=() lets lone surrogates in; json.dumps writes them as \udXXX escapes
    any_char = st.text(st.characters(exclude_categories=()), max_size=20)
    return st.one_of(
        st.text(max_size=40), odd, st.text(string.digits, min_size=1, max_size=30), any_char
    )


_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    _text(),
)
_json = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text(), inner, max_size=4),
    max_leaves=12,
)
_body_object = st.dictionaries(st.sampled_from(FIELDS) | _text(), _json, max_size=6)
_header_value = st.binary(max_size=60).map(
    lambda b: bytes(c for c in b if c == 9 or 32 <= c <= 126 or c >= 128).strip()
)


# Values that broke the server once (issue 10), tried often; json.dumps writes inf as Infinity.
_ODD = st.sampled_from(
    [
        "\ud800",
        "a\udfffb",
        "é" * 42,
        "wrt/" + "é" * 42,
        float("inf"),
        float("-inf"),
        float("nan"),
        1e308,
        -1,
        10**30,
        "1e400",
        "",
        [],
        {},
        None,
        True,
        "../x",
        "a/./b",
    ]
)

# A valid body per route: mutating one field of it reaches past the "missing field" checks.
TEMPLATES: dict[str, dict[str, Any]] = {
    "/signUp": {"username": "fuzz{n}", "password": "Passw0rd!x", "email": "f{n}@example.com"},
    "/confirm-signup": {"username": "fuzz{n}", "code": "123456"},
    "/signIn": {"username": "fuzz{n}", "password": "Passw0rd!x"},
    "/refreshToken": {"refreshToken": "token"},
    "/changePassword": {"previousPassword": "Wrong-pass1!", "proposedPassword": "Newer-pass1!"},
    "/setUser": {"profile": "profile"},
    "/saveLog": {"key": "wrt/{n}", "content": "log", "extension": "json"},
    "/getLog": {"key": "wrt", "limit": 5},
    "/listLog": {"logDomain": "wrt", "limit": 5},
    "/putFile": {"key": "notes/{n}", "content": "text", "extension": "md"},
}


@st.composite
def _template(draw: st.DrawFn, path: str) -> dict[str, Any]:
    n = draw(st.integers(0, 10**6))
    body = {k: v.format(n=n) if isinstance(v, str) else v for k, v in TEMPLATES[path].items()}
    for _ in range(draw(st.integers(1, 2))):
        field = draw(st.sampled_from(sorted(body) * 4 + FIELDS))
        body[field] = draw(_ODD | _json)
    return body


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@st.composite
def _request(draw: st.DrawFn) -> dict[str, Any]:
    import json

    path, method = draw(st.sampled_from(ROUTES))
    method = draw(st.sampled_from([method, method, method, "PUT", "DELETE", "OPTIONS"]))
    kind = draw(st.sampled_from(["template", "template", "object", "json", "bytes", "none"]))
    if kind == "template" and path not in TEMPLATES:
        kind = "object"
    body: bytes | None
    if kind == "template":
        body = json.dumps(draw(_template(path))).encode()
    elif kind == "object":
        body = json.dumps(draw(_body_object)).encode()
    elif kind == "json":
        body = json.dumps(draw(_json)).encode()
    elif kind == "bytes":
        body = draw(st.binary(max_size=200))
    else:
        body = None
    plain = _text().filter(_utf8)  # a URL carries UTF-8 only; surrogates go in the bodies
    query = draw(st.dictionaries(st.sampled_from(FIELDS) | plain, plain, max_size=4))
    auth = draw(st.sampled_from(["token", "token", "none", "garbage", "bearer-garbage"]))
    if path == "/signOut" and auth == "token":
        auth = "garbage"  # a real sign-out would end the token every other example uses
    headers: dict[str, bytes] = {}
    if draw(st.booleans()):
        headers["content-type"] = draw(
            st.sampled_from([b"application/json", b"text/plain", b"multipart/form-data"])
            | _header_value
        )
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(["x-odd", "accept", "origin", "cookie", "x-amz-target"]))
        headers[name] = draw(_header_value)
    return {"method": method, "path": path, "body": body, "query": query, "auth": auth,
            "headers": headers}  # fmt: skip


def test_random_requests_never_get_a_server_error(fuzz_server, token) -> None:
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    with httpx.Client(base_url=fuzz_server.api_url, timeout=10.0) as http:

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(_request())
        def run(req: dict[str, Any]) -> None:
            headers = dict(req["headers"])
            if req["auth"] == "token":
                headers["authorization"] = f"Bearer {token}".encode()
            elif req["auth"] == "garbage":
                headers["authorization"] = b"\xff\xfe garbage"
            elif req["auth"] == "bearer-garbage":
                headers["authorization"] = b"bearer x.y.z"
            reply = http.request(
                req["method"], req["path"], params=req["query"], content=req["body"],
                headers=headers,
            )  # fmt: skip
            statuses[reply.status_code] += 1
            if reply.status_code >= 500:
                failures.append(f"{reply.status_code} {req!r}")

        run()
    total = sum(statuses.values())
    print(f"\nfuzz: {total} requests, {sum(n for s, n in statuses.items() if s >= 500)} >= 500")
    assert not failures, failures[:5]
    assert total >= FUZZ_EXAMPLES // 2
    assert fuzz_server.running
    assert httpx.get(fuzz_server.api_url + "/openapi.json").status_code == 200


def test_openapi_matches_the_router(fuzz_server) -> None:
    from handterm_tui.server import openapi

    served = httpx.get(fuzz_server.api_url + "/openapi.json").json()
    assert served["openapi"].startswith("3.1")
    served_ops = {(p, m.upper()) for p, ops in served["paths"].items() for m in ops}
    assert served_ops == set(ROUTES)
    # the table describes exactly what the full router can serve, in both modes
    for compat in (None, "july2024"):
        routes = _router(compat)
        described = {(p, m) for p, ops in openapi.OPERATIONS.items() for m in ops if p in routes}
        assert described == {(p, m.lower()) for p, r in routes.items() for m in r}
    every = _router(None)
    assert set(openapi.OPERATIONS) == set(every)


def _router(compat: str | None) -> dict[str, frozenset[str]]:
    from handterm_tui.server.app import Api

    class _Stub:
        pool_id = client_id = "stub"

    api = Api(_Stub(), None, None, compat)  # type: ignore[arg-type]
    return {p: r.methods for p, r in api.routes.items()}


def test_schemathesis_finds_no_server_error(fuzz_server, token) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_url(fuzz_server.api_url + "/openapi.json")
    tried, errors = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=SCHEMATHESIS_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            nonlocal tried
            # not to /signOut: a real sign-out would end the token every other case uses
            auth = {} if case.path == "/signOut" else {"Authorization": f"Bearer {token}"}
            reply = case.call(base_url=fuzz_server.api_url, headers=auth)
            tried += 1
            if reply.status_code >= 500:
                errors.append(f"{reply.status_code} {case.method} {case.path} {case.body!r}")

        run()
    print(f"\nschemathesis: {tried} requests, {len(errors)} >= 500")
    assert not errors, errors[:5]
    assert tried >= 30
    assert fuzz_server.running
