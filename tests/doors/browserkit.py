"""A real headless Chromium (Debian's, through its chromedriver) and `handterm serve-web`.

The terminal is drawn on a canvas, so what the app sends is read where it arrives: a script
added before each page wraps WebSocket and keeps every frame, decoded, with its time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from doorkit import HANDTERM, free_port, need, wait_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1000,700",
]
ENTER_KEY = "\ue007"
ANSI = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>78])"
)

CAPTURE = r"""
window.__frames = [];
window.__keys = [];
document.addEventListener('keydown', e => window.__keys.push([performance.now(), e.key]), true);
const Native = window.WebSocket;
window.WebSocket = function(url, protocols) {
  const ws = protocols ? new Native(url, protocols) : new Native(url);
  ws.binaryType = 'arraybuffer';
  ws.addEventListener('message', ev => {
    const t = performance.now();
    const text = typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data);
    window.__frames.push([t, text]);
  });
  return ws;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2});
"""


def plain(text: str) -> str:
    return ANSI.sub("", text)


class Browser:
    def __init__(self, user_data: Path, *extra_flags: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, *extra_flags, f"--user-data-dir={user_data}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_script_timeout(20)
        self.headers: dict[str, str] = {}
        self._prepare_tab()

    def _prepare_tab(self) -> None:
        """The capture script and the headers belong to a tab: set them on each new one."""
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": self.headers})

    def as_person(self, name: str | None, header: str = "X-Test-User") -> None:
        """What an authenticating proxy would add to every request, websockets included."""
        self.headers = {header: name} if name else {}
        self.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": self.headers})

    def open(self, url: str) -> float:
        started = time.monotonic()
        self.driver.get(url)
        return started

    def screen(self) -> str:
        frames: list[list[Any]] = self.driver.execute_script("return window.__frames || []")
        return plain("".join(text for _, text in frames))

    def wait_for(self, text: str, timeout: float = 20.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen():
                return time.monotonic()
            time.sleep(0.05)
        self.driver.save_screenshot(str(Path(tempfile.gettempdir()) / "handterm-web-failed.png"))
        raise AssertionError(f"{text!r} never showed; the screen had: {self.screen()[-800:]!r}")

    def type(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(text)

    def key_echo_ms(self, char: str) -> float:
        """From the key's keydown in the page to the first frame holding it, in ms."""
        before = len(self.driver.execute_script("return window.__frames"))
        self.type(char)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            frames = self.driver.execute_script("return window.__frames")[before:]
            shown = [t for t, text in frames if char in plain(text)]
            if shown:
                pressed = self.driver.execute_script("return window.__keys")[-1][0]
                return float(shown[0] - pressed)
            time.sleep(0.02)
        raise AssertionError(f"{char!r} was never echoed")

    def try_websocket(self, url: str) -> str:
        """Open a websocket from the current page's origin: 'open' or 'refused'."""
        return str(
            self.driver.execute_async_script(
                """const done = arguments[1];
                const ws = new WebSocket(arguments[0]);
                ws.onopen = () => { ws.close(); done('open'); };
                ws.onerror = () => done('refused');""",
                url,
            )
        )

    def close_tab(self) -> None:
        """Close the tab (a new one stays): its websocket goes with it. Navigating away is
        not the same: the page may stay in the back/forward cache, socket open."""
        old = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        new = self.driver.current_window_handle
        self.driver.switch_to.window(old)
        self.driver.close()
        self.driver.switch_to.window(new)
        self._prepare_tab()

    def close(self) -> None:
        self.driver.quit()


@dataclass
class WebDoor:
    url: str
    port: int
    home_root: Path
    process: subprocess.Popen[bytes]


def start_web(tmp: Path, *options: str, env: dict[str, str] | None = None) -> WebDoor:
    port = free_port()
    home_root = tmp / "homes"
    log = open(tmp / f"serve-web-{port}.log", "wb")  # noqa: SIM115 - the server keeps it
    process = subprocess.Popen(
        [HANDTERM, "serve-web", "--port", str(port), "--home-root", str(home_root), *options],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )  # fmt: skip
    wait_port(port)
    return WebDoor(f"http://127.0.0.1:{port}", port, home_root, process)


def stop_web(door: WebDoor) -> None:
    door.process.terminate()
    try:
        door.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        door.process.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    need(CHROMIUM, CHROMEDRIVER)
    pytest.importorskip("selenium", reason="selenium is in the dev extra")
    pytest.importorskip("textual_serve", reason="textual-serve is in the web extra")
    chrome = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chrome
    finally:
        chrome.close()
