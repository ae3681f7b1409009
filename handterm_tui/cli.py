"""``handterm``: the TUI by default, subcommands beside it.

Heavy modules (Textual, httpx, boto3/pycognito, the server) are imported only by the
subcommand that needs them, so ``--version``, ``locate`` and ``exec`` start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from handterm_tui import __version__, paths

if TYPE_CHECKING:
    from handterm_tui.config import Config

from handterm_tui.exits import EXIT_USAGE as USAGE_ERROR


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS lets `--profile` work before or after the subcommand.
    common.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="use this profile from the config file",
    )
    common.add_argument(
        "--new-store",
        action="store_true",
        default=argparse.SUPPRESS,
        help="if the local store is not a database or was emptied, move it aside (kept as it "
        "is) and start an empty one",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="handterm",
        description="HandTerm for the terminal: typing practice at a prompt that stays signed in.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"handterm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    locate = sub.add_parser("locate", parents=[common], help="print where a file or folder is")
    locate.add_argument("what", choices=sorted(paths.LOCATIONS))

    run = sub.add_parser(
        "exec", parents=[common], help='run one prompt command without the TUI, e.g. exec "wrt hi"'
    )
    run.add_argument("line", nargs=argparse.REMAINDER, help="the command line")

    login = sub.add_parser("login", parents=[common], help="sign in and keep the session")
    login.add_argument("--username", "-u")
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    logout = sub.add_parser(
        "logout", parents=[common], help="sign out everywhere and forget the tokens"
    )
    logout.add_argument(
        "--sync-first",
        action="store_true",
        help="upload what waits before signing out (otherwise it is kept for your next sign-in)",
    )
    status = sub.add_parser(
        "status",
        parents=[common],
        help="session state; exit 0 signed in, 1 not signed in, 3 session ended, 4 unreachable",
    )
    status.add_argument("--json", action="store_true")

    sync = sub.add_parser("sync", parents=[common], help="upload queued records now")
    sync.add_argument("--json", action="store_true")
    sync.add_argument(
        "--include-signed-out",
        action="store_true",
        help="first add what was made here while signed out to the signed-in account",
    )
    logs = sub.add_parser("logs", parents=[common], help="list, show or export records")
    logs.add_argument("logs_args", nargs=argparse.REMAINDER)

    serve = sub.add_parser(
        "serve-local", help="run the local HandTerm backend (127.0.0.1)", add_help=False
    )
    serve.add_argument("serve_args", nargs=argparse.REMAINDER)
    # Owned by handterm_tui.aws.cli (the aws extra); listed here for --help only.
    for name, text in _AWS_COMMANDS.items():
        sub.add_parser(name, help=text, add_help=False).add_argument(
            "aws_args", nargs=argparse.REMAINDER
        )
    from handterm_tui.doors import commands as doors  # ssh-session, ssh-config, serve-web

    doors.add_parsers(sub, common)
    return parser


_AWS_COMMANDS = {
    "aws": "synth or deploy the HandTerm backend on AWS (CDK)",
    "pool": "pool check: a Cognito pool's token lifetimes and what users see",
    "profile": "profile import cdk-outputs.json: a profile for your AWS backend",
}


def _load_config(profile: str | None) -> Config:
    from handterm_tui import config

    return config.load(profile=profile)


def setup_logging() -> None:
    from logging.handlers import RotatingFileHandler

    path = paths.log_file()
    try:
        paths.ensure_private_dir(path.parent)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("handterm")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    root.propagate = False
    # botocore logs request parameters (passwords included) at DEBUG: never let it.
    for noisy in ("botocore", "boto3", "urllib3", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_tui(config: Config) -> int:
    from handterm_tui.app_factory import open_store
    from handterm_tui.store import StoreUnusable

    if not (_is_tty(sys.stdin) and _is_tty(sys.stdout)):
        # Textual would wait for a terminal that never answers (`ssh host handterm`).
        print(
            "handterm: the terminal UI needs a terminal, and standard input or output is not "
            "one. Over SSH use `ssh -t host handterm`; for one command without the UI use "
            '`handterm exec "COMMAND"`.',
            file=sys.stderr,
        )
        return USAGE_ERROR
    try:
        store = open_store()
    except StoreUnusable as exc:
        print(f"handterm: {exc}", file=sys.stderr)
        if not _confirm("Move it aside and start an empty store? [y/N] "):
            print("Nothing was changed.", file=sys.stderr)
            return 1
        store = open_store(new_store=True)
        for notice in store.notices:
            print(notice, file=sys.stderr)
        store.notices.clear()  # said here: the app need not say it again
    from handterm_tui.ui.app import build_app

    # The store checked above is the app's: opened once per start, not twice (each open
    # counts the records and each close checkpoints).
    app = build_app(config, store=store)
    try:
        result = app.run()
    finally:
        with contextlib.suppress(Exception):  # the app already said what went wrong
            app.ctx.store.close()  # checkpoints, and tells the empty-store marker the count
    return int(app.return_code or result or 0)


def _is_tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(callable(isatty) and isatty())
    except ValueError:  # a closed stream
        return False


def _confirm(question: str) -> bool:
    try:
        answer = input(question)
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        return False
    return answer.strip().lower() in ("y", "yes")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        # `handterm logs list | head -1`: the reader has all it wanted. End quietly, as a
        # program killed by SIGPIPE would (128 + 13), and keep Python's exit-time flush quiet.
        _silence_stdout()
        return 141
    return code


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _aws_main(args_list: list[str]) -> int:
    import importlib.util

    needs = {"aws": "aws_cdk", "pool": "boto3"}.get(args_list[0])  # profile import: nothing
    if needs and importlib.util.find_spec(needs) is None:
        print(
            f"handterm {args_list[0]} needs the aws extra: pip install 'handterm-tui[aws]'",
            file=sys.stderr,
        )
        return USAGE_ERROR
    from handterm_tui.aws.cli import main as aws_main

    return aws_main(args_list)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # serve-local owns its arguments entirely.
    if args_list[:1] == ["serve-local"]:
        import importlib.util

        missing = [m for m in ("moto", "uvicorn") if importlib.util.find_spec(m) is None]
        if missing:
            print(
                "handterm serve-local needs the server extra: "
                "pip install 'handterm-tui[server]' (or `make serve` in a checkout).",
                file=sys.stderr,
            )
            return USAGE_ERROR
        from handterm_tui.server.main import main as serve_main

        return serve_main(args_list[1:])
    if args_list[:1] and args_list[0] in _AWS_COMMANDS:
        return _aws_main(args_list)
    if args_list[:1] == ["logs"] and args_list[1:2] in (["--help"], ["-h"]):
        # argparse would show the bare `logs` wrapper: show its subcommands instead.
        from handterm_tui import cli_logs

        print(cli_logs.logs_parser().format_help(), end="")
        return 0
    parser = build_parser()
    args = parser.parse_args(args_list)
    profile = getattr(args, "profile", None)
    if args.command in _AWS_COMMANDS:  # e.g. `handterm --profile x pool check ...`
        return _aws_main([args.command, *args.aws_args])

    if args.command == "locate":
        print(paths.LOCATIONS[args.what]())
        return 0
    from handterm_tui.doors import commands as doors

    if args.command in doors.NAMES and (early := doors.before_config(args)) is not None:
        return early

    from handterm_tui.config import ConfigError

    try:
        config = _load_config(profile)
    except ConfigError as exc:
        print(f"handterm: config error: {exc}", file=sys.stderr)
        return USAGE_ERROR

    from handterm_tui.store import StoreError

    setup_logging()
    try:
        if getattr(args, "new_store", False):
            from handterm_tui.app_factory import open_store

            store = open_store(new_store=True)
            for notice in store.notices:
                print(notice, file=sys.stderr)
            store.close()
        if args.command is None:
            return run_tui(config)
        if args.command == "exec":
            from handterm_tui.cli_exec import run_exec

            return run_exec(config, args.line)
        if args.command in doors.NAMES:
            return doors.run(args, config)
        if args.command in ("login", "logout", "status"):
            from handterm_tui import cli_auth

            if args.command == "login":
                return cli_auth.login_main(config, args.username, args.password_stdin)
            if args.command == "logout":
                return cli_auth.logout_main(config, args.sync_first)
            return cli_auth.status_main(config, args.json)
        if args.command in ("sync", "logs"):
            from handterm_tui import cli_logs

            if args.command == "sync":
                return int(cli_logs.sync_main(config, args.json, args.include_signed_out))
            return int(cli_logs.logs_main(config, args.logs_args))
    except StoreError as exc:
        print(f"handterm: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except OSError as exc:
        # A read-only home, a full disk, a folder where a file should be: say which, no trace.
        where = exc.filename or "a file handterm needs"
        print(f"handterm: cannot use {where}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return USAGE_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
