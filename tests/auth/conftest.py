"""Fixtures for the auth unit tests (helpers live in authkit.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from authkit import Clock, FakeAuth, make_jwt


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake_auth(clock: Clock) -> FakeAuth:
    return FakeAuth(clock)


@pytest.fixture
def jwt() -> Callable[[dict[str, Any]], str]:
    return make_jwt


@pytest.fixture(scope="module")
def short_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Access tokens of 2 s (refresh tokens: a day): many lifetimes in a few seconds."""
    from handterm_tui.server.testing import start_backend

    proc = start_backend(tmp_path_factory.mktemp("short"), token_seconds=2)
    yield proc
    proc.stop()
