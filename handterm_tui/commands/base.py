"""What a command handler gets and gives back.

Handlers are plain functions ``(Context, ParsedCommand) -> Outcome``; they never touch
Textual. What only a UI can do (clear the screen, ask for a password, open a screen) is
returned as an ``Action`` that the TUI carries out and ``handterm exec`` explains.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from handterm_tui.commands.manifest import MANIFEST, Entry
from handterm_tui.core.owner import Owner
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import OK, utc_now
from handterm_tui.core.registry import CommandSpec, Completer, Registry
from handterm_tui.services import OfflineServices, Services

if TYPE_CHECKING:
    from handterm_tui.config import Config
    from handterm_tui.store import Store


class Action:
    """Something only an interactive front end can do."""


@dataclass(frozen=True)
class Clear(Action):
    """Clear the screen (never any data)."""


@dataclass(frozen=True)
class Exit(Action):
    pass


@dataclass(frozen=True)
class AskSecret(Action):
    """Read a secret with echo off, then finish the command with it.

    ``then`` runs off the UI thread; the secret is never stored, timed or recorded.
    """

    prompt: str
    then: Callable[..., Outcome]  # called with one secret per prompt
    # Further secrets to ask in turn (e.g. "new password" then "repeat it").
    more: tuple[str, ...] = ()
    # Prompts (0 = ``prompt``) typed in the clear: short-lived emailed codes, where masking
    # only causes typos. Still never stored, timed or recorded.
    clear: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Choose(Action):
    """Ask the user to pick one of ``options`` (key, label), then finish the command with the
    key. ``default`` is what Esc, a closed window or a script without a terminal gets: always
    the choice that changes nothing."""

    question: str
    options: tuple[tuple[str, str], ...]
    default: str
    then: Callable[[str], Outcome]


@dataclass(frozen=True)
class UseConfig(Action):
    """Switch the running front end to ``config`` (``profile use``): new services, live."""

    config: Config


@dataclass(frozen=True)
class OpenScreen(Action):
    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    text: str = ""
    status: int = OK
    action: Action | None = None
    record: bool = True  # False: nothing is stored (e.g. a command that only opens a screen)
    extra: dict[str, Any] = field(default_factory=dict)
    kind: str = "command"

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Context:
    config: Config
    store: Store
    services: Services = field(default_factory=OfflineServices)
    interactive: bool = True  # False under `handterm exec`
    clock: Callable[[], datetime] = utc_now
    # Where a long command reports progress (thread-safe; the TUI puts it on the status bar).
    progress: Callable[[str], None] | None = None

    @property
    def username(self) -> str | None:
        return self.services.username

    def owner(self) -> Owner:
        """Who owns what is made now, and whose items the views show."""
        return self.services.owner()


Handler = Callable[[Context, ParsedCommand], Outcome]


class CommandRegistry(Registry[Handler]):
    """The registry as the manifest knows it: a command's module is imported the first time
    the command is looked up (run, completed, explained), not at start-up."""

    def __init__(self, manifest: Iterable[Entry]) -> None:
        super().__init__()
        self._entries = {name: entry for entry in manifest for name in entry.all_names}

    def get(self, name: str) -> CommandSpec[Handler] | None:
        spec = super().get(name)
        entry = self._entries.get(name)
        if spec is None and entry is not None:
            # Registers the module's commands (the import lock makes this thread-safe).
            importlib.import_module(f"handterm_tui.commands.{entry.module}")
            spec = super().get(name)
        return spec

    def entry(self, name: str) -> Entry | None:
        """What the manifest says of ``name`` (a name or an alias), importing nothing."""
        return self._entries.get(name)

    def entries(self) -> list[Entry]:
        """Every command's manifest entry, by name: enough for a list, importing nothing."""
        return sorted({e.name: e for e in self._entries.values()}.values(), key=lambda e: e.name)

    def load_all(self) -> None:
        for module in sorted({e.module for e in self._entries.values()}):
            importlib.import_module(f"handterm_tui.commands.{module}")

    def __iter__(self) -> Iterator[CommandSpec[Handler]]:
        self.load_all()
        return super().__iter__()

    def __len__(self) -> int:
        return len(self.entries())

    def names(self) -> list[str]:
        return sorted(set(self._entries) | set(super().names()))


REGISTRY = CommandRegistry(MANIFEST)


def command(
    name: str,
    summary: str,
    usage: str,
    *,
    aliases: Iterable[str] = (),
    options: Iterable[str] = (),
    flags: Iterable[str] = (),
    category: str = "general",
    complete: Completer | None = None,
    mask_from: int | None = None,
    details: str = "",
    blocking: bool = False,
    record: bool = True,
    free_text: bool = False,
    registry: Registry[Handler] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler under ``name`` (and its aliases)."""

    def decorate(handler: Handler) -> Handler:
        (registry or REGISTRY).add(
            CommandSpec(
                name=name,
                summary=summary,
                usage=usage,
                handler=handler,
                aliases=tuple(aliases),
                options=frozenset(options),
                flags=frozenset(flags),
                category=category,
                complete=complete,
                mask_from=mask_from,
                details=details,
                blocking=blocking,
                record=record,
                free_text=free_text,
            )
        )
        return handler

    return decorate


def usage_error(spec_usage: str, problem: str) -> Outcome:
    return Outcome(f"{problem}\nUsage: {spec_usage}", status=400)


def int_switch(cmd: ParsedCommand, key: str, default: int, *, low: int, high: int) -> int:
    """A bounded integer switch; raises ValueError with a message a user understands."""
    raw = cmd.switches.get(key)
    if raw is None:
        return default
    if raw is True:
        raise ValueError(f"--{key} needs a number")
    try:
        value = int(str(raw))
    except ValueError:
        raise ValueError(f"--{key} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"--{key} must be between {low} and {high}")
    return value
