"""Small truths (issue 9, item 8): `wrt` keeps what was typed, a failure keeps nothing it
does not mention, `handterm exec` exits non-zero when the command could not do its job, and
no message promises an upload "when you are online" while online."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from handterm_tui import config as config_mod
from handterm_tui.cli import main
from handterm_tui.commands import Context, Runner
from handterm_tui.config import Config, Profile
from handterm_tui.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent / "auth"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from authkit import cli_login, config_for
from storekit import fill


def test_wrt_keeps_the_rest_of_the_line_verbatim(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    store.close()
    assert main(["exec", "wrt remember to use --force  -v and   spaces"]) == 0
    out = capsys.readouterr().out
    assert "kept here (offline mode)" in out and "online" not in out.replace("offline", "")
    from handterm_tui.app_factory import open_store

    again = open_store()
    assert again.notes.recent(1)[0].text == "remember to use --force  -v and   spaces"
    again.close()


def test_wrt_with_only_limit_lists_and_limit_with_text_stores_nothing(store: Store) -> None:
    runner = Runner(Context(config=config_mod.load(), store=store, interactive=False))
    store.notes.add("older", created_ms=1000)
    assert runner.start("wrt --limit 1").outcome.text.endswith("older")
    mixed = runner.start("wrt --limit 5 hello")
    assert mixed.outcome.status == 400
    assert [n.text for n in store.notes.recent(10)] == ["older"]


def test_wrt_with_a_profile_says_queued_never_when_online(store: Store) -> None:
    cfg = Config(path=Path("/nonexistent"), profiles={"p": Profile("p", api_url="http://x")})
    run = Runner(Context(config=cfg, store=store, interactive=False)).start("wrt hi")
    # Nobody is signed in here: the note waits apart, and says so.
    assert run.outcome.text == (
        "Noted (2 characters); kept here, signed out "
        "(after `login` you choose whether it joins your account)."
    )


def test_a_wrt_that_fails_keeps_nothing_and_says_so(store: Store) -> None:
    fill(store)
    runner = Runner(Context(config=config_mod.load(), store=store, interactive=False))
    for _ in range(20):  # a few bytes may still fit: write until the disk is really full
        notes = store.notes.count()
        run = runner.start("wrt " + "n" * 4_000)
        if run.outcome.text.startswith("Not noted"):
            break
    assert not run.outcome.ok
    assert (
        run.outcome.text.startswith("Not noted; nothing was kept:") and "full" in run.outcome.text
    )
    assert store.notes.count() == notes


@pytest.mark.parametrize("line", ["play nosuchphrase", "play fox", "play"])
def test_exec_play_cannot_start_the_game_and_exits_1(
    line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exec", line]) == 1
    out = capsys.readouterr().out
    assert "No phrase named" in out or "needs the terminal UI" in out


def test_exec_of_a_record_that_cannot_be_stored_exits_1(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    runner = Runner(Context(config=config_mod.load(), store=store, interactive=False))
    run = runner.start("history " + "h" * 3000)
    assert not run.outcome.ok
    assert "record was not stored" in run.outcome.text and "full" in run.outcome.text


def test_exec_outbox_sees_the_session_like_the_tui(
    backend_user: tuple[str, str, str],
    backend: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from handterm_tui.cli_exec import run_exec

    user, password, _ = backend_user
    cfg = config_for(backend)
    assert cli_login(cfg, user, password, monkeypatch) == 0
    assert run_exec(cfg, ["wrt queued one"]) == 0
    assert "queued for upload" in capsys.readouterr().out
    run_exec(cfg, ["outbox"])
    out = capsys.readouterr().out
    assert "Not signed in" not in out


def test_wrt_keeps_quotes_that_do_not_parse(store: Store) -> None:
    runner = Runner(Context(config=config_mod.load(), store=store, interactive=False))
    run = runner.start("wrt don't forget the \"milk")
    assert run.outcome.ok, run.outcome.text
    assert store.notes.recent(1)[0].text == "don't forget the \"milk"
    # Other commands still refuse a line they cannot read.
    assert runner.start("target 'oops").outcome.status == 400
