"""The July 2024 API's shapes, from a real server: `serve-local --compat july2024` and an
`auth = "api"` profile (sign-in through the API, refresh replies without a refresh token,
bare-string errors), end to end through handterm's own client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_auth_logout_cognito import api_config

from handterm_tui.api.client import HandTermApi
from handterm_tui.auth import errors as e
from handterm_tui.auth.api_auth import ApiAuth
from handterm_tui.commands import Context, Runner
from handterm_tui.online import OnlineServices
from handterm_tui.server.testing import BackendProcess, start_backend
from handterm_tui.store import Store

pytestmark = pytest.mark.xdist_group("auth-e2e")


@pytest.fixture(scope="module")
def july(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    proc = start_backend(tmp_path_factory.mktemp("july-e2e"), compat="july2024")
    yield proc
    proc.stop()


def test_sign_in_refresh_and_errors_in_the_july_shapes(july: BackendProcess) -> None:
    user, password, _ = july.new_user()
    with HandTermApi(july.api_url) as api:
        auth = ApiAuth(api)
        with pytest.raises(e.WrongCredentials):
            auth.sign_in(user, password + "x")
        tokens = auth.sign_in(user, password)
        fresh = auth.refresh(tokens)
        # July's refresh reply carries no refresh token: the old one is kept, and works again.
        assert fresh.refresh_token == tokens.refresh_token
        assert fresh.access_token and auth.refresh(fresh).access_token
        auth.check(fresh.access_token)  # the session holds (a revoked one would raise)


def test_a_note_uploads_and_lists_through_the_july_api(july: BackendProcess, store: Store) -> None:
    user, password, _ = july.new_user()
    services = OnlineServices(api_config(july), store, verify_interval=None, probe_interval=None)
    ctx = Context(config=services.config, store=store, services=services, interactive=False)
    runner = Runner(ctx)
    services.auth().session.sign_in(user, password)
    assert runner.start("wrt said in july").outcome.ok
    assert runner.start("sync").outcome.ok
    waiting = store.outbox.items(10, owner=ctx.owner())
    assert [i.key.split("_")[0] for i in waiting] == ["command"]  # the `sync` line's own record
    listed = services.auth().api.list_log("wrt/", 10)
    assert len(listed) == 1 and Path(listed[0]).name.endswith(".txt")
    services.close()
