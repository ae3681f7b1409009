"""The phrases game, without any UI: typing progress against a phrase, and its result.

A :class:`Game` is fed edits with their time (``press``, ``backspace`` or a whole new
``text``) and answers what a screen needs after each one: the correct prefix, the next
characters from the first mismatch, the expected key, where the mistakes are, the timer
and a live WPM. Work per keystroke is O(1).

Rules (the web's, with its bugs fixed):
- the clock starts at the first keystroke; emptying the line restarts the attempt;
- success is the typed text equal to the (trimmed) phrase;
- Enter is not part of the game: the screen never runs the line as a command.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from handterm_tui.core import chords, scoring
from handterm_tui.core.phrases import Phrase
from handterm_tui.core.records import Record
from handterm_tui.core.scoring import KeyStat
from handterm_tui.core.stats import MIN_INTERVAL_MS, Keystroke, display_char, web_wpm

NEXT_CHARS = 60  # as many as the web shows


@dataclass(frozen=True)
class Stroke:
    """One character keystroke as the game saw it."""

    char: str
    at_ms: float
    position: int
    correct: bool
    after_erase: bool  # an erase came between the previous keystroke and this one


@dataclass(frozen=True)
class GameResult:
    key: str
    text: str
    elapsed_ms: float
    entries: int
    errors: int
    corrected: int
    uncorrected: int
    gross_wpm: float | None
    net_wpm: float | None
    accuracy: float | None
    web_wpm: float | None
    keys: dict[str, KeyStat]
    confusions: dict[str, dict[str, int]]  # expected -> typed -> times
    keystrokes: list[Keystroke]

    def slowest(self, rows: int = 3) -> list[KeyStat]:
        return scoring.slowest_keys(self.keys, rows)

    def achieved(self, target_wpm: float) -> bool:
        """Reaching the target counts; judged on net WPM, the honest figure."""
        return self.net_wpm is not None and self.net_wpm >= target_wpm


@dataclass
class Game:
    phrase: Phrase
    typed: str = ""
    strokes: list[Stroke] = field(default_factory=list)
    errors: int = 0
    corrected: int = 0
    started_ms: float | None = None
    finished_ms: float | None = None
    _prefix: int = 0  # length of the correct prefix = index of the first mismatch
    _wrong: int = 0  # mismatched characters in ``typed`` right now
    _erased: bool = False

    @property
    def text(self) -> str:
        return self.phrase.text

    @property
    def done(self) -> bool:
        return self.finished_ms is not None

    @property
    def correct_prefix(self) -> int:
        return self._prefix

    @property
    def uncorrected(self) -> int:
        return self._wrong

    @property
    def expected(self) -> str | None:
        """The character to type next (the one at the first mismatch)."""
        if self.done or self._prefix >= len(self.text):
            return None
        return self.text[self._prefix]

    def expected_hint(self) -> str:
        char = self.expected
        if char is None:
            return ""
        return chords.hint(char)

    def next_chars(self, count: int = NEXT_CHARS) -> str:
        return self.text[self._prefix : self._prefix + count]

    def wrong_positions(self) -> list[int]:
        """Where the typed text differs from the phrase (beyond its end counts as wrong)."""
        if not self._wrong:
            return []
        text = self.text
        return [i for i, c in enumerate(self.typed) if i >= len(text) or text[i] != c]

    def elapsed_ms(self, now_ms: float) -> float:
        if self.started_ms is None:
            return 0.0
        end = self.finished_ms if self.finished_ms is not None else now_ms
        return max(0.0, end - self.started_ms)

    def live_wpm(self, now_ms: float) -> float | None:
        """Correct characters so far per minute / 5 (net speed of the progress)."""
        return scoring.net_wpm(self._prefix, 0, self.elapsed_ms(now_ms))

    def live_accuracy(self) -> float | None:
        return scoring.accuracy(len(self.strokes), self.errors)

    # -- edits ---------------------------------------------------------------

    def press(self, char: str, at_ms: float) -> None:
        if self.done or len(char) != 1:
            return
        if self.started_ms is None:
            self.started_ms = at_ms
        text, pos = self.text, len(self.typed)
        correct = pos < len(text) and text[pos] == char
        if correct:
            if self._prefix == pos:
                self._prefix += 1
        else:
            self.errors += 1
            self._wrong += 1
        self.strokes.append(Stroke(char, at_ms, pos, correct, self._erased))
        self._erased = False
        self.typed += char
        # Phrases are stored trimmed, so "equal after trimming" is reached the moment the
        # correct prefix covers the phrase; nothing typed after that can matter.
        if self._prefix == len(text):
            self.finished_ms = at_ms

    def backspace(self, at_ms: float) -> None:
        if self.done or not self.typed:
            return
        pos = len(self.typed) - 1
        text = self.text
        if pos >= len(text) or text[pos] != self.typed[pos]:
            self.corrected += 1
            self._wrong -= 1
        self.typed = self.typed[:-1]
        self._prefix = min(self._prefix, len(self.typed))
        self._erased = True
        if not self.typed:
            self.restart()

    def set_text(self, new: str, at_ms: float) -> None:
        """Any edit (paste, delete word...): erase back to the common prefix, then type."""
        if self.done:
            return
        old = self.typed
        common = 0
        limit = min(len(old), len(new))
        while common < limit and old[common] == new[common]:
            common += 1
        for _ in range(len(old) - common):
            self.backspace(at_ms)
        for char in new[common:]:
            self.press(char, at_ms)

    def restart(self) -> None:
        """A fresh attempt at the same phrase (the web resets on an empty line too)."""
        self.typed = ""
        self.strokes.clear()
        self.errors = self.corrected = self._prefix = self._wrong = 0
        self.started_ms = self.finished_ms = None
        self._erased = False

    # -- result --------------------------------------------------------------

    def keystrokes(self) -> list[Keystroke]:
        out: list[Keystroke] = []
        previous: float | None = None
        for stroke in self.strokes:
            out.append(
                Keystroke(stroke.char, None if previous is None else stroke.at_ms - previous)
            )
            previous = stroke.at_ms
        return out

    def key_stats(self) -> tuple[dict[str, KeyStat], dict[str, dict[str, int]]]:
        keys: dict[str, KeyStat] = {}
        confusions: dict[str, dict[str, int]] = {}
        text = self.text
        previous: float | None = None
        for stroke in self.strokes:
            if stroke.correct:
                interval = None if previous is None else stroke.at_ms - previous
                if interval is not None and interval > MIN_INTERVAL_MS and not stroke.after_erase:
                    stat = keys.get(stroke.char, KeyStat(stroke.char))
                    keys[stroke.char] = stat.plus(KeyStat(stroke.char, 1, interval, 0))
            elif stroke.position < len(text):
                want = text[stroke.position]
                stat = keys.get(want, KeyStat(want))
                keys[want] = stat.plus(KeyStat(want, 0, 0.0, 1))
                by_typed = confusions.setdefault(want, {})
                by_typed[stroke.char] = by_typed.get(stroke.char, 0) + 1
            previous = stroke.at_ms
        return keys, confusions

    def result(self) -> GameResult:
        if self.finished_ms is None or self.started_ms is None:
            raise ValueError("the phrase is not finished yet")
        elapsed = self.finished_ms - self.started_ms
        keystrokes = self.keystrokes()
        keys, confusions = self.key_stats()
        return GameResult(
            key=self.phrase.key,
            text=self.text,
            elapsed_ms=elapsed,
            entries=len(self.strokes),
            errors=self.errors,
            corrected=self.corrected,
            uncorrected=self._wrong,
            gross_wpm=scoring.gross_wpm(len(self.strokes), elapsed),
            net_wpm=scoring.net_wpm(len(self.typed), self._wrong, elapsed),
            accuracy=scoring.accuracy(len(self.strokes), self.errors),
            web_wpm=web_wpm(keystrokes),
            keys=keys,
            confusions=confusions,
            keystrokes=keystrokes,
        )


# -- what the user sees afterwards ------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.0f}{unit}"


def summary(result: GameResult, target_wpm: int) -> str:
    """One line for the record's response and the scrollback."""
    mark = "achieved" if result.achieved(target_wpm) else f"target {target_wpm}"
    return (
        f"{result.key}: {_fmt(result.net_wpm)} WPM net, {_fmt(result.gross_wpm)} gross, "
        f"{_fmt(result.accuracy, '%')} accuracy, {result.elapsed_ms / 1000:.1f} s ({mark})"
    )


def result_lines(result: GameResult, target_wpm: int) -> list[str]:
    """The result panel, in words (the screen styles it; ``exec`` prints it)."""
    errors = f"{result.errors} error{'s' if result.errors != 1 else ''}"
    if result.errors:
        errors += f" ({result.corrected} corrected)"
    lines = [
        f"Net WPM    {_fmt(result.net_wpm):>5}   what you produced per minute",
        f"Gross WPM  {_fmt(result.gross_wpm):>5}   every key pressed, erased ones too",
        f"Accuracy   {_fmt(result.accuracy, '%'):>5}   {errors}",
        f"Time       {result.elapsed_ms / 1000:>5.1f}s  {result.entries} keystrokes",
        f"Web figure {_fmt(result.web_wpm):>5}   handterm.com's mean of per-key rates",
    ]
    slow = result.slowest(3)
    if slow:
        lines.append(
            "Slowest    "
            + "  ".join(f"{display_char(k.char)} {k.mean_ms or 0:.0f}ms" for k in slow)
        )
    if result.achieved(target_wpm):
        lines.append(f"Achieved: {_fmt(result.net_wpm)} WPM ≥ target {target_wpm}.")
    else:
        lines.append(f"Target {target_wpm} WPM not reached yet.")
    return lines


def result_record(result: GameResult, target_wpm: int) -> Record:
    """The game result as a record (the convention ``show`` and ``stats`` read)."""
    extra: dict[str, Any] = {
        "phrase": result.key,
        "achieved": result.achieved(target_wpm),
        "target": target_wpm,
        "net_wpm": None if result.net_wpm is None else round(result.net_wpm, 3),
        "accuracy": None if result.accuracy is None else round(result.accuracy, 3),
        "errors": result.errors,
        "corrected": result.corrected,
        "uncorrected": result.uncorrected,
        "entries": result.entries,
        "elapsed_ms": round(result.elapsed_ms, 3),
        "keys": {c: k.to_json() for c, k in sorted(result.keys.items())},
        "confusions": result.confusions,
    }
    return Record(
        line=f"play {result.key}",
        name="play",
        args=[result.key],
        response=summary(result, target_wpm),
        kind="game",
        keystrokes=list(result.keystrokes),
        gross_wpm=result.gross_wpm,
        web_wpm=result.web_wpm,
        extra=extra,
    )


# -- which phrase next ----------------------------------------------------------


def phrase_weights(
    phrases: Sequence[Phrase],
    achieved: set[str],
    key_ms: Mapping[str, float],
    current: str | None = None,
) -> list[tuple[Phrase, float]]:
    """Candidates for the next phrase and their weights.

    Not-yet-achieved phrases other than the current one (all of them once everything is
    achieved), at the lowest level still open or the one above it. A phrase weighs more
    the slower the user's keys in it are: the mean of its three slowest keys relative to
    the user's mean key time, squared. Keys never timed count as average.
    """
    open_ = [p for p in phrases if p.key not in achieved and p.key != current]
    if not open_:
        open_ = [p for p in phrases if p.key != current] or list(phrases)
    lowest = min(p.level for p in open_)
    window = [p for p in open_ if p.level <= lowest + 1]
    if not key_ms:
        return [(p, 1.0) for p in window]
    mean = sum(key_ms.values()) / len(key_ms)
    out = []
    for p in window:
        rel = sorted((key_ms.get(c, mean) / mean for c in set(p.text)), reverse=True)[:3]
        score = sum(rel) / len(rel)
        out.append((p, score * score))
    return out


def choose_next(
    phrases: Sequence[Phrase],
    achieved: set[str],
    key_ms: Mapping[str, float],
    rng: random.Random | None = None,
    current: str | None = None,
) -> Phrase | None:
    """The next phrase: in catalogue order until there are key timings, then weighted."""
    if not phrases:
        return None
    weighted = phrase_weights(phrases, achieved, key_ms, current)
    if not key_ms:
        return weighted[0][0]
    rng = rng or random.Random()
    return rng.choices([p for p, _ in weighted], weights=[w for _, w in weighted], k=1)[0]
