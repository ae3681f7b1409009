"""getLog/listLog replies stay under 6 MiB (Lambda's limit), newest first, with a cursor for the
rest that handterm's client follows; serving the largest reply keeps the server's memory flat."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from handterm_tui.api.client import HandTermApi
from handterm_tui.server.testing import BackendProcess, start_backend

NEXT = "X-HandTerm-Next-Before"
MiB = 1024 * 1024


class _Tokens:
    def __init__(self, token: str) -> None:
        self.token = token

    def ensure_fresh(self) -> str:
        return self.token

    def force_refresh(self, rejected: str) -> str:
        return self.token

    def token_rejected(self, token: str) -> None:
        raise AssertionError("token rejected")


def _save_big(api, headers, count: int, size: int, prefix: str = "big") -> list[str]:
    contents = []
    for i in range(count):
        content = f"{i:04d}" + "x" * (size - 4)
        reply = api.post(
            "/saveLog", headers=headers, json={"key": f"{prefix}/{1000 + i}", "content": content}
        )
        assert reply.status_code == 200, reply.text
        contents.append(content)
    return contents[::-1]  # newest first


def test_get_log_stops_at_six_mebibytes_and_pages_on(api, session) -> None:
    h = session["headers"]
    newest_first = _save_big(api, h, count=5, size=2 * MiB)
    first = api.get("/getLog", headers=h, params={"key": "big", "limit": 10})
    assert first.status_code == 200
    assert len(first.content) <= 6 * MiB
    page = first.json()
    assert page == newest_first[: len(page)] and 1 <= len(page) < 5
    cursor = first.headers[NEXT]
    assert unquote(cursor) == f"big/{1000 + 5 - len(page)}.json"
    got = list(page)
    while cursor:  # the web's array shape kept: follow with before=
        reply = api.get("/getLog", headers=h, params={"key": "big", "limit": 10, "before": cursor})
        assert reply.status_code == 200 and len(reply.content) <= 6 * MiB
        got += reply.json()
        cursor = reply.headers.get(NEXT)
    assert got == newest_first
    # POST with a JSON body takes the cursor too
    body = {"key": "big", "limit": 1, "before": first.headers[NEXT]}
    assert api.post("/getLog", headers=h, json=body).json() == [newest_first[len(page)]]


def test_no_cursor_when_everything_fitted(api, session) -> None:
    h = session["headers"]
    for i in range(3):
        api.post("/saveLog", headers=h, json={"key": f"small/{i}", "content": f"c{i}"})
    reply = api.get("/getLog", headers=h, params={"key": "small", "limit": 10})
    assert reply.json() == ["c2", "c1", "c0"] and NEXT not in reply.headers
    limited = api.get("/getLog", headers=h, params={"key": "small", "limit": 2})
    assert limited.json() == ["c2", "c1"] and unquote(limited.headers[NEXT]) == "small/1.json"
    assert api.get("/getLog", headers=h, params={"key": "small", "before": "%"}).status_code == 200


def test_list_log_pages_with_the_same_cursor(api, session) -> None:
    h = session["headers"]
    for i in range(5):
        api.post("/saveLog", headers=h, json={"key": f"wrt/{100 + i}", "content": "x"})
    first = api.post("/listLog", headers=h, json={"logDomain": "wrt", "limit": 3})
    keys = first.json()["body"]
    assert [k.rsplit("/", 1)[1] for k in keys] == ["104.json", "103.json", "102.json"]
    rest = api.post(
        "/listLog", headers=h, json={"logDomain": "wrt", "limit": 3, "before": first.headers[NEXT]}
    )
    assert [k.rsplit("/", 1)[1] for k in rest.json()["body"]] == ["101.json", "100.json"]
    assert NEXT not in rest.headers


def test_handterm_client_follows_the_cursor(backend, api, session) -> None:
    h = session["headers"]
    newest_first = _save_big(api, h, count=4, size=2 * MiB, prefix="cli")
    with HandTermApi(backend.api_url, tokens=_Tokens(session["AccessToken"])) as client:
        assert client.get_log("cli", 10) == newest_first
        assert client.get_log("cli", 2) == newest_first[:2]
        assert len(client.list_log("cli", 3)) == 3
        assert client.stats.requests >= 4  # the 8 MiB took more than one reply


def _rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_serving_the_largest_reply_keeps_memory_flat(tmp_path: Path) -> None:
    """Entries as large as a request may carry (~6 MiB), more than a reply may hold: the
    server reads them one at a time, so its peak RSS grows by a few replies, not by what is
    stored. The entries are written straight into the data dir (the server indexes a user's
    logs on first use), so the peak before serving is the server's own, not an upload's."""
    with start_backend(tmp_path, faults=False) as server:
        username, password, _ = server.new_user()
        h = {"Authorization": f"Bearer {server.sign_in(username, password)['AccessToken']}"}
        logs = tmp_path / "user_data" / username / "logs" / "big"
        logs.mkdir(parents=True)
        for i in range(4):
            (logs / f"{1000 + i}.json").write_bytes(b"%04d" % i + b"x" * (6 * MiB - 200))
        pid = _server_pid(server)
        before = _rss_kib(pid, "VmRSS")
        for _ in range(3):
            reply = server.http.get("/getLog", headers=h, params={"key": "big", "limit": 1000})
            assert reply.status_code == 200 and len(reply.content) <= 6 * MiB
            assert reply.json()[0].startswith("0003") and reply.headers[NEXT]
        growth_mb = (_rss_kib(pid, "VmHWM") - before) / 1024
        print(f"\nRSS growth serving the largest getLog reply: {growth_mb:.1f} MiB")
        assert growth_mb < 100


def _server_pid(server: BackendProcess) -> int:
    proc = server._proc
    assert proc is not None
    return proc.pid
