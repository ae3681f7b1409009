"""The terminal screen: scrollback, prompt, status bar — the HandTerm prompt."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from handterm_tui.commands.base import (
    REGISTRY,
    AskSecret,
    Choose,
    Clear,
    Exit,
    OpenScreen,
    UseConfig,
)
from handterm_tui.commands.runner import Run
from handterm_tui.commands.welcome import WELCOME, WELCOMED_KEY
from handterm_tui.core.history import HistoryCursor
from handterm_tui.core.owner import Owner
from handterm_tui.core.parser import ParseError, split_words
from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke
from handterm_tui.services import OfflineServices
from handterm_tui.store import StoreError
from handterm_tui.ui.screens.debug import DebugPane
from handterm_tui.ui.widgets.prompt import PromptInput, PromptLine
from handterm_tui.ui.widgets.scrollback import Notice, RecordBlock, Scrollback
from handterm_tui.ui.widgets.status import StatusBar

if TYPE_CHECKING:
    from handterm_tui.ui.app import HandtermApp

RESTORE = 30  # records shown again at start (from the last `clear` on); `logs` has the rest


class TerminalScreen(Screen[None]):
    DEFAULT_CSS = """
    TerminalScreen { layout: vertical; }
    #completions { height: auto; max-height: 6; color: $text-muted; display: none; }
    #completions.-shown { display: block; }
    """

    BINDINGS = [
        Binding("pageup", "scroll('page_up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Scroll down", show=False),
        Binding("shift+up", "scroll('up')", "Scroll up a line", show=False),
        Binding("shift+down", "scroll('down')", "Scroll down a line", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="terminal")
        # Up/Down's lines, read on first use (see ``history``); empty until an owner is known.
        self._history: HistoryCursor | None = HistoryCursor()
        self._history_owner: Owner | None = None
        self._pending: Run | None = None  # a command waiting for a secret
        self._secrets: list[str] = []
        self._secret_prompts: list[str] = []
        self._secret_clear: frozenset[int] = frozenset()
        self._busy = False

    @property
    def history(self) -> HistoryCursor:
        """Up/Down's lines, read from the store when first needed (a key at the prompt), not
        before the first frame: up to 2 × history_limit rows, ~3 ms on a 10k-record store."""
        if self._history is None:
            ctx = self.happ.ctx
            limit = ctx.config.settings.history_limit
            lines = ctx.store.records.history_lines(limit, viewer=self._history_owner)
            self._history = HistoryCursor(lines)
        return self._history

    @property
    def happ(self) -> HandtermApp:
        return cast("HandtermApp", self.app)

    def compose(self) -> ComposeResult:
        # The restored records are composed with the screen, not mounted after it: they are
        # in the first frame, and the screen is laid out once.
        yield Scrollback(*self._start_widgets(), id="scrollback")
        yield Static(id="completions")
        yield DebugPane(id="debug-pane")
        yield PromptLine(self.happ.ctx.username, clock=self.happ.monotonic_ms)
        yield StatusBar(id="status")

    @property
    def scrollback(self) -> Scrollback:
        return self.query_one(Scrollback)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    def _start_widgets(self) -> list[Static]:
        # With a profile, whose records to show is known only once the stored session has
        # loaded (the app calls show_owner then): never show one person's records to another.
        ctx = self.happ.ctx
        if not isinstance(ctx.services, OfflineServices):
            return []
        return self._owner_widgets(ctx.owner(), changed=False)

    def on_mount(self) -> None:
        self.scrollback.settle()
        self.refresh_status()
        self.prompt.focus()

    def show_owner(self, owner: Owner, *, changed: bool = False) -> None:
        """Show ``owner``'s history and records (after start-up, sign-in or sign-out)."""
        widgets = self._owner_widgets(owner, changed=changed)
        if changed:
            self.scrollback.clear()
        for widget in widgets:
            self.scrollback.add(widget)

    def _owner_widgets(self, owner: Owner, *, changed: bool) -> list[Static]:
        """What the scrollback shows of ``owner``'s; their history is read on first use."""
        store = self.happ.ctx.store
        self._history, self._history_owner = None, owner
        widgets: list[Static] = []
        records = store.records.since_last("clear", RESTORE, viewer=owner)
        if records:
            widgets.append(RecordBlock(records))
        if not changed and not store.kv.get(WELCOMED_KEY):
            # Once, on a new store: later starts show only the restored records.
            widgets.append(Notice(WELCOME, classes="welcome"))
            # Remembered if it can be: a full disk shows the welcome again, nothing worse.
            with contextlib.suppress(StoreError):
                store.kv.set(WELCOMED_KEY, True)
        if changed:
            widgets.append(
                Notice(
                    f"Showing {owner.username}'s records and history."
                    if owner.signed_in
                    else "Signed out: showing only what was made here while signed out."
                )
            )
        return widgets

    # -- status --------------------------------------------------------------

    def refresh_status(self) -> None:
        bar = self.query_one(StatusBar)
        ctx = self.happ.ctx
        bar.user = ctx.username
        bar.queue = ctx.store.outbox.count(owner=ctx.owner())
        bar.connection = self.happ.connection_label()
        bar.session_left = self.happ.session_left_label()
        self.query_one(PromptLine).set_user(ctx.username)

    # -- running commands -----------------------------------------------------

    @on(PromptInput.Submitted)
    def _submitted(self, event: PromptInput.Submitted) -> None:
        event.stop()
        prompt = self.prompt
        if self._pending is not None:
            self._secret_entered(event.value)
            return
        if self._busy:
            self.app.bell()
            return
        line = event.value
        if not line.strip():
            prompt.reset_timing()
            return
        prompt.note_enter()
        keystrokes = list(prompt.keystrokes)
        prompt.value = ""
        prompt.reset_timing()
        self._hide_completions()
        self.history.add(line.strip())
        self.run_line(line, keystrokes)

    def run_line(self, line: str, keystrokes: Sequence[Keystroke] | None = None) -> None:
        first = line.strip().split(None, 1)[0] if line.strip() else ""
        spec = REGISTRY.get(first)
        keys = list(keystrokes or [])
        if spec is not None and spec.blocking:
            self._set_busy(spec.name)
            self._run_in_thread(line, keys)
        else:
            self.show_run(self.happ.runner.start(line, keys))

    @work(thread=True, exclusive=True, exit_on_error=False, group="command")
    def _run_in_thread(self, line: str, keys: list[Keystroke]) -> None:
        run = self.happ.runner.start(line, keys)
        self.app.call_later(self.show_run, run)  # thread-safe; a no-op once the app is gone

    @work(thread=True, exclusive=True, exit_on_error=False, group="command")
    def _finish_in_thread(self, run: Run, secrets: list[str]) -> None:
        finished = self.happ.runner.finish(run, *secrets)
        secrets.clear()
        self.app.call_later(self.show_run, finished)

    def _set_busy(self, what: str | None) -> None:
        self._busy = what is not None
        self.query_one(StatusBar).busy = what or ""

    def show_progress(self, text: str) -> None:
        """A running command's progress line (e.g. an upload bar) on the status bar."""
        if self._busy:
            self.query_one(StatusBar).busy = text

    def show_run(self, run: Run) -> None:
        self._set_busy(None)
        action = run.outcome.action
        if isinstance(action, AskSecret) and run.record is None:
            self._ask_secret(run, action)
            return
        if isinstance(action, Choose) and run.record is None:
            self._ask_choice(run, action)
            return
        if isinstance(action, Clear):
            self.scrollback.clear()
            self.scrollback.add_notice(WELCOME, classes="welcome")
        elif run.record is not None:
            self.scrollback.add_record(run.record)
        elif run.outcome.text:
            self.scrollback.add_notice(run.outcome.text)
        if isinstance(action, Exit):
            self.happ.leave()
            return
        if isinstance(action, OpenScreen):
            self.happ.open_screen(action.name, action.params)
        if isinstance(action, UseConfig):
            self.happ.use_config(action.config)
        self.refresh_status()

    def _ask_choice(self, run: Run, action: Choose) -> None:
        """A question the command asked (e.g. logout with items waiting)."""
        self._set_busy(run.parsed.name)
        self.happ.resolve_choice(run, self.show_run)

    # -- secrets (passwords): never echoed, timed, recorded or kept in history --

    def _ask_secret(self, run: Run, action: AskSecret) -> None:
        self._pending = run
        self._secrets = []
        self._secret_prompts = [action.prompt, *action.more]
        self._secret_clear = action.clear
        self._enter_secret_mode(0)

    def _enter_secret_mode(self, index: int) -> None:
        self.query_one(PromptLine).ask_secret(
            self._secret_prompts[index], masked=index not in self._secret_clear
        )

    def _leave_secret_mode(self) -> None:
        self.query_one(PromptLine).end_secret()

    def _secret_entered(self, value: str) -> None:
        run = self._pending
        assert run is not None
        self._secrets.append(value)
        self.prompt.value = ""
        if len(self._secrets) < len(self._secret_prompts):
            self._enter_secret_mode(len(self._secrets))
            return
        secrets, self._secrets = self._secrets, []
        self._pending = None
        self._leave_secret_mode()
        self._set_busy(run.parsed.name)
        self._finish_in_thread(run, secrets)

    # -- keys ----------------------------------------------------------------

    @on(PromptInput.Cancelled)
    def _cancelled(self, event: PromptInput.Cancelled) -> None:
        event.stop()
        prompt = self.prompt
        if self._pending is not None:
            run, self._pending = self._pending, None
            self._secrets = []
            self._leave_secret_mode()
            self.show_run(self.happ.runner.cancel(run))
            return
        if prompt.value:
            self.scrollback.add_notice(f"{prompt.value}^C")
        prompt.value = ""
        prompt.reset_timing()
        if self._history is not None:
            self._history.reset()
        self._hide_completions()

    @on(PromptInput.HistoryStep)
    def _history_step(self, event: PromptInput.HistoryStep) -> None:
        event.stop()
        if self._pending is not None:
            return
        prompt = self.prompt
        line = self.history.up(prompt.value) if event.older else self.history.down()
        if line is None:
            if event.older:
                self.app.bell()
            return
        prompt.value = line
        prompt.cursor_position = len(line)

    @on(PromptInput.Changed)
    def _changed(self, event: PromptInput.Changed) -> None:
        if self._history is None or not self._history.browsing:
            return
        # Typing while browsing starts a new search from what is now typed.
        if event.value not in self.history.lines and event.value != "":
            self.history.reset()

    # -- reading the scrollback from the keyboard (the prompt keeps the focus) --

    def action_scroll(self, how: str) -> None:
        back = self.scrollback
        back.user_scrolled()
        if how == "page_up":
            back.scroll_page_up(animate=False)
        elif how == "page_down":
            back.scroll_page_down(animate=False)
        elif how == "up":
            back.scroll_up(animate=False)
        elif how == "down":
            back.scroll_down(animate=False)
        elif how == "home":
            back.scroll_home(animate=False)
        elif how == "end":
            back.scroll_end(animate=False)

    @on(PromptInput.ScrollRequested)
    def _scroll_requested(self, event: PromptInput.ScrollRequested) -> None:
        event.stop()
        self.action_scroll(event.where)

    @on(PromptInput.PasteRefused)
    def _paste_refused(self, event: PromptInput.PasteRefused) -> None:
        event.stop()
        self.notify(event.text, severity="warning")

    @on(PromptInput.LineFull)
    def _line_full(self, event: PromptInput.LineFull) -> None:
        event.stop()
        self.notify(event.text, severity="warning")

    @on(PromptInput.CompleteRequested)
    def _complete(self, event: PromptInput.CompleteRequested) -> None:
        event.stop()
        if self._pending is not None:
            return
        prompt = self.prompt
        before = prompt.value[: prompt.cursor_position]
        after = prompt.value[prompt.cursor_position :]
        try:
            words = [w.text for w in split_words(before)]
        except ParseError:
            return
        partial = words.pop() if before and not before[-1].isspace() and words else ""
        candidates = REGISTRY.completions(words, partial)
        if not candidates:
            self.app.bell()
            return
        common = os.path.commonprefix(candidates)
        if len(candidates) == 1:
            common += " "
        if len(common) > len(partial):
            head = before[: len(before) - len(partial)]
            prompt.value = head + common + after
            prompt.cursor_position = len(head + common)
        if len(candidates) > 1:
            self._show_completions(candidates)
        else:
            self._hide_completions()

    def _show_completions(self, candidates: list[str]) -> None:
        widget = self.query_one("#completions", Static)
        widget.update("  ".join(candidates))
        widget.add_class("-shown")

    def _hide_completions(self) -> None:
        self.query_one("#completions", Static).remove_class("-shown")

    # -- used by other screens -------------------------------------------------

    def add_record(self, record: Record) -> None:
        self.scrollback.add_record(record)
        self.refresh_status()
