"""A restored Cognito session refreshes (and is checked) with one JSON call each, so the
long-lived process never loads pycognito, boto3 or botocore (~35 MiB); SRP sign-in still
uses pycognito. Against serve-local's Cognito (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from handterm_tui.auth.errors import SessionEnded
from handterm_tui.auth.factory import build
from handterm_tui.config import Config, Profile, Settings

CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from handterm_tui.auth.factory import build
    from handterm_tui.config import Config, Profile, Settings
    profile = Profile(**json.loads(sys.argv[1]))
    config = Config(path=Path(sys.argv[2]), profiles={"b": profile}, default_profile="b",
                    settings=Settings(token_store="file"))
    with build(config, verify_interval=None) as auth:
        status = auth.session.start()
        before = auth.session.ensure_fresh()
        auth.session.refresh_now()
        after = auth.session.ensure_fresh()
        user = auth.authenticator.check(after)
    print(json.dumps({
        "signed_in": status.signed_in, "new_token": after != before, "user": user,
        "heavy": [m for m in ("pycognito", "boto3", "botocore") if m in sys.modules],
    }))
    """
)


def _config(backend: Any, tmp_path: Path) -> Config:
    return Config(
        path=tmp_path / "none.toml",
        profiles={"b": Profile(**backend.profile("b"))},
        default_profile="b",
        settings=Settings(token_store="file"),
    )


def test_a_restored_session_refreshes_without_loading_boto(
    backend: Any,
    backend_user: tuple[str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, password, _ = backend_user
    monkeypatch.setenv("HANDTERM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HANDTERM_TOKEN_STORE", "file")
    with build(_config(backend, tmp_path), verify_interval=None) as auth:
        auth.session.sign_in(user, password)  # SRP through pycognito, as before
        assert auth.session.wait_stored()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(backend.profile("b")), str(tmp_path / "x")],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"signed_in": True, "new_token": True, "user": user, "heavy": []}


def test_a_refresh_token_the_pool_refuses_ends_the_session(
    backend: Any,
    backend_user: tuple[str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, password, _ = backend_user
    monkeypatch.setenv("HANDTERM_HOME", str(tmp_path / "home"))
    with build(_config(backend, tmp_path), verify_interval=None) as auth:
        tokens = auth.authenticator.sign_in(user, password)
        forged = tokens.refreshed(tokens.access_token, tokens.id_token, "not-a-refresh-token")
        with pytest.raises(SessionEnded):
            auth.authenticator.refresh(forged)
