"""Passwords, tokens, cookies and CSRF: the security plumbing every slice uses.

* Passwords: bcrypt, run in a thread (it is slow on purpose), length checked in bytes first
  (bcrypt 5 raises above 72 bytes).
* Tokens: JWTs through ``server.kit.jwt`` (one helper for every token the server signs); ``sub``
  is the user id (a string, pyjwt rejects others), ``typ`` separates access from refresh tokens
  so one cannot stand in for the other. An access token carries ``sid``, the refresh family (the
  session) it was issued in; ``server.accounts.auth`` refuses it as soon as that family is
  revoked (logout, password reset, account deletion), so signing out takes effect at once rather
  than when the token expires. The check is one indexed query on ``refresh_tokens.family_id``
  per request, with the database as the only truth: an in-process cache would miss a revocation
  made by another worker, and the request already holds a database session, so the lookup costs
  a round trip and no new moving part.
* Cookies: ``onsite_access`` (httpOnly, path /), ``onsite_refresh`` (httpOnly, path
  /api/auth), ``onsite_csrf`` (readable by JS). A state-changing request authenticated by a
  cookie must echo the CSRF cookie in ``X-CSRF-Token`` (double submit).
* Who is calling (which needs the accounts tables) is not here: see ``server.accounts.auth``.
  This module needs no database and imports no slice.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
from quart import Response, current_app, request

from server.kit import jwt
from server.kit.db import utcnow
from server.kit.errors import BadRequestError, ForbiddenError, UnauthorizedError
from server.kit.state import get_state
from server.settings import Settings

ACCESS_COOKIE = "onsite_access"
REFRESH_COOKIE = "onsite_refresh"
CSRF_COOKIE = "onsite_csrf"
CSRF_HEADER = "X-CSRF-Token"
REFRESH_COOKIE_PATH = "/api/auth"
API_KEY_PREFIX = "onsk_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PASSWORD_MIN_BYTES = 8
PASSWORD_MAX_BYTES = 72


# ---- passwords ---------------------------------------------------------------------------------


def validate_password(password: str) -> None:
    size = len(password.encode("utf-8"))
    if size < PASSWORD_MIN_BYTES or size > PASSWORD_MAX_BYTES:
        raise BadRequestError(
            f"A password must be {PASSWORD_MIN_BYTES} to {PASSWORD_MAX_BYTES} bytes long "
            f"(this one is {size}).",
            code="invalid_password",
        )


async def hash_password(password: str, rounds: int) -> str:
    validate_password(password)
    salt = bcrypt.gensalt(rounds=rounds)
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode("utf-8"), salt)
    return hashed.decode("ascii")


async def verify_password(password: str, password_hash: str | None) -> bool:
    """False for a missing hash or an out-of-range password, never an exception."""
    encoded = password.encode("utf-8")
    if password_hash is None or len(encoded) > PASSWORD_MAX_BYTES:
        return False
    try:
        return await asyncio.to_thread(bcrypt.checkpw, encoded, password_hash.encode("ascii"))
    except ValueError:
        return False


# Verifying against a dummy hash when the account does not exist keeps login timing the same.
_DUMMY_HASHES: dict[int, str] = {}


async def dummy_password_check(password: str, rounds: int) -> None:
    if rounds not in _DUMMY_HASHES:
        _DUMMY_HASHES[rounds] = await hash_password("dummy-password", rounds)
    await verify_password(password, _DUMMY_HASHES[rounds])


# ---- opaque secrets ----------------------------------------------------------------------------


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_secret(value: str) -> str:
    """SHA-256 for high-entropy secrets (reset links, API keys): fast lookup, nothing to crack."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# ---- JWTs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    session_id: str | None
    """The refresh family the token was issued in; None only for tokens minted without one
    (tests and benchmarks calling ``create_access_token`` directly): the server never issues
    such a token, and they cannot be revoked before they expire."""


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    user_id: str
    jti: str
    family_id: str
    expires_at: datetime


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    return get_state(current_app).settings


HOST_PREFIX = "__Host-"
SECURE_PREFIX = "__Secure-"


@dataclass(frozen=True, slots=True)
class CookieNames:
    access: str
    refresh: str
    csrf: str


def cookie_names(settings: Settings | None = None) -> CookieNames:
    """With an https public URL the browser is told to hold the cookies the strict way:
    ``__Host-`` (Secure, this exact host, path ``/``, so a sibling subdomain cannot plant or
    overwrite them) for the access and CSRF cookies; the refresh cookie lives under
    ``/api/auth``, so ``__Secure-`` is the most it can carry. Plain names otherwise (browsers
    refuse prefixed cookies without TLS)."""
    s = _settings(settings)
    if not (s.uses_https and s.auth.cookie_host_prefix):
        return CookieNames(ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE)
    return CookieNames(
        HOST_PREFIX + ACCESS_COOKIE, SECURE_PREFIX + REFRESH_COOKIE, HOST_PREFIX + CSRF_COOKIE
    )


def create_access_token(
    user_id: str, settings: Settings | None = None, *, session_id: str | None = None
) -> str:
    """``session_id`` (the refresh family) binds the token to its session so revoking the
    session refuses the token at once; every token the server hands out has one."""
    s = _settings(settings)
    claims: dict[str, Any] = {"sub": user_id}
    if session_id is not None:
        claims["sid"] = session_id
    ttl = timedelta(minutes=s.auth.access_token_minutes)
    return jwt.encode("access", claims, ttl, secret=s.auth.jwt_secret)


def create_refresh_token(
    user_id: str, jti: str, family_id: str, settings: Settings | None = None
) -> tuple[str, datetime]:
    s = _settings(settings)
    now = utcnow()
    ttl = timedelta(days=s.auth.refresh_token_days)
    claims = {"sub": user_id, "jti": jti, "fam": family_id}
    return jwt.encode("refresh", claims, ttl, secret=s.auth.jwt_secret, now=now), now + ttl


def _decode(token: str, kind: str, settings: Settings) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, kind, secret=settings.auth.jwt_secret)
    except jwt.TokenError as exc:
        if exc.expired:
            raise UnauthorizedError(
                "Your session has expired; sign in again.", code="token_expired"
            ) from exc
        raise UnauthorizedError("The token is not valid.", code="invalid_token") from exc
    if not isinstance(claims.get("sub"), str):
        raise UnauthorizedError("The token is not valid.", code="invalid_token")
    return claims


def decode_access_claims(token: str, settings: Settings | None = None) -> AccessClaims:
    """User id and session id of a valid access token. Whether the session is still live is a
    database question: ask ``server.accounts.repository.session_is_live``."""
    claims = _decode(token, "access", _settings(settings))
    sid = claims.get("sid")
    if sid is not None and not isinstance(sid, str):
        raise UnauthorizedError("The token is not valid.", code="invalid_token")
    return AccessClaims(user_id=str(claims["sub"]), session_id=sid)


def decode_refresh_token(token: str, settings: Settings | None = None) -> RefreshClaims:
    claims = _decode(token, "refresh", _settings(settings))
    jti, family = claims.get("jti"), claims.get("fam")
    if not isinstance(jti, str) or not isinstance(family, str):
        raise UnauthorizedError("The token is not valid.", code="invalid_token")
    return RefreshClaims(
        user_id=str(claims["sub"]),
        jti=jti,
        family_id=family,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
    )


# ---- cookies and CSRF --------------------------------------------------------------------------


def set_session_cookies(
    response: Response,
    access_token: str,
    refresh_token: str,
    settings: Settings | None = None,
    *,
    keep_csrf: str | None = None,
) -> None:
    """Set the three cookies. ``keep_csrf`` (on refresh) keeps the CSRF value the page already
    holds, so requests in flight while the session refreshes do not fail the CSRF check."""
    s = _settings(settings)
    secure = s.secure_cookies
    names = cookie_names(s)
    response.set_cookie(
        names.access,
        access_token,
        max_age=s.auth.access_token_minutes * 60,
        path="/",
        httponly=True,
        secure=secure,
        samesite="Lax",
    )
    response.set_cookie(
        names.refresh,
        refresh_token,
        max_age=s.auth.refresh_token_days * 86400,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        secure=secure,
        samesite="Lax",
    )
    response.set_cookie(
        names.csrf,
        keep_csrf or new_secret(24),
        max_age=s.auth.refresh_token_days * 86400,
        path="/",
        httponly=False,
        secure=secure,
        samesite="Lax",
    )


def clear_session_cookies(response: Response) -> None:
    names = cookie_names()
    secure = _settings(None).secure_cookies
    response.delete_cookie(names.access, path="/", secure=secure)
    response.delete_cookie(names.refresh, path=REFRESH_COOKIE_PATH, secure=secure)
    response.delete_cookie(names.csrf, path="/", secure=secure)


def check_csrf() -> None:
    """Double submit: the header must equal the cookie (constant-time), else 403."""
    if request.method in SAFE_METHODS:
        return
    name = cookie_names().csrf
    cookie = request.cookies.get(name, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not header or not hmac.compare_digest(cookie, header):
        raise ForbiddenError(
            f"Missing or wrong {CSRF_HEADER} header; send the value of the {name} cookie.",
            code="csrf_failed",
        )
