"""The README's shell commands work as written in a fresh clone after `make run`: every
handterm command uses the program `make run` made (.venv/bin/handterm), every make target
exists, every command line parses, and the ones with no server behind them run for real."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ".venv/bin/handterm"


def sh_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            # The AWS CLI and the CDK CLI (npx) are the owner's own tools, not handterm's.
            if line and not line.startswith(("aws ", "--query", "npx ")):
                lines.append(line)
    return lines


def handterm_words(line: str) -> list[str] | None:
    words = shlex.split(line)
    while words and re.match(r"^[A-Z_]+=", words[0]):
        words.pop(0)  # VAR=value before the program
    if words and words[0] == PROGRAM:
        return words[1:]
    return None


def test_every_command_uses_what_make_run_made() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "BIN    := $(VENV)/bin" in makefile and "VENV   := .venv" in makefile
    lines = sh_lines()
    assert len(lines) >= 15
    for line in lines:
        if line.startswith("make "):
            target = line.split()[1]
            assert re.search(rf"^{re.escape(target)}:", makefile, re.M), line
            continue
        assert handterm_words(line) is not None, f"not runnable after `make run`: {line}"


def test_every_handterm_command_parses() -> None:
    from handterm_tui import cli, cli_logs
    from handterm_tui.server import main as server_main

    for line in sh_lines():
        words = handterm_words(line)
        if words is None:
            continue
        if words[:1] == ["serve-local"]:
            server_main._parser().parse_args(words[1:])
        elif words[:1] == ["logs"] and words[1:2] != ["--help"]:
            cli_logs.logs_parser().parse_args(words[1:])
        elif words[1:2] != ["--help"]:
            cli.build_parser().parse_args(words)


def run(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    words = handterm_words(line)
    assert words is not None
    return subprocess.run(
        [sys.executable, "-m", "handterm_tui", *words],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "start",
    [
        '.venv/bin/handterm exec "wrt buy milk"',
        ".venv/bin/handterm locate config",
        ".venv/bin/handterm logs --help",
        ".venv/bin/handterm logs list --limit 5",
        ".venv/bin/handterm logs export --format csv -o records.csv",
    ],
)
def test_the_offline_commands_run(start: str, tmp_path: Path) -> None:
    line = next(x for x in sh_lines() if x.startswith(start))
    result = run(line, tmp_path)
    assert result.returncode == 0, result.stderr
    if "logs --help" in line:
        assert all(word in result.stdout for word in ("list", "show", "export"))
