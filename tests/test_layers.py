"""House rules beyond the import contracts (pyproject.toml, `lint-imports` in `make lint`):
the layers below the front ends start without Textual or the network libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import handterm_tui

PACKAGE = Path(handterm_tui.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(exclude: tuple[str, ...]) -> list[Path]:
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if not any(part in exclude for part in p.relative_to(PACKAGE).parts)
    ]


def test_core_layers_import_without_textual_or_network_libraries() -> None:
    code = (
        "import sys\n"
        "import handterm_tui.commands, handterm_tui.store, handterm_tui.config, handterm_tui.core.stats\n"
        "heavy = [m for m in ('textual', 'httpx', 'boto3', 'pycognito') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_screen_a_command_opens_exists() -> None:
    """Each ``OpenScreen("name")`` in a command names a screen of the table, and each screen
    of the table has its ``open_screen``."""
    from handterm_tui.ui.screens import SCREENS, opener

    named: set[str] = set()
    for path in (PACKAGE / "commands").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "OpenScreen"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                named.add(str(node.args[0].value))
    assert named and named <= set(SCREENS)
    assert all(callable(opener(name)) for name in SCREENS)
