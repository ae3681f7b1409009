"""One start-up run: build the app, paint its first frame, exit. Used by bench_startup.

``bare``: one focused Input; ``skeleton``: the prompt skeleton (Header, RichLog, focused
Input, Footer); ``handterm``: the app as `handterm` builds it (on HANDTERM_HOME's store).

Every app exits right after the first frame that shows its prompt is rendered (headless,
the frame is composed and only not written): the frame a person waits for, the same
measure for all three.
"""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input

_render = Screen._compositor_refresh


def _exit_after_first_prompt_frame(self: Screen[Any]) -> None:
    _render(self)
    app = self.app
    if self is app.screen and isinstance(app.focused, Input):
        app.exit()


Screen._compositor_refresh = _exit_after_first_prompt_frame  # type: ignore[method-assign]


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
    app.run(headless=True, size=(80, 24))


if __name__ == "__main__":
    main(sys.argv[1])
