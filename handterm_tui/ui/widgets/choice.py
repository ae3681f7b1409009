"""A question with a few answers, as a modal box: the safe answer has the focus.

``ChoiceScreen`` dismisses with the key of the chosen option, or None for Esc. No answer has a
letter key (a stray letter typed after a command must not choose), and the screen is key-guarded
like every screen opened from the prompt: only Enter or Space on a focused button, or a click,
chooses. Used for "sign out?", and reusable for any destructive or data-moving question.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from handterm_tui.ui.keyguard import KeyGuard

KEYS = "←/→ or Tab choose · Enter confirm · Esc cancel"


class ChoiceScreen(KeyGuard, ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen #choice-box {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $warning; border-title-style: bold; padding: 0 1; background: $surface;
    }
    ChoiceScreen #choice-question { height: auto; }
    ChoiceScreen #choice-buttons { height: 1; margin-top: 1; }
    ChoiceScreen #choice-buttons Button { margin-right: 2; }
    ChoiceScreen #choice-keys { height: 1; margin-top: 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(
        self,
        question: str,
        options: Sequence[tuple[str, str]],
        *,
        default: str | None = None,
        title: str = "",
    ) -> None:
        """``options`` are (key, label) pairs; ``default`` (else the last) gets the focus."""
        if not options:
            raise ValueError("a choice needs at least one option")
        keys = [key for key, _ in options]
        if default is not None and default not in keys:
            raise ValueError(f"default {default!r} is not one of the options")
        super().__init__()
        self.question = question
        self.options = list(options)
        self.default = default if default is not None else keys[-1]
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box") as box:
            box.border_title = self.title_text or None
            yield Static(self.question, id="choice-question", markup=False)
            with Horizontal(id="choice-buttons"):
                for index, (key, label) in enumerate(self.options):
                    yield Button(label, id=f"choice-{index}", name=key, compact=True)
            yield Static(KEYS, id="choice-keys", markup=False)

    def on_mount(self) -> None:
        keys = [key for key, _ in self.options]
        self.query_one(f"#choice-{keys.index(self.default)}", Button).focus()

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.name)

    def action_cancel(self) -> None:
        self.dismiss(None)
