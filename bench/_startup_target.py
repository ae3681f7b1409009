"""One start-up run: build the app, wait for its first frame, exit. Used by bench_startup."""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App
from textual.pilot import Pilot


async def _exit_when_ready(pilot: Pilot[Any]) -> None:
    # auto_pilot runs once the app is ready, i.e. after the first screen is composed.
    pilot.app.exit()


def main(which: str) -> None:
    app: App[Any]
    if which == "bare":
        from _harness import BareInputApp

        app = BareInputApp()
    else:
        from handterm_tui import config
        from handterm_tui.ui.app import build_app

        app = build_app(config.load())
    app.run(headless=True, size=(80, 24), auto_pilot=_exit_when_ready)


if __name__ == "__main__":
    main(sys.argv[1])
