"""The Lambda path (moto in server mode, the HTTP API stand-in, Mangum) as the `backend`.

Overrides tests/backend_fixture.py's `backend` for tests in this folder, so the contract tests
written against serve-local (tests/server/test_server_{auth,data}_routes.py) run here unchanged.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

pytest.importorskip("mangum", reason="needs the aws extra")

from handterm_tui.aws.testing import LambdaBackend

SERVER_TESTS = Path(__file__).resolve().parent.parent / "server"


@pytest.fixture(autouse=True)
def moto_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 in these tests talks to moto only: fake keys, never a developer's own."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def load_server_tests(name: str) -> ModuleType:
    """Import a serve-local test module under another name (its tests re-run here)."""
    alias = f"lambda_path_{name}"
    if alias in sys.modules:
        return sys.modules[alias]
    spec = importlib.util.spec_from_file_location(alias, SERVER_TESTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LambdaBackend]:
    proc = LambdaBackend(
        tmp_path_factory.mktemp("lambda"),
        token_minutes=int(os.environ.get("HANDTERM_TEST_TOKEN_MINUTES", "15")),
        refresh_days=int(os.environ.get("HANDTERM_TEST_REFRESH_DAYS", "1")),
        # serve-local's pool reports unknown users (404); the stack hides them (see
        # test_lambda_path.py), so the shared contract runs against a LEGACY client
        show_user_existence=True,
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def api(backend: LambdaBackend) -> Iterator[httpx.Client]:
    backend.ensure_running()
    with httpx.Client(base_url=backend.api_url, timeout=30.0) as client:
        yield client


@pytest.fixture
def session(backend: LambdaBackend, backend_user: tuple[str, str, str]) -> dict[str, Any]:
    username, password, email = backend_user
    tokens = backend.sign_in(username, password)
    return {
        **tokens,
        "username": username,
        "password": password,
        "email": email,
        "headers": {"Authorization": f"Bearer {tokens['AccessToken']}"},
    }
