from __future__ import annotations

import pytest

from handterm_tui.commands import REGISTRY
from handterm_tui.core.registry import CommandSpec, Registry

ISSUE_COMMANDS = [
    "help", "411", "clear", "history", "special", "target", "show", "wrt", "profile",
    "whoami", "exit", "quit", "login", "signup", "verify", "logout", "logs", "archive",
    "sync", "play", "phrase", "ls", "tut", "stats", "session", "passwd", "forgot", "resend",
    "outbox",
]  # fmt: skip


@pytest.mark.parametrize("name", ISSUE_COMMANDS)
def test_every_command_is_registered_with_summary_and_usage(name: str) -> None:
    spec = REGISTRY.get(name)
    assert spec is not None, name
    assert spec.summary and spec.usage


def test_suggests_the_nearest_name() -> None:
    assert REGISTRY.suggest("hepl") == "help"
    assert REGISTRY.suggest("histroy") == "history"
    assert REGISTRY.suggest("zzzzzz") is None


def test_completion_of_names_and_switches() -> None:
    assert "history" in REGISTRY.completions([], "hi")
    assert REGISTRY.completions(["history"], "--") == ["--limit"]
    assert "history" in REGISTRY.completions(["help"], "hist")


def test_duplicate_names_are_refused() -> None:
    reg: Registry[None] = Registry()
    reg.add(CommandSpec("a", "s", "a", None, aliases=("b",)))
    with pytest.raises(ValueError):
        reg.add(CommandSpec("b", "s", "b", None))
