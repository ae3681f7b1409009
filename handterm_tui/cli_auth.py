"""`handterm login | logout | status`: sign-in from the shell (cli.py parses, these act).

Exit statuses (status): 0 signed in, 1 not signed in, 3 session ended, 4 server unreachable;
2 is left to cli.py for usage errors (login also uses it when it cannot ask for input).
Passwords come from getpass (never echoed) or one line of stdin, are used once and dropped.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING, TextIO

from handterm_tui.exits import EXIT_ENDED, EXIT_NOT_SIGNED_IN, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from handterm_tui.exits import err as _err

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.auth.session import SessionStatus
    from handterm_tui.commands.base import Context
    from handterm_tui.config import Config


def _build(config: Config) -> AuthSystem | None:
    from handterm_tui.auth.errors import NotConfigured
    from handterm_tui.auth.factory import build

    try:
        return build(config)
    except NotConfigured as exc:
        _err(exc.message)
        return None


def _tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _read_secret_line(stdin: TextIO) -> str:
    line = stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def login_main(config: Config, username: str | None, password_stdin: bool) -> int:
    """Sign in; 0 on success, 1 refused, 2 cannot ask, 4 server unreachable."""
    from handterm_tui.auth.errors import (
        AuthError,
        ChallengeRequired,
        ServiceUnreachable,
    )

    interactive = _tty(sys.stdin)
    if not username:
        if not interactive or password_stdin:
            _err("login needs --username when the password comes from stdin or no terminal")
            return EXIT_USAGE
        username = input("Username: ").strip()
        if not username:
            _err("no username given")
            return EXIT_USAGE
    if password_stdin:
        password = _read_secret_line(sys.stdin)
    elif interactive:
        password = getpass.getpass(f"Password for {username}: ")
    else:
        _err("no terminal to ask for the password: use --password-stdin")
        return EXIT_USAGE
    if not password:
        _err("empty password")
        return EXIT_USAGE

    from handterm_tui.app_factory import build_context
    from handterm_tui.services import Unavailable

    ctx = build_context(config, interactive=False)
    try:
        try:
            system = ctx.services.auth()
        except Unavailable as exc:
            _err(exc.message)
            return EXIT_NOT_SIGNED_IN
        session = system.session
        try:
            try:
                status = session.sign_in(username, password)
            except ChallengeRequired as challenge:
                if not interactive or password_stdin:
                    _err(f"{challenge.message} Run `handterm login` in a terminal.")
                    return EXIT_NOT_SIGNED_IN
                status = _answer(system, challenge, username, password)
        except ServiceUnreachable as exc:
            _err(exc.message)
            return EXIT_UNREACHABLE
        except AuthError as exc:
            _err(exc.message)
            return EXIT_NOT_SIGNED_IN
        print(f"Signed in as {status.username}.")
        if status.store_note:
            print(status.store_note)
        if status.message:
            print(status.message)
        _offer_unowned(ctx, ask=interactive and not password_stdin)
    finally:
        ctx.services.close()
        ctx.store.close()
    return EXIT_OK


def _offer_unowned(ctx: Context, *, ask: bool) -> None:
    """The prompt's offer, on the shell: asked on a terminal, else kept apart (and said)."""
    from handterm_tui.cli_exec import ask_choice
    from handterm_tui.commands.account import offer_unowned
    from handterm_tui.commands.base import Choose, Outcome

    offer = offer_unowned(ctx, Outcome()).action
    if isinstance(offer, Choose):
        picked = ask_choice(offer) if ask else None
        print(offer.then(picked or offer.default).text)


def _answer(system: AuthSystem, challenge: object, username: str, password: str) -> SessionStatus:
    """Prompt for what Cognito asked (new password or MFA code) and answer it."""
    from handterm_tui.auth.errors import ChallengeRequired

    assert isinstance(challenge, ChallengeRequired)
    print(challenge.message)
    if challenge.kind == "new_password":
        new = getpass.getpass("New password: ")
        if new != getpass.getpass("New password again: "):
            raise ChallengeRequired(challenge.kind, username, "The two new passwords differ.")
        return system.session.answer_new_password(username, password, new)
    code = input("Code: ").strip()
    return system.session.answer_mfa(challenge, code)


def logout_main(config: Config, sync_first: bool = False) -> int:
    """Global sign-out (best effort) and erase every stored token copy: the prompt's `logout`
    without a question (what waits is kept, or uploaded first with ``sync_first``)."""
    from handterm_tui.cli_exec import run_exec

    return run_exec(config, ["logout --sync-first" if sync_first else "logout"])


def _exit_for(status: SessionStatus) -> int:
    from handterm_tui.auth.session import SessionState

    return {
        SessionState.SIGNED_IN: EXIT_OK,
        SessionState.SIGNED_OUT: EXIT_NOT_SIGNED_IN,
        SessionState.SESSION_ENDED: EXIT_ENDED,
        SessionState.UNREACHABLE: EXIT_UNREACHABLE,
    }[status.state]


def status_main(config: Config, as_json: bool) -> int:
    """Check for real (refresh if needed, then ask the server) and report; exit 0/1/3/4."""
    from handterm_tui.auth.errors import NotConfigured
    from handterm_tui.auth.factory import build
    from handterm_tui.auth.session import SessionState, SessionStatus

    try:
        system = build(config)
    except NotConfigured as exc:
        status = SessionStatus(state=SessionState.SIGNED_OUT, message=exc.message)
    else:
        with system:
            status = system.session.verify()
    if as_json:
        print(json.dumps(status.as_dict(), sort_keys=True))
    else:
        from handterm_tui.commands.session_words import describe_status

        print("\n".join(describe_status(status)))
    return _exit_for(status)
