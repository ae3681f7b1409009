"""`handterm serve-local admin ...`: manage the running server's users through its data dir.

The Cognito port refuses admin actions (gate.py), so administration goes through a Unix socket,
`<data-dir>/admin.sock`, mode 0600 inside the 0700 data dir: whoever may read the data dir (and
so the pool snapshot with its passwords) may administer the pool; nobody else can connect.
One JSON request line, one JSON reply line. Passwords come from HANDTERM_ADMIN_PASSWORD, a
prompt, or stdin; never from the command line, where `ps` would show them.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import cognito
from .poolstore import Pool, ensure_demo_user

SOCKET_NAME = "admin.sock"
PASSWORD_ENV = "HANDTERM_ADMIN_PASSWORD"
_MAX_REQUEST = 64 * 1024


class AdminError(Exception):
    pass


def _error_text(exc: Exception) -> str:
    err = getattr(exc, "message", None) or str(exc)
    return str(err)


class Commands:
    """What the socket can do, each under the pool lock."""

    def __init__(self, pool: Pool, extra: dict[str, Callable[[dict[str, Any]], Any]]) -> None:
        self.pool = pool
        self.table: dict[str, Callable[[dict[str, Any]], Any]] = {
            "create-user": self.create_user,
            "set-password": self.set_password,
            "delete-user": self.delete_user,
            "list-users": self.list_users,
            "unlock": self.unlock,
            **extra,
        }

    def _user(self, name: Any) -> Any:
        user = self.pool.pool._get_user(str(name or ""))
        if user is None:
            raise AdminError(f"no user {name!r}")
        return user

    def create_user(self, req: dict[str, Any]) -> Any:
        name, password = str(req.get("name") or ""), str(req.get("password") or "")
        if not name or not password:
            raise AdminError("a name and a password are needed")
        signin = ensure_demo_user(self.pool, name, password, email=req.get("email"))
        if req.get("temporary"):
            with cognito.LOCK:
                models = cognito.moto_models()
                self._user(signin).status = models.UserStatus.FORCE_CHANGE_PASSWORD
        return {"user": signin}

    def set_password(self, req: dict[str, Any]) -> Any:
        password = str(req.get("password") or "")
        with cognito.LOCK:
            user = self._user(req.get("name"))
            cognito.validate_password(self.pool.pool, password)
            user.password = password
            cognito.password_ok(self.pool.pool_id, user.username)
        return {"user": user.username}

    def delete_user(self, req: dict[str, Any]) -> Any:
        with cognito.LOCK:
            user = self._user(req.get("name"))
            pool = self.pool.pool
            pool.users.pop(user.username, None)
            for table in (pool.access_tokens, pool.id_tokens):
                for token, entry in list(table.items()):
                    if entry and entry[1] == user.username:
                        table.pop(token, None)
            for token, entry in list(pool.refresh_tokens.items()):
                if entry and entry[1] == user.username:
                    pool.refresh_tokens[token] = None
        return {"user": user.username}

    def unlock(self, req: dict[str, Any]) -> Any:
        with cognito.LOCK:
            user = self._user(req.get("name"))
            cognito.unlock(self.pool.pool_id, user.username)
        return {"user": user.username}

    def list_users(self, _req: dict[str, Any]) -> Any:
        with cognito.LOCK:
            users = [
                {
                    "user": u.username,
                    "email": u.attribute_lookup.get("email", ""),
                    "status": str(getattr(u.status, "value", u.status)),
                }
                for u in self.pool.pool.users.values()
            ]
        return {"users": sorted(users, key=lambda u: u["user"])}

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        handler = self.table.get(str(request.get("command")))
        if handler is None:
            return {"ok": False, "error": f"unknown command {request.get('command')!r}"}
        try:
            return {"ok": True, **handler(request)}
        except AdminError as exc:
            return {"ok": False, "error": str(exc)}
        except Exception as exc:  # a moto error (e.g. a weak password): its message, no trace
            return {"ok": False, "error": _error_text(exc)}


class AdminSocket:
    """Serves Commands on `<data-dir>/admin.sock` in a daemon thread."""

    def __init__(self, data_dir: Path, commands: Commands) -> None:
        self.path = data_dir / SOCKET_NAME
        self.commands = commands
        self.path.unlink(missing_ok=True)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the socket is born 0600: no window where others can connect
        try:
            self._sock.bind(str(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        self._sock.listen(8)
        self._thread = threading.Thread(target=self._serve, name="admin", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(5)
                try:
                    reply = self.commands.run(_read_request(conn))
                except (OSError, ValueError) as exc:
                    reply = {"ok": False, "error": f"bad request: {exc}"}
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps(reply).encode() + b"\n")

    def close(self) -> None:
        self._sock.close()
        self.path.unlink(missing_ok=True)


def _read_request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > _MAX_REQUEST:
            raise ValueError("request too large")
    request = json.loads(data)
    if not isinstance(request, dict):
        raise ValueError("not a JSON object")
    return request


def call(data_dir: Path, request: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    path = data_dir / SOCKET_NAME
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            raise AdminError(f"no serve-local is running on {data_dir}") from None
        except PermissionError:
            raise AdminError(f"{path}: permission denied (not your server)") from None
        sock.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    reply: dict[str, Any] = json.loads(data or b'{"ok": false, "error": "no reply"}')
    return reply


def _password(prompt: str) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="handterm serve-local admin",
        description="Manage the users of a running serve-local (through its data dir). "
        f"Passwords are read from ${PASSWORD_ENV}, a prompt, or stdin.",
    )
    p.add_argument("--data-dir", type=Path, help="the server's data dir (default: its default)")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create-user", help="create (or reset) a confirmed user")
    c.add_argument("name")
    c.add_argument("--email", help="default NAME@example.com")
    c.add_argument(
        "--temporary", action="store_true", help="the password must be changed at sign-in"
    )
    s = sub.add_parser("set-password", help="set a user's password")
    s.add_argument("name")
    d = sub.add_parser("delete-user", help="delete a user and end their sessions")
    d.add_argument("name")
    sub.add_parser("list-users", help="list users with their status")
    u = sub.add_parser("unlock", help="clear a user's failed sign-in attempts")
    u.add_argument("name")
    return p


def main(argv: Sequence[str], default_dir: Path) -> int:
    args = _parser().parse_args(list(argv))
    data_dir = (args.data_dir or default_dir).expanduser().resolve()
    request: dict[str, Any] = {"command": args.command}
    if getattr(args, "name", None):
        request["name"] = args.name
    if args.command in ("create-user", "set-password"):
        request["password"] = _password(f"Password for {args.name}: ")
    if args.command == "create-user":
        request["email"], request["temporary"] = args.email, args.temporary
    try:
        reply = call(data_dir, request)
    except (AdminError, OSError, ValueError) as exc:
        print(f"serve-local admin: {exc}", file=sys.stderr)
        return 1
    if not reply.get("ok"):
        print(f"serve-local admin: {reply.get('error')}", file=sys.stderr)
        return 1
    if "users" in reply:
        for user in reply["users"]:
            print(f"{user['user']}\t{user['email']}\t{user['status']}")
    else:
        print(f"serve-local admin: {args.command} {reply.get('user', '')}: done".strip())
    return 0
