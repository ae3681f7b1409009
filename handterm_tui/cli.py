"""``handterm``: the TUI by default, subcommands beside it.

Heavy modules (Textual, httpx, boto3/pycognito, the server) are imported only by the
subcommand that needs them, so ``--version``, ``locate`` and ``exec`` start fast.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from handterm_tui import __version__, paths

if TYPE_CHECKING:
    from handterm_tui.commands import Context
    from handterm_tui.commands.base import Choose
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
    return parser


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
    from handterm_tui.app_factory import build_app

    app = build_app(config)
    result = app.run()
    return int(result or 0)


def run_exec(config: Config, words: Sequence[str]) -> int:
    """Run one prompt command and print its response as plain text."""
    from handterm_tui.app_factory import build_context
    from handterm_tui.commands import Runner
    from handterm_tui.commands.base import AskSecret, Choose, OpenScreen

    if not words:
        print('handterm exec: give a command line, e.g. handterm exec "wrt hi"', file=sys.stderr)
        return USAGE_ERROR
    line = words[0] if len(words) == 1 else shlex.join(words)
    ctx = build_context(config, interactive=False)
    try:
        _prepare_session(ctx)
        runner = Runner(ctx)
        run = runner.start(line)
        while run.waiting:
            action = run.outcome.action
            if isinstance(action, Choose):
                run = runner.choose(run, _ask_choice(action))
                continue
            assert isinstance(action, AskSecret)
            secrets = []
            for label in (action.prompt, *action.more):
                secret = _read_secret(label)
                if secret is None:
                    run = runner.cancel(run)
                    print("No secret given; cancelled.", file=sys.stderr)
                    return 1
                secrets.append(secret)
            run = runner.finish(run, *secrets)
        if run.outcome.text:
            print(run.outcome.text)
        if isinstance(run.outcome.action, OpenScreen) and not run.outcome.text:
            print(f"`{run.parsed.name}` opens a screen; run it in the TUI (`handterm`).")
        return 0 if run.outcome.ok else 1
    finally:
        ctx.services.close()
        ctx.store.close()


def _ask_choice(action: Choose) -> str | None:
    """A question on the terminal; without one, the safe default (None)."""
    if not sys.stdin.isatty():
        return None
    print(action.question)
    keys = [key for key, _ in action.options]
    for number, (key, label) in enumerate(action.options, start=1):
        mark = " (default)" if key == action.default else ""
        print(f"  {number}. {label}{mark}")
    try:
        answer = input(f"Choose 1-{len(keys)} [Enter: default]: ").strip()
    except (EOFError, KeyboardInterrupt):
        return None
    if answer.isdigit() and 1 <= int(answer) <= len(keys):
        return str(keys[int(answer) - 1])
    return None


def _prepare_session(ctx: Context) -> None:
    """Load the stored session first: every record needs its owner, and `exec` reports the
    same states as the TUI."""
    from handterm_tui.services import Unavailable

    try:
        ctx.services.start()
    except Unavailable as exc:
        logging.getLogger("handterm").info("session not loaded: %s", exc.message)


def _read_secret(label: str) -> str | None:
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(label.rstrip() + " ")
        except (EOFError, KeyboardInterrupt):
            return None
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None


def main(argv: Sequence[str] | None = None) -> int:
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
    parser = build_parser()
    args = parser.parse_args(args_list)
    profile = getattr(args, "profile", None)

    if args.command == "locate":
        print(paths.LOCATIONS[args.what]())
        return 0

    from handterm_tui.config import ConfigError

    try:
        config = _load_config(profile)
    except ConfigError as exc:
        print(f"handterm: config error: {exc}", file=sys.stderr)
        return USAGE_ERROR

    from handterm_tui.store import StoreError

    setup_logging()
    try:
        if args.command is None:
            return run_tui(config)
        if args.command == "exec":
            return run_exec(config, args.line)
        if args.command in ("login", "logout", "status"):
            from handterm_tui import cli_auth

            if args.command == "login":
                return cli_auth.login_main(config, args.username, args.password_stdin)
            if args.command == "logout":
                return cli_auth.logout_main(config, args.sync_first)
            return cli_auth.status_main(config, args.json)
        if args.command in ("sync", "logs"):
            from handterm_tui import cli_logs  # type: ignore[attr-defined]

            if args.command == "sync":
                return int(cli_logs.sync_main(config, args.json, args.include_signed_out))
            return int(cli_logs.logs_main(config, args.logs_args))
    except StoreError as exc:
        print(f"handterm: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return USAGE_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
