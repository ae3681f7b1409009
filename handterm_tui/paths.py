"""Where handterm keeps its files.

``HANDTERM_HOME=DIR`` puts config, data, state and logs under one folder (tests and
scripts rely on it); otherwise the platform's own locations from platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "handterm"


def _home() -> Path | None:
    home = os.environ.get("HANDTERM_HOME")
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "state"
    import platformdirs

    return platformdirs.user_state_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "log"
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    override = os.environ.get("HANDTERM_CONFIG")
    if override:
        return Path(override).expanduser()
    return config_dir() / "config.toml"


def database_file() -> Path:
    override = os.environ.get("HANDTERM_DB")
    if override:
        return Path(override).expanduser()
    return data_dir() / "handterm.sqlite3"


def log_file() -> Path:
    return log_dir() / "handterm.log"


def token_file() -> Path:
    """The 0600 fallback token store, used when no OS keyring answers."""
    return state_dir() / "session.json"


def store_marker_file() -> Path:
    """How many records and notes each store held when last seen (an emptied store shows)."""
    return state_dir() / "store-marker.json"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


LOCATIONS = {
    "config": config_file,
    "data": data_dir,
    "state": state_dir,
    "log": log_file,
}
