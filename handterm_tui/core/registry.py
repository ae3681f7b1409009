"""The command registry: names, aliases, summaries, usage and argument completion.

Pure data: the handlers that run a command live in ``handterm_tui.commands``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# Given the arguments before the cursor and the partial word under it, yield candidates.
Completer = Callable[[tuple[str, ...], str], Iterable[str]]

H = TypeVar("H")


@dataclass(frozen=True)
class CommandSpec(Generic[H]):
    name: str
    summary: str
    usage: str
    handler: H
    aliases: tuple[str, ...] = ()
    options: frozenset[str] = frozenset()  # switches that take a value
    flags: frozenset[str] = frozenset()  # switches that never take one
    category: str = "general"
    complete: Completer | None = None
    # Arguments from this index on are secret: masked in records and history.
    mask_from: int | None = None
    details: str = ""
    blocking: bool = False  # does I/O that may take a while: the UI runs it in a worker
    record: bool = True  # leaves a record in the store (and history)
    # Takes the rest of the line as typed (`wrt don't`): quotes that do not parse are text.
    free_text: bool = False

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _typo_distance(a: str, b: str) -> int:
    """Edits between ``a`` and ``b``, a swap of neighbours counting as one (OSA distance)."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


@dataclass
class Registry(Generic[H]):
    _specs: dict[str, CommandSpec[H]] = field(default_factory=dict)
    _by_name: dict[str, CommandSpec[H]] = field(default_factory=dict)

    def add(self, spec: CommandSpec[H]) -> CommandSpec[H]:
        for name in spec.all_names:
            if name in self._by_name:
                raise ValueError(f"command name {name!r} registered twice")
        self._specs[spec.name] = spec
        for name in spec.all_names:
            self._by_name[name] = spec
        return spec

    def get(self, name: str) -> CommandSpec[H] | None:
        return self._by_name.get(name)

    def __iter__(self) -> Iterator[CommandSpec[H]]:
        return iter(sorted(self._specs.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self._specs)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def suggest(self, name: str) -> str | None:
        """The nearest known command name, if one is close enough."""
        if not name:
            return None
        import difflib  # only a mistyped command pays for it

        lowered = name.lower()
        if lowered in self.names():
            return lowered
        # Swapped letters are the commonest slip: `eidt` is `edit` (one swap), not `exit`.
        near = [(_typo_distance(lowered, n), n) for n in self.names()]
        best = min(near, default=(99, ""))
        if best[0] <= 1:
            return best[1]
        matches = difflib.get_close_matches(lowered, self.names(), n=1, cutoff=0.6)
        if matches:
            return matches[0]
        prefixed = [n for n in self.names() if n.startswith(lowered[:2])]
        return prefixed[0] if len(prefixed) == 1 else None

    def completions(self, words: list[str], partial: str) -> list[str]:
        """Candidates for ``partial``: command names first, then the command's arguments."""
        if not words:
            return [n for n in self.names() if n.startswith(partial)]
        spec = self.get(words[0])
        if spec is None:
            return []
        if partial.startswith("--"):
            switches = sorted(spec.options | spec.flags)
            return [f"--{s}" for s in switches if f"--{s}".startswith(partial)]
        if spec.complete is None:
            return []
        seen: dict[str, None] = {}
        for candidate in spec.complete(tuple(words[1:]), partial):
            if candidate.startswith(partial):
                seen.setdefault(candidate)
        return list(seen)
