"""No stray keys: what is typed on after a command never acts on the screen it opened;
sign-out is asked, with Cancel as the default answer.

The key guard runs on an injected clock (ManualClock), so "typed within 0.4 s" is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from uikit import screen_text, settle

from handterm_tui.ui.screens.chords import ChordsScreen
from handterm_tui.ui.screens.drill import DrillScreen
from handterm_tui.ui.screens.game import GameScreen
from handterm_tui.ui.screens.logs import LogsScreen
from handterm_tui.ui.screens.session import SessionScreen
from handterm_tui.ui.screens.stats import StatsScreen
from handterm_tui.ui.screens.terminal import TerminalScreen
from handterm_tui.ui.screens.tutorial import TutorialScreen
from handterm_tui.ui.widgets.choice import ChoiceScreen

pytestmark = pytest.mark.xdist_group("auth-e2e")

SIZE = (80, 24)
GUARD = 0.4


class ManualClock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = GUARD + 0.1) -> None:
        self.now += seconds


def key_names(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


def lines(store: Any) -> list[str]:
    return [r.line for r in reversed(store.records.page(limit=50).records)]


async def test_typing_on_after_session_never_signs_out(
    backend: Any,
    backend_user: Any,
    online_services: Any,
    make_app: Callable[..., Any],
    store: Any,
) -> None:
    user, password, _ = backend_user
    services = online_services(backend, store)
    services.auth().session.sign_in(user, password)
    clock = ManualClock()
    app = make_app(
        config=services.config,
        store=store,
        services=services,
        key_guard_s=GUARD,
        guard_clock=clock,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*key_names("session"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        # The fingers go on within the moment: "s" (sign out), "sync", Enter, "r", "l".
        await pilot.press("s", *key_names("sync"), "enter", "r", "l")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)  # no question, no sign-in screen
        assert services.auth().session.status.signed_in
        assert "0 made" in screen_text(app)  # "r" did not refresh either

        clock.advance()  # the quiet moment is over: "s" now asks, with Cancel focused
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        assert f"Sign {user} out everywhere?" in screen_text(app)
        assert app.focused is not None and app.focused.name == "cancel"
        await pilot.press("y", "enter", "left", "enter")  # typed on at once: dropped
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)

        clock.advance()
        await pilot.press("enter")  # Enter on the default answer: Cancel
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "sign-out cancelled" in app.screen.query_one("#note").text
        assert services.auth().session.status.signed_in

        clock.advance()
        await pilot.press("s")
        await pilot.pause()
        clock.advance()
        await pilot.press("escape")  # Esc is Cancel too
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert services.auth().session.status.signed_in

        clock.advance()
        await pilot.press("s")
        await pilot.pause()
        clock.advance()
        await pilot.press("left", "enter")  # an explicit "Yes, sign out"
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "Signed out everywhere." in app.screen.query_one("#note").text
        assert not services.auth().session.status.signed_in
    assert lines(store) == ["session", "logout"]


@pytest.mark.parametrize(
    ("line", "screen_type"),
    [
        ("logs", LogsScreen),
        ("play", GameScreen),
        ("tut", TutorialScreen),
        ("stats", StatsScreen),
        ("chords", ChordsScreen),
        ("drill", DrillScreen),
    ],
)
async def test_every_screen_from_the_prompt_ignores_keys_typed_on(
    make_app: Callable[..., Any], store: Any, line: str, screen_type: type[Any]
) -> None:
    from handterm_tui.core.phrases import Phrase
    from handterm_tui.core.practice import Game, result_record

    game = Game(Phrase("dad", 1, "a sad dad"))  # one game played, so `stats` opens its screen
    for i, c in enumerate(game.text):
        game.press(c, i * 150.0)
    store.records.add(result_record(game.result(), 25))
    clock = ManualClock()
    app = make_app(store=store, key_guard_s=GUARD, guard_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*key_names(line), "enter")
        await pilot.pause()
        assert isinstance(app.screen, screen_type)
        before = screen_text(app)
        # Letters that are actions on these screens (q close, k/d/r/c/e in logs, r again in
        # the game), and Enter, typed on at once: none is taken.
        await pilot.press("q", "k", "d", "e", "r", "enter", "x")
        await pilot.pause()
        assert isinstance(app.screen, screen_type)
        assert screen_text(app) == before
        if isinstance(app.screen, GameScreen):
            assert app.screen.game.strokes == []
        clock.advance()
        await pilot.press("escape")  # Esc always passes; here it closes
        await pilot.pause()
        assert isinstance(app.screen, TerminalScreen)


async def test_escape_passes_the_guard_at_once(make_app: Callable[..., Any]) -> None:
    app = make_app(key_guard_s=GUARD, guard_clock=ManualClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*key_names("logs"), "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TerminalScreen)


async def test_choice_screen_offers_options_with_a_safe_default(
    make_app: Callable[..., Any],
) -> None:
    answers: list[str | None] = []
    clock = ManualClock()
    app = make_app(key_guard_s=GUARD, guard_clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        question = "3 items wait to upload. Sign out anyway?"
        options = [("upload", "Upload first"), ("keep", "Keep them"), ("cancel", "Cancel")]
        app.push_screen(ChoiceScreen(question, options, default="cancel"), answers.append)
        await pilot.pause()
        text = screen_text(app)
        assert question in text and "Upload first" in text and "Keep them" in text
        assert app.focused is not None and app.focused.name == "cancel"
        clock.advance()
        await pilot.press("left", "enter")
        await pilot.pause()
        app.push_screen(ChoiceScreen(question, options), answers.append)  # default: the last
        await pilot.pause()
        clock.advance()
        await pilot.press("escape")
        await pilot.pause()
    assert answers == ["keep", None]
