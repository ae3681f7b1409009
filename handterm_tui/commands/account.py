"""Account commands: login, signup, verify, resend, passwd, forgot, logout, session.

Passwords are only ever asked with :class:`AskSecret` (masked, never recorded, timed or kept in
history); a password typed on the command line is refused and masked in the record. All of
these do network I/O, so they are ``blocking`` (the TUI runs them in a worker thread).

The sign-in screens (``ui/screens/login.py``, ``signup.py``, ``session.py``) run these same
commands through the runner, so a screen leaves exactly the record its command would; the
helpers at the end of this module are what they share with the commands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from handterm_tui.auth.errors import (
    AuthError,
    ChallengeRequired,
    NotSignedIn,
    ServiceUnreachable,
    SessionEnded,
    WrongCredentials,
)
from handterm_tui.auth.policy import policy_message
from handterm_tui.commands.base import (
    AskSecret,
    Choose,
    Context,
    OpenScreen,
    Outcome,
    command,
    usage_error,
)
from handterm_tui.core.parser import ParsedCommand, quote
from handterm_tui.core.records import FAILED, NOT_SIGNED_IN, UNAVAILABLE, USAGE
from handterm_tui.core.when import clock, when
from handterm_tui.services import LOCAL_SERVER, Unavailable

if TYPE_CHECKING:
    from handterm_tui.auth.factory import AuthSystem
    from handterm_tui.auth.session import SessionStatus

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Offline mode (no profile): say how to get one, not just that there is none.
OFFLINE_HINT = (
    "Offline mode: no server is configured, so there is nothing to sign in to. "
    "Everything local keeps working meanwhile.\n" + LOCAL_SERVER
)
# Outcome.extra keys the screens read (the first is also kept in the record).
AUTH_ERROR = "auth_error"  # the AuthError class name, e.g. "UserNotConfirmed"
CHALLENGE = "challenge"  # "new_password", "mfa_totp", "mfa_sms"
CONFIRMED = "confirmed"  # signup: False when a code must be entered next
NO_PASSWORD_ON_LINE = (
    "Type only the username: the password is asked for next, masked "
    "(a password on the command line would end up in your history)."
)


def _auth(ctx: Context) -> AuthSystem | Outcome:
    """The profile's auth system, or an Outcome saying why there is none."""
    if is_offline(ctx):
        return Outcome(OFFLINE_HINT, status=UNAVAILABLE)
    try:
        return ctx.services.auth()
    except Unavailable as exc:
        return Outcome(exc.message, status=UNAVAILABLE)


def is_offline(ctx: Context) -> bool:
    return ctx.config.profile is None


def _failed(exc: AuthError) -> Outcome:
    if isinstance(exc, ServiceUnreachable):
        status = UNAVAILABLE
    elif isinstance(exc, WrongCredentials | NotSignedIn | SessionEnded):
        status = NOT_SIGNED_IN
    else:
        status = USAGE
    # The class name lets a screen react (offer `verify` to an unconfirmed user).
    return Outcome(exc.message, status=status, extra={AUTH_ERROR: type(exc).__name__})


def _signed_in(ctx: Context, status: SessionStatus) -> Outcome:
    lines = [f"Signed in as {status.username}."]
    if status.store_note:
        lines.append(status.store_note)
    if status.message:
        lines.append(status.message)
    return offer_unowned(ctx, Outcome("\n".join(lines)))


def offer_unowned(ctx: Context, outcome: Outcome) -> Outcome:
    """After a sign-in: items made while signed out are offered once to the account, and
    join it only on a yes (the default, and a script's answer, is no)."""
    owner = ctx.owner()
    if not owner.signed_in:
        return outcome
    unowned = ctx.store.owners.unowned(owner.profile)
    if not unowned.total:
        return outcome
    who = owner.username or "this account"

    def then(choice: str) -> Outcome:
        if choice == "add":
            moved = ctx.store.owners.adopt(owner)
            return Outcome(
                f"Added {moved.words()} to {who}'s account; "
                + ("they upload in the background." if moved.queued else "nothing was waiting.")
            )
        return Outcome(
            f"Kept apart: {unowned.words()} stay on this machine, shown only while nobody is "
            "signed in. `sync --include-signed-out` adds them to the signed-in account later."
        )

    outcome.action = Choose(
        f"{unowned.words()} made while signed out are on this machine. "
        f"Add them to {who}'s account (they would upload to it)?",
        (("keep", "No, keep them apart"), ("add", f"Yes, add them to {who}")),
        default="keep",
        then=then,
    )
    return outcome


def _new_password_problem(new: str, again: str) -> Outcome | None:
    if new != again:
        return Outcome("The two passwords differ; nothing was changed.", status=USAGE)
    problem = policy_message(new)
    return Outcome(problem, status=USAGE) if problem else None


# -- login ----------------------------------------------------------------------------


def _sign_in(ctx: Context, auth: AuthSystem, user: str, password: str) -> Outcome:
    try:
        return _signed_in(ctx, auth.session.sign_in(user, password))
    except ChallengeRequired as challenge:
        return _challenge(ctx, auth, challenge, user, password)
    except AuthError as exc:
        return _failed(exc)


def _challenge(
    ctx: Context, auth: AuthSystem, challenge: ChallengeRequired, user: str, password: str
) -> Outcome:
    if challenge.kind == "new_password":

        def set_new(new: str, again: str) -> Outcome:
            problem = _new_password_problem(new, again)
            if problem:
                return problem
            try:
                return _signed_in(ctx, auth.session.answer_new_password(user, password, new))
            except AuthError as exc:
                return _failed(exc)

        return Outcome(
            challenge.message,
            action=AskSecret("New password:", set_new, more=("New password again:",)),
            extra={CHALLENGE: challenge.kind},
        )

    def answer(code: str) -> Outcome:
        try:
            return _signed_in(ctx, auth.session.answer_mfa(challenge, code.strip()))
        except AuthError as exc:
            return _failed(exc)

    return Outcome(
        challenge.message,
        action=AskSecret("Code:", answer, clear=frozenset({0})),
        extra={CHALLENGE: challenge.kind},
    )


@command(
    "login",
    "Sign in (asks for your password, masked)",
    "login [user]",
    category="account",
    blocking=True,
    mask_from=1,
    details="The password is asked for with echo off and is never stored, recorded or kept in\n"
    "history. handterm then keeps you signed in, refreshing tokens before they expire.\n"
    "Without a user, opens the sign-in screen.",
)
def login(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) > 1:
        return Outcome(NO_PASSWORD_ON_LINE, status=USAGE)
    if not cmd.args:
        if ctx.interactive and not is_offline(ctx):
            return Outcome(action=OpenScreen("login"), record=False)
        if is_offline(ctx):
            return Outcome(OFFLINE_HINT, status=UNAVAILABLE)
        return usage_error("login <user>", "Which user?")
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    user = cmd.args[0]
    return Outcome(
        action=AskSecret(f"Password for {user}:", lambda pw: _sign_in(ctx, auth, user, pw))
    )


# -- sign-up --------------------------------------------------------------------------


@command(
    "signup",
    "Create an account",
    "signup [<user> <email>]",
    category="account",
    blocking=True,
    mask_from=2,
    details="Asks for the password twice (masked) and checks it against the pool's policy\n"
    "(8+ characters, upper and lower case, a digit, a symbol) before sending it.\n"
    "Without arguments, opens the sign-up screen.",
)
def signup(ctx: Context, cmd: ParsedCommand) -> Outcome:
    usage = "signup <user> <email>"
    if len(cmd.args) > 2:
        return Outcome(NO_PASSWORD_ON_LINE, status=USAGE)
    if not cmd.args and ctx.interactive:
        if is_offline(ctx):
            return Outcome(OFFLINE_HINT, status=UNAVAILABLE)
        return Outcome(action=OpenScreen("signup"), record=False)
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
            return Outcome(
                f"Account {result.username} created. Sign in with `login {user}`.",
                extra={CONFIRMED: True},
            )
        where = f" ({result.delivery})" if result.delivery else ""
        return Outcome(
            f"Account {result.username} created. A confirmation code was sent{where}: "
            f"type `verify {user} <code>`.",
            extra={CONFIRMED: False},
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
            "Code from the email:",
            reset,
            more=("New password:", "New password again:"),
            clear=frozenset({0}),
        ),
    )


# -- session --------------------------------------------------------------------------


def _items(count: int) -> str:
    return f"{count:,} item{'s' if count != 1 else ''}"


@command(
    "logout",
    "Sign out everywhere and forget the tokens",
    "logout [--sync-first]",
    category="account",
    blocking=True,
    flags=("sync-first",),
    details="When items still wait to upload, asks first: upload them, keep them here for this\n"
    "account's next sign-in, or cancel. --sync-first uploads them without asking; without\n"
    "a terminal to ask, they are kept.",
)
def logout(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if cmd.args:
        return usage_error("logout [--sync-first]", "logout takes no arguments.")
    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    auth.session.start()
    owner = ctx.owner()
    waiting = ctx.store.outbox.count(owner=owner) if owner.signed_in else 0
    who = owner.username or "this account"
    if not owner.signed_in or not (waiting or ctx.interactive):
        return Outcome(auth.session.sign_out())
    if cmd.switches.get("sync-first"):  # said on the line: nothing to ask
        return _sync_then_sign_out(ctx, auth)
    if not ctx.interactive:
        return _sign_out_keeping(auth, who, waiting)

    def then(choice: str) -> Outcome:
        if choice == "upload":
            return _sync_then_sign_out(ctx, auth)
        if choice == "keep":
            return _sign_out_keeping(auth, who, waiting)
        if choice == "yes":
            return Outcome(auth.session.sign_out())
        return Outcome(f"Still signed in as {who}: sign-out cancelled.", record=False)

    if not waiting:  # a sign-out is never one stray key away: it is asked
        return Outcome(
            action=Choose(
                f"Sign {who} out everywhere? This device forgets the tokens; "
                "your records stay here.",
                (("yes", "Yes, sign out"), ("cancel", "Cancel")),
                default="cancel",
                then=then,
            )
        )

    return Outcome(
        action=Choose(
            f"Sign {who} out everywhere? {who} has {_items(waiting)} still waiting to upload.",
            (
                ("upload", "Upload, then sign out"),
                ("keep", f"Sign out, keep them for {who}"),
                ("cancel", "Cancel"),
            ),
            default="cancel",
            then=then,
        )
    )


def _sign_out_keeping(auth: AuthSystem, who: str, waiting: int) -> Outcome:
    message = auth.session.sign_out()
    return Outcome(
        f"{message} Kept here for {who}: {_items(waiting)}, uploaded when {who} signs in "
        "here again (no other account can send them)."
    )


def _sync_then_sign_out(ctx: Context, auth: AuthSystem) -> Outcome:
    sync = ctx.services.sync
    report = sync.run(force=True) if sync is not None else None
    left = report.left if report is not None else 0
    owner = ctx.owner()
    message = auth.session.sign_out()
    done = f"Uploaded {report.sent:,}. " if report is not None and report.sent else ""
    if left:
        why = f" ({report.paused})" if report is not None and report.paused else ""
        return Outcome(
            f"{done}{_items(left)} could not be uploaded{why}; they stay here for "
            f"{owner.username or 'this account'}'s next sign-in. {message}",
            status=FAILED,
        )
    return Outcome(f"{done}{message}")


@command(
    "session",
    "Token expiry, last refresh and where tokens are kept",
    "session [--check]",
    category="account",
    blocking=True,
    flags=("check",),
    details="With --check, asks the server now (refreshing first if needed), so it can tell\n"
    "an ended session from an unreachable server. In the TUI it also opens the session\n"
    "screen (refresh now, sign out).",
)
def session(ctx: Context, cmd: ParsedCommand) -> Outcome:
    from handterm_tui.commands.session_words import describe_status

    auth = _auth(ctx)
    if isinstance(auth, Outcome):
        return auth
    auth.session.start()
    status = auth.session.verify() if cmd.switches.get("check") else auth.session.status
    text = "\n".join(describe_status(status)).replace("`handterm login`", "`login <user>`")
    return Outcome(
        text,
        status=200 if status.signed_in else NOT_SIGNED_IN,
        action=OpenScreen("session") if ctx.interactive else None,
    )


# -- shared with the sign-in screens ----------------------------------------------------


def login_line(user: str) -> str:
    """The line the login screen runs (and records): the password is never part of it."""
    return f"login {quote(user)}"


def signup_line(user: str, email: str) -> str:
    return f"signup {quote(user)} {quote(email)}"


def email_problem(email: str) -> str | None:
    return None if _EMAIL.match(email) else f"{email!r} does not look like an email address."


def password_problem(new: str, again: str) -> str | None:
    """What is wrong with a new password and its repetition, checked before anything is sent."""
    problem = _new_password_problem(new, again)
    return problem.text if problem else None


def session_fields(status: SessionStatus | None, now: float) -> list[tuple[str, str]]:
    """Label/value pairs for the session screen: the figures of `session`, in words."""
    from handterm_tui.auth.session import SessionState

    if status is None:
        return [("State", "… checking the stored session")]
    state = {
        SessionState.SIGNED_IN: "✓ signed in",
        SessionState.SIGNED_OUT: "○ not signed in",
        SessionState.SESSION_ENDED: "✗ session ended — sign in again; nothing local was lost",
        SessionState.UNREACHABLE: "! server unreachable — tokens kept, retrying",
    }[status.state]
    user = status.username or "guest"
    fields = [("User", user + (f" (profile {status.profile})" if status.profile else ""))]
    fields.append(("State", state))
    if status.signed_in:
        days = status.refresh_validity_days
        fields += [
            ("Access token", "expires " + when(status.expires_at, now)),
            (
                "Last refresh",
                when(status.last_refresh_at, now) if status.last_refresh_at else "none yet",
            ),
            ("Refresh token", "issued " + when(status.refresh_issued_at, now)),
            ("Expected expiry", when(status.refresh_expected_expiry, now)),
            ("", f"(validity {days} day{'' if days == 1 else 's'}, per the profile)"),
        ]
        # Only while it is unreachable, and never a time already past ("3 s ago").
        if status.next_attempt_at and status.state is SessionState.UNREACHABLE:
            due = status.next_attempt_at
            fields.append(("Next retry", "now" if due <= now else when(due, now)))
    if status.store_note:
        fields.append(("Tokens kept", status.store_note))
    elif not status.signed_in:
        fields.append(("Tokens kept", "none: no session is held on this machine"))
    retried = status.calls_retried
    fields.append(
        (
            "Refreshes",
            f"{status.refreshes} made · {retried} API call{'' if retried == 1 else 's'} "
            "retried after a refusal",
        )
    )
    if status.message and status.state is not SessionState.SESSION_ENDED:
        fields.append(("Note", status.message))
    return fields


class SessionControls:
    """What the session screen does, without Textual: read, load and refresh the session."""

    def __init__(self, ctx: Context, clock: Callable[[], float] | None = None) -> None:
        import time

        self.ctx = ctx
        self.clock = clock or time.time

    @property
    def offline(self) -> bool:
        return is_offline(self.ctx)

    def current(self) -> SessionStatus | None:
        """The last status the session manager reported (cheap: for the UI thread)."""
        return self.ctx.services.status

    def load(self) -> SessionStatus | str:
        """Load the stored session (blocking: call from a worker). A string says why not."""
        auth = _auth(self.ctx)
        if isinstance(auth, Outcome):
            return auth.text
        try:
            return auth.session.start()
        except AuthError as exc:
            return exc.message

    def refresh_now(self) -> str:
        """Refresh the tokens now, whatever the schedule (blocking). Returns what happened."""
        auth = _auth(self.ctx)
        if isinstance(auth, Outcome):
            return auth.text
        session = auth.session
        session.start()
        try:
            status = session.refresh_now()
        except AuthError as exc:
            return exc.message
        return f"Refreshed: the access token is good until {clock(status.expires_at)}."
