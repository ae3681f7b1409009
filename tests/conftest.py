"""Shared test set-up: every test gets its own HANDTERM_HOME, UTC local time, and no
developer config. App factories here are deterministic (no blink, fixed clocks)."""

from __future__ import annotations

import importlib.util
import itertools
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# The local backend fixture (tests/backend_fixture.py) starts `handterm serve-local`.
pytest_plugins = ["backend_fixture"] if importlib.util.find_spec("backend_fixture") else []

FIXED_NOW = datetime(2026, 11, 27, 14, 5, 9, 120000, tzinfo=UTC)


@pytest.fixture(autouse=True)
def handterm_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("handterm-home")
    monkeypatch.setenv("HANDTERM_HOME", str(home))
    for var in list(os.environ):
        if var.startswith("HANDTERM_") and var != "HANDTERM_HOME":
            monkeypatch.delenv(var)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("HANDTERM_TOKEN_STORE", "file")  # never touch a developer's keyring
    time.tzset()
    return home


class FakeClock:
    """Wall clock frozen at FIXED_NOW unless advanced; monotonic ms steps per keystroke."""

    def __init__(self, step_ms: float = 150.0) -> None:
        self.now = FIXED_NOW
        self._ms = itertools.count(start=1000.0, step=step_ms)

    def wall(self) -> datetime:
        return self.now

    def monotonic_ms(self) -> float:
        return float(next(self._ms))


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(fake_clock: FakeClock) -> Callable[..., Any]:
    """Build the app the way the CLI does, but deterministic."""

    def factory(**overrides: Any) -> Any:
        from handterm_tui import config as config_mod
        from handterm_tui.app_factory import build_services, open_store
        from handterm_tui.ui.app import HandtermApp

        cfg = overrides.pop("config", None) or config_mod.load()
        store = overrides.pop("store", None) or open_store()
        return HandtermApp(
            cfg,
            store,
            services=overrides.pop("services", None) or build_services(cfg, store),
            clock=overrides.pop("clock", fake_clock.wall),
            monotonic_ms=overrides.pop("monotonic_ms", fake_clock.monotonic_ms),
            cursor_blink=False,
            # Keys right after a screen opens are dropped for 0.4 s in real use; off here
            # (real time would make Pilot tests flaky) unless a test sets it with a clock.
            key_guard_s=overrides.pop("key_guard_s", 0.0),
            **overrides,
        )

    return factory


@pytest.fixture
def store() -> Iterator[Any]:
    from handterm_tui.app_factory import open_store

    s = open_store()
    yield s
    s.close()
