"""CORS as the original stack's HTTP API did it: real preflights, headers only for allowed
origins, and the allowed origins settable with --cors-origin."""

from __future__ import annotations

import httpx
import pytest

WEB_DEV = "http://localhost:5173"


def preflight(url: str, origin: str, method: str = "POST") -> httpx.Response:
    return httpx.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


@pytest.mark.parametrize("origin", [WEB_DEV, "https://handterm.com"])
@pytest.mark.parametrize("path", ["/signIn", "/getLog", "/saveLog", "/no-such-route"])
def test_preflight_for_the_default_origins(backend, origin, path) -> None:
    reply = preflight(backend.api_url + path, origin)
    assert reply.status_code == 204
    h = reply.headers
    assert h["access-control-allow-origin"] == origin
    assert h["access-control-allow-credentials"] == "true"
    assert set(h["access-control-allow-methods"].split(",")) == {"GET", "POST", "OPTIONS"}
    assert set(h["access-control-allow-headers"].split(",")) == {"authorization", "content-type"}


def test_disallowed_origin_gets_no_cors_headers(backend, api, session) -> None:
    reply = preflight(backend.api_url + "/signIn", "https://evil.example")
    assert not any(k.startswith("access-control-") for k in reply.headers)
    normal = api.get("/getUser", headers={**session["headers"], "Origin": "https://evil.example"})
    assert normal.status_code == 200
    assert not any(k.startswith("access-control-") for k in normal.headers)


def test_responses_carry_cors_headers_for_allowed_origins(api, session) -> None:
    h = {**session["headers"], "Origin": WEB_DEV}
    reply = api.get("/getUser", headers=h)
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == WEB_DEV
    assert reply.headers["access-control-allow-credentials"] == "true"
    assert "x-handterm-next-before" in reply.headers["access-control-expose-headers"]
    missing = api.get("/getUser", headers={"Origin": WEB_DEV})  # errors too, like the gateway
    assert missing.status_code == 401
    assert missing.headers["access-control-allow-origin"] == WEB_DEV
    # OPTIONS that is not a preflight is just an unknown method
    assert api.options("/signIn").status_code == 404
