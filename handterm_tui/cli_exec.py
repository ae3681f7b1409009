"""`handterm exec "LINE"`: one prompt command without the TUI, and the pieces the other
subcommands share with it (the stored session loaded first, questions on the terminal)."""

from __future__ import annotations

import logging
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from handterm_tui.exits import EXIT_USAGE

if TYPE_CHECKING:
    from handterm_tui.commands import Context
    from handterm_tui.commands.base import Choose
    from handterm_tui.config import Config


def run_exec(config: Config, words: Sequence[str]) -> int:
    """Run one prompt command and print its response as plain text."""
    from handterm_tui.app_factory import build_context

    if not words:
        print('handterm exec: give a command line, e.g. handterm exec "wrt hi"', file=sys.stderr)
        return EXIT_USAGE
    line = words[0] if len(words) == 1 else shlex.join(words)
    ctx = build_context(config, interactive=False)
    try:
        return _exec_line(ctx, line)
    finally:
        ctx.services.close()
        ctx.store.close()  # also tells the empty-store marker what the store now holds
        for notice in ctx.store.notices:
            print(f"handterm: {notice}", file=sys.stderr)


def _exec_line(ctx: Context, line: str) -> int:
    from handterm_tui.commands import Runner
    from handterm_tui.commands.base import AskSecret, Choose, OpenScreen

    prepare_session(ctx)
    runner = Runner(ctx)
    run = runner.start(line)
    while run.waiting:
        action = run.outcome.action
        if isinstance(action, Choose):
            run = runner.choose(run, ask_choice(action))
            continue
        assert isinstance(action, AskSecret)
        secrets = []
        for index, label in enumerate((action.prompt, *action.more)):
            secret = _read_secret(label, clear=index in action.clear)
            if secret is None:
                run = runner.cancel(run)
                print("No secret given; cancelled.", file=sys.stderr)
                return 1
            secrets.append(secret)
        run = runner.finish(run, *secrets)
    if run.outcome.text:
        print(run.outcome.text)
    if isinstance(run.outcome.action, OpenScreen) and not run.outcome.text:
        # Nothing was done: exit non-zero so a script notices.
        print(f"`{run.parsed.name}` opens a screen; run it in the TUI (`handterm`).")
        return 1
    return 0 if run.outcome.ok else 1


def ask_choice(action: Choose) -> str | None:
    """A question on the terminal; without one, the safe default (None)."""
    if not sys.stdin.isatty():
        return None
    print(action.question)
    keys = [key for key, _ in action.options]
    for number, (key, label) in enumerate(action.options, start=1):
        mark = " (default)" if key == action.default else ""
        print(f"  {number}. {label}{mark}")
    try:
        answer = input(f"Choose 1-{len(keys)} [Enter: default]: ").strip()
    except (EOFError, KeyboardInterrupt):
        return None
    if answer.isdigit() and 1 <= int(answer) <= len(keys):
        return str(keys[int(answer) - 1])
    return None


def prepare_session(ctx: Context) -> None:
    """Load the stored session first: every record needs its owner, and `exec` reports the
    same states as the TUI."""
    from handterm_tui.services import Unavailable

    try:
        ctx.services.start()
    except Unavailable as exc:
        logging.getLogger("handterm").info("session not loaded: %s", exc.message)


def _read_secret(label: str, clear: bool = False) -> str | None:
    if sys.stdin.isatty() and clear:  # a short-lived code: typed in the clear
        try:
            return input(label.rstrip() + " ")
        except (EOFError, KeyboardInterrupt):
            return None
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(label.rstrip() + " ")
        except (EOFError, KeyboardInterrupt):
            return None
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None
