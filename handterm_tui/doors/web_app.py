"""One browser session's HandTerm: the process ``serve-web`` starts for each websocket.

Textual picks its web driver from the environment the server gives (``TEXTUAL_DRIVER``);
standard input and output are the server's pipes, not a terminal, so this is not ``run_tui``.
"""

from __future__ import annotations

import contextlib
import sys


def main() -> int:
    from handterm_tui import cli
    from handterm_tui.config import ConfigError, load
    from handterm_tui.store import StoreError

    try:
        config = load()
    except ConfigError as exc:
        print(f"handterm: config error: {exc}", file=sys.stderr)
        return 2
    cli.setup_logging()
    from handterm_tui.ui.app import build_app

    try:
        app = build_app(config)
    except StoreError as exc:
        print(f"handterm: {exc}", file=sys.stderr)
        return 1
    try:
        result = app.run()
    finally:
        with contextlib.suppress(Exception):
            app.ctx.store.close()
    return int(app.return_code or result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
