"""A question with a few answers, the safe one focused: Esc and Enter on it change nothing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ChoiceScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > #choice-box {
        width: auto; max-width: 76; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    ChoiceScreen #choice-question { width: auto; max-width: 72; margin-bottom: 1; }
    ChoiceScreen #choice-buttons { height: auto; width: auto; }
    ChoiceScreen Button { margin-right: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, options: list[tuple[str, str]], default: str) -> None:
        super().__init__()
        self.question = question
        self.options = options
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box"):
            yield Static(self.question, id="choice-question", markup=False)
            with Horizontal(id="choice-buttons"):
                for key, label in self.options:
                    yield Button(label, id=f"choice-{key}", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.default}", Button).focus()

    @on(Button.Pressed)
    def _picked(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-") or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
