"""`handterm login | logout | status` against the local backend: exit statuses, and no
password or token anywhere under HANDTERM_HOME except the token store."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from authkit import cli_login, config_for

from handterm_tui import cli_auth, paths
from handterm_tui.config import Config

pytestmark = pytest.mark.xdist_group("auth-e2e")


login = cli_login


def status(config: Config, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = cli_auth.status_main(config, as_json=True)
    return code, json.loads(capsys.readouterr().out)


def test_status_tells_the_four_states_apart(
    backend: Any,
    backend_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user, password, _ = backend_user
    config = config_for(backend)
    assert status(config, capsys)[0] == 1

    assert login(config, user, "wrong-Passw0rd!", monkeypatch) == 1
    assert login(config, user, password, monkeypatch) == 0
    out = capsys.readouterr().out
    assert f"Signed in as {user}." in out and "readable only by you" in out

    code, data = status(config, capsys)
    assert code == 0
    assert data["state"] == "signed_in" and data["username"] == user
    assert data["seconds_left"] > 0 and data["refresh_expected_expiry"].endswith("Z")

    with backend.outage():
        code, data = status(config, capsys)
        assert code == 4
        assert data["state"] == "unreachable"
    assert status(config, capsys)[0] == 0  # back, same tokens

    # Sign out elsewhere (another device): every refresh token of the user is revoked.
    other = backend.sign_in(user, password)["AccessToken"]
    backend.http.post("/signOut", headers={"Authorization": f"Bearer {other}"})
    code, data = status(config, capsys)
    assert (code, data["state"]) == (3, "session_ended")
    assert status(config, capsys)[0] == 3  # still said after the tokens are gone
    cli_auth.status_main(config, as_json=False)
    assert "ended — run `handterm login`. Nothing local was lost." in capsys.readouterr().out

    assert cli_auth.logout_main(config) == 0
    assert status(config, capsys)[0] == 1
    assert not paths.token_file().exists()


def test_login_usage_errors(monkeypatch: pytest.MonkeyPatch, backend: Any) -> None:
    config = config_for(backend)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli_auth.login_main(config, None, password_stdin=True) == 2
    assert cli_auth.login_main(config, "alice", password_stdin=False) == 2  # no tty
    assert cli_auth.login_main(config, "alice", password_stdin=True) == 2  # empty password


def test_not_configured(capsys: pytest.CaptureFixture[str]) -> None:
    empty = Config(path=Path("/nonexistent"))
    assert cli_auth.status_main(empty, as_json=False) == 1
    assert "No server is configured" in capsys.readouterr().out


def test_no_secret_on_disk_except_the_token_store(
    backend: Any,
    backend_user: Any,
    handterm_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user, password, _ = backend_user
    log_file = paths.log_file()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("handterm")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        config = config_for(backend)
        assert login(config, user, password, monkeypatch) == 0
        stored = json.loads(paths.token_file().read_text())["profiles"]["local"]["tokens"]
        assert status(config, capsys)[0] == 0
        from handterm_tui.auth.factory import build

        with build(config, verify_interval=None) as system:
            system.session.start()
            system.api.save_log("wrt/1", "note", "txt")
            system.session.force_refresh(system.session.ensure_fresh())
            fresh = system.store.load()
        assert cli_auth.logout_main(config) == 0
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()
    printed = capsys.readouterr()
    secrets = {password, stored["access_token"], stored["refresh_token"], stored["id_token"]}
    secrets |= {fresh.access_token, fresh.id_token}  # type: ignore[union-attr]
    assert "signed in as" in log_file.read_text().lower()  # the log was written
    for path in handterm_home.rglob("*"):
        if path.is_file() and path != paths.token_file():
            text = path.read_text(errors="replace")
            assert not any(secret in text for secret in secrets), f"secret in {path}"
    assert not any(secret in printed.out + printed.err for secret in secrets)


def test_exec_whoami_knows_the_signed_in_user(
    backend: Any,
    backend_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from handterm_tui.cli_exec import run_exec

    user, password, _ = backend_user
    config = config_for(backend)
    assert run_exec(config, ["whoami"]) == 0
    assert capsys.readouterr().out.startswith("guest")
    assert login(config, user, password, monkeypatch) == 0
    capsys.readouterr()
    assert run_exec(config, ["whoami"]) == 0
    assert capsys.readouterr().out.strip() == user
