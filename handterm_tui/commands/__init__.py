"""Prompt commands. Importing this package registers all of them."""

from __future__ import annotations

import importlib

from handterm_tui.commands.base import REGISTRY, Context, Outcome, Services
from handterm_tui.commands.runner import Run, Runner

# Modules that register commands; a missing optional one (a feature not built) is skipped.
_MODULES = ("builtin", "notes", "account", "logs", "practice", "chords")


def load_all() -> None:
    for name in _MODULES:
        try:
            importlib.import_module(f"handterm_tui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"handterm_tui.commands.{name}":
                raise
    from handterm_tui.commands.pending import register_planned

    register_planned()


load_all()

__all__ = ["REGISTRY", "Context", "Outcome", "Run", "Runner", "Services"]
