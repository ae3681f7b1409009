"""``edit``: a server file in the user's own editor ($VISUAL, then $EDITOR, then vi).

The TUI suspends while the editor runs (the terminal is the editor's) and resumes after. The
text is saved back with /putFile only if it changed, and never over a server copy that changed
meanwhile without asking: the question's safe answer keeps the server's copy and leaves the
user's text in a file whose path is told.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handterm_tui.commands.web import read_server_file, write_server_file
from handterm_tui.core.records import OK

if TYPE_CHECKING:
    from handterm_tui.ui.app import HandtermApp


def editor_command() -> list[str]:
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            with contextlib.suppress(ValueError):
                words = shlex.split(value)
                if words:
                    return words
    return ["vi"]


def _notice(app: HandtermApp, text: str) -> None:
    with contextlib.suppress(LookupError):
        app.terminal.scrollback.add_notice(text)


def open_screen(
    app: Any, key: str = "_index", ext: str = "md", original: str | None = None, **_: Any
) -> None:
    happ: HandtermApp = app
    folder = Path(tempfile.mkdtemp(prefix="handterm-edit-"))
    path = folder / f"{key}.{ext}"
    path.write_text(original or "", encoding="utf-8")
    command = [*editor_command(), str(path)]
    try:
        try:
            with happ.suspend():
                code = subprocess.call(command)
        except Exception as exc:
            if type(exc).__name__ != "SuspendNotSupported":
                raise
            code = subprocess.call(command)  # no real terminal (tests, web): nothing to hand over
    except OSError as exc:
        _notice(
            happ,
            f"Could not start the editor `{command[0]}` ({exc.strerror or exc}): set $EDITOR, "
            "e.g. `export EDITOR=nano`. Nothing was saved.",
        )
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        _notice(happ, f"The editor exited with status {code}: nothing saved. Your text: {path}")
        return
    if text == (original or ""):
        _notice(happ, f"No changes to {key}.{ext}: nothing saved.")
        _cleanup(path)
        return
    threading.Thread(target=_save, args=(happ, key, ext, original, text, path), daemon=True).start()


def _save(
    app: HandtermApp, key: str, ext: str, original: str | None, text: str, path: Path
) -> None:
    ctx = app.ctx
    now, problem = read_server_file(ctx, key, ext)
    if problem is not None:
        _from_thread(app, f"Not saved: {problem.text} Your text is kept in {path}")
        return
    if now != original:
        _from_thread(app, None, ask=(key, ext, text, path))
        return
    _finish(app, key, ext, text, path)


def _finish(app: HandtermApp, key: str, ext: str, text: str, path: Path) -> None:
    outcome = write_server_file(app.ctx, key, ext, text)
    if outcome.status == OK:
        _cleanup(path)
        _from_thread(app, outcome.text)
    else:
        _from_thread(app, f"{outcome.text} Your text is kept in {path}")


def _from_thread(app: HandtermApp, text: str | None, ask: tuple[Any, ...] | None = None) -> None:
    def show() -> None:
        if text is not None:
            _notice(app, text)
        if ask is not None:
            _ask_overwrite(app, *ask)

    with contextlib.suppress(RuntimeError):  # the app has gone meanwhile
        app.call_from_thread(show)


def _ask_overwrite(app: HandtermApp, key: str, ext: str, text: str, path: Path) -> None:
    from handterm_tui.ui.widgets.choice import ChoiceScreen

    def answered(choice: str | None) -> None:
        if choice == "overwrite":
            threading.Thread(target=_finish, args=(app, key, ext, text, path), daemon=True).start()
        else:
            _notice(app, f"Kept the server's copy of {key}.{ext}. Your text is in {path}")

    app.push_screen(
        ChoiceScreen(
            f"The server copy of {key}.{ext} changed after you opened it. "
            "Overwrite it with your text?",
            (("keep", "Keep the server's"), ("overwrite", "Overwrite it")),
            default="keep",
        ),
        answered,
    )


def _cleanup(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
        path.parent.rmdir()
