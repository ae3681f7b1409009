"""Run the local backend in a child process for tests and benchmarks.

`BackendProcess` starts `python -m handterm_tui.server.main` on free loopback ports, reads the
JSON ready line, and keeps the ports so `stop()`/`start()` can simulate an outage and come back on
the same address with the same data. It talks to the server only over HTTP (httpx), never to
moto directly, so what tests see is what a client sees.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "Passw0rd!x"  # satisfies the pool policy (upper, lower, digit, symbol, 8+)
READY_TIMEOUT = 20.0
_CODE_RE = re.compile(r"^handterm-server: (\w+) code for (.+): (\d+)$")
_counter = itertools.count()
_LIVE: set[subprocess.Popen[str]] = set()


@atexit.register
def _kill_leftovers() -> None:
    """Never leave a server behind when the test process ends (e.g. a failed assertion)."""
    for proc in list(_LIVE):
        if proc.poll() is None:
            proc.kill()


class BackendError(RuntimeError):
    pass


class BackendProcess:
    """One backend server process and handy calls against it."""

    def __init__(self, data_dir: Path, **options: Any) -> None:
        self.data_dir = Path(data_dir)
        self.options = {"faults": True, **options}
        self.log_path = self.data_dir / "server.log"
        self.api_url = self.cognito_endpoint = self.user_pool_id = self.client_id = ""
        self.region = "us-east-1"
        self.s3_endpoint = self.codes_file = ""
        self._port = int(self.options.pop("port", 0))
        self._cognito_port = int(self.options.pop("cognito_port", 0))
        self.env: dict[str, str] = dict(self.options.pop("env", None) or {})
        self._proc: subprocess.Popen[str] | None = None
        self._http: httpx.Client | None = None

    # -- process control -------------------------------------------------------------------

    def argv(self) -> list[str]:
        args = [sys.executable, "-m", "handterm_tui.server.main", "--host", "127.0.0.1"]
        args += ["--port", str(self._port), "--cognito-port", str(self._cognito_port)]
        args += ["--data-dir", str(self.data_dir)]
        for name, value in self.options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value not in (None, False):
                args += [flag, str(value)]
        return args

    def start(self) -> BackendProcess:
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.pop("HANDTERM_SERVER_FAULTS", None)
        env.pop("HANDTERM_DEMO_USER", None)
        env.update(self.env)
        with open(self.log_path, "a", encoding="utf-8") as log:
            proc = subprocess.Popen(
                self.argv(),
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                text=True,
                env=env,
            )
        self._proc = proc
        _LIVE.add(proc)
        lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        out = proc.stdout
        threading.Thread(target=lambda: lines.put(out.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            self.kill()
            raise BackendError(
                f"backend not ready in {READY_TIMEOUT}s; log: {self.log_path}"
            ) from None
        if not line:
            code = proc.wait()
            raise BackendError(f"backend exited ({code}): {self.log_tail()}")
        ready = json.loads(line)
        self.api_url, self.cognito_endpoint = ready["api_url"], ready["cognito_endpoint"]
        self.region, self.user_pool_id = ready["region"], ready["user_pool_id"]
        self.client_id = ready["client_id"]
        self.s3_endpoint = ready.get("s3_endpoint", "")
        self.codes_file = ready.get("codes_file", "")
        self._port = int(self.api_url.rsplit(":", 1)[1])
        self._cognito_port = int(self.cognito_endpoint.rsplit(":", 1)[1])
        return self

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 10.0, sig: int = signal.SIGTERM) -> int | None:
        """Stop gracefully (SIGTERM or SIGINT: the pool snapshot is flushed); the exit code."""
        proc, self._proc = self._proc, None
        if self._http is not None:
            self._http.close()
            self._http = None
        if proc is None:
            return None
        _LIVE.discard(proc)
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        return proc.returncode

    def kill(self) -> None:
        """Stop abruptly (SIGKILL): what survives is what was already on disk."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self.stop()

    def restart(self) -> BackendProcess:
        self.stop()
        return self.start()

    @contextlib.contextmanager
    def outage(self) -> Iterator[None]:
        """The server is down inside the block and back (same port, same data) after it."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def ensure_running(self) -> BackendProcess:
        return self.start()

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def __enter__(self) -> BackendProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- calls -----------------------------------------------------------------------------

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(base_url=self.api_url, timeout=10.0)
        return self._http

    @property
    def compat(self) -> str | None:
        value = self.options.get("compat")
        return str(value) if value else None

    def unique_name(self, prefix: str = "user") -> str:
        return f"{prefix}{os.getpid()}x{next(_counter)}x{uuid.uuid4().hex[:6]}"

    def new_user(self, confirmed: bool = True, password: str = PASSWORD) -> tuple[str, str, str]:
        """Sign up a fresh user through the API (and confirm it with the delivered code).

        Returns (username to sign in with, password, email). In July 2024 mode the username is
        the email and sign-ups confirm themselves.
        """
        name = self.unique_name()
        email = f"{name}@example.com"
        username = email if self.compat == "july2024" else name
        reply = self.http.post(
            "/signUp", json={"username": username, "password": password, "email": email}
        )
        if reply.status_code != 200:
            raise BackendError(f"signUp failed: {reply.status_code} {reply.text}")
        code = reply.headers.get("x-moto-signup-confirmation-code")
        if confirmed and code:
            done = self.http.post(
                "/confirm-signup", json={"username": username, "confirmationCode": code}
            )
            if done.status_code != 200:
                raise BackendError(f"confirm failed: {done.status_code} {done.text}")
        return username, password, email

    def sign_in(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        reply = self.http.post("/signIn", json={"username": username, "password": password})
        if reply.status_code != 200:
            raise BackendError(f"signIn failed: {reply.status_code} {reply.text}")
        tokens: dict[str, Any] = reply.json()
        return tokens

    def codes(self, username: str, kind: str | None = None) -> list[str]:
        """Codes the server delivered (to its log) for this user, oldest first."""
        wanted = username.casefold()
        found = []
        for line in self.log_tail(10_000_000).splitlines():
            match = _CODE_RE.match(line)
            if (
                match
                and match.group(2).casefold() == wanted
                and (kind is None or match.group(1) == kind)
            ):
                found.append(match.group(3))
        return found

    def last_code(self, username: str, kind: str | None = None, wait: float = 2.0) -> str | None:
        """The newest sign-up ("signup") or password-reset ("reset") code for a user."""
        deadline = time.monotonic() + wait
        while True:
            found = self.codes(username, kind)
            if found or time.monotonic() >= deadline:
                return found[-1] if found else None
            time.sleep(0.02)

    def admin(self, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `handterm serve-local admin ARGS` on this server's data dir."""
        env = dict(os.environ)
        env.pop("HANDTERM_ADMIN_PASSWORD", None)
        if password is not None:
            env["HANDTERM_ADMIN_PASSWORD"] = password
        argv = [sys.executable, "-m", "handterm_tui.server.main", "admin"]
        argv += ["--data-dir", str(self.data_dir), *args]
        return subprocess.run(
            argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=30
        )

    def set_fault(
        self, route: str, mode: str, count: int = 1, delay: float | None = None
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {"route": route, "mode": mode, "count": count}
        if delay is not None:
            spec["delay"] = delay
        reply = self.http.post("/__faults__", json=spec)
        if reply.status_code != 200:
            raise BackendError(f"fault switch refused: {reply.status_code} {reply.text}")
        result: dict[str, Any] = reply.json()
        return result

    def clear_faults(self) -> None:
        self.http.delete("/__faults__")

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock forward instead of sleeping through a lifetime."""
        reply = self.http.post("/__clock__", json={"advance": seconds})
        if reply.status_code != 200:
            raise BackendError(f"clock switch refused: {reply.status_code} {reply.text}")

    def profile(self, name: str = "local") -> dict[str, Any]:
        """The fields of a handterm config profile for this server."""
        return {
            "name": name,
            "api_url": self.api_url,
            "region": self.region,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "cognito_endpoint": self.cognito_endpoint,
            "auth": "cognito",
        }

    def jwks(self) -> dict[str, Any]:
        url = f"{self.cognito_endpoint}/{self.user_pool_id}/.well-known/jwks.json"
        data: dict[str, Any] = httpx.get(url, timeout=10.0).json()
        return data

    def cognito(self, username: str | None = None, **kwargs: Any) -> Any:
        """A pycognito `Cognito` wired to this server (endpoint, issuer and JWKS: recipe C)."""
        from pycognito import Cognito

        cog = Cognito(
            self.user_pool_id,
            self.client_id,
            user_pool_region=self.region,
            username=username,
            boto3_client_kwargs={
                "endpoint_url": self.cognito_endpoint,
                "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
            },
            **kwargs,
        )
        cog.pool_domain_url = None
        cog.pool_jwk = self.jwks()
        return cog


def start_backend(data_dir: Path, **options: Any) -> BackendProcess:
    """Start a backend with its own data dir; options are serve-local flags with `_` for `-`
    (token_minutes, token_seconds, refresh_days, refresh_seconds, compat, auto_confirm,
    demo_user, s3_bucket, s3_endpoint, port, cognito_port, faults=True by default), plus
    env={...} for extra environment variables (e.g. HANDTERM_DEMO_USER)."""
    return BackendProcess(Path(data_dir), **options).start()
