"""Account commands: login, signup, verify, resend, passwd, forgot, logout, session.

Passwords are only ever asked with :class:`AskSecret` (masked, never recorded, timed or kept in
history); a password typed on the command line is refused and masked in the record. All of
these do network I/O, so they are ``blocking`` (the TUI runs them in a worker thread).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from handterm_tui.auth.errors import (
    AuthError,
    ChallengeRequired,
    NotConfigured,
    NotSignedIn,
    ServiceUnreachable,
    SessionEnded,
    WrongCredentials,
)
from handterm_tui.auth.policy import policy_message
from handterm_tui.commands.base import AskSecret, Context, Outcome, command, usage_error
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import NOT_SIGNED_IN, UNAVAILABLE, USAGE

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.auth.session import SessionStatus

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NO_PASSWORD_ON_LINE = (
    "Type only the username: the password is asked for next, masked "
    "(a password on the command line would end up in your history)."
)


def _auth(ctx: Context) -> AuthSystem | Outcome:
    """The profile's auth system, or an Outcome saying why there is none."""
    try:
        auth = ctx.services.get("auth")
    except AuthError as exc:
        return Outcome(exc.message, status=UNAVAILABLE)
    if auth is None:
        return Outcome(NotConfigured.default_message, status=UNAVAILABLE)
    return auth  # type: ignore[no-any-return]


def _failed(exc: AuthError) -> Outcome:
    if isinstance(exc, ServiceUnreachable):
        status = UNAVAILABLE
    elif isinstance(exc, WrongCredentials | NotSignedIn | SessionEnded):
        status = NOT_SIGNED_IN
    else:
        status = USAGE
    return Outcome(exc.message, status=status)


def _signed_in(status: SessionStatus) -> Outcome:
    lines = [f"Signed in as {status.username}."]
    if status.store_note:
        lines.append(status.store_note)
    if status.message:
        lines.append(status.message)
    return Outcome("\n".join(lines))


def _new_password_problem(new: str, again: str) -> Outcome | None:
    if new != again:
        return Outcome("The two passwords differ; nothing was changed.", status=USAGE)
    problem = policy_message(new)
    return Outcome(problem, status=USAGE) if problem else None


# -- login ----------------------------------------------------------------------------


def _sign_in(auth: AuthSystem, user: str, password: str) -> Outcome:
    try:
        return _signed_in(auth.session.sign_in(user, password))
    except ChallengeRequired as challenge:
        return _challenge(auth, challenge, user, password)
    except AuthError as exc:
        return _failed(exc)


def _challenge(auth: AuthSystem, challenge: ChallengeRequired, user: str, password: str) -> Outcome:
    if challenge.kind == "new_password":

        def set_new(new: str, again: str) -> Outcome:
            problem = _new_password_problem(new, again)
            if problem:
                return problem
            try:
                return _signed_in(auth.session.answer_new_password(user, password, new))
            except AuthError as exc:
                return _failed(exc)

        return Outcome(
            challenge.message,
            action=AskSecret("New password:", set_new, more=("New password again:",)),
        )

    def answer(code: str) -> Outcome:
        try:
            return _signed_in(auth.session.answer_mfa(challenge, code.strip()))
        except AuthError as exc:
            return _failed(exc)

    return Outcome(challenge.message, action=AskSecret("Code:", answer))


@command(
    "login",
    "Sign in (asks for your password, masked)",
    "login <user>",
    category="account",
    blocking=True,
    mask_from=1,
    details="The password is asked for with echo off and is never stored, recorded or kept in\n"
    "history. handterm then keeps you signed in, refreshing tokens before they expire.",
)
def login(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) > 1:
        return Outcome(NO_PASSWORD_ON_LINE, status=USAGE)
    if not cmd.args:
        return usage_error("login <user>", "Which user?")
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    user = cmd.args[0]
    return Outcome(action=AskSecret(f"Password for {user}:", lambda pw: _sign_in(auth, user, pw)))


# -- sign-up --------------------------------------------------------------------------


@command(
    "signup",
    "Create an account",
    "signup <user> <email>",
    category="account",
    blocking=True,
    mask_from=2,
    details="Asks for the password twice (masked) and checks it against the pool's policy\n"
    "(8+ characters, upper and lower case, a digit, a symbol) before sending it.",
)
def signup(ctx: Context, cmd: ParsedCommand) -> Outcome:
    usage = "signup <user> <email>"
    if len(cmd.args) > 2:
        return Outcome(NO_PASSWORD_ON_LINE, status=USAGE)
    if len(cmd.args) != 2:
        return usage_error(usage, "Give a username and an email address.")
    user, email = cmd.args
    if not _EMAIL.match(email):
        return usage_error(usage, f"{email!r} does not look like an email address.")
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth

    def create(password: str, again: str) -> Outcome:
        problem = _new_password_problem(password, again)
        if problem:
            return problem
        try:
            result = auth.authenticator.sign_up(user, password, email)
        except AuthError as exc:
            return _failed(exc)
        if result.confirmed:
            return Outcome(f"Account {result.username} created. Sign in with `login {user}`.")
        where = f" ({result.delivery})" if result.delivery else ""
        return Outcome(
            f"Account {result.username} created. A confirmation code was sent{where}: "
            f"type `verify {user} <code>`."
        )

    return Outcome(action=AskSecret("Password:", create, more=("Password again:",)))


@command(
    "verify",
    "Confirm a new account with the emailed code",
    "verify <user> <code>",
    category="account",
    blocking=True,
)
def verify(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) != 2:
        return usage_error("verify <user> <code>", "Give the username and the code.")
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    user, code = cmd.args
    try:
        message = auth.authenticator.confirm_sign_up(user, code.strip())
    except AuthError as exc:
        return _failed(exc)
    return Outcome(f"{message} Sign in with `login {user}`.")


@command(
    "resend",
    "Send the confirmation code again",
    "resend <user>",
    category="account",
    blocking=True,
)
def resend(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) != 1:
        return usage_error("resend <user>", "Which user?")
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    try:
        where = auth.authenticator.resend_code(cmd.args[0])
    except AuthError as exc:
        return _failed(exc)
    return Outcome(f"A new code was sent{f' ({where})' if where else ''}.")


# -- passwords ------------------------------------------------------------------------


@command(
    "passwd",
    "Change your password",
    "passwd",
    category="account",
    blocking=True,
    mask_from=0,
)
def passwd(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if cmd.args:
        return Outcome(
            "`passwd` takes no arguments: the passwords are asked for, masked.", status=USAGE
        )
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    auth.session.start()
    if not auth.session.status.signed_in:
        return Outcome(NotSignedIn.default_message, status=NOT_SIGNED_IN)

    def change(current: str, new: str, again: str) -> Outcome:
        problem = _new_password_problem(new, again)
        if problem:
            return problem
        try:
            auth.session.change_password(current, new)
        except AuthError as exc:
            return _failed(exc)
        return Outcome("Password changed. Other devices stay signed in until they sign out.")

    return Outcome(
        action=AskSecret("Current password:", change, more=("New password:", "New password again:"))
    )


@command(
    "forgot",
    "Reset a forgotten password",
    "forgot <user> [code]",
    category="account",
    blocking=True,
    mask_from=1,
    details="Sends a reset code to the account's email, then asks for the code and the new\n"
    "password. With a code you already have, only the new password is asked for.",
)
def forgot(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) not in (1, 2):
        return usage_error(
            "forgot <user> [code]", "Give the username (and the code, if you have it)."
        )
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    user = cmd.args[0]

    def reset(code: str, new: str, again: str) -> Outcome:
        problem = _new_password_problem(new, again)
        if problem:
            return problem
        try:
            auth.authenticator.confirm_forgot_password(user, code.strip(), new)
        except AuthError as exc:
            return _failed(exc)
        return Outcome(f"Password reset. Sign in with `login {user}`.")

    if len(cmd.args) == 2:
        code = cmd.args[1]
        return Outcome(
            action=AskSecret(
                "New password:",
                lambda new, again: reset(code, new, again),
                more=("New password again:",),
            )
        )
    try:
        where = auth.authenticator.forgot_password(user)
    except AuthError as exc:
        return _failed(exc)
    sent = f"A reset code was sent{f' ({where})' if where else ''}."
    return Outcome(
        sent,
        action=AskSecret(
            "Code from the email:", reset, more=("New password:", "New password again:")
        ),
    )


# -- session --------------------------------------------------------------------------


@command(
    "logout",
    "Sign out everywhere and forget the tokens",
    "logout",
    category="account",
    blocking=True,
)
def logout(ctx: Context, cmd: ParsedCommand) -> Outcome:
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    auth.session.start()
    message = auth.session.sign_out()
    return Outcome(f"{message} Your local records stay here and will upload after `login`.")


@command(
    "session",
    "Token expiry, last refresh and where tokens are kept",
    "session [--check]",
    category="account",
    blocking=True,
    flags=("check",),
    details="With --check, asks the server now (refreshing first if needed), so it can tell\n"
    "an ended session from an unreachable server.",
)
def session(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.cli_auth import describe_status

    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    auth.session.start()
    status = auth.session.verify() if cmd.switches.get("check") else auth.session.status
    text = "\n".join(describe_status(status)).replace("`handterm login`", "`login <user>`")
    return Outcome(text, status=200 if status.signed_in else NOT_SIGNED_IN)
