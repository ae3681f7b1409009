"""The sign-up screen: username, email, password twice, then the emailed code.

Runs `signup`, `verify` and `resend` through the app's runner (the same records as at the
prompt). The pool's password policy is checked as the user types and again before sending, so
the server is only asked once the password can pass; its own message is shown after.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from handterm_tui.auth.policy import MIN_LENGTH, policy_problems
from handterm_tui.commands.account import (
    CONFIRMED,
    OFFLINE_HINT,
    email_problem,
    is_offline,
    password_problem,
    signup_line,
)
from handterm_tui.commands.runner import Run
from handterm_tui.core.parser import quote
from handterm_tui.ui.widgets.account_form import AccountScreen, FormField, FormNote

# (what the checklist shows, what policy_problems says when it is missing)
RULES = (
    (f"{MIN_LENGTH}+ chars", f"at least {MIN_LENGTH} characters"),
    ("A-Z", "an uppercase letter"),
    ("a-z", "a lowercase letter"),
    ("0-9", "a digit"),
    ("symbol", "a symbol such as ! or #"),
)
STAGES = ("create", "verify", "done")
KEYS = {
    "create": "Enter next/create · Esc cancel · F3 I have a code",
    "verify": "Enter verify · F4 send a new code · Esc close",
    "done": "Enter sign in · Esc close",
}


def policy_checklist(password: str, again: str) -> Text:
    """``Password: ✓ 8+ chars ✗ A-Z ...  ✓ repeated`` — a glyph for each rule, no colour needed."""
    problems = set(policy_problems(password))
    text = Text("Policy: ")
    for label, problem in RULES:
        ok = problem not in problems
        text.append(("✓ " if ok else "✗ ") + label, style="" if ok else "bold")
        text.append("  ")
    same = bool(password) and password == again
    text.append(("✓ " if same else "✗ ") + "repeated", style="" if same else "bold")
    return text


def local_codes_hint(ctx: Any) -> str:
    """With a local server (serve-local) no email goes out: say where its codes are."""
    from urllib.parse import urlparse

    from handterm_tui import paths

    profile = ctx.config.profile
    host = urlparse(profile.api_url).hostname if profile and profile.api_url else None
    if host not in ("127.0.0.1", "localhost", "::1"):
        return ""
    default = paths.data_dir() / "server" / "codes.txt"
    return (
        f"\nA local server sends no email: it writes codes to its codes.txt (by default "
        f"{default}; serve-local prints where)."
    )


class SignupScreen(AccountScreen[None]):
    DEFAULT_CSS = """
    SignupScreen #policy { height: auto; margin-bottom: 1; }
    SignupScreen .stage { height: auto; }
    SignupScreen #box.-create .-verify, SignupScreen #box.-create .-done { display: none; }
    SignupScreen #box.-verify .-create, SignupScreen #box.-verify .-done { display: none; }
    SignupScreen #box.-done .-create, SignupScreen #box.-done .-verify { display: none; }
    """

    BINDINGS = [
        Binding("f3", "have_code", "I have a code"),
        Binding("f4", "resend", "Send a new code"),
    ]

    def __init__(self, username: str = "", stage: str = "create") -> None:
        super().__init__()
        self._user = username
        self._stage = stage if stage in STAGES else "create"
        self._busy = False

    def compose(self) -> ComposeResult:
        profile = self.happ.ctx.config.profile
        where = f"Profile: {profile.name}" if profile else "Offline mode"
        with Vertical(id="box", classes=f"-{self._stage}") as box:
            box.border_title = "Create an account"
            yield Static(where, id="intro", markup=False)
            with Vertical(classes="stage -create"):
                yield FormField("Username", Input(self._user, id="username"))
                yield FormField("Email", Input(placeholder="you@example.com", id="email"))
                yield FormField("Password", Input(password=True, id="password"))
                yield FormField("Password again", Input(password=True, id="again"))
                yield Static(policy_checklist("", ""), id="policy")
            with Vertical(classes="stage -verify"):
                yield FormField("Code", Input(id="code", max_length=32), id="code-row")
            yield FormNote(id="note")
            with Horizontal(id="buttons"):
                yield Button("Create account", id="create", classes="-create", compact=True)
                yield Button("Verify", id="verify", classes="-verify", compact=True)
                yield Button("Send a new code", id="resend", classes="-verify", compact=True)
                yield Button("Sign in", id="login", classes="-done", compact=True)
                yield Button("Close", id="close", compact=True)
            yield Static(KEYS[self._stage], id="keys")

    def on_mount(self) -> None:
        super().on_mount()
        if is_offline(self.happ.ctx):
            self.note.say(OFFLINE_HINT, "error")
            for button in self.query(Button):
                button.disabled = button.id != "close"
        self._enter_stage(self._stage)

    @property
    def note(self) -> FormNote:
        return self.query_one("#note", FormNote)

    def _field(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    def _enter_stage(self, stage: str, message: str = "", kind: str = "info") -> None:
        self._stage = stage
        box = self.query_one("#box")
        for name in STAGES:
            box.set_class(name == stage, f"-{name}")
        box.border_title = {
            "create": "Create an account",
            "verify": f"Confirm {self._user}",
            "done": f"Account {self._user} is ready",
        }[stage]
        self.query_one("#keys", Static).update(KEYS[stage])
        if stage == "verify" and not message:
            message = (
                f"Type the code emailed to {self._user or 'you'}. No email? Send a new code (F4)."
            ) + local_codes_hint(self.happ.ctx)
        if message or not is_offline(self.happ.ctx):
            self.note.say(message, kind)
        focus = {"create": "username", "verify": "code"}.get(stage)
        if stage == "create" and self._field("username").value:
            focus = "email"
        if focus:
            self.call_after_refresh(self._field(focus).focus)
        else:
            self.call_after_refresh(self.query_one("#login", Button).focus)

    # -- input ---------------------------------------------------------------------------

    @on(Input.Changed, "#password, #again")
    def _policy(self) -> None:
        self.query_one("#policy", Static).update(
            policy_checklist(self._field("password").value, self._field("again").value)
        )

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if self._stage == "verify":
            self.action_verify()
            return
        order = ["username", "email", "password", "again"]
        if event.input.id in order:
            following = order[order.index(event.input.id) + 1 :]
            empty = next((n for n in following if not self._field(n).value), None)
            if empty is not None:
                self._field(empty).focus()
                return
        self.action_create()

    def _ready(self) -> bool:
        return not self._busy and not is_offline(self.happ.ctx)

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        if not self._ready() or self._stage != "create":
            return
        user = self._field("username").value.strip()
        email = self._field("email").value.strip()
        password, again = self._field("password").value, self._field("again").value
        problem = (
            ("Choose a username." if not user else None)
            or ("Type your email address: the code goes there." if not email else None)
            or email_problem(email)
            or password_problem(password, again)
        )
        if problem:
            self.note.say(problem, "error")
            return
        for name in ("password", "again"):
            self._field(name).value = ""  # the secrets live only in the worker's list now
        self._user = user
        self._run_line(f"Creating {user}…", signup_line(user, email), [password, again])

    @on(Button.Pressed, "#verify")
    def action_verify(self) -> None:
        if not self._ready() or self._stage != "verify":
            return
        code = self._field("code").value.strip()
        if not self._user:
            self.note.say("Which account? Go back (Esc) and type the username first.", "error")
            return
        if not code:
            self.note.say("Type the code from the email.", "error")
            return
        self._run_line("Checking the code…", f"verify {quote(self._user)} {quote(code)}", [])

    @on(Button.Pressed, "#resend")
    def action_resend(self) -> None:
        if not self._ready() or self._stage != "verify" or not self._user:
            return
        self._run_line("Asking for a new code…", f"resend {quote(self._user)}", [])

    def action_have_code(self) -> None:
        if self._stage != "create" or self._busy:
            return
        user = self._field("username").value.strip()
        if not user:
            self.note.say("Type the username first, then F3.", "error")
            self._field("username").focus()
            return
        self._user = user
        self._enter_stage("verify")

    @on(Button.Pressed, "#login")
    def action_login(self) -> None:
        from handterm_tui.ui.screens.login import LoginScreen

        self.app.switch_screen(LoginScreen(username=self._user))

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        self.dismiss(None)

    # -- the command runs ----------------------------------------------------------------

    def _run_line(self, doing: str, line: str, secrets: list[str]) -> None:
        self._busy = True
        self.set_busy(True)
        self.note.say(doing, "busy")
        self._send(line, secrets)

    @work(thread=True, exclusive=True, exit_on_error=False, group="auth")
    def _send(self, line: str, secrets: list[str]) -> None:
        runner = self.happ.runner
        run = runner.start(line)
        if run.waiting_for_secret:
            run = runner.finish(run, *secrets)
        secrets.clear()
        if run.waiting_for_secret:  # not expected: never leave a command half-asked
            run = runner.cancel(run)
        self.later(self._done, run)

    def _done(self, run: Run) -> None:
        self._busy = False
        self.keep(run)
        if not self.is_attached:
            return
        self.set_busy(False)
        outcome = run.outcome
        name = run.parsed.name
        if name in ("verify", "resend"):
            self._field("code").value = ""  # a refused or replaced code is of no more use
        if not outcome.ok:
            self.note.say(outcome.text, "error")
            target = "code" if self._stage == "verify" else "password"
            self.call_after_refresh(self._field(target).focus)
            return
        if name == "signup":
            confirmed = bool(outcome.extra.get(CONFIRMED))
            self._enter_stage("done" if confirmed else "verify", outcome.text, "ok")
        elif name == "verify":
            self._enter_stage("done", outcome.text, "ok")
        else:
            self.note.say(outcome.text, "ok")
            self.call_after_refresh(self._field("code").focus)


def open_screen(app: App[Any], username: str = "", stage: str = "create", **_: Any) -> None:
    """The ``OpenScreen("signup")`` hook."""
    app.push_screen(SignupScreen(username=username, stage=stage))
