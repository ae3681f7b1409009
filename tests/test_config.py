from __future__ import annotations

from pathlib import Path

import pytest

from handterm_tui import config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_offline_mode(tmp_path: Path) -> None:
    cfg = config.load(tmp_path / "none.toml", env={})
    assert cfg.profile is None


def test_profiles_default_and_selection(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        'default_profile = "a"\n[profiles.a]\napi_url = "http://a"\n[profiles.b]\napi_url = "http://b"\nauth = "api"\n',
    )
    assert config.load(path, env={}).profile.api_url == "http://a"  # type: ignore[union-attr]
    cfg = config.load(path, profile="b", env={})
    assert cfg.profile is not None and cfg.profile.auth == "api"
    cfg = config.load(path, env={"HANDTERM_PROFILE": "b"})
    assert cfg.profile_name == "b"


def test_environment_overrides(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[profiles.a]\napi_url = "http://a"\n')
    cfg = config.load(
        path,
        env={
            "HANDTERM_API_URL": "http://x",
            "HANDTERM_REFRESH_TOKEN_VALIDITY_DAYS": "7",
            "HANDTERM_HISTORY_LIMIT": "5",
        },
    )
    assert cfg.profile is not None
    assert cfg.profile.api_url == "http://x"
    assert cfg.profile.refresh_token_validity_days == 7
    assert cfg.settings.history_limit == 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[profiles.a]\napi_url = "x\n', 2, "not valid TOML"),
        ("[profiles.a]\napi_url = 5\n", 2, "must be a string"),
        ('[profiles.a]\nregion = "r"\nbogus = "x"\n', 3, "unknown key 'bogus'"),
        ('[profiles.a]\nauth = "magic"\n', 2, "cognito"),
        ('[settings]\nhistory_limit = "many"\n', 2, "wrong type"),
    ],
)
def test_malformed_files_say_file_line_and_what(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(config.ConfigError) as err:
        config.load(path, env={})
    assert err.value.line == line
    assert words in err.value.message
    assert str(path) in str(err.value)


def test_unknown_profile_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="no profile named 'x'"):
        config.load(tmp_path / "none.toml", profile="x", env={})


def test_write_profile_keeps_other_profiles(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        '[settings]\nhistory_limit = 10\n\n[profiles.old]\napi_url = "http://old"\n',
    )
    config.write_profile(config.Profile(name="local", api_url='http://127.0.0.1:1/"q"'), path=path)
    config.write_profile(config.Profile(name="local", api_url="http://127.0.0.1:2"), path=path)
    cfg = config.load(path, env={})
    assert set(cfg.profiles) == {"old", "local"}
    assert cfg.profile is not None and cfg.profile.api_url == "http://127.0.0.1:2"
    assert cfg.settings.history_limit == 10


def test_a_config_path_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(config.ConfigError, match="is a folder, not a config file") as caught:
        config.load(folder, env={})
    assert caught.value.path == folder and "HANDTERM_CONFIG" in str(caught.value)


def test_writing_a_profile_keeps_the_users_comments_and_settings(tmp_path: Path) -> None:
    from handterm_tui.config import Profile, load, set_default_profile, write_profile

    path = tmp_path / "config.toml"
    path.write_text(
        '# my handterm\n[settings]\nhistory_limit = 50  # enough\n\n[profiles.work]\napi_url = "https://w"\n',
        encoding="utf-8",
    )
    write_profile(Profile("local", api_url='http://127.0.0.1:1/"q"'), path=path)
    text = path.read_text(encoding="utf-8")
    assert "# my handterm" in text and "history_limit = 50  # enough" in text
    config = load(path, env={})
    assert config.default_profile == "local" and config.settings.history_limit == 50
    assert config.profiles["local"].api_url == 'http://127.0.0.1:1/"q"'
    assert config.profiles["work"].api_url == "https://w"
    set_default_profile("work", path=path)
    assert load(path, env={}).default_profile == "work"
    assert "# my handterm" in path.read_text(encoding="utf-8")
