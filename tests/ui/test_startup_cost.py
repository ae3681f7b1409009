"""What an offline start loads before its first frame: nothing it does not draw or run.

Start-up is a wait a person feels every time (issue 13: <= 1.2x a bare prompt skeleton);
each module below cost measurable milliseconds there before it was deferred.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Run in a fresh interpreter: the test process has long since imported everything.
FIRST_FRAME = """
import json, sys
from handterm_tui import config
from handterm_tui.ui.app import build_app

app = build_app(config.load())
loaded = {}

async def ready(pilot):
    loaded["modules"] = sorted(sys.modules)
    pilot.app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=ready)
print(json.dumps(loaded["modules"]))
"""


def _modules_at_first_frame(home: Path) -> set[str]:
    env = dict(os.environ, HANDTERM_HOME=str(home))
    env.pop("HANDTERM_CONFIG", None)
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=60,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_an_offline_start_loads_no_network_library(handterm_home: Path) -> None:
    loaded = _modules_at_first_frame(handterm_home)
    # httpx alone brought click, pygments and the email package: ~40 ms of a ~250 ms start.
    assert not {"httpx", "handterm_tui.api.client", "keyring", "pycognito"} & loaded


def test_an_offline_start_imports_no_command_module(handterm_home: Path) -> None:
    loaded = _modules_at_first_frame(handterm_home)
    # The registry is the manifest until a command is used (commands/manifest.py).
    commands = {m for m in loaded if m.startswith("handterm_tui.commands.")}
    assert commands <= {
        "handterm_tui.commands.base",
        "handterm_tui.commands.manifest",
        "handterm_tui.commands.runner",
        "handterm_tui.commands.welcome",
    }
    assert "handterm_tui.core.chord_model" not in loaded  # `special`'s, via builtin


def test_an_offline_start_loads_no_html_parser(handterm_home: Path) -> None:
    # Only records fetched from the server are HTML (the web's); the store reads them later.
    assert "html.parser" not in _modules_at_first_frame(handterm_home)


async def test_the_first_frame_the_terminal_paints_has_the_restored_records(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever start-up defers, the restored scrollback is not part of it: the first frame
    of the terminal screen shows it (nothing appears after the first frame)."""
    from textual._compositor import Compositor

    from handterm_tui.app_factory import open_store
    from handterm_tui.core.records import Record
    from handterm_tui.ui.screens.terminal import TerminalScreen
    from handterm_tui.ui.widgets.scrollback import RecordBlock

    store = open_store()
    for i in range(40):
        store.records.add(Record(line=f"wrt note {i}", name="wrt"))
    store.close()
    first: list[bool] = []
    paint = Compositor.render_update

    def spy(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        shown = [w for w in self.visible_widgets if w.is_attached]
        if any(isinstance(w.screen, TerminalScreen) for w in shown) and not first:
            first.append(any(isinstance(w, RecordBlock) for w in shown))
        return paint(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_update", spy)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert first == [True]


def test_the_tui_opens_the_store_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`handterm` checks the store before the UI starts, then the UI uses that same store:
    each open counts the records, each close checkpoints (both grow with the store)."""
    from handterm_tui import cli, config
    from handterm_tui.store import Store
    from handterm_tui.ui.app import HandtermApp

    opened: list[Store] = []
    init = Store.__init__

    def counting(self: Store, *args: Any, **kwargs: Any) -> None:
        opened.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Store, "__init__", counting)
    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    monkeypatch.setattr(HandtermApp, "run", lambda self: 0)
    assert cli.run_tui(config.load()) == 0
    assert len(opened) == 1


async def test_history_is_read_on_the_first_key_not_before_the_first_frame(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from handterm_tui.app_factory import open_store
    from handterm_tui.core.records import Record
    from handterm_tui.store.records import RecordStore

    store = open_store()
    for line in ("wrt one", "wrt two"):
        store.records.add(Record(line=line, name="wrt"))
    store.close()
    reads: list[int] = []
    history_lines = RecordStore.history_lines

    def counted(self: RecordStore, *args: Any, **kwargs: Any) -> list[str]:
        reads.append(1)
        return history_lines(self, *args, **kwargs)

    monkeypatch.setattr(RecordStore, "history_lines", counted)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert reads == []  # start-up did not read it
        await pilot.press("up")
        assert app.terminal.prompt.value == "wrt two"
        await pilot.press("up")
        assert app.terminal.prompt.value == "wrt one"
        assert reads == [1]


async def test_a_restored_scrollback_opens_at_its_newest_record_beside_the_prompt(
    make_app: Callable[..., Any],
) -> None:
    """More restored records than the screen holds: the newest is what shows, as before
    the restart, not the oldest of them."""
    from handterm_tui.app_factory import open_store
    from handterm_tui.core.records import Record
    from handterm_tui.ui.widgets.scrollback import Scrollback

    store = open_store()
    for i in range(30):
        store.records.add(Record(line=f"wrt note {i}", name="wrt"))
    store.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        back = app.screen.query_one(Scrollback)
        assert back.max_scroll_y > 0  # taller than the view
        assert back.scroll_y == back.max_scroll_y
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "wrt note 29" in shown and "wrt note 0<" not in shown
