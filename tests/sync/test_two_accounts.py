"""Two people, one machine, one store, the real local backend: every record reaches only the
account it was made under, and what is made signed out joins an account only on a yes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from synckit import config_for, login, server_keys

from handterm_tui import cli_logs
from handterm_tui.auth.errors import NotSignedIn
from handterm_tui.commands import Context, Runner
from handterm_tui.core.owner import NOBODY
from handterm_tui.online import OnlineServices
from handterm_tui.store import Store
from handterm_tui.store.log_index import LogIndex

pytestmark = pytest.mark.xdist_group("sync-e2e")


def terminal(backend: Any, store: Store) -> tuple[Context, Runner]:
    """What one run of handterm has: its services on the shared store, and a prompt."""
    services = OnlineServices(config_for(backend), store, verify_interval=None)
    ctx = Context(config=services.config, store=store, services=services, interactive=False)
    services.start()
    return ctx, Runner(ctx)


def type_line(runner: Runner, line: str, *secrets: str) -> Any:
    run = runner.start(line)
    if secrets:
        run = runner.finish(run, *secrets)
    return run


def notes_on_server(backend: Any, user: str) -> list[str]:
    return [k for k in server_keys(backend, user) if k.startswith("wrt/")]


def test_one_persons_queue_never_uploads_into_another_account(
    backend: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    dana, dana_pw, _ = backend.new_user(confirmed=True)
    bob, bob_pw, _ = backend.new_user(confirmed=True)
    config = config_for(backend)

    ctx, runner = terminal(backend, store)
    assert type_line(runner, f"login {dana}", dana_pw).outcome.ok
    type_line(runner, "wrt dana's private note")
    # Her note still waits when she leaves: `logout` says so and keeps it for her.
    out = type_line(runner, "logout").outcome.text
    assert f"Kept here for {dana}: 3 items" in out
    # Her `logout` is hers too: nothing of hers is left for whoever signs in next.
    assert store.records.page(viewer=NOBODY).records == []
    ctx.services.close()

    ctx, runner = terminal(backend, store)  # bob, same machine, same store
    assert type_line(runner, f"login {bob}", bob_pw).outcome.ok
    type_line(runner, "wrt bob's note")
    assert type_line(runner, "sync").outcome.ok
    assert len(notes_on_server(backend, bob)) == 1  # his own, nothing of dana's
    # Bob's local views never show dana's items.
    assert "dana's private note" not in type_line(runner, "wrt").outcome.text
    assert all(dana not in line for line in store.records.history_lines(100, viewer=ctx.owner()))
    index = LogIndex(store, viewer=ctx.owner())
    assert all("dana" not in row.line for row in index.iter_rows())
    outbox = type_line(runner, "outbox").outcome.text
    assert "of other accounts wait for them" in outbox and "dana" not in outbox
    ctx.services.close()

    # Dana signs in again (the CLI): her note goes to her account, and only there.
    login(config, dana, dana_pw, monkeypatch)
    assert cli_logs.sync_main(config, as_json=True) == 0
    assert len(notes_on_server(backend, dana)) == 1
    assert len(notes_on_server(backend, bob)) == 1


def test_what_is_made_signed_out_joins_an_account_only_on_a_yes(
    backend: Any, store: Store, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    user, password, _ = backend.new_user(confirmed=True)
    config = config_for(backend)
    ctx, runner = terminal(backend, store)
    for i in range(3):
        type_line(runner, f"wrt written signed out {i}")
    run = type_line(runner, f"login {user}", password)
    assert run.waiting  # a question follows the sign-in
    asked = run.outcome.action.question  # type: ignore[union-attr]
    assert "records and 3 notes made while signed out" in asked and user in asked
    run = runner.choose(run, None)  # Esc / no answer: the safe default
    assert run.outcome.ok and "Kept apart" in run.outcome.text
    assert type_line(runner, "sync").outcome.ok
    assert notes_on_server(backend, user) == []
    assert "written signed out" not in type_line(runner, "wrt").outcome.text
    ctx.services.close()

    # The scripted way to say yes.
    capsys.readouterr()
    assert cli_logs.sync_main(config, as_json=False, include_signed_out=True) == 0
    assert "made while signed out to this account" in capsys.readouterr().out
    assert len(notes_on_server(backend, user)) == 3


def test_items_made_after_a_session_ended_elsewhere_are_nobodys(backend: Any, store: Store) -> None:
    user, password, _ = backend.new_user(confirmed=True)
    ctx, runner = terminal(backend, store)
    type_line(runner, f"login {user}", password)
    session = ctx.services.auth().session
    token = session.ensure_fresh()
    backend.http.post("/signOut", headers={"Authorization": f"Bearer {token}"})
    session.verify()  # the next check finds the session ended
    assert not ctx.owner().signed_in
    type_line(runner, "wrt typed after the end")
    (note,) = [n for n in store.notes.recent(10) if n.text == "typed after the end"]
    assert note.owner.account is None  # offered at the next sign-in, never assumed
    ctx.services.close()


def test_an_upload_bound_to_one_account_never_sends_anothers_tokens(
    backend: Any, store: Store
) -> None:
    dana, dana_pw, _ = backend.new_user(confirmed=True)
    bob, bob_pw, _ = backend.new_user(confirmed=True)
    ctx, _runner = terminal(backend, store)
    session = ctx.services.auth().session
    session.sign_in(dana, dana_pw)
    sync = ctx.services.sync
    assert sync is not None
    as_dana = sync.api_for(ctx.owner())
    session.sign_in(bob, bob_pw)  # someone else signs in midway
    with pytest.raises(NotSignedIn):
        as_dana.save_log("wrt/1", "for dana only", "txt")
    assert notes_on_server(backend, bob) == []
    ctx.services.close()


def test_logout_on_the_cli_keeps_or_uploads_first(
    backend: Any, store: Store, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from handterm_tui import cli_auth

    user, password, _ = backend.new_user(confirmed=True)
    config = config_for(backend)
    ctx, runner = terminal(backend, store)
    type_line(runner, f"login {user}", password)
    type_line(runner, "wrt one")
    ctx.services.close()
    capsys.readouterr()
    assert cli_auth.logout_main(config) == 0
    out = capsys.readouterr().out
    assert f"Kept here for {user}: 3 items" in out
    assert notes_on_server(backend, user) == []

    login(config, user, password, monkeypatch)
    capsys.readouterr()
    assert cli_auth.logout_main(config, sync_first=True) == 0
    out = capsys.readouterr().out
    assert "Uploaded" in out and "Signed out" in out
    assert len(notes_on_server(backend, user)) == 1


def test_a_store_from_before_owners_keeps_every_item(tmp_path: Path) -> None:
    import sqlite3

    from handterm_tui.store.db import _statements
    from handterm_tui.store.schema import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO records (created_at, line, name, remote_key) "
        "VALUES ('2026-01-01T00:00:00.000Z', 'help', 'help', 'command_2026-01-01T00:00:00.000Z')"
    )
    conn.execute("INSERT INTO notes (created_ms, text, remote_key) VALUES (1, 'old note', 'wrt/1')")
    conn.execute(
        "INSERT INTO outbox (key, extension, note_id, part, created_at) "
        "VALUES ('wrt/1', 'txt', 1, 'note', '2026-01-01T00:00:00.000Z')"
    )
    conn.commit()
    conn.close()

    store = Store(path)
    assert store.db.schema_version == len(MIGRATIONS)
    assert [r.line for r in store.records.page(viewer=NOBODY).records] == ["help"]
    assert [n.text for n in store.notes.recent(10, viewer=NOBODY)] == ["old note"]
    assert store.outbox.count(owner=NOBODY) == 1
    unowned = store.owners.unowned("local")
    assert (unowned.records, unowned.notes, unowned.queued) == (1, 1, 1)
    store.close()


def test_outbox_json_counts_only_the_viewers(store: Store) -> None:
    from handterm_tui.core.owner import Owner
    from handterm_tui.core.records import Record

    mine = Owner("p", "pool/me", "me")
    other = Owner("p", "pool/other", "other")
    store.records.add(Record(line="a", name="a", owner=mine))
    store.records.add(Record(line="b", name="b", owner=other))
    store.records.add(Record(line="c", name="c"))
    census = store.outbox.census(mine)
    assert (census.mine, census.other_accounts, census.signed_out) == (1, 1, 1)
    assert json.dumps(census.__dict__)  # plain numbers, nothing of another account
