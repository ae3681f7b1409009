"""The session screen: who is signed in, the state in words, and the token figures.

Shows what `session` prints (access-token expiry, last refresh, when the refresh token was
issued and when it should expire under the profile's validity, where tokens are kept, refreshes
made) and offers refresh now, sign out (the `logout` command, so it is recorded) and close.
Times are relative to an injectable clock, so snapshots can freeze them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.table import Table
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from handterm_tui.auth.session import SessionState
from handterm_tui.commands.account import OFFLINE_HINT, SessionControls, session_fields
from handterm_tui.commands.base import Choose
from handterm_tui.commands.runner import Run
from handterm_tui.ui.widgets.account_form import AccountScreen, FormNote

if TYPE_CHECKING:
    from handterm_tui.auth.session import SessionStatus
    from handterm_tui.ui.app import HandtermApp

KEYS = "r refresh now · s sign out · l sign in · Esc close"
REDRAW_SECONDS = 1.0  # the relative times ("in 14 min") move on while the screen is open


class SessionScreen(AccountScreen[None]):
    DEFAULT_CSS = """
    SessionScreen #figures { height: auto; }
    SessionScreen #login { display: none; }
    SessionScreen.-signed-out #login { display: block; }
    SessionScreen.-signed-out #signout { display: none; }
    """

    BINDINGS = [
        Binding("r", "refresh_now", "Refresh now"),
        Binding("s", "sign_out", "Sign out"),
        Binding("l", "login", "Sign in"),
        Binding("q", "cancel", "Close", show=False),
    ]

    def __init__(self, controls: SessionControls) -> None:
        super().__init__()
        self.controls = controls
        self._status: SessionStatus | None = None
        self._loaded = False
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="box") as box:
            box.border_title = "Session"
            yield Static(id="figures")
            yield FormNote(id="note")
            with Horizontal(id="buttons"):
                yield Button("Refresh now", id="refresh", compact=True)
                yield Button("Sign out", id="signout", compact=True)
                yield Button("Sign in", id="login", compact=True)
                yield Button("Close", id="close", compact=True)
            yield Static(KEYS, id="keys")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#close", Button).focus()
        if self.controls.offline:
            self.note.say(OFFLINE_HINT, "error")
            self.query_one("#refresh", Button).disabled = True
            self.query_one("#signout", Button).disabled = True
            self.query_one("#figures", Static).update("Not signed in: there is no server.")
            return
        self._status = self.controls.current()
        self.redraw()
        self.set_interval(REDRAW_SECONDS, self.redraw)
        self._load()

    @property
    def note(self) -> FormNote:
        return self.query_one("#note", FormNote)

    def redraw(self) -> None:
        if self.controls.offline:
            return
        status = self.controls.current() or self._status
        self._status = status
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for label, value in session_fields(status, self.controls.clock()):
            grid.add_row(label, value)
        self.query_one("#figures", Static).update(grid)
        signed_in = status is not None and status.signed_in
        self.set_class(status is not None and not signed_in, "-signed-out")
        if not self._busy:
            self.query_one("#refresh", Button).disabled = not signed_in
            self.query_one("#signout", Button).disabled = status is None

    # -- work ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="auth")
    def _load(self) -> None:
        result = self.controls.load()
        self.later(self._loaded_status, result)

    def _loaded_status(self, result: SessionStatus | str) -> None:
        if not self.is_attached:
            return
        if isinstance(result, str):
            self.note.say(result, "error")
            return
        self._status = result
        self.redraw()

    def _begin(self, doing: str) -> bool:
        if self._busy:
            return False
        self._busy = True
        self.set_busy(True)
        self.note.say(doing, "busy")
        return True

    def _end(self, text: str, kind: str) -> None:
        self._busy = False
        if not self.is_attached:
            return
        self.set_busy(False)
        self.note.say(text, kind)
        self.redraw()
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#refresh")
    def action_refresh_now(self) -> None:
        if self.query_one("#refresh", Button).disabled:
            return
        if self._begin("Refreshing the tokens…"):
            self._refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="auth")
    def _refresh(self) -> None:
        message = self.controls.refresh_now()
        status = self.controls.current()
        ok = status is not None and status.state is SessionState.SIGNED_IN
        self.later(self._end, message, "ok" if ok else "error")

    @on(Button.Pressed, "#signout")
    def action_sign_out(self) -> None:
        """Sign-out is asked, never done on one key: `logout` asks first (what to do with
        items still waiting, or just "sign out?"), the safe answer focused."""
        if self.query_one("#signout", Button).disabled or self._busy:
            return
        if self._begin("Signing out…"):
            self._sign_out()

    @work(thread=True, exclusive=True, exit_on_error=False, group="auth")
    def _sign_out(self) -> None:
        run = self.happ.runner.start("logout")
        self.later(self._signed_out, run)

    def _signed_out(self, run: Run) -> None:
        if isinstance(run.outcome.action, Choose):  # items wait: upload, keep or cancel
            self.happ.resolve_choice(run, self._signed_out)
            return
        self.keep(run)
        self._end(run.outcome.text, "ok" if run.outcome.ok else "error")

    @on(Button.Pressed, "#login")
    def action_login(self) -> None:
        if self._busy or self.controls.offline:
            return
        from handterm_tui.ui.screens.login import LoginScreen

        status = self._status
        user = status.username if status is not None and status.username else ""
        self.app.switch_screen(LoginScreen(username=user))

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        self.dismiss(None)


def open_screen(
    app: App[Any],
    controls: SessionControls | None = None,
    clock: Callable[[], float] | None = None,
    **_: Any,
) -> None:
    """The ``OpenScreen("session")`` hook; tests pass ``controls`` or a frozen ``clock``."""
    ctx = cast("HandtermApp", app).ctx
    app.push_screen(SessionScreen(controls or SessionControls(ctx, clock)))
