"""Fixtures for the sign-in screen tests (helpers live in uikit.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from uikit import online_services as make_online_services


@pytest.fixture
def online_services() -> Iterator[Callable[[Any, Any], Any]]:
    """OnlineServices for the backend, closed after the test."""
    made: list[Any] = []

    def make(backend: Any, store: Any) -> Any:
        made.append(make_online_services(backend, store))
        return made[-1]

    yield make
    for services in made:
        services.close()
