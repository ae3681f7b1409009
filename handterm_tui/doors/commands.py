"""The doors' subcommands, kept here so ``cli`` only hands them over."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from handterm_tui.exits import EXIT_USAGE

if TYPE_CHECKING:
    from handterm_tui.config import Config

NAMES = ("ssh-session", "ssh-config", "serve-web")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    session = sub.add_parser(
        "ssh-session",
        parents=[common],
        help="run HandTerm for one person from sshd (a key's command= or ForceCommand)",
    )
    session.add_argument("--user", required=True, metavar="NAME", help="the person (a name)")
    _home_options(session)

    config = sub.add_parser(
        "ssh-config", parents=[common], help="print a hardened sshd block for the SSH door"
    )
    config.add_argument("--account", default="handterm", help="the system account people log in as")
    config.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="NAME=FILE.pub",
        help="also print the keys-file line giving this public key to this person",
    )
    config.add_argument(
        "--force-user",
        metavar="NAME",
        help="the account is one person's: a ForceCommand for them instead of a keys file",
    )
    config.add_argument(
        "--keys-file", help="the root-owned keys file (default /etc/handterm/ACCOUNT.keys)"
    )
    _home_options(config)

    web = sub.add_parser(
        "serve-web", parents=[common], help="serve HandTerm to browsers (the web extra)"
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    web.add_argument("--port", type=int, default=8022, help="port to listen on (8022)")
    web.add_argument(
        "--public-url",
        metavar="URL",
        help="the address people open (https://handterm.example.org); websockets from any "
        "other origin are refused (default http://HOST:PORT)",
    )
    web.add_argument(
        "--trusted-header",
        metavar="NAME",
        help="the header your signing-in proxy sets to the person's name (X-Forwarded-User); "
        "requests without it are refused. Without it, each session gets an anonymous home, "
        "removed when the session ends",
    )
    web.add_argument(
        "--max-sessions", type=int, default=20, help="sessions at once (20); then a 'full' page"
    )
    _home_options(web)


def _home_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home-root",
        metavar="DIR",
        help="people's homes are DIR/NAME (default: a folder in handterm's data dir)",
    )
    parser.add_argument(
        "--config",
        dest="door_config",
        metavar="FILE",
        help="one config file for everyone (the team's server profile), read only",
    )


def before_config(args: argparse.Namespace) -> int | None:
    """What runs before handterm loads its config: an exit code, or None to go on."""
    if args.command == "ssh-config":
        from handterm_tui.doors import ssh

        return ssh.config_main(
            args.account,
            args.home_root,
            args.door_config,
            args.key,
            args.force_user,
            args.keys_file,
        )
    if args.command == "ssh-session":
        from handterm_tui.doors import ssh

        return ssh.enter_home(args.user, args.home_root, args.door_config)
    if args.command == "serve-web":
        import importlib.util

        if importlib.util.find_spec("textual_serve") is None:
            print(
                "handterm serve-web needs the web extra: pip install 'handterm-tui[web]'.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        from handterm_tui.doors import web

        return web.serve_main(
            args.host,
            args.port,
            args.public_url,
            args.home_root,
            args.trusted_header,
            args.max_sessions,
            args.door_config,
        )
    return None


def run(args: argparse.Namespace, config: Config) -> int:
    from handterm_tui.doors import ssh

    assert args.command == "ssh-session"
    return ssh.run(config)
