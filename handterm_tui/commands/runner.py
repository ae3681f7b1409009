"""Run a command line: parse, dispatch, and keep a record of it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from handterm_tui.commands.base import REGISTRY, AskSecret, Choose, Context, Handler, Outcome
from handterm_tui.core.owner import Owner
from handterm_tui.core.parser import ParsedCommand, ParseError, parse, quote, split_words
from handterm_tui.core.records import FAILED, NOT_FOUND, USAGE, Record, mask_line
from handterm_tui.core.registry import CommandSpec
from handterm_tui.core.stats import Keystroke
from handterm_tui.store.db import StoreError

log = logging.getLogger("handterm.commands")

MAX_LINE = 4096  # the prompt holds at most this many characters; a longer line is not run


@dataclass
class Run:
    """A command in progress: the outcome so far and, once stored, its record."""

    line: str
    masked_line: str
    parsed: ParsedCommand
    spec: CommandSpec[Handler] | None
    outcome: Outcome
    keystrokes: list[Keystroke] = field(default_factory=list)
    record: Record | None = None
    # Who was signed in when the line was typed: a `logout`'s record stays the account's.
    typed_by: Owner | None = None

    @property
    def waiting_for_secret(self) -> bool:
        return isinstance(self.outcome.action, AskSecret)

    @property
    def waiting(self) -> bool:
        """Not finished: it waits for a secret or a choice (and is not stored yet)."""
        return isinstance(self.outcome.action, AskSecret | Choose)


def mask(line: str, spec: CommandSpec[Handler] | None) -> str:
    if spec is None or spec.mask_from is None:
        return line
    try:
        words = [w.text for w in split_words(line)]
    except ParseError:
        return line.split(" ", 1)[0] + " ********"
    return " ".join(quote(w) if i else w for i, w in enumerate(mask_line(words, spec.mask_from)))


class Runner:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def start(self, line: str, keystrokes: list[Keystroke] | None = None) -> Run:
        """Run ``line``. If it asks for a secret, call :meth:`finish` with it."""
        keystrokes = list(keystrokes or [])
        stripped = line.strip()
        if len(stripped) > MAX_LINE:
            name = stripped.split(None, 1)[0][:40]
            outcome = Outcome(
                f"That line is {len(stripped):,} characters long; the limit is {MAX_LINE:,}. "
                "Nothing was run.",
                status=USAGE,
            )
            run = Run(
                stripped[:200] + "…", stripped[:200] + "…", ParsedCommand(name=name), None, outcome
            )
            return self._store(run)
        first = stripped.split(None, 1)[0] if stripped else ""
        spec = REGISTRY.get(first)
        masked = mask(stripped, spec)
        try:
            parsed = parse(
                stripped,
                options=spec.options if spec else None,
                flags=spec.flags if spec else (),
            )
        except ParseError as exc:
            if spec is None or not spec.free_text:
                outcome = Outcome(f"Cannot read that line: {exc}.", status=USAGE)
                return self._store(
                    Run(stripped, masked, ParsedCommand(name=first), spec, outcome, keystrokes)
                )
            parsed = ParsedCommand(name=first, args=tuple(stripped.split()[1:]), raw=stripped)
        if spec is None:
            near = REGISTRY.suggest(parsed.name)
            hint = f" Did you mean `{near}`?" if near else " Type `help` for the list."
            outcome = Outcome(f"Command not found: {parsed.name}.{hint}", status=NOT_FOUND)
            return self._store(Run(stripped, masked, parsed, None, outcome, keystrokes))
        typed_by = self.ctx.owner()
        outcome = self._call(spec, lambda: spec.handler(self.ctx, parsed))
        run = Run(stripped, masked, parsed, spec, outcome, keystrokes, typed_by=typed_by)
        if run.waiting:
            return run
        return self._store(run)

    def finish(self, run: Run, *secrets: str) -> Run:
        """Complete a command that asked for a secret; the secret is used once and dropped."""
        action = run.outcome.action
        if not isinstance(action, AskSecret):
            return run
        spec = run.spec
        assert spec is not None
        then = action.then
        run.outcome = self._call(spec, lambda: then(*secrets))
        if run.waiting:
            return run
        return self._store(run)

    def choose(self, run: Run, key: str | None) -> Run:
        """Complete a command that asked for a choice; None (Esc) takes the safe default."""
        action = run.outcome.action
        if not isinstance(action, Choose):
            return run
        spec = run.spec
        assert spec is not None
        picked = key if key in {k for k, _ in action.options} else action.default
        # What was said before the question stays in the record, above the answer's words.
        said = run.outcome.text
        run.outcome = self._call(spec, lambda: action.then(picked))
        if said and not run.waiting:
            run.outcome.text = f"{said}\n{run.outcome.text}" if run.outcome.text else said
        if run.waiting:
            return run
        return self._store(run)

    def cancel(self, run: Run) -> Run:
        run.outcome = Outcome("Cancelled.", status=499)
        return self._store(run)

    def _call(self, spec: CommandSpec[Handler], call: Callable[[], Outcome]) -> Outcome:
        try:
            result = call()
        except Exception as exc:  # a bug in one command must not take the prompt down
            log.exception("command %s failed", spec.name)
            return Outcome(f"{spec.name} failed: {exc.__class__.__name__}: {exc}", status=FAILED)
        assert isinstance(result, Outcome)
        return result

    def _store(self, run: Run) -> Run:
        outcome = run.outcome
        if not outcome.record or (run.spec is not None and not run.spec.record):
            return run
        parsed = run.parsed
        args = list(parsed.args)
        if run.spec is not None and run.spec.mask_from is not None:
            args = mask_line(["", *args], run.spec.mask_from)[1:]
        record = Record(
            line=run.masked_line,
            name=parsed.name,
            args=args,
            switches=dict(parsed.switches),
            response=outcome.text,
            status=outcome.status,
            kind=outcome.kind,
            # A masked line's keystrokes would spell the secret: they are never kept.
            keystrokes=run.keystrokes if run.masked_line == run.line else [],
            extra=dict(outcome.extra),
            created_at=self.ctx.clock(),
            # The account signed in when the line was typed (a `logout` stays its own), or,
            # when nobody was, the one signed in by it (a `login`'s record is the account's).
            owner=run.typed_by
            if run.typed_by is not None and run.typed_by.signed_in
            else self.ctx.owner(),
        )
        try:
            run.record = self.ctx.store.records.add(record)
        except StoreError as exc:
            # Say so with the answer rather than lose the prompt; the line stays in Up/Down.
            run.outcome = replace(
                outcome,
                text=(outcome.text + "\n" if outcome.text else "")
                + f"This command's record was not stored: {exc}",
                status=outcome.status if not outcome.ok else FAILED,
            )
        return run
