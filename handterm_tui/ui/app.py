"""The Textual application: a thin shell around the terminal screen."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message
from textual.screen import Screen

from handterm_tui import config as config_mod
from handterm_tui.commands import REGISTRY, Context, Run, Runner
from handterm_tui.commands.base import Choose
from handterm_tui.config import Config
from handterm_tui.core.records import Record, utc_now
from handterm_tui.services import OfflineServices, Services, Unavailable
from handterm_tui.store import Store, StoreError
from handterm_tui.ui.keyguard import GUARD_SECONDS, KeyGuard
from handterm_tui.ui.screens.terminal import TerminalScreen
from handterm_tui.ui.widgets.prompt import PromptInput

# The themes offered (palette, config): each is held to WCAG AA by tests/ui/test_contrast.py.
SHIPPED_THEMES = ("textual-dark",)
TICK_SECONDS = 5.0  # session checks are decided from wall-clock expiry on every tick
CONFIG_CHECK_SECONDS = 2.0  # a config file written meanwhile (serve-local) is picked up
STORE_NOTICE_SECONDS = 1.0


class SessionChanged(Message):
    """The session manager reported a change (posted from whichever thread saw it);
    ``loaded``: the stored session has been read (or could not be)."""

    def __init__(self, loaded: bool = False) -> None:
        self.loaded = loaded
        super().__init__()


class Notice(Message):
    """Words for the user from a worker thread."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class Progress(Message):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class HandtermApp(App[int]):
    CSS_PATH = "handterm.tcss"
    TITLE = "handterm"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+l,f9", "logs", "Log history", id="logs"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        services: Services | None = None,
        clock: Callable[[], datetime] = utc_now,
        monotonic_ms: Callable[[], float] | None = None,
        cursor_blink: bool = True,
        key_guard_s: float = GUARD_SECONDS,
        guard_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``key_guard_s``/``guard_clock``: how long keys are dropped after a screen opens
        from the prompt, on which clock (seconds); tests inject both."""
        super().__init__()
        for name in list(self.available_themes):
            if name not in SHIPPED_THEMES:
                self.unregister_theme(name)
        self.ctx = Context(
            config=config,
            store=store,
            services=services or OfflineServices(),
            clock=clock,
            progress=self._progress,
        )
        self.runner = Runner(self.ctx)
        self._monotonic_ms = monotonic_ms or (lambda: time.monotonic() * 1000.0)
        self.cursor_blink = cursor_blink
        self.key_guard_s = key_guard_s
        self._guard_clock = guard_clock
        self._last_state: object = None  # the session state last announced
        self._last_account: tuple[str | None] | None = None  # whose records are shown
        self._session_loaded = False
        self._ticking = threading.Event()
        self._config_stamp: tuple[int, int] | None = None

    def monotonic_ms(self) -> float:
        return self._monotonic_ms()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._drop_key(event):
            return
        await super().on_event(event)

    def _drop_key(self, event: events.Key) -> bool:
        """Keys dropped before bindings and forwarding (see ui/keyguard.py)."""
        stack = self.screen_stack
        screen = stack[-1] if stack else None
        if isinstance(screen, KeyGuard) and screen.key_guarded(
            event.key, self._guard_clock(), self.key_guard_s
        ):
            return True  # typed on from the prompt: not an action on the screen just opened
        focused = self.focused
        # The line is full: dropped here, so a flood of keys costs almost nothing.
        return isinstance(focused, PromptInput) and focused.drops(event)

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver with back-pressure on input (see ui/driver.py)."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver" and driver.__module__ == "textual.drivers.linux_driver":
            from handterm_tui.ui.driver import BoundedLinuxDriver

            return BoundedLinuxDriver
        return driver

    def on_mount(self) -> None:
        # ScreenResume does not bubble to the app: follow screen changes to set the blink.
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.push_screen(TerminalScreen())
        if not isinstance(self.ctx.services, OfflineServices):
            self.ctx.services.subscribe(lambda _status: self.post_message(SessionChanged()))
            # After the first frame: loading the session imports httpx and keyring (~0.3 s of
            # work in a thread) and would hold the GIL while the prompt is being drawn.
            self.call_after_refresh(self._start_session)
        # A timer plus a short worker, never an endless thread (offline, a tick does nothing;
        # it is there for when a profile is switched on).
        self.set_interval(TICK_SECONDS, self._tick_session)
        self._config_stamp = config_mod.stamp(self.ctx.config.path)
        self.set_interval(CONFIG_CHECK_SECONDS, self._check_config)
        # What the store fixed on its own (a deleted WAL saved back) is told once, soon after.
        self.set_interval(STORE_NOTICE_SECONDS, self._store_notices)

    # -- the config: `profile use NAME`, or the file changed under us -------------------

    def use_config(self, config: Config) -> None:
        """Switch to ``config``'s profile now: the old services stop, the new ones start, the
        status bar and the records shown follow. Nothing local is touched."""
        from handterm_tui.app_factory import build_services

        self._config_stamp = config_mod.stamp(config.path)
        if config.profile == self.ctx.config.profile:
            self.ctx.config = config  # already in use (the file watcher saw it first)
            return
        old = self.ctx.services
        self.ctx.config = config
        self.ctx.services = build_services(config, self.ctx.store)
        self._config_stamp = config_mod.stamp(config.path)
        old.close()
        self._last_state = None
        self._session_loaded = False
        if isinstance(self.ctx.services, OfflineServices):
            self.post_message(SessionChanged(loaded=True))
        else:
            self.ctx.services.subscribe(lambda _status: self.post_message(SessionChanged()))
            self._start_session()
        with contextlib.suppress(LookupError):
            self.refresh_status()

    def _check_config(self) -> None:
        stamp = config_mod.stamp(self.ctx.config.path)
        if stamp == self._config_stamp:
            return
        self._config_stamp = stamp
        current = self.ctx.config
        try:
            fresh = config_mod.load(current.path, profile=current.selected)
        except config_mod.ConfigError as exc:
            self.notify(f"The config file changed but cannot be used: {exc}", severity="warning")
            return
        if fresh.profile == current.profile:
            self.ctx.config = fresh  # settings only
            return
        self.use_config(fresh)
        name = fresh.profile.name if fresh.profile else None
        with contextlib.suppress(LookupError):
            self.terminal.scrollback.add_notice(
                f"The config file changed: now using profile {name}."
                if name
                else "The config file changed: offline mode (no profile)."
            )

    @work(thread=True, exit_on_error=False, group="session-start")
    def _start_session(self) -> None:
        try:
            self.ctx.services.start()
        except Unavailable as exc:
            self.post_message(Notice(exc.message))
        self.post_message(SessionChanged(loaded=True))

    def _tick_session(self) -> None:
        # One tick at a time: a slow one (a refresh, a batch of uploads) is never cancelled
        # by the next, which would leave its work half done; the next just skips.
        if not self._ticking.is_set():
            self._ticking.set()
            self._session_worker()

    @work(thread=True, exit_on_error=False, group="token-refresh")
    def _session_worker(self) -> None:
        from handterm_tui.auth.errors import AuthError

        try:
            # The session manager records and reports its own failures.
            with contextlib.suppress(AuthError, Unavailable):
                self.ctx.services.tick()
        finally:
            self._ticking.clear()
        self.post_message(SessionChanged())

    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, severity="warning")

    async def action_quit(self) -> None:
        self.leave()

    def leave(self) -> None:
        """Stop the background work before leaving: no upload or refresh outlives the app,
        and nothing calls into it after it has gone."""
        self.workers.cancel_all()
        self.ctx.services.close()
        self.exit()

    def on_session_changed(self, message: SessionChanged) -> None:
        self._session_loaded = self._session_loaded or message.loaded
        with contextlib.suppress(LookupError):
            self._follow_owner()
            self.refresh_status()
            self._announce_state()

    def _follow_owner(self) -> None:
        """Once the stored session is known, and whenever the account changes (sign-in,
        sign-out, a session ended), the screen shows that viewer's own records and history."""
        if self.ctx.services.status is None and not self._session_loaded:
            return
        owner = self.ctx.owner()
        if self._last_account is None:
            self.terminal.show_owner(owner)
        elif owner.account != self._last_account[0]:
            self.terminal.show_owner(owner, changed=True)
        self._last_account = (owner.account,)

    def _announce_state(self) -> None:
        """Say so in the scrollback when the session changes state on its own."""
        from handterm_tui.auth.session import SessionState

        status = self.ctx.services.status
        state = status.state if status is not None else None
        previous, self._last_state = self._last_state, state
        if previous is None or state == previous:
            return
        queued = self.ctx.store.outbox.count(owner=self.ctx.owner())
        waiting = f" {queued:,} item(s) wait to upload." if queued else ""
        if state is SessionState.SESSION_ENDED and previous is not SessionState.SIGNED_OUT:
            text = (
                "Session ended (the sign-in expired or was revoked): type `login` to sign in "
                f"again. Nothing local was lost.{waiting}"
            )
            self.terminal.scrollback.add_notice(text)
            self.notify(text, severity="warning", timeout=8)
        elif state is SessionState.UNREACHABLE:
            self.terminal.scrollback.add_notice(
                f"The server cannot be reached: working offline, retrying.{waiting}"
            )
        elif state is SessionState.SIGNED_IN and previous is SessionState.UNREACHABLE:
            self.terminal.scrollback.add_notice("Back online.")

    def _screen_changed(self, screen: Screen[Any]) -> None:
        self._apply_blink()
        if isinstance(screen, KeyGuard):
            screen.arm_key_guard(self._guard_clock())

    def _apply_blink(self) -> None:
        from textual.widgets import Input

        for widget in self.screen.query(Input):
            widget.cursor_blink = self.cursor_blink

    def _store_notices(self) -> None:
        notices = getattr(self.ctx.store, "notices", None)
        if not notices:
            return
        with contextlib.suppress(LookupError):
            for notice in notices:
                self.terminal.scrollback.add_notice(notice)
                self.notify(notice, severity="warning", timeout=8)
            notices.clear()

    def _handle_exception(self, error: Exception) -> None:
        # Commands report store failures themselves; one outside a command (a game result,
        # the status bar) ends the app with the store's message instead of a traceback.
        # Writes are whole transactions, so nothing is left half written.
        if isinstance(error, StoreError):
            self.exit(return_code=1, message=f"handterm: {error}")
            return
        super()._handle_exception(error)

    @property
    def terminal(self) -> TerminalScreen:
        for screen in self.screen_stack:
            if isinstance(screen, TerminalScreen):
                return screen
        raise LookupError("no terminal screen")

    # -- what the status bar says ---------------------------------------------

    def connection_label(self) -> str:
        return self.ctx.services.connection_label()

    def session_left_label(self) -> str:
        return self.ctx.services.session_left_label()

    # -- hooks for commands and other screens -----------------------------------

    def open_screen(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Open the screen ``name`` from the table in ``ui/screens``."""
        from handterm_tui.ui.screens import opener

        open_it = opener(name)
        if open_it is None:
            self.notify(f"There is no {name} screen.", severity="warning")
            return
        open_it(self, **(params or {}))

    def resolve_choice(self, run: Run, then: Callable[[Run], None] | None = None) -> None:
        """Ask the question a command asked (:class:`Choose`); its answer, or the safe default
        on Esc, finishes the command off the UI thread (it may upload), then ``then(run)``
        (default: the terminal shows it)."""
        from handterm_tui.ui.widgets.choice import ChoiceScreen

        action = run.outcome.action
        assert isinstance(action, Choose)
        done = then or self.terminal.show_run

        def answered(key: str | None) -> None:
            self._choose(run, key, done)

        self.push_screen(
            ChoiceScreen(action.question, action.options, default=action.default), answered
        )

    @work(thread=True, exit_on_error=False, group="choice")
    def _choose(self, run: Run, key: str | None, done: Callable[[Run], None]) -> None:
        finished = self.runner.choose(run, key)
        self.call_later(done, finished)  # thread-safe; a no-op once the app is gone

    def record_added(self, record: Record) -> None:
        """A record stored outside the prompt (a game result) joins the scrollback."""
        self.terminal.add_record(record)

    def refresh_status(self) -> None:
        self.terminal.refresh_status()

    def run_command(self, line: str) -> None:
        """Run a command line as if typed (palette, F1)."""
        self.terminal.run_line(line)

    def _progress(self, text: str) -> None:
        """Progress from a command running in a worker thread, shown on the status bar."""
        self.post_message(Progress(text))

    def on_progress(self, message: Progress) -> None:
        with contextlib.suppress(LookupError):
            self.terminal.show_progress(message.text)

    def action_logs(self) -> None:
        if self.screen is self.terminal:
            self.run_command("logs")

    def action_help(self) -> None:
        if self.screen is not self.terminal:
            self.pop_screen()
        self.run_command("help")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Sign in…", "Open the sign-in screen", lambda: self.open_screen("login")
        )
        yield SystemCommand(
            "Create an account…",
            "Sign up, then confirm with the emailed code",
            lambda: self.open_screen("signup"),
        )
        yield SystemCommand(
            "Session…", "Token expiry, refresh now, sign out", lambda: self.open_screen("session")
        )
        yield SystemCommand("Log history…", "Browse, search and export records", self.action_logs)
        for spec in REGISTRY.entries():  # the manifest: no command module is imported
            if spec.name == "exit":
                continue
            yield SystemCommand(
                f"Run: {spec.name}", spec.summary, lambda name=spec.name: self.run_command(name)
            )


def build_app(config: Config, *, store: Store | None = None) -> HandtermApp:
    """The app as `handterm` runs it: the user's store (``store``, or opened here) and the
    profile's services."""
    from handterm_tui.app_factory import build_services, open_store

    if store is None:
        store = open_store()
    return HandtermApp(config, store, services=build_services(config, store))
