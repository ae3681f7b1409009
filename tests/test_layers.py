"""House rules: nothing below ui/ imports Textual; the client never imports the server."""

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


def test_nothing_below_ui_imports_textual() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules(("ui", "server"))
        if any(n == "textual" or n.startswith("textual.") for n in _imports(p))
    ]
    assert offenders == []


def test_the_client_never_imports_the_server() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules(("server",))
        if p.name != "cli.py" and any(n.startswith("handterm_tui.server") for n in _imports(p))
    ]
    assert offenders == []


def test_core_layers_import_without_textual_or_network_libraries() -> None:
    code = (
        "import sys\n"
        "import handterm_tui.commands, handterm_tui.store, handterm_tui.config, handterm_tui.core.stats\n"
        "heavy = [m for m in ('textual', 'httpx', 'boto3', 'pycognito') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
