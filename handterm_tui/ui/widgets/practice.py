"""Widgets of the typing game: the phrase, the typed line, the guide and the clock.

Per keystroke the screen calls ``refresh()`` on these small widgets (no layout unless the
typed line wraps onto a new row), so a key costs about what a bare Input costs. Mistakes
are marked with reverse + underline, styles that survive NO_COLOR, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.widget import Widget

from handterm_tui.core.practice import Game
from handterm_tui.ui import palette

WRONG = "bold reverse underline"
CURSOR = "▏"


def phrase_text(game: Game) -> Text:
    """The phrase: the part typed right in bold, the next character underlined."""
    text = game.text
    done = game.correct_prefix
    out = Text(no_wrap=False, overflow="fold")
    out.append(text[:done], style="bold green")
    if done < len(text):
        out.append(text[done], style="underline")
        out.append(text[done + 1 :])
    return out


def typed_text(game: Game, cursor: bool = True) -> Text:
    """What was typed, wrong characters marked in place."""
    out = Text(no_wrap=False, overflow="fold")
    typed = game.typed
    if game.uncorrected:
        wrong = set(game.wrong_positions())
        start = 0
        for i in sorted(wrong):
            out.append(typed[start:i])
            out.append(typed[i], style=f"{WRONG} {palette.ERROR}")
            start = i + 1
        out.append(typed[start:])
    else:
        out.append(typed)
    if cursor and not game.done:
        out.append(CURSOR, style="bold")
    return out


def guide_text(game: Game) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("Next   ", style=palette.MUTED)
    out.append(game.next_chars(), style="bold green")
    out.append("\nKey    ", style=palette.MUTED)
    if game.done:
        out.append("done", style="bold")
    else:
        out.append(game.expected_hint(), style="bold yellow")
    return out


def clock_text(game: Game, now_ms: float, target: int) -> Text:
    elapsed = game.elapsed_ms(now_ms)
    wpm = game.live_wpm(now_ms)
    acc = game.live_accuracy()
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("Time ", style=palette.MUTED)
    out.append(f"{elapsed / 1000:5.1f} s", style="bold")
    out.append("   WPM ", style=palette.MUTED)
    out.append("  -" if wpm is None else f"{wpm:3.0f}", style="bold yellow")
    out.append(f" / {target}", style=palette.MUTED)
    out.append("   Accuracy ", style=palette.MUTED)
    out.append("   -" if acc is None else f"{acc:3.0f}%", style="bold")
    out.append("   Errors ", style=palette.MUTED)
    out.append(str(game.errors), style=WRONG if game.uncorrected else "bold")
    if game.errors:
        out.append(f" ({game.corrected} fixed)", style=palette.MUTED)
    return out


class GameView(Widget):
    """A widget drawn from the game each time it is refreshed."""

    DEFAULT_CSS = "GameView { height: auto; }"

    def __init__(self, draw: Callable[[], Text], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._draw = draw

    def render(self) -> Text:
        return self._draw()


class TypingArea(Widget, can_focus=True):
    """The typed line. It takes the keys: characters and Backspace go to the game, Enter
    goes to ``on_enter`` (never to the command runner)."""

    DEFAULT_CSS = """
    TypingArea { height: auto; min-height: 1; }
    TypingArea:focus { text-style: none; }
    """

    def __init__(
        self,
        game: Game,
        *,
        clock: Callable[[], float],
        on_edit: Callable[[], None],
        on_enter: Callable[[], None],
        on_other_key: Callable[[events.Key], bool] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.game = game
        self._clock = clock
        self._edit_cb = on_edit
        self._enter_cb = on_enter
        self._other_key_cb = on_other_key
        self._rows = 1

    def render(self) -> Text:
        return typed_text(self.game)

    def redraw(self) -> None:
        """Repaint; a layout pass only when the typed text wraps onto another row."""
        width = max(1, self.content_region.width or self.size.width or 1)
        rows = (len(self.game.typed) + 1) // width + 1
        self.refresh(layout=rows != self._rows)
        self._rows = rows

    def on_key(self, event: events.Key) -> None:
        game = self.game
        key = event.key
        if key == "backspace":
            game.backspace(self._clock())
        elif key == "enter":
            event.stop()
            event.prevent_default()
            self._enter_cb()
            return
        elif event.is_printable and event.character and len(event.character) == 1:
            if game.done:
                if self._other_key_cb is not None and self._other_key_cb(event):
                    event.stop()
                    event.prevent_default()
                return
            game.press(event.character, self._clock())
        else:
            return
        event.stop()
        event.prevent_default()
        self._edit_cb()

    def on_paste(self, event: events.Paste) -> None:
        # Pasting the phrase would not be typing it.
        event.stop()
        event.prevent_default()
        self.app.bell()
        self.notify("Paste is off in the game: type the phrase.", severity="warning")
