"""Candidate join tokens: a JWT good for one room only, for one participant identity.

The token carries the participant id, so a candidate whose connection drops comes back as the same
person (same colour, same awareness) within the grace period. The ``typ`` claim keeps a room token
from standing in for an account's access token and the reverse. Expiry is a backstop; what ends a
token's life in practice is the interview ending, checked against the record at every connect.

A token also names the join code it was issued for (a hash of it, ``jc``): rotating the join link,
which reopening a finished interview does too, ends every token issued before, so an old token
never revives with the record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from server.kit import jwt
from server.rooms.errors import RoomTokenError
from server.settings import Settings

TOKEN_TYPE = "room"
LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class CandidateClaims:
    interview_id: str
    participant_id: str
    name: str
    code_hash: str
    """``join_code_hash`` of the join code the token was issued for."""


def join_code_hash(join_code: str) -> str:
    """A token names its join code by hash: the token is readable, the code stays a secret."""
    return hashlib.sha256(join_code.encode()).hexdigest()[:32]


def create_candidate_token(
    interview_id: str, participant_id: str, name: str, join_code: str, settings: Settings
) -> str:
    claims = {
        "sub": participant_id,
        "room": interview_id,
        "name": name,
        "jc": join_code_hash(join_code),
    }
    return jwt.encode(TOKEN_TYPE, claims, LIFETIME, secret=settings.auth.jwt_secret)


def decode_candidate_token(token: str, settings: Settings) -> CandidateClaims:
    try:
        claims = jwt.decode(token, TOKEN_TYPE, secret=settings.auth.jwt_secret)
    except jwt.TokenError as exc:
        if exc.expired:
            raise RoomTokenError(
                "token_expired", "this join link has expired; ask for a new one"
            ) from None
        raise RoomTokenError("invalid_token", "this join token is not valid") from None
    sub, room, name = claims.get("sub"), claims.get("room"), claims.get("name")
    code = claims.get("jc")
    if not all(isinstance(value, str) for value in (sub, room, name, code)):
        raise RoomTokenError("invalid_token", "this join token is not valid")
    return CandidateClaims(str(room), str(sub), str(name), str(code))
