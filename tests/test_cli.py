from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from handterm_tui import __version__
from handterm_tui.cli import main


def handterm(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handterm_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )


def test_version() -> None:
    result = handterm("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("what", ["config", "data", "state", "log"])
def test_locate_under_handterm_home(
    what: str, handterm_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["locate", what]) == 0
    assert capsys.readouterr().out.strip().startswith(str(handterm_home))


def test_exec_writes_then_lists_a_note() -> None:
    first = handterm("exec", "wrt hi")
    assert first.returncode == 0, first.stderr
    listed = handterm("exec", "wrt")
    assert listed.returncode == 0
    assert "hi" in listed.stdout


def test_exec_unknown_command_exits_1_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exec", "hepl"]) == 1
    assert "Did you mean `help`" in capsys.readouterr().out


def test_exec_usage_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exec", "history --limit lots"]) == 1
    assert "whole number" in capsys.readouterr().out


def test_profile_is_accepted_before_or_after_the_subcommand(
    handterm_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = handterm_home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(
        '[profiles.p1]\napi_url = "http://127.0.0.1:9"\n[profiles.p2]\napi_url = "http://127.0.0.1:8"\n'
    )
    assert main(["--profile", "p2", "exec", "profile show"]) == 0
    assert "Profile: p2" in capsys.readouterr().out
    assert main(["exec", "--profile", "p1", "profile show"]) == 0
    assert "Profile: p1" in capsys.readouterr().out


def test_malformed_config_is_a_message_not_a_traceback(handterm_home: Path) -> None:
    cfg = handterm_home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[profiles.x]\napi_url = \n")
    result = handterm("exec", "help")
    assert result.returncode == 2
    assert "config.toml:2" in result.stderr
    assert "Traceback" not in result.stderr


def test_records_survive_between_runs() -> None:
    handterm("exec", "target 33")
    result = handterm("exec", "history")
    assert "target 33" in result.stdout
