from __future__ import annotations

import pytest
from authkit import make_jwt

from handterm_tui.auth.errors import ChallengeRequired, safe_text
from handterm_tui.auth.tokens import TokenFormatError, TokenSet, display_username, jwt_claims


def test_expiry_comes_from_the_exp_claim_not_expires_in() -> None:
    access = make_jwt({"username": "alice", "iat": 1000, "exp": 1300})
    tokens = TokenSet.from_tokens(access, "", "r", now=1000.5)
    assert tokens.expires_at == 1300
    assert tokens.lifetime == 300
    assert tokens.username == "alice"
    assert tokens.refresh_issued_at == 1000.5


def test_refresh_without_refresh_token_keeps_old_one_and_issue_time() -> None:
    first = TokenSet.from_tokens(make_jwt({"username": "a", "iat": 1, "exp": 61}), "i", "R", now=1)
    later = first.refreshed(make_jwt({"username": "a", "iat": 50, "exp": 110}), None, None, now=50)
    assert later.refresh_token == "R"
    assert later.id_token == "i"
    assert later.expires_at == 110
    assert later.refresh_issued_at == 1  # refresh doesn't extend the absolute session


def test_repr_and_str_never_show_tokens() -> None:
    access = make_jwt({"username": "alice", "iat": 1, "exp": 2})
    tokens = TokenSet.from_tokens(access, "IDTOKEN", "REFRESHSECRET")
    for text in (repr(tokens), str(tokens), f"{tokens}"):
        assert access not in text and "REFRESHSECRET" not in text and "IDTOKEN" not in text


def test_round_trip_rereads_claims() -> None:
    tokens = TokenSet.from_tokens(make_jwt({"username": "a", "iat": 5, "exp": 65}), "i", "r")
    again = TokenSet.from_dict(tokens.to_dict())
    assert again == tokens


@pytest.mark.parametrize("bad", ["", "abc", "a.b.c", "a..c", "a.bnVsbA.c"])
def test_unreadable_tokens_raise_without_echoing(bad: str) -> None:
    with pytest.raises(TokenFormatError) as info:
        jwt_claims(bad)
    assert bad not in str(info.value) or bad in ("", "a.b.c")


def test_display_username_prefers_claim_unless_it_is_the_sub() -> None:
    assert display_username("al", make_jwt({"username": "alice", "sub": "x"})) == "alice"
    assert display_username("a@e.com", make_jwt({"username": "u-1", "sub": "u-1"})) == "a@e.com"


def test_safe_text_redacts_tokens() -> None:
    access = make_jwt({"username": "alice", "exp": 5}) + "x" * 50
    assert "eyJ" not in safe_text(f"bad token {access} here")
    assert safe_text("x" * 1000).startswith("[redacted]")


def test_challenge_repr_hides_session() -> None:
    exc = ChallengeRequired("mfa_totp", "alice", session="SECRET-SESSION")
    assert "SECRET" not in repr(exc) and "SECRET" not in str(exc)
    assert exc.session == "SECRET-SESSION"
