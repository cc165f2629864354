"""Who is calling: the session cookie (+ CSRF), a bearer access token, or an API key.

The request side of authentication lives here, in the accounts slice, because answering it reads
the accounts tables; ``server.kit.security`` keeps what needs no database (passwords, token
signing, cookies, CSRF). Handlers of every slice call ``require_user()`` (or
``optional_user()``); a slice that takes API keys in its own header (the Judge0 and Piston
surfaces read ``X-Auth-Token``) calls ``user_for_api_key(secret)``. The rules themselves
(live session, API key lookup and ``last_used_at``) are service functions, so the Socket.IO
side shares them (``server.rooms.service.authorise_socket``).
"""

from __future__ import annotations

from quart import g, request

from server.accounts import service
from server.accounts.models import User
from server.kit.db import current_session
from server.kit.errors import ForbiddenError, UnauthorizedError
from server.kit.security import API_KEY_PREFIX, check_csrf, cookie_names, decode_access_claims

_G_USER = "onsite_current_user"
_G_SCOPES = "onsite_key_scopes"


def bearer_token() -> str | None:
    """The value of ``Authorization: Bearer …``, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def is_api_key(secret: str) -> bool:
    return secret.startswith(API_KEY_PREFIX)


async def user_for_api_key(secret: str) -> User:
    """The owner of an API key sent in this request (401 ``invalid_api_key`` otherwise); marks
    the key used. For slices that read the key from a header of their own."""
    user, scopes = await service.authenticate_api_key_with_scopes(current_session(), secret)
    setattr(g, _G_USER, user)
    setattr(g, _G_SCOPES, scopes)
    _check_scope(service.SCOPE_RUNS)
    return user


def _check_scope(scope: str) -> None:
    """An API key limited to runs opens nothing else (403 ``insufficient_scope``); sessions
    and full keys open everything."""
    scopes: list[str] | None = getattr(g, _G_SCOPES, None)
    if scopes is None or service.SCOPE_FULL in scopes or scope in scopes:
        return
    raise ForbiddenError(
        f"This API key may only be used for: {', '.join(scopes)}.", code="insufficient_scope"
    )


async def optional_user(scope: str = service.SCOPE_FULL) -> User | None:
    """The caller, or None when no credentials were sent. Bad credentials still answer 401;
    an API key without ``scope`` 403."""
    if hasattr(g, _G_USER):
        cached: User | None = getattr(g, _G_USER)
        _check_scope(scope)
        return cached
    session = current_session()
    user: User | None = None
    token = bearer_token()
    if token is not None:
        if is_api_key(token):
            user, scopes = await service.authenticate_api_key_with_scopes(session, token)
            setattr(g, _G_SCOPES, scopes)
        else:
            user = await service.user_of_live_session(session, decode_access_claims(token))
            if user is None:
                raise UnauthorizedError("The account no longer exists.", code="invalid_token")
    elif (cookie := request.cookies.get(cookie_names().access)) is not None:
        claims = decode_access_claims(cookie)
        check_csrf()
        user = await service.user_of_live_session(session, claims)
        if user is None:
            raise UnauthorizedError("The account no longer exists.", code="invalid_token")
    setattr(g, _G_USER, user)
    _check_scope(scope)
    return user


async def require_user(scope: str = service.SCOPE_FULL) -> User:
    """The signed-in caller (cookie + CSRF, bearer token or API key), or 401 ``unauthorized``.
    ``scope``: what an API key must allow (``runs`` for the run API)."""
    user = await optional_user(scope)
    if user is None:
        raise UnauthorizedError("Sign in first.")
    return user
