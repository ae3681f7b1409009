"""Synthetic keystroke logs whose true per-chord timings are known."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke
from handterm_tui.store import Store

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def timed(
    text: str,
    true_ms: Callable[[str | None, str], float],
    *,
    mistakes: Mapping[int, str] | None = None,
    fix_ms: float = 900.0,
) -> list[Keystroke]:
    """Strokes typing ``text``; ``mistakes[i]`` is a wrong key pressed before ``text[i]``
    (fixed with an unrecorded Backspace, so the right key comes ``fix_ms`` later)."""
    out: list[Keystroke] = []
    prev: str | None = None
    for i, c in enumerate(text):
        if mistakes and i in mistakes:
            out.append(Keystroke(mistakes[i], None if not out else true_ms(prev, c)))
            out.append(Keystroke(c, fix_ms))
        else:
            out.append(Keystroke(c, None if not out else true_ms(prev, c)))
        prev = c
    return out


def game(
    store: Store, text: str, strokes: list[Keystroke], at: datetime, **extra: object
) -> Record:
    record = Record(
        line="drill",
        name="drill",
        kind="game",
        keystrokes=strokes,
        created_at=at,
        extra={"text": text, **extra},
    )
    return store.records.add(record, upload=False)


def jitter(rng: random.Random, base: float, spread: float = 0.1) -> float:
    """Uniform within ±spread of base: the median is base."""
    return base * (1 + rng.uniform(-spread, spread))


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


LINES = (
    "the hat sets the east tea sea",
    "quiet zebras jump over the dog",
    "fix the grep and make it work",
)
# The seeded learner: slow on e and on the pair h→e, quick on space.
SEED_MS = {"e": 420.0, " ": 160.0, "z": 650.0, "q": 600.0, "x": 560.0}


def seed_learner(store: Store, sessions: int = 4, games: int = 6) -> None:
    """A fixed history: a learner who gets faster session by session, with some typos."""
    rng = random.Random(11)
    for s in range(sessions):
        speed = 1.0 - 0.08 * s
        for g in range(games):
            text = LINES[(s + g) % len(LINES)]

            def ms(prev: str | None, c: str, speed: float = speed) -> float:
                base = 700.0 if (prev, c) == ("h", "e") else SEED_MS.get(c, 260.0)
                return round(jitter(rng, base * speed, 0.15), 1)

            mistakes = {5: "#"} if g % 3 == 0 else None
            game(
                store, text, timed(text, ms, mistakes=mistakes), T0 + timedelta(days=s) + minutes(g)
            )
