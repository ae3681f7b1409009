"""`handterm serve-local`: the HandTerm API and an emulated Cognito in one process.

moto's werkzeug server (a client's Cognito actions only, see gate.py; S3 with `--s3-bucket B
--s3-endpoint local` on a second, loopback-only port) runs in a thread; uvicorn serves the API on the main thread. When both listen, exactly one JSON line goes
to stdout: {"api_url", "cognito_endpoint", "region", "user_pool_id", "client_id"}. Everything else
(warnings, codes, errors) goes to stderr. SIGINT/SIGTERM stop both and flush the pool snapshot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

REGION = "us-east-1"
CODES_FILE = "codes.txt"
DEMO_ENV = "HANDTERM_DEMO_USER"  # NAME:PASSWORD, kept out of `ps` (unlike --demo-user)
_PROFILE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="handterm serve-local",
        description="Run the HandTerm API locally with an emulated (hardened) Cognito.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="API port (default: a free one)")
    p.add_argument("--cognito-port", type=int, default=0, help="Cognito port (default: free)")
    p.add_argument("--data-dir", type=Path, help="where objects and the pool snapshot live")
    p.add_argument("--write-profile", metavar="NAME", help="add this profile to handterm's config")
    p.add_argument(
        "--demo-user",
        metavar="NAME:PASSWORD",
        help=f"create a confirmed user (visible in `ps`: prefer ${DEMO_ENV})",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--token-minutes", type=int, help="access/ID token validity (default 60)")
    g.add_argument("--token-seconds", type=int, help=argparse.SUPPRESS)  # for tests
    h = p.add_mutually_exclusive_group()
    h.add_argument("--refresh-days", type=int, help="refresh token validity (default 30)")
    h.add_argument("--refresh-seconds", type=int, help=argparse.SUPPRESS)  # for tests
    p.add_argument("--code-seconds", type=int, help=argparse.SUPPRESS)  # for tests
    p.add_argument(
        "--cors-origin",
        action="append",
        metavar="ORIGIN",
        help="an origin browsers may call the API from (repeatable; default "
        "http://localhost:5173 and https://handterm.com; '*' for any)",
    )
    p.add_argument("--compat", choices=["july2024"], help="reproduce the July 2024 API shapes")
    p.add_argument("--auto-confirm", action="store_true", help="confirm sign-ups without a code")
    p.add_argument("--faults", action="store_true", help="enable the test-only /__faults__ switch")
    p.add_argument("--s3-bucket", help="store objects in this S3 bucket instead of on disk")
    p.add_argument("--s3-endpoint", help="S3 endpoint URL, or 'local' for the embedded moto S3")
    return p


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _default_data_dir() -> Path:
    from handterm_tui import paths

    return paths.data_dir() / "server"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only when proto says TCP; proto 0
    # would leave Nagle on and add ~40 ms (delayed ACK) to every keep-alive response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _MotoThread:
    """moto's WSGI app on werkzeug in a daemon thread, behind a gate: `cognito` answers only a
    client app's Cognito actions (gate.py); `s3` answers only S3 (for `--s3-endpoint local`)."""

    def __init__(self, host: str, port: int, serves: str = "cognito") -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from . import gate

        dispatcher = DomainDispatcherApplication(create_backend_app)
        app = gate.client_only(dispatcher) if serves == "cognito" else gate.s3_only(dispatcher)

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = make_server(
            host, port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), name="moto", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(timeout=5)


def _settings(args: argparse.Namespace) -> Any:
    from .poolstore import PoolSettings

    access = 3600
    if args.token_minutes is not None:
        access = args.token_minutes * 60
    elif args.token_seconds is not None:
        access = args.token_seconds
    refresh = 30 * 86400
    if args.refresh_days is not None:
        refresh = args.refresh_days * 86400
    elif args.refresh_seconds is not None:
        refresh = args.refresh_seconds
    if access <= 0 or refresh <= 0:
        raise SystemExit("serve-local: token validities must be positive")
    return PoolSettings(REGION, access, refresh, args.compat, args.auto_confirm)


def _write_profile(name: str, ready: dict[str, str], refresh_seconds: int) -> Path:
    from handterm_tui import config

    profile = config.Profile(
        name=name,
        api_url=ready["api_url"],
        region=ready["region"],
        user_pool_id=ready["user_pool_id"],
        client_id=ready["client_id"],
        cognito_endpoint=ready["cognito_endpoint"],
        auth="cognito",
        refresh_token_validity_days=refresh_seconds // 86400,
    )
    return Path(config.write_profile(profile, make_default=True))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(argv) if argv is not None else sys.argv[1:]
    if argv[:1] == ["admin"]:
        from . import admin

        return admin.main(argv[1:], _default_data_dir())
    args = _parser().parse_args(argv)
    if args.write_profile and not _PROFILE_RE.match(args.write_profile):
        print("serve-local: profile names may use letters, digits, - and _", file=sys.stderr)
        return 2
    demo: tuple[str, str] | None = None
    spec, where = args.demo_user, "--demo-user"
    if spec:
        print(
            "handterm-server: WARNING: --demo-user puts the password on the command line, "
            f"where `ps` shows it to every user of this machine; use {DEMO_ENV}=NAME:PASSWORD",
            file=sys.stderr,
        )
    elif os.environ.get(DEMO_ENV):
        spec, where = os.environ[DEMO_ENV], DEMO_ENV
    if spec:
        name, sep, password = spec.partition(":")
        if not sep or not name or not password:
            print(f"serve-local: {where} wants NAME:PASSWORD", file=sys.stderr)
            return 2
        demo = (name, password)
    if not _is_loopback(args.host):
        print(
            f"handterm-server: WARNING: binding {args.host}, not loopback: anyone who can reach "
            "this address can use the API and the emulated Cognito (whose signing key is public)",
            file=sys.stderr,
        )
    # moto (and boto3 for S3) want credentials; they never leave this machine.
    for var, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        if args.s3_endpoint == "local" or not args.s3_bucket:
            os.environ.setdefault(var, value)
    faults_on = args.faults or os.environ.get("HANDTERM_SERVER_FAULTS") == "1"
    data_dir: Path = (args.data_dir or _default_data_dir()).expanduser().resolve()
    try:
        return _run(args, data_dir, demo, faults_on)
    except OSError as exc:
        print(f"serve-local: {exc}", file=sys.stderr)
        return 1


def _run(
    args: argparse.Namespace, data_dir: Path, demo: tuple[str, str] | None, faults_on: bool
) -> int:
    from . import poolstore

    poolstore.secure_dir(data_dir)
    codes_file = _deliver_codes_to(data_dir / CODES_FILE)
    if args.code_seconds:
        from . import cognito

        cognito.SIGNUP_CODE_SECONDS = cognito.RESET_CODE_SECONDS = args.code_seconds
    settings = _settings(args)
    api_sock, moto = _listen(args, data_dir / "ports.json")
    snapshot_file = poolstore.snapshot_path(data_dir, args.compat)
    pool = poolstore.create(settings)
    persister = poolstore.Persister(pool, snapshot_file)
    try:
        persister.load()
    except poolstore.SnapshotError as exc:
        print(f"handterm-server: {exc}; starting with an empty pool", file=sys.stderr)
        pool = poolstore.create(settings)  # a clean pool; the half-restored one is dropped
        persister = poolstore.Persister(pool, snapshot_file)
    if demo:
        signin_name = poolstore.ensure_demo_user(pool, *demo)
        print(f"handterm-server: demo user {signin_name!r} is ready", file=sys.stderr)
    persister.start()
    admin_socket = _admin_socket(data_dir, pool)
    moto.start()
    cognito_url = _url(args.host, moto.port)
    s3_local = None
    if args.s3_bucket and args.s3_endpoint == "local":
        s3_local = _MotoThread("127.0.0.1", 0, serves="s3")  # loopback only, whatever --host
        s3_local.start()
    storage = _storage(args, data_dir, _url("127.0.0.1", s3_local.port) if s3_local else None)

    from .app import DEFAULT_CORS_ORIGINS, Api
    from .authorizer import Authorizer
    from .faults import Faults
    from .identity import MotoIdentity

    origins = [o.rstrip("/") for o in args.cors_origin or DEFAULT_CORS_ORIGINS]
    api = Api(
        MotoIdentity(pool),
        storage,
        Authorizer(pool, REGION),
        args.compat,
        Faults() if faults_on else None,
        cors_origins=origins,
    )
    ready = {
        "api_url": _url(args.host, int(api_sock.getsockname()[1])),
        "cognito_endpoint": cognito_url,
        "region": REGION,
        "user_pool_id": pool.pool_id,
        "client_id": pool.client_id,
    }
    ready["codes_file"] = str(codes_file)
    if s3_local is not None:
        ready["s3_endpoint"] = _url("127.0.0.1", s3_local.port)
    if args.write_profile:
        where = _write_profile(args.write_profile, ready, settings.refresh_seconds)
        print(f"handterm-server: wrote profile {args.write_profile!r} to {where}", file=sys.stderr)
    print(f"handterm-server: sign-up and reset codes are written to {codes_file}", file=sys.stderr)
    scope = "loopback only" if _is_loopback(args.host) else f"reachable on {args.host}"
    print(
        f"handterm-server: API {ready['api_url']}, Cognito {cognito_url} ({scope}); "
        f"storage {storage.description}",
        file=sys.stderr,
    )
    try:
        asyncio.run(_serve(api, api_sock, ready))
    finally:
        if admin_socket is not None:
            admin_socket.close()
        moto.stop()
        if s3_local is not None:
            s3_local.stop()
        persister.close()
        api_sock.close()
    return 0


def _deliver_codes_to(path: Path) -> Path:
    """There is no mail: each delivered code is also appended to a 0600 file in the data dir,
    a mailbox a person can find (the path is printed at start), besides the log on stderr."""
    from . import cognito

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(path, 0o600)  # an older file may have been created with other bits
    mailbox = os.fdopen(fd, "a", encoding="utf-8")
    lock = threading.Lock()
    log_to_stderr = cognito.STATE.code_sink

    def deliver(kind: str, username: str, code: str) -> None:
        log_to_stderr(kind, username, code)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with lock:
            mailbox.write(f"{stamp} {kind} code for {username}: {code}\n")
            mailbox.flush()

    cognito.STATE.code_sink = deliver
    return path


def _admin_socket(data_dir: Path, pool: Any) -> Any:
    """The `serve-local admin` socket, or None where Unix sockets are unavailable."""
    from . import admin

    if not hasattr(socket, "AF_UNIX"):
        return None
    try:
        server = admin.AdminSocket(data_dir, admin.Commands(pool, {}))
    except OSError as exc:  # e.g. a data dir path too long for a socket name
        print(f"handterm-server: no admin socket ({exc})", file=sys.stderr)
        return None
    server.start()
    return server


def _listen(args: argparse.Namespace, ports_file: Path) -> tuple[socket.socket, _MotoThread]:
    """Bind both ports. Without --port/--cognito-port, reuse the last run's ports when free,
    so a profile written earlier keeps working after a restart."""
    try:
        last = json.loads(ports_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    want_api = args.port or int(last.get("api", 0))
    want_cognito = args.cognito_port or int(last.get("cognito", 0))
    try:
        api_sock = _bind(args.host, want_api)
    except OSError:
        if args.port:
            raise
        api_sock = _bind(args.host, 0)
    try:
        moto = _MotoThread(args.host, want_cognito)
    except OSError:
        if args.cognito_port:
            api_sock.close()
            raise
        moto = _MotoThread(args.host, 0)
    from .storage import atomic_write

    ports = {"api": int(api_sock.getsockname()[1]), "cognito": moto.port}
    atomic_write(ports_file, json.dumps(ports).encode())
    return api_sock, moto


def _storage(args: argparse.Namespace, data_dir: Path, local_s3: str | None) -> Any:
    from .storage import DiskStorage, S3Storage

    if args.s3_bucket:
        endpoint = local_s3 if args.s3_endpoint == "local" else args.s3_endpoint
        return S3Storage(args.s3_bucket, endpoint, REGION)
    return DiskStorage(data_dir)


async def _serve(api: Any, sock: socket.socket, ready: dict[str, str]) -> None:
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            # uvicorn re-raises a caught SIGTERM after shutdown, which would kill us before the
            # pool snapshot is flushed; we only ask it to exit.
            def stop(_sig: int, _frame: Any) -> None:
                self.should_exit = True

            if threading.current_thread() is threading.main_thread():
                old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
            else:
                old = {}
            try:
                yield
            finally:
                for s, handler in old.items():
                    signal.signal(s, handler)

    config = uvicorn.Config(
        api, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=3
    )
    server = Server(config)

    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.005)
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()

    task = asyncio.create_task(announce())
    await server.serve(sockets=[sock])
    task.cancel()


if __name__ == "__main__":
    sys.exit(main())
