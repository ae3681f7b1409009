"""Pilot tests: type at the prompt like a user and check what they would see and keep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events

from handterm_tui.app_factory import open_store
from handterm_tui.ui.widgets.scrollback import Notice, RecordBlock, RecordView


async def type_line(pilot: Any, text: str, enter: bool = True) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])
    if enter:
        await pilot.press("enter")
    await pilot.pause()


def shown_lines(app: Any) -> list[str]:
    lines: list[str] = []
    for widget in app.screen.query("RecordBlock, RecordView"):
        records = widget.records if isinstance(widget, RecordBlock) else [widget.record]
        lines += [r.line for r in records]
    return lines


async def test_typing_a_command_stores_a_timed_record(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "wrt hello")
        assert shown_lines(app) == ["wrt hello"]
    store = open_store()
    record = store.records.page(limit=1).records[0]
    assert record.line == "wrt hello" and record.ok
    assert [k.char for k in record.keystrokes] == [*list("wrt hello"), "\r"]
    # The fake clock steps 150 ms per keystroke: 80 WPM.
    assert record.gross_wpm == pytest.approx(80.0)
    assert store.notes.recent(1)[0].text == "hello"


async def test_scrollback_and_history_survive_a_restart(make_app: Callable[..., Any]) -> None:
    async with make_app().run_test() as pilot:
        await type_line(pilot, "target 30")
        await type_line(pilot, "history")
    app = make_app()
    async with app.run_test() as pilot:
        assert shown_lines(app) == ["target 30", "history"]
        await pilot.press("up", "up")
        assert app.terminal.prompt.value == "target 30"


async def test_up_down_recall_with_prefix_filter(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        for line in ("wrt one", "help", "wrt two"):
            await type_line(pilot, line)
        await type_line(pilot, "wrt", enter=False)
        await pilot.press("up")
        assert app.terminal.prompt.value == "wrt two"
        await pilot.press("up")
        assert app.terminal.prompt.value == "wrt one"
        await pilot.press("down", "down")
        assert app.terminal.prompt.value == "wrt"


async def test_tab_completes_commands_and_switches(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await type_line(pilot, "hist", enter=False)
        await pilot.press("tab")
        assert app.terminal.prompt.value == "history "
        await type_line(pilot, "--l", enter=False)
        await pilot.press("tab")
        assert app.terminal.prompt.value == "history --limit "
        app.terminal.prompt.value = ""
        await type_line(pilot, "s", enter=False)
        await pilot.press("tab")
        completions = str(app.screen.query_one("#completions").render())
        assert "special" in completions and "show" in completions


async def test_ctrl_c_cancels_the_line_without_running_it(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await type_line(pilot, "wrt never", enter=False)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.terminal.prompt.value == ""
        assert any("wrt never^C" in str(n.render()) for n in app.screen.query(Notice))
    assert open_store().notes.count() == 0


async def test_unknown_command_says_so_and_suggests(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await type_line(pilot, "hepl")
        view = app.screen.query(RecordView).last()
        assert view.record.status == 404
        assert "Did you mean `help`" in view.record.response


async def test_f1_and_help_list_every_command(make_app: Callable[..., Any]) -> None:
    from handterm_tui.commands import REGISTRY

    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = app.screen.query(RecordView).last().record.response
        for spec in REGISTRY:
            assert spec.name in text


async def test_the_palette_offers_and_runs_every_command(make_app: Callable[..., Any]) -> None:
    """The palette lists commands from the manifest; picking one runs it at the prompt."""
    from handterm_tui.commands import REGISTRY

    app = make_app()
    async with app.run_test() as pilot:
        offered = {c.title: c for c in app.get_system_commands(app.screen)}
        for entry in REGISTRY.entries():
            assert (f"Run: {entry.name}" in offered) == (entry.name != "exit"), entry.name
        assert offered["Run: whoami"].help == "Who is signed in"
        offered["Run: whoami"].callback()
        await pilot.pause()
        assert app.screen.query(RecordView).last().record.response.startswith("guest")


async def test_clear_empties_the_screen_but_keeps_records(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await type_line(pilot, "wrt keep me")
        await type_line(pilot, "clear")
        assert shown_lines(app) == []
    assert open_store().notes.recent(1)[0].text == "keep me"
    app = make_app()
    async with app.run_test():
        assert shown_lines(app) == []  # the restart shows what came after `clear`


async def test_exit_quits(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await type_line(pilot, "exit")
    assert app.return_code == 0
    assert not app.is_running


async def test_huge_paste_is_refused_with_a_message(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(notifications=True) as pilot:
        app.terminal.prompt.post_message(events.Paste("x" * 50_000))
        await pilot.pause()
        assert app.terminal.prompt.value == ""
        assert any("Paste refused" in n.message for n in app._notifications)
        app.terminal.prompt.post_message(events.Paste("wrt first\nsecond\n\x1b[31mthird"))
        await pilot.pause()
        assert app.terminal.prompt.value == "wrt first"


async def test_control_characters_never_reach_the_line(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        app.terminal.prompt.post_message(events.Paste("wrt a\x07b\x1bc"))
        await pilot.pause()
        assert app.terminal.prompt.value == "wrt abc"


async def test_works_with_no_color(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "hepl")
        screen = app.export_screenshot()
        assert "✗&#160;404" in screen or "✗ 404" in screen


async def test_a_flood_of_keys_stops_at_the_line_limit_with_one_message(
    make_app: Callable[..., Any],
) -> None:
    """A terminal without bracketed paste types a long paste key by key."""
    from textual.notifications import Notify

    from handterm_tui.commands.runner import MAX_LINE

    notes: list[str] = []  # every notification shown (toasts expire; this list does not)

    def hook(message: Any) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    def full() -> list[str]:
        return [n for n in notes if "line is full" in n]

    app = make_app()
    async with app.run_test(notifications=True, message_hook=hook) as pilot:
        for i in range(20_000):
            app.post_message(events.Key("x", "x"))  # as the driver posts them
            if i % 2_000 == 1_999:
                await pilot.pause()
        await pilot.pause()
        prompt = app.terminal.prompt
        assert MAX_LINE == 4096
        assert prompt.value == "x" * MAX_LINE
        assert len(prompt.keystrokes) == MAX_LINE  # the dropped keys are not timed either
        assert full() == [
            "The line is full (4,096 characters): further keys are dropped. "
            "Press Enter to run it or Ctrl+C to clear it."
        ]
        app.terminal.prompt.post_message(events.Paste("more"))  # no room left: refused
        await pilot.pause()
        assert prompt.value == "x" * MAX_LINE
        assert any("Paste refused" in n for n in notes)

        await pilot.press("ctrl+c")  # a fresh line types normally, and may fill up once more
        await type_line(pilot, "wrt still here")
        assert shown_lines(app)[-1] == "wrt still here"
        for _ in range(MAX_LINE + 10):
            app.post_message(events.Key("y", "y"))
        await pilot.pause()
        assert len(full()) == 2 and prompt.value == "y" * MAX_LINE
