"""Fixtures for the server's own tests, on top of tests/backend_fixture.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from handterm_tui.server.testing import BackendProcess


@pytest.fixture
def api(backend: BackendProcess) -> Iterator[httpx.Client]:
    backend.ensure_running()
    with httpx.Client(base_url=backend.api_url, timeout=30.0) as client:
        yield client


@pytest.fixture
def session(backend: BackendProcess, backend_user: tuple[str, str, str]) -> dict[str, Any]:
    """A signed-in fresh user: tokens plus `username`, `password`, `email`, `headers`."""
    username, password, email = backend_user
    tokens = backend.sign_in(username, password)
    return {
        **tokens,
        "username": username,
        "password": password,
        "email": email,
        "headers": {"Authorization": f"Bearer {tokens['AccessToken']}"},
    }
