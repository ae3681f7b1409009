"""pytest plugin: the local HandTerm backend for end-to-end tests.

Load it with `pytest_plugins = ["backend_fixture"]`. Fixtures:
- `backend` (session): ONE server process per test session (per xdist worker) on 127.0.0.1,
  data in a temp dir, faults switch on. Token validity: HANDTERM_TEST_TOKEN_MINUTES (default
  15) and HANDTERM_TEST_REFRESH_DAYS (default 1). See handterm_tui.server.testing.BackendProcess:
  .api_url .cognito_endpoint .region .user_pool_id .client_id .data_dir, new_user(confirmed=True)
  -> (username, password, email), sign_in(), last_code(username, kind=None), set_fault(route,
  mode, count=1, delay=None), clear_faults(), advance_clock(seconds) (the server's clock for lockouts,
  codes and refresh validity, instead of sleeping), stop(), start(), restart(), outage(), cognito(),
  profile(), http (an httpx.Client on api_url).
- `backend_user`: a fresh confirmed user per test, as (username, password, email). It restarts
  the session backend if an earlier test left it stopped, and clears faults afterwards.
- `start_backend(tmp_path, **options)`: your own instance for special options, e.g.
  `start_backend(tmp_path, token_seconds=3, refresh_seconds=6)` or `compat="july2024"`;
  stop it with `.stop()` (or use it as a context manager).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from handterm_tui.server.testing import BackendProcess, start_backend

__all__ = ["BackendProcess", "backend", "backend_user", "start_backend"]


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    proc = BackendProcess(
        tmp_path_factory.mktemp("backend"),
        token_minutes=int(os.environ.get("HANDTERM_TEST_TOKEN_MINUTES", "15")),
        refresh_days=int(os.environ.get("HANDTERM_TEST_REFRESH_DAYS", "1")),
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def backend_user(backend: BackendProcess) -> Iterator[tuple[str, str, str]]:
    backend.ensure_running()
    yield backend.new_user(confirmed=True)
    if backend.running:
        backend.clear_faults()
