"""The serve-local contract tests, re-run on the Lambda path (conftest.py's `backend`).

Every test of tests/server/test_server_auth_routes.py and test_server_data_routes.py runs here
through HTTP API v2 events, Mangum, boto3 Cognito and S3 (moto in server mode), except the few
that inspect serve-local's disk or its admin socket, which the Lambda has neither of.
"""

from __future__ import annotations

import pytest
from conftest import load_server_tests

_NOT_HERE = {
    "test_sign_in_with_a_pending_challenge_is_401": "uses serve-local's admin socket",
    "test_traversal_never_writes_outside_the_user_folder": "inspects serve-local's data dir",
    "test_keys_with_odd_characters_round_trip": "inspects serve-local's data dir",
    "test_more_than_a_thousand_logs_newest_still_found": "writes into serve-local's data dir",
}

for _name in ("test_server_auth_routes", "test_server_data_routes"):
    _module = load_server_tests(_name)
    for _attr, _value in vars(_module).items():
        if _attr.startswith("test_") and callable(_value):
            if _attr in _NOT_HERE:
                _value = pytest.mark.skip(reason=_NOT_HERE[_attr])(_value)
            globals()[_attr] = _value
        elif _attr == "forge":
            globals()[_attr] = _value
