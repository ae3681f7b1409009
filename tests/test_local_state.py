"""Bad local state never costs data and never shows a traceback (issue 9, item 6).

Each case runs the real CLI in a subprocess (or the real store/app in-process) and checks
what a user would see: one message naming the file and what to do, a non-zero status, and
every byte they had still there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from handterm_tui.app_factory import open_store
from handterm_tui.core.records import Record
from handterm_tui.store import Store, StoreError, StoreUnusable
from handterm_tui.ui.widgets.scrollback import Notice

sys.path.insert(0, str(Path(__file__).resolve().parent))
from storekit import fill


async def type_line(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text], "enter")
    await pilot.pause()


def handterm(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handterm_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def one_clean_message(result: subprocess.CompletedProcess[str]) -> str:
    """The error as the user reads it; never a traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("handterm: "), result.stderr
    return result.stderr


def db_file(home: Path) -> Path:
    return home / "data" / "handterm.sqlite3"


# -- a folder handterm cannot write (root ignores permissions: use a read-only mount) --


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    mounted: list[Path] = []
    chmodded: list[Path] = []

    def make(path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            path.chmod(0o500)
            chmodded.append(path)
            return
        # Copy what is there onto a tmpfs mounted over it, then remount it read-only.
        saved = path.with_name(path.name + ".saved")
        shutil.copytree(path, saved)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(path)]).returncode:
            shutil.rmtree(saved)
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(path)
        shutil.copytree(saved, path, dirs_exist_ok=True)
        shutil.rmtree(saved)
        subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)

    yield make
    for path in mounted:
        subprocess.run(["umount", str(path)], check=False)
    for path in chmodded:
        path.chmod(0o700)


def test_a_read_only_home_is_one_message_and_exit_1(
    handterm_home: Path, read_only: Callable[[Path], None]
) -> None:
    read_only(handterm_home)
    result = handterm("exec", "wrt hello")
    assert result.returncode == 1
    message = one_clean_message(result)
    assert str(handterm_home / "data") in message
    assert "HANDTERM_HOME" in message  # what to do


def test_a_store_in_a_read_only_folder_keeps_its_records(
    handterm_home: Path, read_only: Callable[[Path], None]
) -> None:
    assert handterm("exec", "wrt kept").returncode == 0
    read_only(handterm_home / "data")
    result = handterm("exec", "wrt more")
    assert result.returncode == 1
    message = one_clean_message(result)
    assert str(db_file(handterm_home)) in message and "writable" in message


# -- a full disk ------------------------------------------------------------------


def test_a_full_disk_refuses_the_whole_record_and_says_so(store: Store) -> None:
    store.records.add(Record(line="before", name="before"))
    fill(store)
    records, queued = store.records.count(), store.outbox.count()
    with pytest.raises(StoreError, match="full") as caught:
        store.records.add(Record(line="wrt lost", name="wrt", response="x" * 5000))
    assert str(store.path) in str(caught.value) and "Free some space" in str(caught.value)
    # No half-written record: neither the row nor its upload entry.
    assert (store.records.count(), store.outbox.count()) == (records, queued)
    assert store.records.history_lines(10) == ["before"]


async def test_a_full_disk_in_the_tui_keeps_the_line_recallable(
    make_app: Callable[..., Any],
) -> None:
    store = open_store()
    fill(store)
    stored = store.records.count()
    app = make_app(store=store)
    async with app.run_test() as pilot:
        await type_line(pilot, "history")
        notices = [str(n.content) for n in app.screen.query(Notice)]
        assert any("was not stored" in n and "full" in n for n in notices), notices
        await pilot.press("up")
        assert app.terminal.prompt.value == "history"
        assert app.is_running  # no crash, the prompt still works
    assert store.records.count() == stored
    store.close()


@pytest.fixture
def tiny_disk(handterm_home: Path) -> Iterator[Path]:
    """HANDTERM_HOME/data on a 1 MB tmpfs (root only)."""
    data = handterm_home / "data"
    data.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(data)]).returncode
    ):
        pytest.skip("needs root to mount a small tmpfs")
    yield data
    subprocess.run(["umount", str(data)], check=False)


def test_a_really_full_disk_under_the_cli_is_a_message(tiny_disk: Path) -> None:
    assert handterm("exec", "wrt first").returncode == 0
    # Fill the rest of the disk with another file, as another program would.
    try:
        with open(tiny_disk / "ballast", "wb", buffering=0) as ballast:
            while True:
                ballast.write(b"\0" * 4096)
    except OSError:
        pass
    result = handterm("exec", "wrt " + "y" * 20_000)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "full" in result.stdout + result.stderr
    (tiny_disk / "ballast").unlink()
    listed = handterm("exec", "wrt")
    assert listed.returncode == 0 and "first" in listed.stdout and "yyyy" not in listed.stdout


# -- a store that is not a database -------------------------------------------------


def test_a_store_that_is_not_a_database_is_kept_and_replaced_only_when_asked(
    handterm_home: Path,
) -> None:
    path = db_file(handterm_home)
    path.parent.mkdir(parents=True)
    junk = b"these are my precious bytes, not SQLite\n" * 100
    path.write_bytes(junk)

    refused = handterm("exec", "history")
    assert refused.returncode == 1
    message = one_clean_message(refused)
    assert str(path) in message and "--new-store" in message
    assert path.read_bytes() == junk  # nothing changed without the user's word

    agreed = handterm("--new-store", "exec", "wrt fresh start")
    assert agreed.returncode == 0, agreed.stderr
    (aside,) = path.parent.glob("handterm.sqlite3.not-a-database-*")
    assert aside.read_bytes() == junk  # kept byte for byte
    assert str(aside) in agreed.stderr
    assert "fresh start" in handterm("exec", "wrt").stdout


def test_new_store_leaves_a_good_store_alone(handterm_home: Path) -> None:
    assert handterm("exec", "wrt keep me").returncode == 0
    result = handterm("--new-store", "exec", "wrt")
    assert result.returncode == 0 and "keep me" in result.stdout
    assert not list(db_file(handterm_home).parent.glob("*not-a-database*"))


# -- an emptied store ---------------------------------------------------------------


@pytest.mark.parametrize("how", ["truncated", "deleted"])
def test_a_store_emptied_behind_handterms_back_is_reported(handterm_home: Path, how: str) -> None:
    assert handterm("exec", "wrt one").returncode == 0
    assert handterm("exec", "wrt two").returncode == 0
    path = db_file(handterm_home)
    if how == "truncated":
        path.write_bytes(b"")
    else:
        path.unlink()

    refused = handterm("exec", "history")
    assert refused.returncode == 1
    message = one_clean_message(refused)
    assert str(path) in message and "--new-store" in message
    assert "2 records and 2 notes" in message
    # Not silently recreated: still 0 bytes (or still absent).
    assert (path.read_bytes() == b"") if how == "truncated" else not path.exists()

    agreed = handterm("--new-store", "exec", "history")
    assert agreed.returncode == 0, agreed.stderr
    assert handterm("exec", "history").returncode == 0  # the new store is accepted from now on
    if how == "truncated":
        assert list(path.parent.glob("handterm.sqlite3.emptied-*"))


def test_a_fresh_install_starts_without_asking(handterm_home: Path) -> None:
    result = handterm("exec", "history")
    assert result.returncode == 0, result.stderr


def test_the_marker_is_set_by_the_first_write_even_without_a_clean_close(
    handterm_home: Path,
) -> None:
    store = open_store()
    store.records.add(Record(line="ls", name="ls"))
    # No close (a crash): the first write already told the marker.
    db_file(handterm_home).write_bytes(b"")
    with pytest.raises(StoreUnusable, match="held 1 record when"):
        open_store()
    store.db.close()


# -- a WAL file deleted during use ---------------------------------------------------


def test_a_wal_deleted_during_use_loses_nothing(handterm_home: Path) -> None:
    store = open_store()
    store.records.add(Record(line="first", name="first"))
    wal = Path(f"{store.path}-wal")
    assert wal.exists()
    wal.unlink()
    store.records.add(Record(line="second", name="second"))
    # Another process opening the store now sees both records...
    other = Store(db_file(handterm_home))
    assert other.records.history_lines(10) == ["first", "second"]
    other.close()
    store.records.add(Record(line="third", name="third"))
    assert any("deleted" in n and str(wal) in n for n in store.notices)
    store.close()
    # ... and so does the next start, after a close.
    again = open_store()
    assert again.records.history_lines(10) == ["first", "second", "third"]
    again.close()


# -- a config path that is a folder --------------------------------------------------


def test_a_config_path_that_is_a_folder_is_one_message(handterm_home: Path) -> None:
    folder = handterm_home / "config" / "config.toml"
    folder.mkdir(parents=True)
    result = handterm("exec", "history")
    assert result.returncode == 2
    message = one_clean_message(result)
    assert str(folder) in message and "folder" in message and "HANDTERM_CONFIG" in message


# -- output into a closed pipe ------------------------------------------------------


def many_records(count: int = 3000) -> None:
    store = open_store()
    for i in range(count):
        store.records.add(Record(line=f"wrt line {i} " + "z" * 60, name="wrt"), upload=False)
    store.close()


@pytest.mark.parametrize("command", ["logs list --limit 3000", "exec history --limit 1000"])
def test_output_into_a_closed_pipe_ends_quietly(command: str) -> None:
    many_records()
    shell = f"{sys.executable} -m handterm_tui {command} | head -1; echo status=${{PIPESTATUS[0]}}"
    result = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )
    first, status = result.stdout.splitlines()
    assert first.strip()
    assert status in ("status=0", "status=141")
    assert result.stderr == ""


# -- the TUI without a terminal -------------------------------------------------------


def test_the_tui_without_a_terminal_says_so_and_exits_2() -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "handterm_tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        env=dict(os.environ),
    )
    assert result.returncode == 2
    assert time.monotonic() - started < 10
    message = one_clean_message(result)
    assert "needs a terminal" in message and "ssh -t" in message and "handterm exec" in message


async def test_the_tui_tells_once_that_a_deleted_wal_was_saved(
    make_app: Callable[..., Any],
) -> None:
    store = open_store()
    app = make_app(store=store)
    async with app.run_test() as pilot:
        await type_line(pilot, "history")
        Path(f"{store.path}-wal").unlink()
        await type_line(pilot, "target")
        await pilot.pause(1.3)
        notices = [str(n.content) for n in app.screen.query(Notice)]
        assert sum("was deleted" in n and "Nothing was lost" in n for n in notices) == 1
    store.close()
    again = open_store()
    assert again.records.history_lines(10) == ["history", "target"]
    again.close()


# -- the TUI asks before it replaces a store -----------------------------------------


def run_in_a_terminal(answer: bytes, then: bytes = b"") -> tuple[int, str]:
    """Start `handterm` on a pseudo-terminal, answer its question, return (status, output)."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execv(sys.executable, [sys.executable, "-m", "handterm_tui"])
    output = b""
    deadline = time.monotonic() + 30
    sent_answer = sent_then = False
    status = None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            output += chunk
        if not sent_answer and b"[y/N]" in output:
            os.write(fd, answer)
            sent_answer = True
        if sent_answer and then and not sent_then and b"handterm" in output.split(b"[y/N]")[-1]:
            time.sleep(1.0)  # let the app draw before quitting it
            os.write(fd, then)
            sent_then = True
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            break
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError(f"handterm did not finish: {output[-2000:]!r}")
    os.close(fd)
    return status, output.decode("utf-8", "replace")


def test_the_tui_asks_before_replacing_a_store_that_is_not_a_database(
    handterm_home: Path,
) -> None:
    path = db_file(handterm_home)
    path.parent.mkdir(parents=True)
    junk = b"not a database at all\n" * 50
    path.write_bytes(junk)

    status, output = run_in_a_terminal(b"n\r")
    assert status == 1
    assert str(path) in output and "Nothing was changed" in output
    assert "Traceback" not in output
    assert path.read_bytes() == junk

    status, output = run_in_a_terminal(b"y\r", then=b"\x11")  # then Ctrl+Q
    assert status == 0, output[-2000:]
    assert "Traceback" not in output
    (aside,) = path.parent.glob("handterm.sqlite3.not-a-database-*")
    assert aside.read_bytes() == junk


def test_a_store_path_that_is_a_folder_is_one_message(handterm_home: Path) -> None:
    db_file(handterm_home).mkdir(parents=True)
    result = handterm("exec", "history")
    assert result.returncode == 1
    message = one_clean_message(result)
    assert f"{db_file(handterm_home)} is a folder" in message
