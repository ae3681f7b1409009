"""The first screen says what to do; the scrollback and `help` are read from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handterm_tui.commands.builtin import WELCOME
from handterm_tui.ui.widgets.scrollback import Notice


async def type_line(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text], "enter")
    await pilot.pause()


def welcomes(app: Any) -> int:
    return sum(1 for n in app.screen.query(Notice) if n.has_class("welcome"))


async def test_welcome_on_a_new_store_only_and_after_clear(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert welcomes(app) == 1
        assert "help" in WELCOME and "login" in WELCOME and "play" in WELCOME
        assert "tut" in WELCOME and "F1" in WELCOME
        await type_line(pilot, "wrt hello")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert welcomes(app) == 0  # a later start: only the restored records
        await type_line(pilot, "clear")
        assert welcomes(app) == 1


async def test_page_keys_and_home_end_scroll_the_scrollback(
    make_app: Callable[..., Any],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for n in range(8):
            await type_line(pilot, f"wrt note {n}")
        back = app.terminal.scrollback
        await pilot.pause()
        bottom = back.scroll_y
        assert bottom == back.max_scroll_y > 0
        await pilot.press("pageup")
        assert back.scroll_y < bottom
        await pilot.press("pagedown")
        assert back.scroll_y == bottom
        await pilot.press("shift+up")
        assert back.scroll_y == bottom - 1
        await pilot.press("shift+down", "home")  # Home on an empty line: the top
        assert back.scroll_y == 0
        await pilot.press("end")
        assert back.scroll_y == bottom
        # With text on the line, Home and End move the cursor, not the view.
        await pilot.press("a", "b", "home")
        assert app.terminal.prompt.cursor_position == 0 and back.scroll_y == bottom
        assert app.focused is app.terminal.prompt  # the prompt never loses the focus


async def test_help_opens_at_its_top_and_no_line_wraps_at_80(
    make_app: Callable[..., Any],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        await pilot.pause()
        back = app.terminal.scrollback
        view = back.query("RecordView").last()
        assert back.scroll_y == view.virtual_region.y  # its first line is on screen
        assert back.scroll_y < back.max_scroll_y  # the rest is below, a PageDown away
        text = view.record.response
        usable = back.scrollable_content_region.width
        assert max(len(line) for line in text.splitlines()) <= usable
