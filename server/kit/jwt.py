"""One JWT helper for every token the server signs: sessions, room tokens, OIDC flow state.

Every token is HS256 with the settings' secret, carries ``typ`` (its kind), ``iss``, ``iat`` and
``exp``; ``decode`` checks all four, so a token of one kind can never stand in for another (a
room token for an access token, a refresh token for an access token, and so on). What a caller
answers for a bad token differs (401 for a session, a connect refusal for a room, 400 for a
stale sign-in flow), so ``decode`` raises ``TokenError`` with ``expired`` and each caller maps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import jwt

from server.kit.db import utcnow

ALGORITHM = "HS256"
ISSUER = "onsite"
RESERVED_CLAIMS = frozenset({"typ", "iss", "iat", "exp"})


class TokenError(Exception):
    """The token is expired (``expired``), or forged, malformed or of another kind."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("token expired" if expired else "token not valid")
        self.expired = expired


def encode(
    kind: str,
    claims: Mapping[str, Any],
    ttl: timedelta,
    *,
    secret: str,
    now: datetime | None = None,
) -> str:
    """A signed token of ``kind`` valid for ``ttl`` from ``now`` (pass it to store the same
    expiry elsewhere); ``claims`` may not set the reserved ones."""
    reserved = RESERVED_CLAIMS & claims.keys()
    if reserved:
        raise ValueError(f"claims {sorted(reserved)} are set by encode()")
    now = now or utcnow()
    payload = {**claims, "typ": kind, "iss": ISSUER, "iat": now, "exp": now + ttl}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode(token: str, kind: str, *, secret: str) -> dict[str, Any]:
    """The claims of a valid, unexpired token of ``kind``; ``TokenError`` otherwise."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError(expired=True) from exc
    except jwt.PyJWTError as exc:
        raise TokenError(expired=False) from exc
    if claims.get("typ") != kind:
        raise TokenError(expired=False)
    return claims
