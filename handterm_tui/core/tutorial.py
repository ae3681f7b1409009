"""The tutorial: the web's short progression of first chords, without any UI.

Each step shows what to type and the chords for it; typing the step's text and pressing
Enter completes it (the first step is Enter on an empty line). Progress is a list of step
keys kept in the store's key/value table under ``PROGRESS_KEY``, so it survives restarts;
``tut --reset`` clears it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from handterm_tui.core import chords
from handterm_tui.core.stats import display_char

PROGRESS_KEY = "tutorial_done"


@dataclass(frozen=True)
class Step:
    key: str
    text: str  # what to type before Enter ("" = just Enter)
    title: str
    hint: str

    def chord_hints(self) -> list[str]:
        """``f = chord 1`` per distinct character, in order (Enter for the empty step)."""
        chars = list(dict.fromkeys(self.text)) if self.text else ["\r"]
        return [chords.hint(c) if chords.chord_for(c) else display_char(c) for c in chars]

    def matches(self, line: str) -> bool:
        return line.strip() == self.text


STEPS: tuple[Step, ...] = (
    Step(
        "enter",
        "",
        "Enter",
        "Enter runs every command, so it comes first. Press Enter on the empty line.",
    ),
    Step(
        "fdsa",
        "fdsa",
        "One key each: f d s a",
        "f d s a are the single keys 1 2 3 4 (the web calls this the finger pinch). "
        "Type fdsa, then Enter.",
    ),
    Step(
        "jkl;",
        "jkl;",
        "One key each: j k l ;",
        "j k l ; are the single keys 6 7 8 9 (the finger grasp). Type jkl; then Enter.",
    ),
    Step(
        "1234",
        "1234",
        "Digits: 1 2 3 4",
        "A digit's chord is its finger's key with 0: thumb tip, then finger tip. "
        "Type 1234, then Enter.",
    ),
    Step(
        "zxcv",
        "zxcv",
        "Combinations: z x c v",
        "Most letters are two keys pressed together. Read each chord below, "
        "then type zxcv and Enter.",
    ),
)


def _known(done: Iterable[object]) -> list[str]:
    keys = {s.key for s in STEPS}
    return [d for d in done if isinstance(d, str) and d in keys]


@dataclass
class Tutorial:
    done: list[str]
    steps: Sequence[Step] = STEPS

    @classmethod
    def from_stored(cls, value: object) -> Tutorial:
        """Tolerates a missing or hand-edited value: unknown entries are dropped."""
        return cls(_known(value) if isinstance(value, list) else [])

    @property
    def current(self) -> Step | None:
        return next((s for s in self.steps if s.key not in self.done), None)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def position(self) -> int:
        """1-based number of the current step (len + 1 when finished)."""
        return sum(1 for s in self.steps if s.key in self.done) + 1

    def submit(self, line: str) -> bool:
        """Enter pressed with ``line``: True when it completes the current step."""
        step = self.current
        if step is None or not step.matches(line):
            return False
        self.done.append(step.key)
        return True

    def describe(self) -> str:
        """The current step in words (for ``handterm exec tut`` and the scrollback)."""
        step = self.current
        total = len(self.steps)
        if step is None:
            return (
                f"Tutorial complete ({total}/{total}). `tut --reset` starts it again; "
                "`play` starts the game."
            )
        target = step.text or "(just Enter)"
        return (
            f"Tutorial step {self.position}/{total}: {step.title}\n{step.hint}\n"
            f"Type: {target}\nChords: " + ", ".join(step.chord_hints())
        )
