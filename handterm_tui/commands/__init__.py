"""Prompt commands. Importing this package registers all of them."""

from __future__ import annotations

import importlib

from handterm_tui.commands.base import REGISTRY, Context, Outcome
from handterm_tui.commands.runner import Run, Runner

# Modules that register commands, in the order `help` lists their categories.
_MODULES = ("builtin", "notes", "web", "account", "logs", "practice", "chords")


def load_all() -> None:
    for name in _MODULES:
        importlib.import_module(f"handterm_tui.commands.{name}")


load_all()

__all__ = ["REGISTRY", "Context", "Outcome", "Run", "Runner"]
