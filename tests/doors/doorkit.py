"""Real engines for the door tests: an OpenSSH server on a loopback port with its own
configuration (from `handterm ssh-config`), and helpers to find what a door left running."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HANDTERM = str(Path(sys.executable).with_name("handterm"))
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def processes_with(*words: str) -> list[int]:
    """Pids whose command line holds every word (ours, not the test runner's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if all(word in cmdline for word in words):
            found.append(int(entry.name))
    return found


def wait_gone(*words: str, timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := processes_with(*words)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@dataclass
class Sshd:
    port: int
    account: str
    home_root: Path
    keys: dict[str, Path]
    log: Path

    def ssh_args(self, person: str, *options: str) -> list[str]:
        return [
            "ssh", "-F", "/dev/null", "-i", str(self.keys[person]), "-p", str(self.port),
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            *options, f"{self.account}@127.0.0.1",
        ]  # fmt: skip

    def run(
        self, person: str, *command: str, tty: bool = False
    ) -> subprocess.CompletedProcess[str]:
        args = [*self.ssh_args(person, "-tt" if tty else "-T"), *command]
        return subprocess.run(
            args, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
        )


def need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None and not Path(tool).exists()]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed (.ci/run installs openssh-server/chromium)"
        )


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    need(SSHD, "ssh", "ssh-keygen")
    base = tmp_path_factory.mktemp("sshd")
    account = getpass.getuser()
    host_key = base / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
    keys = {}
    for person in ("alice", "bob"):
        keys[person] = base / f"{person}_key"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f", keys[person]],
            check=True,
        )
    home_root = base / "homes"
    keys_file = base / "keys"
    printed = subprocess.run(
        [HANDTERM, "ssh-config", "--account", account, "--home-root", str(home_root),
         "--keys-file", str(keys_file),
         "--key", f"alice={keys['alice']}.pub", "--key", f"bob={keys['bob']}.pub"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    block, _, key_part = printed.partition(f"\n# {keys_file}")
    keys_file.write_text(
        "".join(line + "\n" for line in key_part.splitlines() if line.startswith("restrict,"))
    )
    port = free_port()
    config = base / "sshd_config"
    root_login = "PermitRootLogin forced-commands-only\n" if os.geteuid() == 0 else ""
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {base}/sshd.pid\n"
        f"StrictModes no\nUsePAM no\nLogLevel VERBOSE\n{root_login}{block}"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
    checked = subprocess.run([SSHD, "-t", "-f", config], capture_output=True, text=True)
    assert checked.returncode == 0, f"the printed block does not pass sshd -t: {checked.stderr}"
    log = base / "sshd.log"
    with open(log, "w") as log_handle:
        server = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stderr=log_handle)
    try:
        wait_port(port)
        yield Sshd(port, account, home_root, keys, log)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
