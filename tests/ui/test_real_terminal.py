"""handterm on a real pseudo-terminal with its real driver: typing works, a flood of keys
(a paste without bracketed paste) neither grows the process nor stops Ctrl+Q."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")

FLOOD = 96 * 1024  # Textual alone peaks near 270 MB here


def read_until(master: int, wanted: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{wanted!r} never appeared; last output {seen[-300:]!r}")
        readable, _, _ = select.select([master], [], [], min(left, 0.1))
        if readable:
            seen += os.read(master, 65536)
    return seen


def drain(master: int) -> None:
    while select.select([master], [], [], 0)[0]:
        try:
            os.read(master, 65536)
        except OSError:
            return


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_typing_then_a_flood_then_ctrl_q(handterm_home: Path) -> None:
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", "from handterm_tui.cli import main; main()"],
        stdin=slave,
        stdout=slave,
        stderr=slave,  # Textual draws on stderr
        env=dict(os.environ, TERM="xterm-256color", HANDTERM_HOME=str(handterm_home)),
        start_new_session=True,
    )
    os.close(slave)
    try:
        read_until(master, b"@handterm", timeout=30)
        os.write(master, b"wrt typed in a real terminal\r")
        read_until(master, b"typed in a real terminal", timeout=10)
        payload = b"flood " * (FLOOD // 6)
        for offset in range(0, len(payload), 1024):
            drain(master)  # the child blocks on a full terminal if nobody reads its frames
            _, writable, _ = select.select([], [master], [], 10)
            assert writable, "the app stopped reading its input"
            os.write(master, payload[offset : offset + 1024])
        peak = peak_rss_mb(child.pid)
        start = time.monotonic()
        os.write(master, b"\x11")  # Ctrl+Q
        deadline = start + 20
        while child.poll() is None and time.monotonic() < deadline:
            drain(master)
            time.sleep(0.02)
        quit_s = time.monotonic() - start
        assert child.poll() == 0, "Ctrl+Q did not quit"
        assert peak < 200, f"peak RSS {peak:.0f} MB"
        assert quit_s < 10, f"Ctrl+Q took {quit_s:.1f} s"  # ~1 s here; generous for CI load
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)

    from handterm_tui.app_factory import open_store

    store = open_store()
    try:
        assert [n.text for n in store.notes.recent(5)] == ["typed in a real terminal"]
    finally:
        store.close()
