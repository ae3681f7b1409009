"""``handterm``: the TUI by default, subcommands beside it.

Heavy modules (Textual, httpx, boto3/pycognito, the server) are imported only by the
subcommand that needs them, so ``--version``, ``locate`` and ``exec`` start fast.
"""

from __future__ import annotations

import argparse
import contextlib
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
        open_store().close()
    except StoreUnusable as exc:
        print(f"handterm: {exc}", file=sys.stderr)
        if not _confirm("Move it aside and start an empty store? [y/N] "):
            print("Nothing was changed.", file=sys.stderr)
            return 1
        store = open_store(new_store=True)
        for notice in store.notices:
            print(notice, file=sys.stderr)
        store.close()
    from handterm_tui.ui.app import build_app

    app = build_app(config)
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


def run_exec(config: Config, words: Sequence[str]) -> int:
    """Run one prompt command and print its response as plain text."""
    from handterm_tui.app_factory import build_context

    if not words:
        print('handterm exec: give a command line, e.g. handterm exec "wrt hi"', file=sys.stderr)
        return USAGE_ERROR
    line = words[0] if len(words) == 1 else shlex.join(words)
    ctx = build_context(config, interactive=False)
    try:
        return _exec_line(ctx, line)
    finally:
        ctx.services.close()
        ctx.store.close()  # also tells the empty-store marker what the store now holds
        for notice in ctx.store.notices:
            print(f"handterm: {notice}", file=sys.stderr)


def _exec_line(ctx: Context, line: str) -> int:
    from handterm_tui.commands import Runner
    from handterm_tui.commands.base import AskSecret, Choose, OpenScreen

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
        for index, label in enumerate((action.prompt, *action.more)):
            secret = _read_secret(label, clear=index in action.clear)
            if secret is None:
                run = runner.cancel(run)
                print("No secret given; cancelled.", file=sys.stderr)
                return 1
            secrets.append(secret)
        run = runner.finish(run, *secrets)
    if run.outcome.text:
        print(run.outcome.text)
    if isinstance(run.outcome.action, OpenScreen) and not run.outcome.text:
        # Nothing was done: exit non-zero so a script notices.
        print(f"`{run.parsed.name}` opens a screen; run it in the TUI (`handterm`).")
        return 1
    return 0 if run.outcome.ok else 1


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


def _read_secret(label: str, clear: bool = False) -> str | None:
    if sys.stdin.isatty() and clear:  # a short-lived code: typed in the clear
        try:
            return input(label.rstrip() + " ")
        except (EOFError, KeyboardInterrupt):
            return None
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(label.rstrip() + " ")
        except (EOFError, KeyboardInterrupt):
            return None
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None


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
    if args_list[:1] == ["logs"] and args_list[1:2] in (["--help"], ["-h"]):
        # argparse would show the bare `logs` wrapper: show its subcommands instead.
        from handterm_tui import cli_logs  # type: ignore[attr-defined]

        print(cli_logs._parser().format_help(), end="")
        return 0
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
        if getattr(args, "new_store", False):
            from handterm_tui.app_factory import open_store

            store = open_store(new_store=True)
            for notice in store.notices:
                print(notice, file=sys.stderr)
            store.close()
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
