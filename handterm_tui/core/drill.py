"""Drills: practice lines built from the chords and transitions that hold you back.

- **Unlocking** (keybr's rule, per chord): letters come in frequency order; the first
  ``START_CHORDS`` are open from the start, and the next one opens only when every open
  chord is at the target (smoothed time at or under the target's ms per chord, with enough
  samples). The count of open chords is kept, so a slow day never locks one again.
- **Weights**: each open chord weighs its smoothed time over the target, more with errors;
  a chord with too few samples weighs as a weak one, so it gets its samples. Transitions
  with enough samples add their own weight to words that contain them.
- **Lines** mix the user's real words (from their command history; masked lines and
  account commands are never read) with short made-up words around the weakest chords,
  every word made only of open chords. The screen rebuilds the weights after each line
  from the figures, which the line's own record has just fed.

Nothing here touches the store or Textual.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from handterm_tui.core.chord_figures import Figure, Report
from handterm_tui.core.records import Record
from handterm_tui.core.stats import Keystroke

ORDER = "etaoinshrdlcumwfgypbvkjxqz"  # English letter frequency (keybr's default order)
START_CHORDS = 6  # keybr always includes at least six letters
LINE_CHARS = 44  # fits the 80-column screen with its labels
FOCUS = 3  # chords named as the line's focus
UNKNOWN_WEIGHT = 1.5  # a chord with too few samples: drill it like a weak one
MAX_WORD = 12
UNLOCKED_KEY = "drill_unlocked"
_WORD_RE = re.compile(r"[a-z]+")


def target_ms(target_wpm: int) -> float:
    """ms per chord at the target speed (a word is 5 chords)."""
    return 12000.0 / max(1, target_wpm)


def at_target(fig: Figure | None, goal_ms: float) -> bool:
    return fig is not None and fig.enough and fig.rank_ms is not None and fig.rank_ms <= goal_ms


def unlocked_count(rep: Report, goal_ms: float, stored: int = 0) -> int:
    """How many of ``ORDER`` are open: never fewer than before (``stored``)."""
    count = max(START_CHORDS, min(stored, len(ORDER)))
    while count < len(ORDER) and all(at_target(rep.chord(c), goal_ms) for c in ORDER[:count]):
        count += 1
    return count


def chord_weight(fig: Figure | None, goal_ms: float) -> float:
    if fig is None or not fig.enough or fig.rank_ms is None:
        return UNKNOWN_WEIGHT
    rate = fig.error_rate or 0.0
    return max(0.2, fig.rank_ms / goal_ms) * (1.0 + 3.0 * rate)


@dataclass(frozen=True)
class Plan:
    open_chords: str  # the unlocked letters, in unlock order
    new_chord: str | None  # the one unlocked last (drilled a little more)
    weights: Mapping[str, float]  # per open chord
    pair_weights: Mapping[str, float]  # per transition (two characters) with enough samples
    focus: tuple[str, ...]  # the weakest chords, weakest first
    focus_pairs: tuple[str, ...]
    goal_ms: float

    def word_weight(self, word: str) -> float:
        """Mean weight of its chords plus its transitions' extra weight."""
        chars = [self.weights.get(c, 0.0) for c in word]
        base = sum(chars) / len(chars) if chars else 0.0
        extra = sum(self.pair_weights.get(word[i : i + 2], 0.0) for i in range(len(word) - 1))
        return base * base + extra


def plan(rep: Report, target_wpm: int, stored_unlocked: int = 0) -> Plan:
    goal = target_ms(target_wpm)
    count = unlocked_count(rep, goal, stored_unlocked)
    open_chords = ORDER[:count]
    weights = {c: chord_weight(rep.chord(c), goal) for c in open_chords}
    new_chord = open_chords[-1] if count > START_CHORDS else None
    if new_chord is not None and not at_target(rep.chord(new_chord), goal):
        weights[new_chord] *= 1.5
    pairs = {
        f.key: chord_weight(f, goal)
        for f in rep.pairs
        if f.enough and all(c in open_chords for c in f.key)
    }
    focus = tuple(sorted(weights, key=lambda c: (-weights[c], ORDER.index(c)))[:FOCUS])
    slow_pairs = sorted((k for k, w in pairs.items() if w > 1.0), key=lambda k: (-pairs[k], k))
    return Plan(
        open_chords=open_chords,
        new_chord=new_chord,
        weights=weights,
        pair_weights={k: pairs[k] for k in slow_pairs},
        focus=focus,
        focus_pairs=tuple(slow_pairs[:FOCUS]),
        goal_ms=goal,
    )


def history_words(lines: Iterable[str], limit: int = 400) -> list[str]:
    """Distinct lower-case words from command lines, most used first."""
    counts: dict[str, int] = {}
    for line in lines:
        for word in _WORD_RE.findall(line.lower()):
            if 2 <= len(word) <= MAX_WORD:
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))[:limit]


def _made_up(p: Plan, rng: random.Random) -> str:
    """A short word around a weak chord or transition, of open chords only."""
    if p.focus_pairs and rng.random() < 0.4:
        core = rng.choice(p.focus_pairs)
    else:
        chords = list(p.weights)
        core = rng.choices(chords, weights=[p.weights[c] for c in chords], k=1)[0]
    letters = p.open_chords
    length = rng.randint(3, 5)
    word = core
    while len(word) < length:
        if rng.random() < 0.5:
            word = rng.choice(letters) + word
        else:
            word += rng.choice(letters)
    return word


def make_line(p: Plan, words: Sequence[str], rng: random.Random, width: int = LINE_CHARS) -> str:
    """One drill line: real words that fit the open chords, weighted, and made-up ones."""
    fits = [w for w in words if all(c in p.weights for c in w)]
    weights = [p.word_weight(w) for w in fits]
    out: list[str] = []
    length = 0
    while True:
        if fits and rng.random() < 0.6:
            word = rng.choices(fits, weights=weights, k=1)[0]
        else:
            word = _made_up(p, rng)
        if out and length + 1 + len(word) > width:
            break
        out.append(word)
        length += len(word) + (1 if len(out) > 1 else 0)
        if length >= width - 2:
            break
    return " ".join(out)


# -- the record a drill line leaves, and the session's before/after --------------------


def drill_record(record: Record, text: str, focus: Sequence[str]) -> Record:
    """A game result record, marked as a drill line (its text is what the figures read)."""
    record.line = "drill"
    record.name = "drill"
    record.args = []
    record.extra = {
        **record.extra,
        "phrase": "drill",
        "drill": True,
        "achieved": False,  # a drill line is not one of the game's phrases
        "text": text,
        "focus": list(focus),
    }
    return record


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before_ms: float | None
    before_samples: int
    after_ms: float | None
    after_samples: int

    @property
    def better(self) -> bool | None:
        if self.before_ms is None or self.after_ms is None or self.after_samples < 3:
            return None
        return self.after_ms < self.before_ms


def changes(
    before: Report, session: Report, keys: Iterable[str], pairs: Iterable[str] = ()
) -> list[Change]:
    """Per drilled chord (and transition): the figure before the drill (smoothed, all
    history) against the median of this session's samples, each with its count."""
    out = []
    for key in keys:
        b, a = before.chord(key), session.chord(key)
        out.append(
            Change(
                key,
                a.label if a else (b.label if b else key),
                b.rank_ms if b else None,
                b.samples if b else 0,
                a.median_ms if a else None,
                a.samples if a else 0,
            )
        )
    by_key = {f.key: f for f in before.pairs}
    now = {f.key: f for f in session.pairs}
    for key in pairs:
        b2, a2 = by_key.get(key), now.get(key)
        known = a2 or b2
        label = known.label if known is not None else key
        out.append(
            Change(
                key,
                label,
                b2.rank_ms if b2 else None,
                b2.samples if b2 else 0,
                a2.median_ms if a2 else None,
                a2.samples if a2 else 0,
            )
        )
    return out


def change_lines(items: Sequence[Change]) -> list[str]:
    lines = ["Drilled        before (n)        this drill (n)"]
    for c in items:
        before = "-" if c.before_ms is None else f"{c.before_ms:.0f} ms"
        after = "-" if c.after_ms is None else f"{c.after_ms:.0f} ms"
        mark = {True: "faster", False: "slower", None: ""}[c.better]
        if c.after_samples < 3 and c.after_ms is not None:
            mark = "too few to tell"
        lines.append(
            f"  {c.label[:11]:<11} {before:>7} ({c.before_samples:>4})   "
            f"{after:>7} ({c.after_samples:>3})  {mark}"
        )
    lines.append("before: smoothed over your history · this drill: its median · n: samples")
    return lines


def strokes_of(keystrokes: Sequence[Keystroke]) -> list[list[object]]:
    return [[k.char, k.interval_ms] for k in keystrokes]
