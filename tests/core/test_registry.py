from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from handterm_tui import commands
from handterm_tui.commands import REGISTRY
from handterm_tui.commands.manifest import MANIFEST, Entry
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


# -- the manifest: what start-up knows without importing a command module -----------------


def _entry_line(spec: CommandSpec[Any], module: str) -> str:
    """The manifest line for ``spec``, as it should be pasted into commands/manifest.py."""
    parts = [json.dumps(v, ensure_ascii=False) for v in (spec.name, module, spec.summary)]
    parts.append(json.dumps(spec.usage, ensure_ascii=False))
    for key, values in (("aliases", spec.aliases), ("options", sorted(spec.options))):
        if values:
            parts.append(f"{key}=({', '.join(json.dumps(v) for v in values)},)")
    if spec.flags:
        parts.append(f"flags=({', '.join(json.dumps(v) for v in sorted(spec.flags))},)")
    defaults = Entry("", "", "", "")
    for key in ("category", "mask_from", "blocking", "record", "free_text"):
        if getattr(spec, key) != getattr(defaults, key):
            parts.append(f"{key}={getattr(spec, key)!r}".replace("'", '"'))
    if spec.complete is not None:
        parts.append("completes=True")
    return f"    Entry({', '.join(parts)}),"


def _as_entry(spec: CommandSpec[Any], module: str) -> Entry:
    return Entry(
        spec.name,
        module,
        spec.summary,
        spec.usage,
        aliases=spec.aliases,
        options=tuple(sorted(spec.options)),
        flags=tuple(sorted(spec.flags)),
        category=spec.category,
        mask_from=spec.mask_from,
        blocking=spec.blocking,
        record=spec.record,
        free_text=spec.free_text,
        completes=spec.complete is not None,
    )


def test_the_manifest_matches_every_command_module() -> None:
    """A command added (or changed) in a module without its manifest line fails here, with
    the line to paste; so does a manifest line whose command no longer exists."""
    package = Path(commands.__file__).parent
    # Every module with an @command, found by reading the files, not from the manifest.
    modules = sorted(p.stem for p in package.glob("*.py") if "@command(" in p.read_text("utf-8"))
    assert {"builtin", "account", "practice"} <= set(modules)
    for module in modules:
        importlib.import_module(f"handterm_tui.commands.{module}")
    registered = {
        spec.name: _as_entry(spec, spec.handler.__module__.rsplit(".", 1)[1])
        for spec in Registry.__iter__(REGISTRY)  # what the modules registered, nothing else
    }
    manifest = {entry.name: entry for entry in MANIFEST}
    wrong = [
        _entry_line(REGISTRY.get(name), registered[name].module)  # type: ignore[arg-type]
        for name in sorted(registered)
        if manifest.get(name) != registered[name]
    ]
    assert not wrong, "commands/manifest.py lacks or differs from:\n" + "\n".join(wrong)
    assert set(manifest) == set(registered), "in the manifest, not in any module"
    assert len({n for e in MANIFEST for n in e.all_names}) == sum(
        len(e.all_names) for e in MANIFEST
    )


def test_start_up_lists_and_completes_commands_without_importing_them() -> None:
    """The palette, `help`'s list, Tab on a name and "did you mean" read the manifest; a
    command's module is imported when the command is first looked up (run, `help NAME`)."""
    code = (
        "import sys\n"
        "from handterm_tui.commands import REGISTRY\n"
        "assert len(REGISTRY.entries()) > 30 and 'history' in REGISTRY.completions([], 'hi')\n"
        "assert REGISTRY.suggest('hepl') == 'help'\n"
        "assert REGISTRY.entry('sync').name == 'archive'\n"
        "before = sorted(m for m in sys.modules if m.startswith('handterm_tui.commands.'))\n"
        "assert REGISTRY.get('whoami') is not None\n"
        "after = 'handterm_tui.commands.builtin' in sys.modules\n"
        "print(' '.join(before), after, 'handterm_tui.commands.account' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, builtin_after, account_after = out.stdout.split()[:-2], *out.stdout.split()[-2:]
    assert loaded == [
        "handterm_tui.commands.base",
        "handterm_tui.commands.manifest",
        "handterm_tui.commands.runner",
    ]
    assert builtin_after == "True" and account_after == "False"
