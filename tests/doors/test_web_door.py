"""The browser door with a real headless Chromium: the prompt, a command and its record,
origins, homes per trusted name, anonymous homes removed, the session cap."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browserkit import Browser, start_web, stop_web
from doorkit import wait_gone

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("doors")]
ENTER = "\ue007"


def get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_prompt_comes_up_a_command_shows_its_record_and_the_home_goes(
    browser: Browser, tmp_path: Path
) -> None:
    door = start_web(tmp_path)
    try:
        browser.as_person(None)
        started = browser.open(door.url)
        to_prompt = browser.wait_for("~$") - started
        browser.type("wrt ")
        echo = sorted(browser.key_echo_ms(char) for char in "qzjx")
        browser.type(" hello from the browser" + ENTER)
        browser.wait_for("Noted")
        assert "qzjx hello from the browser" in browser.screen()
        print(f"web: prompt in {to_prompt:.2f} s, key echo {echo[0]:.1f}-{echo[-1]:.1f} ms")
        homes = list((door.home_root / ".anonymous").iterdir())
        assert len(homes) == 1 and (homes[0] / "data" / "handterm.sqlite3").is_file()

        browser.close_tab()  # the session ends, its home with it
        assert wait_gone("handterm_tui.doors.web_app", timeout=10) == []
        deadline = time.monotonic() + 10
        while homes[0].exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not homes[0].exists()
    finally:
        stop_web(door)


def test_a_websocket_from_another_origin_is_refused(browser: Browser, tmp_path: Path) -> None:
    door = start_web(tmp_path)
    try:
        browser.as_person(None)
        socket_url = f"ws://127.0.0.1:{door.port}/ws"
        browser.open(f"http://localhost:{door.port}/static/css/xterm.css")  # another origin
        assert browser.try_websocket(socket_url) == "refused"
        browser.open(f"{door.url}/static/css/xterm.css")  # ours
        assert browser.try_websocket(socket_url) == "open"
    finally:
        stop_web(door)


def test_two_trusted_names_never_see_each_others_records(browser: Browser, tmp_path: Path) -> None:
    door = start_web(tmp_path, "--trusted-header", "X-Test-User")
    try:
        browser.as_person("alice")
        browser.open(door.url)
        browser.wait_for("~$")
        browser.type("wrt alice private note" + ENTER)
        browser.wait_for("Noted")

        browser.as_person("bob")
        browser.close_tab()
        browser.open(door.url)
        browser.wait_for("~$")
        browser.type("wrt" + ENTER)
        browser.wait_for("No notes yet")
        browser.type("history" + ENTER)
        # alice's tab is closed: her app ended and closed its store (SQLite drops the log).
        alice_wal = door.home_root / "alice" / "data" / "handterm.sqlite3-wal"
        deadline = time.monotonic() + 10
        while alice_wal.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alice_wal.exists()
        assert "alice private note" not in browser.screen()
        assert {p.name for p in door.home_root.iterdir()} == {"alice", "bob"}

        browser.as_person(None)  # not through the proxy: refused, with words
        browser.open(door.url)
        assert "Sign in first" in browser.driver.page_source
        status, _ = get(door.url + "/", **{"X-Test-User": "../../etc"})
        assert status == 403
        status, _ = get(door.url + "/download/0123abcd", **{"X-Test-User": "bob"})
        assert status == 404
    finally:
        browser.as_person(None)
        stop_web(door)


def test_a_full_server_says_so_and_lists_no_folders(browser: Browser, tmp_path: Path) -> None:
    door = start_web(tmp_path, "--max-sessions", "1")
    try:
        browser.as_person(None)
        browser.open(door.url)
        browser.wait_for("~$")
        status, text = get(door.url + "/")
        assert status == 503 and "HandTerm is full" in text
        listing, _ = get(door.url + "/static/")
        assert listing in (403, 404)
    finally:
        browser.close_tab()
        stop_web(door)


def test_export_and_copy_in_the_log_browser_reach_the_browser_not_the_server(
    browser: Browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    # Anonymous: the test's stand-in for a proxy (extra headers through DevTools) does not
    # reach the requests a download makes; a real proxy's cookie does.
    door = start_web(tmp_path)
    try:
        browser.as_person(None)
        browser.driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        browser.open(door.url)
        browser.wait_for("~$")
        browser.type("wrt carol exports this" + ENTER)
        browser.wait_for("Noted")
        browser.type(Keys.F9)  # the log browser
        browser.wait_for("search commands")
        time.sleep(0.6)  # past the quiet moment in which a new screen ignores keys
        browser.type(Keys.F6)
        deadline = time.monotonic() + 15
        while not list(downloads.glob("handterm-logs-*.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.1)
        exported = list(downloads.glob("handterm-logs-*.jsonl"))
        assert exported and "carol exports this" in exported[0].read_text()

        tabs = len(browser.driver.window_handles)
        browser.type(Keys.F5)  # copy: the record opens in a tab of the person's browser
        deadline = time.monotonic() + 15
        while len(browser.driver.window_handles) == tabs and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(browser.driver.window_handles) == tabs + 1
        main = browser.driver.current_window_handle
        browser.driver.switch_to.window(browser.driver.window_handles[-1])
        deadline = time.monotonic() + 10
        while "carol exports this" not in browser.driver.page_source:
            assert time.monotonic() < deadline, browser.driver.page_source[:500]
            time.sleep(0.1)
        browser.driver.close()
        browser.driver.switch_to.window(main)
        # Nothing landed in the server's folders.
        assert not [p for p in door.home_root.rglob("*") if p.name.startswith("handterm-logs")]
        assert not list(door.home_root.rglob("clipboard.txt"))
    finally:
        browser.as_person(None)
        browser.close_tab()
        stop_web(door)


def test_the_app_starts_with_a_small_known_environment(tmp_path: Path) -> None:
    import asyncio

    import aiohttp
    from doorkit import processes_with

    door = start_web(
        tmp_path, "--trusted-header", "X-Test-User",
        env={"SERVER_SECRET_TOKEN": "do-not-pass", "HANDTERM_DB": str(tmp_path / "shared.db")},
    )  # fmt: skip

    async def visit() -> dict[str, str]:
        headers = {"Origin": door.url, "X-Test-User": "dave"}
        async with (
            aiohttp.ClientSession() as client,
            client.ws_connect(f"ws://127.0.0.1:{door.port}/ws", headers=headers) as ws,
        ):
            seen = b""
            async for message in ws:
                seen += message.data if message.type == aiohttp.WSMsgType.BINARY else b""
                if b"~$" in seen:
                    break
            [pid] = processes_with("handterm_tui.doors.web_app")
            raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            return dict(item.decode().partition("=")[::2] for item in raw if item)

    try:
        env = asyncio.run(visit())
    finally:
        stop_web(door)
    home = str(door.home_root / "dave")
    assert env["HANDTERM_HOME"] == home and env["HOME"] == home
    assert "SERVER_SECRET_TOKEN" not in env and "HANDTERM_DB" not in env
    assert not (tmp_path / "shared.db").exists()
    assert set(env) <= {
        "PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "HOME", "HANDTERM_HOME",
        "HANDTERM_TOKEN_STORE", "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM",
        "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS",
    }  # fmt: skip
