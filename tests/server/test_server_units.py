"""Pure pieces of the server: key safety, ordering, SRP maths, parsing helpers."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handterm_tui.server import srp
from handterm_tui.server.authorizer import bearer
from handterm_tui.server.base import ApiError, parse_limit
from handterm_tui.server.faults import Faults
from handterm_tui.server.poolstore import _units
from handterm_tui.server.storage import (
    _SAFE_SEGMENT,
    DiskStorage,
    KeyError_,
    encode_segment,
    getlog_order,
    safe_user,
    validate_key,
    validate_prefix,
)


@settings(max_examples=300, deadline=None)
@given(key=st.text(min_size=1, max_size=40), user=st.text(min_size=1, max_size=20))
def test_no_accepted_key_escapes_the_users_folder(tmp_path_factory, key: str, user: str) -> None:
    root = tmp_path_factory.getbasetemp() / "keys"
    store = DiskStorage(root)
    try:
        rel = validate_key(key)
    except KeyError_:
        return
    user_dir = (root / "user_data" / safe_user(user)).resolve()
    path = store._path(user, f"logs/{rel}.txt").resolve()
    assert path.is_relative_to(user_dir) and path != user_dir


@pytest.mark.parametrize("user", ["..", ".", "a/b", "../../etc", "", "x\x00y"])
def test_odd_user_ids_stay_one_segment(user: str) -> None:
    seg = safe_user(user)
    assert "/" not in seg and seg not in ("", ".", "..") and "\x00" not in seg


def test_prefixes() -> None:
    assert validate_prefix("") == "" and validate_prefix(None) == ""
    assert validate_prefix("wrt/") == "wrt/" and validate_prefix("wr") == "wr"
    for bad in ("../", "a//b", "/a", "a\\b", "a/../b"):
        with pytest.raises(KeyError_):
            validate_prefix(bad)


def test_getlog_order_is_js_parseint_like() -> None:
    keys = ["wrt/5.txt", "wrt/17_hello.txt", "command_2024.json", "char-time_2024.json", "-3x"]
    assert [k for _, _, k in sorted(map(getlog_order, keys))] == [
        "wrt/17_hello.txt",
        "wrt/5.txt",
        "-3x",
        "char-time_2024.json",
        "command_2024.json",
    ]


def test_disk_index_sees_files_and_new_writes(tmp_path: Path) -> None:
    store = DiskStorage(tmp_path)
    store.put("u", "logs/a/1.txt", b"1")
    store.put("u", "logs/a:b/2.txt", b"2")
    again = DiskStorage(tmp_path)  # a restart: the index is rebuilt from disk
    assert again.log_keys("u", "a", 10) == ["a:b/2.txt", "a/1.txt"]
    assert again.newest_logs("u", "", 1) == ["a:b/2.txt"]
    assert again.get("u", "logs/a:b/2.txt") == b"2" and again.get("u", "logs/none") is None
    assert not list((tmp_path / ".tmp").iterdir())  # no temp files left behind


@settings(max_examples=300, deadline=None)
@given(segment=st.text(max_size=80))
def test_segment_encoding_is_quote(segment: str) -> None:
    # The fast ASCII path names files exactly as quote() always did: stored objects stay found.
    assert encode_segment(segment) == quote(segment, safe=_SAFE_SEGMENT)


def test_long_key_parts_are_refused_by_their_encoded_length() -> None:
    assert validate_key("a" * 200) == "a" * 200
    with pytest.raises(KeyError_, match="at most 200 bytes"):
        validate_key("a" * 201)
    with pytest.raises(KeyError_, match="at most 200 bytes"):
        validate_key(":" * 67)  # 201 bytes as %3A each
    with pytest.raises(KeyError_, match="at most 200 bytes"):
        validate_key("é" * 34)  # 204 bytes as %C3%A9 each
    assert validate_key("é" * 33) == "é" * 33


def test_a_folder_removed_behind_the_servers_back_is_made_again(tmp_path: Path) -> None:
    store = DiskStorage(tmp_path)
    store.put("u", "logs/wrt/1.txt", b"1")
    shutil.rmtree(tmp_path / "user_data")  # the folder it remembers making is gone
    store.put("u", "logs/wrt/2.txt", b"2")
    assert (tmp_path / "user_data" / "u" / "logs" / "wrt" / "2.txt").read_bytes() == b"2"
    assert not list((tmp_path / ".tmp").iterdir())


def test_limit_parsing() -> None:
    assert (
        parse_limit(None) == 10
        and parse_limit("3") == 3
        and parse_limit(5000) == 1000
        and parse_limit(0) == 0
    )
    for bad in ("x", "-1", -2, True, "2.5"):
        with pytest.raises(ApiError):
            parse_limit(bad)


def test_bearer_parsing() -> None:
    assert bearer("Bearer abc") == "abc" and bearer("abc") == "abc" and bearer("bearer  x ") == "x"
    assert bearer("") is None and bearer(None) is None and bearer("Bearer ") is None


def test_fault_specs() -> None:
    faults = Faults()
    faults.add({"route": "/a", "mode": "drop_after_store", "count": 1})
    assert faults.take("/b") is None
    assert faults.take("/a") is not None and faults.take("/a") is None


def test_validity_units() -> None:
    assert _units(3600, "hours") == (1, "hours")
    assert _units(900, "hours") == (15, "minutes")
    assert _units(7, "hours") == (7, "seconds")
    assert _units(86400 * 30, "days") == (30, "days")


def test_srp_matches_pycognito() -> None:
    from pycognito.aws_srp import AWSSRP

    pool = "us-east-1_0123abcd"
    for password, expected in (("Passw0rd!", True), ("wrong", False)):
        client = AWSSRP("alice", password, pool, "client", client=object())
        challenge = srp.start(pool, "alice", "Passw0rd!", f"{client.large_a_value:x}")
        assert challenge is not None
        answer = client.process_challenge(challenge.params(), {"USERNAME": "alice"})
        ok = srp.verify(challenge, answer["TIMESTAMP"], answer["PASSWORD_CLAIM_SIGNATURE"])
        assert ok is expected
    assert srp.start(pool, "alice", "x", f"{srp.N:x}") is None  # A = N is refused
