"""Contrast everywhere: every piece of text on every screen, in every theme handterm ships and
under NO_COLOR, has a contrast of at least 4.5:1 with its background (WCAG AA).

The colours are not read from a list: each screen is drawn by Textual from the theme and the
CSS (and Rich styles), and the test measures the cells it would send to the terminal, after the
app's filters (NO_COLOR's monochrome, dim).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.color import Color

from handterm_tui.ui.app import SHIPPED_THEMES
from handterm_tui.ui.widgets.choice import ChoiceScreen

AA = 4.5
# Scrollbars, rules and box borders are drawn with these: lines, not text.
GRAPHICS = range(0x2500, 0x25A0)


def luminance(c: Color) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: Color, b: Color) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_measure_is_wcag() -> None:
    assert contrast(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21.0)
    # The case reported: NO_COLOR error text #3a3a3a on #121212.
    assert contrast(Color.parse("#3a3a3a"), Color.parse("#121212")) == pytest.approx(1.65, 0.02)


def low_contrast(app: Any, where: str) -> list[str]:
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for seg in strip:
            text = seg.text.strip()
            style = seg.style
            if not text or style is None or all(ord(ch) in GRAPHICS for ch in text):
                continue
            if style.color is None or style.bgcolor is None:
                found.append(f"{where} row {y}: {text[:30]!r} has no explicit colour")
                continue
            fg, bg = Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
            if style.reverse:
                fg, bg = bg, fg
            if style.dim:  # the terminal halves it: judge it the way DimFilter would
                fg = bg.blend(fg, 0.5)
            ratio = contrast(fg, bg)
            if ratio < AA:
                found.append(f"{where} row {y}: {text[:30]!r} {fg.hex} on {bg.hex} = {ratio:.2f}")
    return found


async def visit(app: Any, pilot: Any) -> list[str]:
    """Every screen and state a user meets, measured."""

    async def line(text: str) -> None:
        await pilot.press(*[{" ": "space"}.get(c, c) for c in text], "enter")
        await pilot.pause()

    async def settle() -> None:
        await pilot.pause()
        await pilot.pause()

    found = low_contrast(app, "welcome")
    for text in ("wrt hi", "target x", "hepl", "help"):
        await line(text)
    await pilot.press("h", "tab")
    await settle()
    found += low_contrast(app, "terminal")
    app.notify("a warning")
    app.notify("an error", severity="error")
    app.notify("information", severity="information")
    await settle()
    found += low_contrast(app, "toasts")
    app.clear_notifications()
    await pilot.press("ctrl+c")
    seen = []
    for command in (
        "login",
        "signup",
        "session",
        "logs",
        "tut",
        "play",
        "stats",
        "chords",
        "drill",
    ):
        if command in ("login", "signup", "session", "stats", "chords", "drill"):
            # Offline the account commands only say there is no server; the figures
            # screens open from their commands once there is something to show.
            app.open_screen(command)
        else:
            await line(command)
        await settle()
        if command == "play":  # a wrong key and a right one: the error styles too
            await pilot.press("x", "backspace", "q")
            await settle()
        seen.append(type(app.screen).__name__)
        found += low_contrast(app, command)
        while len(app.screen_stack) > 2:
            app.pop_screen()
            await settle()
    app.push_screen(
        ChoiceScreen("Sign out?", (("out", "Sign out"), ("stay", "Stay")), default="stay")
    )
    await settle()
    seen.append(type(app.screen).__name__)
    found += low_contrast(app, "choice")
    app.pop_screen()
    await line("login alice")  # the password question in the prompt itself
    await settle()
    found += low_contrast(app, "secret prompt")
    assert seen == [
        "LoginScreen",
        "SignupScreen",
        "SessionScreen",
        "LogsScreen",
        "TutorialScreen",
        "GameScreen",
        "StatsScreen",
        "ChordsScreen",
        "DrillScreen",
        "ChoiceScreen",
    ]
    return found


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
@pytest.mark.parametrize("theme", SHIPPED_THEMES)
async def test_every_text_style_reaches_aa(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, theme: str, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.theme = theme
        await pilot.pause()
        found = await visit(app, pilot)
    assert not found, "text below 4.5:1:\n" + "\n".join(dict.fromkeys(found))


def test_only_tested_themes_are_offered(make_app: Callable[..., Any]) -> None:
    assert set(make_app().available_themes) == set(SHIPPED_THEMES)
