"""One start-up run: build the app, wait for its first frame, exit. Used by bench_startup.

``bare``: one focused Input; ``skeleton``: the prompt skeleton (Header, RichLog, focused
Input, Footer); ``handterm``: the app as `handterm` builds it (on HANDTERM_HOME's store).
"""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot


async def _exit_when_ready(pilot: Pilot[Any]) -> None:
    # auto_pilot runs once the app is ready, i.e. after the first screen is composed.
    pilot.app.exit()


class SkeletonApp(App[None]):
    def compose(self) -> ComposeResult:
        from textual.widgets import Footer, Header, Input, RichLog

        yield Header()
        yield RichLog()
        yield Input(id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#prompt").focus()


def main(which: str) -> None:
    app: App[Any]
    if which == "bare":
        from _harness import BareInputApp

        app = BareInputApp()
    elif which == "skeleton":
        app = SkeletonApp()
    else:
        from handterm_tui import config
        from handterm_tui.ui.app import build_app

        app = build_app(config.load())
    app.run(headless=True, size=(80, 24), auto_pilot=_exit_when_ready)


if __name__ == "__main__":
    main(sys.argv[1])
