"""Prompt commands. Importing this package imports none of them: the registry knows them
from the manifest (commands/manifest.py) and imports a command's module on first use."""

from __future__ import annotations

from handterm_tui.commands.base import REGISTRY, Context, Outcome
from handterm_tui.commands.runner import Run, Runner


def load_all() -> None:
    """Import every command module (what a full list of handlers needs)."""
    REGISTRY.load_all()


__all__ = ["REGISTRY", "Context", "Outcome", "Run", "Runner", "load_all"]
