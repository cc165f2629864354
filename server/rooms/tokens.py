"""Candidate join tokens: a JWT good for one room only, for one participant identity.

The token carries the participant id, so a candidate whose connection drops comes back as the same
person (same colour, same awareness) within the grace period. The ``typ`` claim keeps a room token
from standing in for an account's access token and the reverse. Expiry is a backstop; what ends a
token's life in practice is the interview ending, checked against the record at every connect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from server.settings import Settings

TOKEN_TYPE = "room"
ISSUER = "onsite"
ALGORITHM = "HS256"
LIFETIME = timedelta(hours=12)


class RoomTokenError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class CandidateClaims:
    interview_id: str
    participant_id: str
    name: str


def create_candidate_token(
    interview_id: str, participant_id: str, name: str, settings: Settings
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": participant_id,
        "typ": TOKEN_TYPE,
        "room": interview_id,
        "name": name,
        "iss": ISSUER,
        "iat": now,
        "exp": now + LIFETIME,
    }
    return jwt.encode(claims, settings.auth.jwt_secret, algorithm=ALGORITHM)


def decode_candidate_token(token: str, settings: Settings) -> CandidateClaims:
    try:
        claims = jwt.decode(
            token,
            settings.auth.jwt_secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise RoomTokenError(
            "token_expired", "this join link has expired; ask for a new one"
        ) from None
    except jwt.PyJWTError:
        raise RoomTokenError("invalid_token", "this join token is not valid") from None
    room, name = claims.get("room"), claims.get("name")
    if claims.get("typ") != TOKEN_TYPE or not isinstance(room, str) or not isinstance(name, str):
        raise RoomTokenError("invalid_token", "this join token is not valid")
    return CandidateClaims(room, str(claims["sub"]), name)
