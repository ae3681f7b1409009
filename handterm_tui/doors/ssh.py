"""The SSH door: ``handterm ssh-session`` runs from OpenSSH (a key's ``command=`` or a
``ForceCommand``), one home per person; ``handterm ssh-config`` prints the sshd block.

The person is named by whoever wrote the key's entry (``--user NAME``), never by the client.
What the client asked for (``SSH_ORIGINAL_COMMAND``) is one prompt command line, run as
``handterm exec`` runs it: parsed by handterm's own parser, never given to a shell.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from handterm_tui.doors import people
from handterm_tui.exits import EXIT_USAGE

if TYPE_CHECKING:
    from handterm_tui.config import Config

HANGUP_GRACE_SECONDS = 5  # after a hang-up the app gets this long to close its store

HOW_TO_CONNECT = """\
handterm: this SSH door runs HandTerm, and needs a terminal or a command.
  the terminal UI:    ssh -t {where}
  one command:        ssh {where} 'wrt buy milk'    (any prompt command; `help` lists them)"""


def enter_home(user: str, home_root: str | None, config_file: str | None) -> int | None:
    """Check the name and move this process into the person's home; an exit code if that
    cannot be done, or if there is nothing to run (no terminal and no command)."""
    import os

    from handterm_tui import cli

    try:
        people.check_name(user)
    except people.BadName as exc:
        print(f"handterm ssh-session: {exc}.", file=sys.stderr)
        return EXIT_USAGE
    root = Path(home_root).expanduser() if home_root else people.default_home_root()
    config_path = Path(config_file).expanduser().resolve() if config_file else None
    try:
        home = people.home_for(root, user)
    except OSError as exc:
        print(f"handterm ssh-session: cannot use {root}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    people.apply_to_process(people.person_environment(home, config_path))
    if _original_command() is None and not (cli._is_tty(sys.stdin) and cli._is_tty(sys.stdout)):
        where = os.environ.get("SSH_CONNECTION", "").split(" ")
        host = where[2] if len(where) >= 3 else "HOST"
        account = os.environ.get("USER") or os.environ.get("LOGNAME") or "ACCOUNT"
        print(HOW_TO_CONNECT.format(where=f"{account}@{host}"), file=sys.stderr)
        return EXIT_USAGE
    return None


def run(config: Config) -> int:
    """The client's one command through ``exec``; otherwise the terminal UI."""
    from handterm_tui import cli
    from handterm_tui.cli_exec import run_exec

    command = _original_command()
    if command is not None:
        return run_exec(config, [command])
    _end_on_hangup()
    return cli.run_tui(config)


def _original_command() -> str | None:
    import os

    command = os.environ.get("SSH_ORIGINAL_COMMAND")
    return command if command and command.strip() else None


def _end_on_hangup() -> None:
    """A dropped connection hangs up the terminal: leave the app the normal way (its store
    is closed by ``run_tui``), and if writing to the dead terminal keeps it from ending, the
    alarm ends the process a few seconds later."""

    def hung_up(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(HANGUP_GRACE_SECONDS)
        from textual._context import active_app

        app = active_app.get(None)
        if app is None:
            raise SystemExit(129)
        with contextlib.suppress(Exception):
            app.call_later(app.exit, None, 129)

    signal.signal(signal.SIGHUP, hung_up)
    signal.signal(signal.SIGTERM, hung_up)


# -- the sshd block ------------------------------------------------------------------------

HARDENING = (
    ("AuthenticationMethods", "publickey"),
    ("PasswordAuthentication", "no"),
    ("KbdInteractiveAuthentication", "no"),
    ("DisableForwarding", "yes"),  # TCP, stream-local, agent and X11 forwarding, all of it
    ("AllowAgentForwarding", "no"),
    ("AllowTcpForwarding", "no"),
    ("AllowStreamLocalForwarding", "no"),
    ("X11Forwarding", "no"),
    ("PermitTunnel", "no"),
    ("GatewayPorts", "no"),
    ("PermitUserRC", "no"),
    ("PermitTTY", "yes"),
)


def session_command(handterm: str, user: str, home_root: str | None, config: str | None) -> str:
    words = [handterm, "ssh-session", "--user", user]
    if home_root:
        words += ["--home-root", home_root]
    if config:
        words += ["--config", config]
    return shlex.join(words)


def config_text(
    account: str,
    handterm: str,
    home_root: str | None,
    config: str | None,
    keys: list[tuple[str, str]],
    force_user: str | None,
    keys_file: str | None = None,
) -> str:
    lines = [
        "# HandTerm over SSH: paste into /etc/ssh/sshd_config (after the global settings,",
        "# Match blocks last), check with `sshd -t`, then reload sshd.",
        f"Match User {account}",
    ]
    lines += [f"    {key} {value}" for key, value in HARDENING]
    if force_user:
        # One system account per person: the account itself names the person.
        lines.append("    ForceCommand " + session_command(handterm, force_user, home_root, config))
    else:
        lines += [
            "    # One shared account: every key in its authorized_keys names a person with",
            "    # restrict,pty,command=... (below). A ForceCommand here would override that",
            "    # command= and lose who the person is; keep the file root-owned instead:",
            f"    AuthorizedKeysFile {keys_file or f'/etc/handterm/{account}.keys'}",
        ]
    text = "\n".join(lines) + "\n"
    if keys:
        text += f"\n# {keys_file or f'/etc/handterm/{account}.keys'} (root-owned, 0644): one line per key\n"
        for user, key in keys:
            text += authorized_key_line(handterm, user, home_root, config, key) + "\n"
    elif not force_user:
        text += (
            "\n# Each line of the keys file: "
            + authorized_key_line(handterm, "NAME", home_root, config, "ssh-ed25519 AAAA... NAME")
            + "\n# (`handterm ssh-config --key NAME=FILE.pub` prints them)\n"
        )
    return text


def authorized_key_line(
    handterm: str, user: str, home_root: str | None, config: str | None, key: str
) -> str:
    command = session_command(handterm, user, home_root, config).replace('"', '\\"')
    # restrict: no forwarding of any kind, no agent, no X11, no ~/.ssh/rc, no pty; pty back.
    return f'restrict,pty,command="{command}" {key.strip()}'


def config_main(
    account: str,
    home_root: str | None,
    config: str | None,
    key_specs: list[str],
    force_user: str | None,
    keys_file: str | None = None,
) -> int:
    import os
    import shutil

    handterm = shutil.which("handterm") or os.path.join(os.path.dirname(sys.executable), "handterm")
    keys: list[tuple[str, str]] = []
    try:
        for name in [force_user] if force_user else []:
            people.check_name(name)
        for spec in key_specs:
            name, _, file = spec.partition("=")
            people.check_name(name)
            if not file:
                print(
                    f"handterm ssh-config: --key wants NAME=FILE.pub, not {spec!r}.",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            keys.append((name, Path(file).expanduser().read_text(encoding="utf-8").splitlines()[0]))
    except people.BadName as exc:
        print(f"handterm ssh-config: {exc}.", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, IndexError) as exc:
        print(f"handterm ssh-config: cannot read a key: {exc}.", file=sys.stderr)
        return 1
    root = str(Path(home_root).expanduser().resolve()) if home_root else None
    conf = str(Path(config).expanduser().resolve()) if config else None
    print(config_text(account, handterm, root, conf, keys, force_user, keys_file), end="")
    return 0
