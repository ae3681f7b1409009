"""``debug``: a pane on the terminal screen with the last API calls (method, route, status,
time taken). Not a screen: ``open_screen`` toggles the pane, and the prompt keeps the focus.
Tokens, bodies and query strings are never recorded (api/client.py ``RECENT_CALLS``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from handterm_tui.ui import palette

if TYPE_CHECKING:
    from handterm_tui.api.client import ApiCall

SHOWN = 6


def call_line(call: ApiCall) -> Text:
    line = Text()
    line.append(time.strftime("%H:%M:%S", time.localtime(call.at)), style=palette.MUTED)
    line.append(f"  {call.method:<4} {call.route:<16}")
    if call.status is None:
        line.append(" ---  no answer", style=palette.ERROR)
    else:
        line.append(f" {call.status}", style="bold" if call.status < 400 else palette.ERROR)
    line.append(f"  {call.ms:6.0f} ms", style=palette.MUTED)
    return line


class DebugPane(Static):
    DEFAULT_CSS = """
    DebugPane { height: auto; max-height: 8; border-top: solid $panel-lighten-2;
                padding: 0 1; display: none; }
    DebugPane.-shown { display: block; }
    """

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_calls)

    def refresh_calls(self) -> None:
        if not self.has_class("-shown"):
            return
        # Here, not at the top: the pane is on every terminal screen, and api.client pulls
        # in httpx (with click, pygments, email: ~40 ms) that an offline start never needs.
        from handterm_tui.api.client import RECENT_CALLS

        calls = list(RECENT_CALLS)[-SHOWN:]
        text = Text("API calls (newest last; `debug` hides this)", style=palette.MUTED)
        if not calls:
            text.append("\n(no calls yet)", style=palette.MUTED)
        for call in calls:
            text.append("\n")
            text.append_text(call_line(call))
        self.update(text)


def open_screen(app: Any, **_: Any) -> None:
    terminal = app.terminal
    pane = terminal.query_one(DebugPane)
    pane.toggle_class("-shown")
    pane.refresh_calls()
    terminal.scrollback.add_notice(
        "Debug pane on: the last API calls (method, route, status, time)."
        if pane.has_class("-shown")
        else "Debug pane off."
    )
