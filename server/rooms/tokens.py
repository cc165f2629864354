"""Candidate join tokens: a JWT good for one room only, for one participant identity.

The token carries the participant id, so a candidate whose connection drops comes back as the same
person (same colour, same awareness) within the grace period. The ``typ`` claim keeps a room token
from standing in for an account's access token and the reverse. Expiry is a backstop; what ends a
token's life in practice is the interview ending, checked against the record at every connect.
"""

from __future__ import annotations

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


def create_candidate_token(
    interview_id: str, participant_id: str, name: str, settings: Settings
) -> str:
    claims = {"sub": participant_id, "room": interview_id, "name": name}
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
    if not isinstance(sub, str) or not isinstance(room, str) or not isinstance(name, str):
        raise RoomTokenError("invalid_token", "this join token is not valid")
    return CandidateClaims(room, sub, name)
