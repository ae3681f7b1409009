"""Dedicated server instances: short token lifetimes, restarts, July 2024 mode, S3, the CLI."""

from __future__ import annotations

import signal
import time
import tomllib
from pathlib import Path

import httpx
import pytest
from botocore.exceptions import ClientError

from handterm_tui import paths
from handterm_tui.server import main as server_main
from handterm_tui.server.testing import PASSWORD, start_backend


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['AccessToken']}"}


def test_short_lifetimes_expire_like_cognito(tmp_path: Path) -> None:
    with start_backend(
        tmp_path, token_seconds=2, refresh_seconds=5, code_seconds=2, demo_user="demo:Demo-pass1!"
    ) as server:
        api = server.http
        tokens = server.sign_in("demo", "Demo-pass1!")  # --demo-user is ready to use
        assert "`ps` shows it" in server.log_tail()  # ... and warns where the password shows
        assert tokens["ExpiresIn"] == 2
        pending, _, _ = server.new_user(confirmed=False)
        code = server.last_code(pending, "signup")
        cog = server.cognito("demo")
        cog.authenticate("Demo-pass1!")
        server.advance_clock(2.2)  # the server's clock, not a sleep
        # The access token has expired: gateway 403, check-session 401, Cognito says so too.
        assert api.get("/getUser", headers=bearer(tokens)).status_code == 403
        assert api.get("/check-session", headers=bearer(tokens)).status_code == 401
        with pytest.raises(ClientError) as info:
            cog.client.get_user(AccessToken=cog.access_token)
        assert "Access Token has expired" in str(info.value)
        expired = api.post("/confirm-signup", json={"username": pending, "confirmationCode": code})
        assert (expired.status_code, expired.json()) == (
            400,
            {"message": "Confirmation code has expired"},
        )
        # The refresh token still works and gives a fresh access token...
        fresh = api.post("/refreshToken", json={"refreshToken": tokens["RefreshToken"]})
        assert fresh.status_code == 200
        assert api.get("/getUser", headers=bearer(fresh.json())).status_code == 200
        server.advance_clock(3.0)
        # ...until its own validity ends: "session over", 401 (Cognito: NotAuthorized).
        late = api.post("/refreshToken", json={"refreshToken": tokens["RefreshToken"]})
        assert (late.status_code, late.json()["message"]) == (401, "Refresh Token has expired")
        with pytest.raises(ClientError) as info:
            cog.renew_access_token()
        assert "Refresh Token has expired" in str(info.value)


def test_state_survives_restart_and_kill(tmp_path: Path) -> None:
    starts: list[float] = []
    started = time.monotonic()
    server = start_backend(tmp_path, write_profile="local", refresh_days=7)
    starts.append(time.monotonic() - started)
    try:
        config = tomllib.loads(paths.config_file().read_text())
        assert config["default_profile"] == "local"
        assert config["profiles"]["local"] == {
            "api_url": server.api_url,
            "region": "us-east-1",
            "user_pool_id": server.user_pool_id,
            "client_id": server.client_id,
            "cognito_endpoint": server.cognito_endpoint,
            "auth": "cognito",
            "refresh_token_validity_days": 7,
        }
        ids = (server.api_url, server.cognito_endpoint, server.user_pool_id, server.client_id)
        username, password, _ = server.new_user()
        tokens = server.sign_in(username, password)
        h = bearer(tokens)
        assert (
            server.http.post(
                "/saveLog", headers=h, json={"key": "wrt/1", "content": "kept"}
            ).status_code
            == 200
        )
        pending, _, _ = server.new_user(confirmed=False)
        code = server.last_code(pending, "signup")

        with server.outage(), pytest.raises(httpx.TransportError):
            httpx.get(server.api_url + "/getUser", timeout=2)

        # Same address, same pool and client, same users, same sessions, same objects.
        assert (
            server.api_url,
            server.cognito_endpoint,
            server.user_pool_id,
            server.client_id,
        ) == ids
        api = server.http
        assert api.get("/getLog", headers=h, params={"key": "wrt"}).json() == ["kept"]
        assert (
            api.post("/refreshToken", json={"refreshToken": tokens["RefreshToken"]}).status_code
            == 200
        )
        assert server.sign_in(username, password)["AccessToken"]
        confirm = {"username": pending, "confirmationCode": code}
        assert api.post("/confirm-signup", json=confirm).status_code == 200

        # SIGKILL: objects are on disk at once; the pool snapshot within its flush interval.
        late, late_pw, _ = server.new_user()
        api.post("/saveLog", headers=h, json={"key": "wrt/2", "content": "also kept"})
        time.sleep(1.2)
        server.kill()
        started = time.monotonic()
        server.start()
        starts.append(time.monotonic() - started)
        assert server.sign_in(late, late_pw)["AccessToken"]
        got = server.http.get("/getLog", headers=h, params={"key": "wrt"}).json()
        assert got == ["also kept", "kept"]
    finally:
        assert server.stop() == 0  # SIGTERM is a clean stop
    assert (tmp_path / "cognito-pool.json").stat().st_mode & 0o077 == 0
    # A plain restart (no --port) comes back on the same ports, so the profile stays valid.
    with start_backend(tmp_path) as again:
        assert (again.api_url, again.cognito_endpoint, again.user_pool_id, again.client_id) == ids
    # The ready line within 3 s (issue, "done when"); the best of three starts, so a load spike
    # on a shared 2-core machine does not fail the suite.
    assert min(starts) < 3.0, starts


def test_july2024_mode(tmp_path: Path) -> None:
    with start_backend(tmp_path, compat="july2024", faults=False) as server:
        api = server.http
        assert api.post("/__faults__", json={}).status_code == 404  # switch off by default
        not_email = api.post(
            "/signUp", json={"username": "plainname", "password": PASSWORD, "email": "a@b.co"}
        )
        assert not_email.status_code == 400
        body = not_email.json()
        assert set(body) == {"error", "request"} and PASSWORD not in not_email.text
        email = f"{server.unique_name()}@example.com"
        signup = api.post("/signUp", json={"username": email, "password": PASSWORD, "email": email})
        assert signup.status_code == 200
        raw = signup.json()
        assert raw["UserConfirmed"] is True and len(raw["UserSub"]) == 36  # auto-confirmed
        signin = api.post("/signIn", json={"username": email, "password": PASSWORD})
        assert signin.status_code == 200
        cookies = signin.headers.get_list("set-cookie")
        assert [c.split("=")[0] for c in cookies] == ["idToken", "accessToken", "refreshToken"]
        tokens = signin.json()
        assert {"AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken"} <= set(tokens)
        wrong = api.post("/signIn", json={"username": email, "password": "Wrong-pass1!"})
        assert (wrong.status_code, wrong.json()) == (400, "Incorrect username or password.")
        refresh = api.post("/refreshToken", json={"refreshToken": tokens["RefreshToken"]})
        assert set(refresh.json()) == {"IdToken", "AccessToken"}
        bad = api.post("/refreshToken", json={"refreshToken": "garbage"})
        assert (bad.status_code, bad.json()) == (500, {"message": "Invalid Refresh Token"})
        h = bearer(tokens)
        none = api.get("/getUser", headers=h)
        assert (none.status_code, none.json()) == (404, {"message": "Profile does not exist yet"})
        api.post("/setUser", headers=h, json={"profile": "# me"})
        profile = api.get("/getUser", headers=h).json()
        assert profile == {"userId": raw["UserSub"], "content": "# me"}  # userId is the UUID
        assert api.post("/listLog", headers=h, json={"logDomain": "wrt"}).json() == {"body": []}
        api.post("/saveLog", headers=h, json={"key": "wrt/5", "content": "x", "extension": "txt"})
        listed = api.post("/listLog", headers=h, json={"logDomain": "wrt"}).json()
        assert listed == {"body": [f"user_data/{raw['UserSub']}/logs/wrt/5.txt"]}
        for path in ("/signOut", "/confirm-signup", "/check-session", "/getFile", "/putFile"):
            assert api.post(path, json={}).status_code == 404, path
        assert server.stop(sig=signal.SIGINT) == 0  # Ctrl+C is a clean stop


def test_s3_storage_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with start_backend(tmp_path, s3_bucket="handterm", s3_endpoint="local") as server:
        username, password, _ = server.new_user()
        h = bearer(server.sign_in(username, password))
        api = server.http
        for i in range(5):
            api.post("/saveLog", headers=h, json={"key": f"wrt/{100 + i}", "content": f"s{i}"})
        assert api.get("/getLog", headers=h, params={"key": "wrt", "limit": 2}).json() == [
            "s4",
            "s3",
        ]
        assert len(api.post("/listLog", headers=h, json={"logDomain": "wrt"}).json()["body"]) == 5
        api.post("/putFile", headers=h, json={"key": "a", "content": "", "extension": "md"})
        assert api.get("/getFile", headers=h, params={"key": "a", "extension": "md"}).json() == {
            "content": ""
        }
        assert not (tmp_path / "user_data").exists()  # nothing on disk: it went to the bucket

        from handterm_tui.server.storage import S3Storage

        store = S3Storage("handterm", server.s3_endpoint, "us-east-1")
        store.page_size = 2  # read every page, not just the first
        assert store.newest_logs(username, "wrt", 3) == [
            "wrt/104.json",
            "wrt/103.json",
            "wrt/102.json",
        ]


def test_demo_user_from_the_environment_and_cors_origins(tmp_path: Path) -> None:
    import httpx

    env = {"HANDTERM_DEMO_USER": "envdemo:Env-pass1!x"}
    mine = "http://127.0.0.1:4000"
    with start_backend(tmp_path, env=env, faults=False, cors_origin=mine) as server:
        assert server.sign_in("envdemo", "Env-pass1!x")["AccessToken"]
        assert server._proc is not None
        cmdline = Path(f"/proc/{server._proc.pid}/cmdline")
        if cmdline.exists():
            assert b"Env-pass1!x" not in cmdline.read_bytes()
        assert "WARNING" not in server.log_tail()
        # --cors-origin replaces the default origins
        for origin, allowed in ((mine, True), ("http://localhost:5173", False)):
            reply = httpx.options(
                server.api_url + "/signIn",
                headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            )
            assert reply.status_code == 204
            assert (reply.headers.get("access-control-allow-origin") == origin) is allowed


def test_cli_arguments() -> None:
    assert server_main._is_loopback("127.0.0.1") and server_main._is_loopback("::1")
    assert server_main._is_loopback("localhost") and not server_main._is_loopback("0.0.0.0")
    assert server_main.main(["--demo-user", "nopassword"]) == 2
    assert server_main.main(["--write-profile", "bad name"]) == 2
    both = server_main._parser().parse_args(["--cors-origin", "http://a", "--cors-origin", "*"])
    assert both.cors_origin == ["http://a", "*"]
    with pytest.raises(SystemExit):
        server_main.main(["--compat", "1999"])


def test_a_broken_pool_snapshot_is_kept_aside(tmp_path: Path) -> None:
    (tmp_path / "cognito-pool.json").write_text('{"version": 1, "pool_id": ')
    with start_backend(tmp_path) as server:
        assert server.new_user()  # a fresh pool works
        assert "moved to" in server.log_tail()
    assert (tmp_path / "cognito-pool.json.broken").read_text().startswith('{"version": 1')
