"""The sign-in screen: username and masked password, answers to Cognito's challenges.

It runs the `login <user>` command through the app's runner, so the screen leaves exactly the
record the prompt command would (line `login <user>`) and shares its error words; the password
goes straight from the field to the command's secret callback and is never stored, timed,
logged or kept in history (the field is emptied as soon as it is sent).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from handterm_tui.commands.account import (
    AUTH_ERROR,
    CHALLENGE,
    OFFLINE_HINT,
    is_offline,
    login_line,
    password_problem,
)
from handterm_tui.commands.base import AskSecret, Choose
from handterm_tui.commands.runner import Run
from handterm_tui.ui.widgets.account_form import AccountScreen, FormField, FormNote

KEYS = "Enter sign in · Tab next field · Esc cancel · F2 create an account"


class LoginScreen(AccountScreen[str | None]):
    """Dismisses with the username once signed in, or None when cancelled."""

    DEFAULT_CSS = """
    LoginScreen #challenge { height: auto; }
    LoginScreen.-challenge #credentials { display: none; }
    LoginScreen #verify { display: none; }
    LoginScreen.-unconfirmed #verify { display: block; }
    """

    BINDINGS = [
        Binding("f2", "signup", "Create an account"),
    ]

    def __init__(self, username: str = "") -> None:
        super().__init__()
        self._initial_user = username
        self._pending: Run | None = None  # the command, waiting for a challenge's answer
        self._busy = False
        self._user = username

    def compose(self) -> ComposeResult:
        profile = self.happ.ctx.config.profile
        where = f"Profile: {profile.name}" if profile else "Offline mode"
        with Vertical(id="box") as box:
            box.border_title = "Sign in"
            yield Static(where, id="intro", markup=False)
            with Vertical(id="credentials"):
                yield FormField(
                    "Username",
                    Input(self._initial_user, placeholder="your username", id="username"),
                )
                yield FormField("Password", Input(password=True, id="password"))
            yield Vertical(id="challenge")
            yield FormNote(id="note")
            with Horizontal(id="buttons"):
                yield Button("Sign in", id="submit", variant="primary", compact=True)
                yield Button("Enter the code", id="verify", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Static(KEYS, id="keys")

    def on_mount(self) -> None:
        super().on_mount()
        if is_offline(self.happ.ctx):
            self.note.say(OFFLINE_HINT, "error")
            self.query_one("#submit", Button).disabled = True
        target = "#password" if self._initial_user else "#username"
        self.query_one(target, Input).focus()

    @property
    def note(self) -> FormNote:
        return self.query_one("#note", FormNote)

    # -- input ---------------------------------------------------------------------------

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input
        if field.id == "username" and not self.query_one("#password", Input).value:
            self.query_one("#password", Input).focus()
            return
        if field.id and field.id.startswith("secret-"):
            fields = list(self.query_one("#challenge").query(Input))
            following = [f for f in fields[fields.index(field) + 1 :] if not f.value]
            if following:
                following[0].focus()
                return
        self.submit()

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        if self._busy or is_offline(self.happ.ctx):
            return
        if self._pending is not None:
            self._answer_challenge(self._pending)
            return
        user = self.query_one("#username", Input).value.strip()
        password_field = self.query_one("#password", Input)
        if not user:
            self.note.say("Type your username.", "error")
            self.query_one("#username", Input).focus()
            return
        if not password_field.value:
            self.note.say("Type your password.", "error")
            password_field.focus()
            return
        secrets = [password_field.value]
        password_field.value = ""  # the secret lives only in `secrets` from here on
        self._user = user
        self._start(f"Signing in as {user}…", user, secrets, None)

    def _answer_challenge(self, run: Run) -> None:
        fields = list(self.query_one("#challenge").query(Input))
        values = [f.value for f in fields]
        empty = next((f for f in fields if not f.value), None)
        if empty is not None:
            self.note.say("Fill in every field.", "error")
            empty.focus()
            return
        if run.outcome.extra.get(CHALLENGE) == "new_password":
            # Checked here so a weak password does not end the sign-in, as it would at the prompt.
            problem = password_problem(values[0], values[1])
            if problem:
                self.note.say(problem, "error")
                for field in fields:
                    field.value = ""
                fields[0].focus()
                return
        for field in fields:
            field.value = ""
        self._start("Sending…", self._user, values, run)

    def _start(self, doing: str, user: str, secrets: list[str], run: Run | None) -> None:
        self._busy = True
        self.set_busy(True)
        self.remove_class("-unconfirmed")
        self.note.say(doing, "busy")
        self._send(user, secrets, run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="auth")
    def _send(self, user: str, secrets: list[str], run: Run | None) -> None:
        runner = self.happ.runner
        if run is None:
            run = runner.start(login_line(user))
        if run.waiting_for_secret:
            run = runner.finish(run, *secrets)
        secrets.clear()
        self.later(self._done, run)

    # -- results -------------------------------------------------------------------------

    def _done(self, run: Run) -> None:
        self._busy = False
        if not self.is_attached:
            # Closed while the server answered: keep the record, drop a half-done challenge.
            if run.waiting_for_secret:
                run = self.happ.runner.cancel(run)
            self.keep(run)
            return
        self.set_busy(False)
        self.keep(run)
        if run.waiting_for_secret:
            self._pending = run
            self._show_challenge(run)
            return
        self._pending = None
        self._hide_challenge()
        if isinstance(run.outcome.action, Choose):
            # Signed in, and a question follows (items made while signed out): over the
            # terminal, where its answer is shown.
            self.dismiss(self._user)
            self.happ.resolve_choice(run)
            return
        if run.outcome.ok:
            self.dismiss(self._user)
            return
        self.note.say(run.outcome.text, "error")
        if run.outcome.extra.get(AUTH_ERROR) == "UserNotConfirmed":
            self.add_class("-unconfirmed")
            self.note.say(
                f"{self._user} is not confirmed yet: enter the emailed code "
                "(or ask for a new one) with “Enter the code”.",
                "error",
            )
        self.query_one("#password", Input).focus()

    def _show_challenge(self, run: Run) -> None:
        action = run.outcome.action
        assert isinstance(action, AskSecret)
        box = self.query_one("#challenge")
        box.remove_children()
        fields = []
        for index, prompt in enumerate([action.prompt, *action.more]):
            secret = "password" in prompt.lower()
            field = Input(password=secret, id=f"secret-{index}")
            fields.append(field)
            box.mount(FormField(prompt.rstrip(":"), field))
        self.add_class("-challenge")
        self.query_one("#submit", Button).label = "Continue"
        self.note.say(run.outcome.text, "info")
        self.call_after_refresh(self.apply_blink)
        self.call_after_refresh(fields[0].focus)

    def _hide_challenge(self) -> None:
        self.query_one("#challenge").remove_children()
        self.remove_class("-challenge")
        self.query_one("#submit", Button).label = "Sign in"

    # -- leaving -------------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self._pending is not None:
            run, self._pending = self._pending, None
            self.keep(self.happ.runner.cancel(run))  # as Ctrl+C at the prompt's password
        self.dismiss(None)

    @on(Button.Pressed, "#verify")
    def action_verify(self) -> None:
        from handterm_tui.ui.screens.signup import SignupScreen

        self.app.switch_screen(SignupScreen(username=self._user, stage="verify"))

    def action_signup(self) -> None:
        if self._busy or self._pending is not None:
            return
        from handterm_tui.ui.screens.signup import SignupScreen

        user = self.query_one("#username", Input).value.strip()
        self.app.switch_screen(SignupScreen(username=user))


def open_screen(app: App[Any], username: str = "", **_: Any) -> None:
    """The ``OpenScreen("login")`` hook (also the palette's way in)."""
    app.push_screen(LoginScreen(username=username))
