"""The SSH door against a real sshd: two keys, two people, one system account."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest
from doorkit import HANDTERM, Sshd, processes_with, wait_gone

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("doors")]


def test_each_key_is_its_own_person_with_its_own_home(sshd: Sshd) -> None:
    assert sshd.run("alice", "wrt alice was here").returncode == 0
    assert sshd.run("bob", "wrt bob was here").returncode == 0

    alice = sshd.run("alice", "wrt")
    bob = sshd.run("bob", "wrt")

    assert "alice was here" in alice.stdout and "bob was here" not in alice.stdout
    assert "bob was here" in bob.stdout and "alice was here" not in bob.stdout
    for person in ("alice", "bob"):
        home = sshd.home_root / person
        assert (home / "data" / "handterm.sqlite3").is_file()
        assert home.stat().st_mode & 0o077 == 0  # private to the account


def test_a_command_runs_through_exec_and_never_reaches_a_shell(sshd: Sshd, tmp_path: Path) -> None:
    canaries = [tmp_path / f"canary{n}" for n in range(5)]
    tricks = (
        f"wrt $(touch {canaries[0]}) `touch {canaries[1]}`; touch {canaries[2]} "
        f"&& touch {canaries[3]} | tee {canaries[4]} > /dev/null"
    )
    ran = sshd.run("alice", tricks)
    also = sshd.run("alice", f"; touch {canaries[0]}")

    assert ran.returncode == 0, ran.stderr
    assert not any(canary.exists() for canary in canaries)
    assert also.returncode != 0 and not canaries[0].exists()
    # The whole line became one note, word for word.
    assert f"$(touch {canaries[0]})" in sshd.run("alice", "wrt").stdout


def test_no_terminal_and_no_command_says_how_to_connect(sshd: Sshd) -> None:
    result = sshd.run("bob")
    assert result.returncode == 2
    assert "ssh -t" in result.stderr and "Traceback" not in result.stderr


def test_a_name_that_is_a_path_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [HANDTERM, "ssh-session", "--user", "../escape", "--home-root", str(tmp_path)],
        capture_output=True, text=True, env={**os.environ, "SSH_ORIGINAL_COMMAND": "wrt x"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "not a usable person name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_terminal_ui_comes_up_and_a_dropped_connection_leaves_nothing(sshd: Sshd) -> None:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.monotonic()
    client = subprocess.Popen(
        sshd.ssh_args("bob", "-tt"),
        stdin=follower, stdout=follower, stderr=follower,
        env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    screen = b""
    try:
        deadline = time.monotonic() + 20
        while b"~$" not in screen and time.monotonic() < deadline:
            try:
                screen += os.read(leader, 65536)
            except OSError:
                break
        to_prompt = time.monotonic() - started
        assert b"~$" in screen, screen[-500:]
        running = processes_with("ssh-session", "--user bob", str(sshd.home_root))
        assert running, "the TUI should be running for bob"
        wal = sshd.home_root / "bob" / "data" / "handterm.sqlite3-wal"
        assert wal.exists()  # the store is open
        print(f"ssh: prompt in {to_prompt:.2f} s")

        client.send_signal(signal.SIGKILL)  # the connection drops, nobody says goodbye
        client.wait(timeout=5)
        dropped = time.monotonic()
        left = wait_gone("ssh-session", "--user bob", str(sshd.home_root), timeout=10)
        print(f"ssh: gone {time.monotonic() - dropped:.2f} s after the drop")
        assert left == [], f"still running after the connection dropped: {left}"
        # SQLite removes the write-ahead log when the last connection closes cleanly.
        assert not wal.exists()
    finally:
        os.close(leader)
        if client.poll() is None:
            client.kill()


def test_one_persons_account_gets_a_force_command_that_sshd_accepts(tmp_path: Path) -> None:
    from doorkit import SSHD, need

    need(SSHD, "ssh-keygen")
    printed = subprocess.run(
        [HANDTERM, "ssh-config", "--account", "alice", "--force-user", "alice",
         "--home-root", str(tmp_path / "with space")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    force = [line for line in printed.splitlines() if "ForceCommand" in line]
    assert force and f"'{tmp_path}/with space'" in force[0] and "--user alice" in force[0]
    assert "AuthorizedKeysFile" not in printed
    host_key = tmp_path / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\nUsePAM no\n{printed}")
    checked = subprocess.run([SSHD, "-t", "-f", config], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

    refused = subprocess.run(
        [HANDTERM, "ssh-config", "--key", f"../../root={host_key}.pub"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and "not a usable person name" in refused.stderr


def test_no_forwarding_through_the_door(sshd: Sshd) -> None:
    result = subprocess.run(
        [*sshd.ssh_args("alice", "-T", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"),
         "wrt forwarded?"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode != 0
    assert "forward" in result.stderr.lower()
    assert "forwarded?" not in sshd.run("alice", "wrt").stdout
