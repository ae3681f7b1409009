"""Fixtures for the auth unit tests (helpers live in authkit.py)."""

from __future__ import annotations

from collections.abc import Callable
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
