"""Profiles (TOML) and ``HANDTERM_*`` environment overrides.

A config file looks like::

    default_profile = "local"

    [settings]
    history_limit = 1000        # Up/Down history entries kept for recall
    token_store = "auto"        # "auto" | "keyring" | "file"

    [profiles.local]
    api_url = "http://127.0.0.1:8765"
    region = "us-east-1"
    user_pool_id = "us-east-1_..."
    client_id = "..."
    cognito_endpoint = "http://127.0.0.1:8766"   # only for a local emulator
    auth = "cognito"                              # or "api"
    refresh_token_validity_days = 30

No profile configured means offline mode: everything local works.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from handterm_tui import paths
from handterm_tui.core.errors import HandtermError

AUTH_MODES = ("cognito", "api")
TOKEN_STORES = ("auto", "keyring", "file")
DEFAULT_REFRESH_DAYS = 30  # Cognito's default refresh-token validity


class ConfigError(HandtermError):
    """A config file that cannot be used; says which file, which line and what is wrong."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.message = message  # what is wrong; str(error) says where too


@dataclass(frozen=True)
class Profile:
    name: str
    api_url: str = ""
    region: str = "us-east-1"
    user_pool_id: str = ""
    client_id: str = ""
    cognito_endpoint: str = ""
    auth: str = "cognito"
    refresh_token_validity_days: int = DEFAULT_REFRESH_DAYS

    @property
    def online_capable(self) -> bool:
        """True when the profile says enough to reach an API."""
        if not self.api_url:
            return False
        if self.auth == "cognito":
            return bool(self.user_pool_id and self.client_id)
        return True


@dataclass(frozen=True)
class Settings:
    history_limit: int = 1000
    token_store: str = "auto"
    keyring_timeout: float = 2.0


@dataclass(frozen=True)
class Config:
    path: Path
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str | None = None
    settings: Settings = field(default_factory=Settings)
    selected: str | None = None  # --profile / HANDTERM_PROFILE

    @property
    def profile(self) -> Profile | None:
        """The active profile, or None for offline mode."""
        name = self.selected or self.default_profile
        if name is None and len(self.profiles) == 1:
            name = next(iter(self.profiles))
        if name is None:
            return None
        return self.profiles.get(name)

    @property
    def profile_name(self) -> str | None:
        profile = self.profile
        return profile.name if profile else self.selected


_PROFILE_KEYS = {f.name: f.type for f in fields(Profile) if f.name != "name"}
_SETTINGS_KEYS = {f.name: f.type for f in fields(Settings)}


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """Best-effort line number of ``key =`` (inside ``[table]`` when given)."""
    in_table = table is None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = table is None or stripped.strip("[] ") == table
            continue
        if in_table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _check_type(value: Any, expected: Any) -> bool:
    if expected in (int, "int"):
        return isinstance(value, int) and not isinstance(value, bool)
    if expected in (float, "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def _parse(path: Path, text: str) -> Config:
    import tomllib  # only a config file needs it: without one, start-up skips ~1.5 ms

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(match.group(1)) if match else None
        raise ConfigError(path, f"not valid TOML: {message}", line) from None

    profiles: dict[str, Profile] = {}
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise ConfigError(path, "'profiles' must be a table", _line_of(text, "profiles"))
    for name, raw in raw_profiles.items():
        table = f"profiles.{name}"
        if not isinstance(raw, dict):
            raise ConfigError(path, f"profile '{name}' must be a table")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in _PROFILE_KEYS:
                known = ", ".join(_PROFILE_KEYS)
                raise ConfigError(
                    path,
                    f"unknown key '{key}' in [{table}] (known: {known})",
                    _line_of(text, key, table),
                )
            if not _check_type(value, _PROFILE_KEYS[key]):
                kind = "a whole number" if _PROFILE_KEYS[key] in (int, "int") else "a string"
                raise ConfigError(
                    path, f"'{key}' in [{table}] must be {kind}", _line_of(text, key, table)
                )
            values[key] = value
        if values.get("auth", "cognito") not in AUTH_MODES:
            raise ConfigError(
                path,
                f'\'auth\' in [{table}] must be "cognito" or "api"',
                _line_of(text, "auth", table),
            )
        profiles[name] = Profile(name=name, **values)

    settings_values: dict[str, Any] = {}
    raw_settings = data.get("settings", {})
    if not isinstance(raw_settings, dict):
        raise ConfigError(path, "'settings' must be a table", _line_of(text, "settings"))
    for key, value in raw_settings.items():
        if key not in _SETTINGS_KEYS:
            raise ConfigError(path, f"unknown setting '{key}'", _line_of(text, key, "settings"))
        if not _check_type(value, _SETTINGS_KEYS[key]):
            raise ConfigError(
                path, f"setting '{key}' has the wrong type", _line_of(text, key, "settings")
            )
        settings_values[key] = value
    settings = Settings(**settings_values)
    if settings.token_store not in TOKEN_STORES:
        raise ConfigError(
            path,
            'setting \'token_store\' must be "auto", "keyring" or "file"',
            _line_of(text, "token_store", "settings"),
        )

    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError(
            path, "'default_profile' must be a string", _line_of(text, "default_profile")
        )
    return Config(path=path, profiles=profiles, default_profile=default, settings=settings)


_ENV_PROFILE = {
    "HANDTERM_API_URL": "api_url",
    "HANDTERM_REGION": "region",
    "HANDTERM_USER_POOL_ID": "user_pool_id",
    "HANDTERM_CLIENT_ID": "client_id",
    "HANDTERM_COGNITO_ENDPOINT": "cognito_endpoint",
    "HANDTERM_AUTH": "auth",
    "HANDTERM_REFRESH_TOKEN_VALIDITY_DAYS": "refresh_token_validity_days",
}
_ENV_SETTINGS = {
    "HANDTERM_HISTORY_LIMIT": "history_limit",
    "HANDTERM_TOKEN_STORE": "token_store",
    "HANDTERM_KEYRING_TIMEOUT": "keyring_timeout",
}


def _apply_env(config: Config, env: dict[str, str]) -> Config:
    selected = config.selected or env.get("HANDTERM_PROFILE") or None
    config = replace(config, selected=selected)
    overrides: dict[str, Any] = {}
    for var, key in _ENV_PROFILE.items():
        if var in env:
            overrides[key] = env[var]
    if "refresh_token_validity_days" in overrides:
        try:
            overrides["refresh_token_validity_days"] = int(overrides["refresh_token_validity_days"])
        except ValueError:
            raise ConfigError(
                config.path, "HANDTERM_REFRESH_TOKEN_VALIDITY_DAYS must be a whole number"
            ) from None
    if overrides.get("auth", "cognito") not in AUTH_MODES:
        raise ConfigError(config.path, 'HANDTERM_AUTH must be "cognito" or "api"')
    if overrides:
        base = config.profile or Profile(name=selected or "env")
        profile = replace(base, **overrides)
        config = replace(
            config, profiles={**config.profiles, profile.name: profile}, selected=profile.name
        )
    setting_overrides: dict[str, Any] = {}
    for var, key in _ENV_SETTINGS.items():
        if var in env:
            kind = _SETTINGS_KEYS[key]
            try:
                value: Any = (
                    int(env[var])
                    if kind in (int, "int")
                    else float(env[var])
                    if kind in (float, "float")
                    else env[var]
                )
            except ValueError:
                raise ConfigError(config.path, f"{var} must be a number") from None
            setting_overrides[key] = value
    if setting_overrides:
        config = replace(config, settings=replace(config.settings, **setting_overrides))
    return config


def load(
    path: Path | None = None, *, profile: str | None = None, env: dict[str, str] | None = None
) -> Config:
    """Read the config file (missing = empty), then apply ``HANDTERM_*`` overrides."""
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        config = Config(path=path)
    except UnicodeDecodeError:
        raise ConfigError(path, "not UTF-8 text") from None
    except IsADirectoryError:
        raise ConfigError(
            path,
            "is a folder, not a config file: move it aside (handterm then runs in offline "
            "mode until you write one), or set HANDTERM_CONFIG to a file",
        ) from None
    except OSError as exc:
        raise ConfigError(
            path,
            f"cannot be read ({exc.strerror or exc}): fix its permissions, or set "
            "HANDTERM_CONFIG to another file",
        ) from None
    else:
        config = _parse(path, text)
    config = replace(config, selected=profile)
    config = _apply_env(config, dict(os.environ) if env is None else env)
    if config.selected and config.selected not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none configured"
        raise ConfigError(path, f"no profile named '{config.selected}' (profiles: {known})")
    return config


def _document(path: Path) -> Any:
    """The config file as a tomlkit document (comments and layout kept); refuses a file it
    cannot read rather than rewrite it."""
    import tomlkit

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text:
        _parse(path, text)
    return tomlkit.parse(text)


def _save(path: Path, document: Any) -> Path:
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomlkit.dumps(document), encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_profile(profile: Profile, *, make_default: bool = True, path: Path | None = None) -> Path:
    """Add or replace ``[profiles.<name>]`` in the config file, keeping everything else."""
    import tomlkit

    path = path or paths.config_file()
    document = _document(path)
    if make_default:
        document["default_profile"] = profile.name
    if "profiles" not in document:
        document["profiles"] = tomlkit.table(is_super_table=True)
    table = tomlkit.table()
    for f in fields(Profile):
        if f.name != "name":
            table[f.name] = getattr(profile, f.name)
    document["profiles"][profile.name] = table
    return _save(path, document)


def set_default_profile(name: str, *, path: Path | None = None) -> Path:
    """Make ``name`` (an existing profile) the default: ``default_profile`` rewritten in place,
    everything else kept."""
    path = path or paths.config_file()
    document = _document(path)
    known = sorted(document.get("profiles", {}))
    if name not in known:
        raise ConfigError(
            path, f"no profile named '{name}' (profiles: {', '.join(known) or 'none configured'})"
        )
    document["default_profile"] = name
    return _save(path, document)


def stamp(path: Path) -> tuple[int, int] | None:
    """What tells a changed config file (mtime, size); None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)
