"""Candidate room tokens: one room, one identity, and refused with a reason otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from server.kit.jwt import ISSUER
from server.kit.security import create_access_token
from server.rooms.errors import RoomTokenError
from server.rooms.tokens import create_candidate_token, decode_candidate_token, join_code_hash
from server.settings import Settings


@pytest.fixture
def test_settings(tmp_path: Path) -> Settings:
    return Settings.for_tests(tmp_path)


def test_round_trip(test_settings: Settings) -> None:
    token = create_candidate_token("a" * 32, "cparticipant", "Grace ✓", "code-1", test_settings)
    claims = decode_candidate_token(token, test_settings)
    assert (claims.interview_id, claims.participant_id, claims.name) == (
        "a" * 32,
        "cparticipant",
        "Grace ✓",
    )
    # the token names its join code by hash, never the code itself
    assert claims.code_hash == join_code_hash("code-1") != join_code_hash("code-2")
    assert "code-1" not in str(jwt.decode(token, options={"verify_signature": False}))


def test_expired_token_says_so(test_settings: Settings) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    claims = {"sub": "c1", "typ": "room", "room": "a" * 32, "name": "G", "iss": ISSUER}
    token = jwt.encode(
        {**claims, "iat": past - timedelta(hours=12), "exp": past},
        test_settings.auth.jwt_secret,
        algorithm="HS256",
    )
    with pytest.raises(RoomTokenError) as info:
        decode_candidate_token(token, test_settings)
    assert info.value.code == "token_expired"


@pytest.mark.parametrize("kind", ["access", "other_secret", "garbage", "no_room", "no_code"])
def test_other_tokens_are_invalid(test_settings: Settings, tmp_path: Path, kind: str) -> None:
    if kind == "access":
        token = create_access_token("b" * 32, test_settings)
    elif kind == "other_secret":
        other = Settings.for_tests(tmp_path / "other")
        token = create_candidate_token("a" * 32, "c1", "G", "code", other)
    elif kind == "garbage":
        token = "not.a.token"
    elif kind == "no_code":  # a token from before tokens named their join code
        now = datetime.now(UTC)
        claims = {"sub": "c1", "typ": "room", "room": "a" * 32, "name": "G", "iss": ISSUER}
        token = jwt.encode(
            {**claims, "iat": now, "exp": now + timedelta(hours=1)},
            test_settings.auth.jwt_secret,
            algorithm="HS256",
        )
    else:
        now = datetime.now(UTC)
        token = jwt.encode(
            {
                "sub": "c1",
                "typ": "room",
                "name": "G",
                "iss": ISSUER,
                "iat": now,
                "exp": now + timedelta(hours=1),
            },
            test_settings.auth.jwt_secret,
            algorithm="HS256",
        )
    with pytest.raises(RoomTokenError) as info:
        decode_candidate_token(token, test_settings)
    assert info.value.code == "invalid_token" and info.value.message
