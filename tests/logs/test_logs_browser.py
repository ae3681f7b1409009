"""The log browser, driven like a user: search as you type, detail, filters, copy, export,
server records merged in; snapshots at 80x24 and 120x40."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handterm_tui.core.owner import Owner
from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke
from handterm_tui.services import AccountApi, OfflineServices

SIZES = [(80, 24), (120, 40)]
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DANA = Owner("local", "us-east-1_pool/sub-dana", "dana")
BOB = Owner("local", "us-east-1_pool/sub-bob", "bob")


class SignedInAs(OfflineServices):
    """The services of a signed-in account, as far as the browser asks (whose records; the
    API as that account): the browser is under test here, sign-in is tested elsewhere."""

    def __init__(self, owner: Owner, api: Any = None) -> None:
        self._owner = owner
        self._api = api

    def owner(self) -> Owner:
        return self._owner

    def account_api(self) -> AccountApi:
        return AccountApi(self._api, self._owner)


class NothingNew:
    """A server with nothing dana does not have here already."""

    def list_log(self, domain: str, limit: int = 10) -> list[str]:
        return []

    def get_log(self, key: str, limit: int = 10) -> list[str]:
        return []


@pytest.fixture
def make_app(make_app: Callable[..., Any]) -> Callable[..., Any]:
    """The app as dana, signed in; another account (bob) has records in the same store."""

    def factory(**overrides: Any) -> Any:
        api = overrides.pop("api", None) or NothingNew()
        overrides.setdefault("services", SignedInAs(DANA, api))
        return make_app(**overrides)

    return factory


def fill(store: Any, count: int = 60) -> None:
    # Bob's records share the store and never show in dana's browser.
    for i in range(3):
        store.records.add(
            Record(line=f"wrt bob secret {i}", name="wrt", response="bob's", owner=BOB)
        )
    for i in range(count):
        word = ("apple", "pear", "plum")[i % 3]
        store.records.add(
            Record(
                line=f"wrt {word} {i}",
                name="wrt",
                args=[word, str(i)],
                response=f"Noted {word} number {i}.",
                kind="game" if i % 10 == 9 else "command",
                keystrokes=[
                    Keystroke(c, None if j == 0 else 100.0 + 40 * (c == "p"))
                    for j, c in enumerate(f"wrt {word}")
                ],
                created_at=START + timedelta(minutes=i),
                owner=DANA,
            )
        )
    # One record from another device, on the server only, older than all of these.
    other = Record(line="ls --from laptop", name="ls", response="a record from the laptop")
    other.created_at = START - timedelta(days=1)
    other.remote_key = "command_2026-11-19T08:00:00.000Z"
    store.remote.add(other, other.dumps(), DANA)
    # Ten of them uploaded already.
    for item in store.outbox.items(10, owner=DANA):
        store.outbox.mark_sent(item.id)


def screen_lines(app: Any) -> list[str]:
    from handterm_tui.ui.widgets.logs_list import LogList

    widget = app.screen.query_one(LogList)
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def open_browser(app: Any, pilot: Any, line: str = "logs") -> Any:
    app.run_command(line)
    await pilot.pause()
    from handterm_tui.ui.screens.logs import LogsScreen

    assert isinstance(app.screen, LogsScreen)
    return app.screen


async def test_lists_newest_first_and_searches_as_you_type(
    make_app: Callable[..., Any], store: Any
) -> None:
    fill(store)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(app, pilot)
        lines = screen_lines(app)
        assert "wrt plum 59" in lines[0] and lines[0].startswith("›")
        assert "here" in lines[0]  # still queued, said in words
        assert "61 ·" in str(screen.query_one("#logs-filters").render())  # bob's 3 not counted
        assert not any("bob" in line for line in lines)
        await pilot.press("s", "e", "c", "r")
        await pilot.pause()
        assert "0 ·" in str(screen.query_one("#logs-filters").render())  # nor found by search
        await pilot.press(*["backspace"] * 4, "p", "l", "u")
        await pilot.pause()
        lines = [line for line in screen_lines(app) if line.strip()]
        assert lines and all("plum" in line for line in lines)
        assert "20 ·" in str(screen.query_one("#logs-filters").render())
        await pilot.press("backspace", "backspace", "backspace", *"laptop")
        await pilot.pause()
        lines = screen_lines(app)
        assert "ls --from laptop" in lines[0] and "srv" in lines[0]
        assert "On the server only" in str(screen.query_one("#logs-detail-text").render())


async def test_detail_follows_the_cursor_and_filters_cycle(
    make_app: Callable[..., Any], store: Any
) -> None:
    fill(store)
    app = make_app(store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browser(app, pilot)
        await pilot.press("down", "down")
        detail = str(screen.query_one("#logs-detail-text").render())
        assert "wrt apple 57" in detail and "Noted apple number 57." in detail
        assert "slow characters" in detail and "keystrokes" in detail
        assert "queued for upload" in detail
        screen.query_one("#logs-list").focus()
        await pilot.press("k")  # kind: command
        await pilot.press("k")  # kind: game
        lines = [line for line in screen_lines(app) if line.strip()]
        assert len(lines) == 6 and all("wrt" in line for line in lines)
        assert "game" in str(screen.query_one("#logs-filters").render())
        await pilot.press("end")
        assert "wrt apple 9" in str(screen.query_one("#logs-detail-text").render())
        await pilot.press("escape")
        assert app.screen is app.terminal


async def test_logs_command_opens_with_its_search(make_app: Callable[..., Any], store: Any) -> None:
    fill(store)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browser(app, pilot, "logs apple --kind game")
        lines = [line for line in screen_lines(app) if line.strip()]
        assert [line.split()[-1] for line in lines] == ["39", "9"]


async def test_copy_says_what_happened_and_export_writes_the_filtered_records(
    make_app: Callable[..., Any], store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "")  # no clipboard tool: the fallback path
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(app, pilot)
        await pilot.press(*"pear")
        screen.query_one("#logs-list").focus()
        await pilot.press("c")
        assert "Copied record" in screen.last_message and "OSC 52" in screen.last_message
        assert "wrt pear 58" in app.clipboard
        saved = Path(screen.last_message.rsplit("saved to ", 1)[1].rstrip("."))
        assert saved.read_text(encoding="utf-8") == app.clipboard
        await pilot.press("e")
        await pilot.pause()
        # Export asks where, proposing the data folder, never the current one silently.
        from handterm_tui import paths
        from handterm_tui.ui.widgets.ask_path import AskPath

        assert isinstance(app.screen, AskPath)
        assert app.screen.proposed.parent == paths.data_dir()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Exported 20 records" in screen.last_message
        assert str(paths.data_dir()) in screen.last_message  # says where it wrote
        assert not app._notifications  # a line of its own, no toast over the detail pane
    assert not list(tmp_path.glob("handterm-logs-*.jsonl"))
    (export,) = paths.data_dir().glob("handterm-logs-*.jsonl")
    rows = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 20 and all("pear" in r["line"] for r in rows)
    assert rows[0]["key"].startswith("command_") and rows[0]["where"] == "local"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_browser(
    snap_compare: Any, make_app: Callable[..., Any], store: Any, size: tuple[int, int]
) -> None:
    fill(store)

    async def run_before(pilot: Any) -> None:
        pilot.app.run_command("logs")
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(make_app(store=store), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_search_no_color(
    snap_compare: Any,
    make_app: Callable[..., Any],
    store: Any,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill(store)
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Any) -> None:
        pilot.app.run_command("logs")
        await pilot.pause()
        await pilot.press(*"laptop")
        await pilot.pause()

    assert snap_compare(make_app(store=store), run_before=run_before, terminal_size=size)


async def test_no_match_under_no_color_says_so_instead_of_crashing(
    make_app: Callable[..., Any], store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    fill(store, count=5)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browser(app, pilot)
        await pilot.press(*"zzzz")
        await pilot.pause()
        assert "No records match." in app.export_screenshot().replace("&#160;", " ")


async def test_the_key_line_says_what_letters_do_and_columns_have_titles(
    make_app: Callable[..., Any], store: Any
) -> None:
    fill(store, 3)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(app, pilot)
        help_line = str(screen.query_one("#logs-help").render())
        assert "Typing searches" in help_line and "Enter" in help_line
        await pilot.press("k")  # the search box has focus: a letter is text, not a key
        assert screen.query_one("#logs-search").value == "k"
        assert "all kinds" in str(screen.query_one("#logs-filters").render())
        await pilot.press("backspace", "enter")  # to the list
        assert "k kind" in str(screen.query_one("#logs-help").render())
        await pilot.press("k")
        assert "command" in str(screen.query_one("#logs-filters").render())
        assert screen.query_one("#logs-search").value == ""
        columns = str(screen.query_one("#logs-columns").render())
        assert all(word in columns for word in ("when", "st", "wpm", "at", "command"))


async def test_the_cursor_row_is_bold_while_the_list_has_the_focus(
    make_app: Callable[..., Any], store: Any
) -> None:
    """The cursor line's look follows the focus (its styles are kept between frames)."""
    from handterm_tui.ui.widgets.logs_list import LogList

    fill(store)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(app, pilot)
        listing = screen.query_one(LogList)

        def cursor_style() -> Any:
            return listing.render_line(0)._segments[0].style

        assert not cursor_style().bold and cursor_style().reverse  # the search box has it
        await pilot.press("enter")  # to the list
        await pilot.pause()
        assert listing.has_focus and cursor_style().bold and cursor_style().reverse
        await pilot.press("slash")  # back to the search box
        await pilot.pause()
        assert not listing.has_focus and not cursor_style().bold
        assert not listing.render_line(1)._segments[0].style.reverse  # other rows plain
