"""`handterm profile import cdk-outputs.json` and `handterm aws deploy` without Node."""

from __future__ import annotations

import json
from pathlib import Path

from handterm_tui import config
from handterm_tui.cli import main

OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com/",
    "UserPoolId": "eu-west-1_AbCdEf123",
    "UserPoolClientId": "1example23456789",
    "Region": "eu-west-1",
    "RefreshTokenValidityDays": "30",
}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "cdk-outputs.json"
    path.write_text(json.dumps(data))
    return path


def test_profile_import_writes_a_default_profile_from_the_outputs(tmp_path, capsys) -> None:
    path = _write(tmp_path, {"HandTerm": OUTPUTS, "Other": {"Bucket": "x"}})
    assert main(["profile", "import", str(path)]) == 0
    assert "wrote profile 'aws'" in capsys.readouterr().out
    cfg = config.load()
    profile = cfg.profiles["aws"]
    assert profile.api_url == "https://abc123.execute-api.eu-west-1.amazonaws.com"
    assert (profile.region, profile.user_pool_id, profile.client_id) == (
        "eu-west-1",
        "eu-west-1_AbCdEf123",
        "1example23456789",
    )
    assert profile.refresh_token_validity_days == 30
    assert profile.cognito_endpoint == ""  # the real Cognito endpoint of the region
    assert cfg.default_profile == "aws"


def test_profile_import_errors_are_sentences(tmp_path, capsys) -> None:
    assert main(["profile", "import", str(tmp_path / "nope.json")]) == 2
    assert "no file" in capsys.readouterr().err
    two = _write(tmp_path, {"A": OUTPUTS, "B": OUTPUTS})
    assert main(["profile", "import", str(two)]) == 2
    assert "pass --stack" in capsys.readouterr().err
    assert main(["profile", "import", str(two), "--stack", "B", "--name", "b"]) == 0
    capsys.readouterr()
    partial = _write(tmp_path, {"HandTerm": {"ApiUrl": "https://x"}})
    assert main(["profile", "import", str(partial)]) == 2
    err = capsys.readouterr().err
    assert "lack UserPoolId, UserPoolClientId, Region" in err and "Traceback" not in err


def test_deploy_without_node_says_what_to_install(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["aws", "deploy", "--out", str(tmp_path / "cdk.out")]) == 2
    assert "needs Node.js (npx)" in capsys.readouterr().err
