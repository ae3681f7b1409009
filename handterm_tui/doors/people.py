"""Who a door lets in and where their home is: one rule for both doors.

A person's name becomes a folder name, so it is checked against a short pattern (letters,
digits, ``. _ - @ +``, starting with a letter or digit) and never treated as a path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from handterm_tui import paths

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
NAME_RULE = (
    "1-64 characters: letters, digits, '.', '_', '-', '@' or '+', starting with a letter or digit"
)
# Overrides that would send every person to one file, or carry the server's own settings.
SHARED_OVERRIDES = ("HANDTERM_HOME", "HANDTERM_CONFIG", "HANDTERM_DB", "HANDTERM_PROFILE")


class BadName(ValueError):
    pass


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise BadName(f"{name!r} is not a usable person name ({NAME_RULE})")
    return name


def default_home_root() -> Path:
    """Where the doors keep people's homes unless told: inside handterm's own data dir."""
    return paths.data_dir() / "people"


def home_for(root: Path, name: str) -> Path:
    """``<root>/<name>``, created private; the name is checked first."""
    check_name(name)
    paths.ensure_private_dir(root)
    home = root / name
    paths.ensure_private_dir(home)
    return home


def person_environment(home: Path, config_file: Path | None) -> dict[str, str]:
    """What a person's handterm sees on top of a door's base environment: their home, the
    owner's shared config (read only) if given, and tokens kept in a 0600 file in the home
    (one system account has one keyring; a file goes away with the home)."""
    env = {"HANDTERM_HOME": str(home), "HANDTERM_TOKEN_STORE": "file"}
    if config_file is not None:
        env["HANDTERM_CONFIG"] = str(config_file)
    return env


def apply_to_process(env: dict[str, str]) -> None:
    for name in SHARED_OVERRIDES:
        os.environ.pop(name, None)
    os.environ.update(env)
