"""The test-only fault switch the client's sync tests rely on."""

from __future__ import annotations

import time

import httpx
import pytest


def save(client: httpx.Client, headers: dict[str, str], key: str) -> httpx.Response:
    return client.post("/saveLog", headers=headers, json={"key": key, "content": key})


def stored(api: httpx.Client, headers: dict[str, str], key: str) -> bool:
    return api.get("/getLog", headers=headers, params={"key": key}).json() == [key]


def test_status_faults_skip_the_handler_and_count_down(api, backend, session) -> None:
    h = session["headers"]
    backend.set_fault("/saveLog", "500", count=2)
    for _ in range(2):
        reply = save(api, h, "f/1")
        assert (reply.status_code, reply.json()) == (500, {"message": "Internal Server Error"})
    assert not stored(api, h, "f/1")
    assert save(api, h, "f/1").status_code == 200  # used up
    backend.set_fault("*", "503")
    assert api.get("/getUser", headers=h).status_code == 503


def test_drop_after_store_keeps_the_object(api, backend, session) -> None:
    h = session["headers"]
    backend.set_fault("/saveLog", "drop_after_store")
    with pytest.raises(httpx.RemoteProtocolError):
        save(api, h, "f/dropped")
    assert stored(api, h, "f/dropped")


def test_close_drops_without_storing(api, backend, session) -> None:
    h = session["headers"]
    backend.set_fault("/saveLog", "close")
    with pytest.raises(httpx.RemoteProtocolError):
        save(api, h, "f/closed")
    assert not stored(api, h, "f/closed")


def test_timeout_and_malformed(api, backend, session) -> None:
    h = session["headers"]
    backend.set_fault("/saveLog", "timeout", delay=5)
    with pytest.raises(httpx.ReadTimeout):
        api.post("/saveLog", headers=h, json={"key": "f/t", "content": "x"}, timeout=0.3)
    backend.clear_faults()
    backend.set_fault("/saveLog", "timeout", delay=0.2)
    started = time.monotonic()
    reply = save(api, h, "f/t")
    assert reply.status_code == 504 and time.monotonic() - started >= 0.2
    backend.set_fault("/signIn", "malformed")
    reply = api.post("/signIn", json={})
    assert reply.status_code == 200
    with pytest.raises(ValueError):
        reply.json()


def test_control_endpoint(api, backend) -> None:
    for spec in (
        {"route": "saveLog", "mode": "500"},
        {"route": "/x", "mode": "boom"},
        {"route": "/x", "mode": "500", "count": 0},
        {"route": "/x", "mode": "timeout", "delay": 9999},
    ):
        assert api.post("/__faults__", json=spec).status_code == 400, spec
    assert api.post("/__faults__", content=b"nope").status_code == 400
    backend.set_fault("/getLog", "500", count=-1)
    assert api.get("/__faults__").json()["faults"][0]["route"] == "/getLog"
    backend.clear_faults()
    assert api.get("/__faults__").json() == {"faults": []}
