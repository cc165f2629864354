"""Access tokens die with their session: logout, password reset and account deletion refuse the
15-minute access token at once (``sid`` claim checked against the refresh family), on both
databases, through the real app."""

from __future__ import annotations

from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.accounts import service
from server.kit.db import new_id, unit_of_work
from server.kit.security import create_access_token, decode_access_claims
from server.kit.state import get_state
from tests.support.auth import SignedIn, register_and_login


def cookie(client: Client, name: str) -> str:
    jar = client.cookie_jar
    assert jar is not None
    value = next((c.value for c in jar if c.name == name), None)
    assert value, f"no {name} cookie"
    return str(value)


async def me_with_bearer(app: Quart, token: str) -> tuple[int, str | None]:
    response = await app.test_client().get(
        "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    body: dict[str, Any] = await response.get_json()
    return response.status_code, body.get("error", {}).get("code")


async def me_with_cookies(app: Quart, access: str, csrf: str = "x") -> int:
    """A stolen access cookie replayed from another client (no refresh cookie to renew it)."""
    thief = app.test_client()
    thief.set_cookie("localhost", "onsite_access", access)
    thief.set_cookie("localhost", "onsite_csrf", csrf)
    response = await thief.post("/api/keys", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    return response.status_code


async def test_access_tokens_carry_their_session(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    claims = decode_access_claims(cookie(client, "onsite_access"), get_state(app).settings)
    assert claims.user_id == signed_in.user["id"]
    assert claims.session_id is not None and len(claims.session_id) == 32


async def test_logout_refuses_the_access_token_at_once(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    access = cookie(client, "onsite_access")
    other_client = app.test_client()
    other = await other_client.post(
        "/api/auth/login", json={"email": signed_in.email, "password": signed_in.password}
    )
    assert other.status_code == 200
    other_access = cookie(other_client, "onsite_access")
    assert await me_with_bearer(app, access) == (200, None)

    assert (await client.post("/api/auth/logout", headers=signed_in.csrf)).status_code == 204
    assert await me_with_bearer(app, access) == (401, "session_revoked")
    assert await me_with_cookies(app, access) == 401
    # only this session ended: the same user's other sign-in is untouched
    assert await me_with_bearer(app, other_access) == (200, None)


async def test_logout_with_only_the_access_cookie_ends_its_session(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    access = cookie(client, "onsite_access")
    csrf = cookie(client, "onsite_csrf")
    only_access = app.test_client()
    only_access.set_cookie("localhost", "onsite_access", access)
    only_access.set_cookie("localhost", "onsite_csrf", csrf)
    out = await only_access.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204
    assert await me_with_bearer(app, access) == (401, "session_revoked")
    refreshed = await client.post("/api/auth/refresh", headers=signed_in.csrf)
    assert refreshed.status_code == 401


async def test_refresh_keeps_the_session_alive_and_reuse_kills_it(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    first_refresh = cookie(client, "onsite_refresh")
    first_access = cookie(client, "onsite_access")
    assert (await client.post("/api/auth/refresh", headers=signed_in.csrf)).status_code == 200
    second_access = cookie(client, "onsite_access")
    # rotation keeps the family: the older access token is still inside a live session
    assert await me_with_bearer(app, first_access) == (200, None)
    thief = app.test_client()
    thief.set_cookie("localhost", "onsite_refresh", first_refresh)
    thief.set_cookie("localhost", "onsite_csrf", "x")
    replay = await thief.post("/api/auth/refresh", headers={"X-CSRF-Token": "x"})
    assert replay.status_code == 401
    assert await me_with_bearer(app, second_access) == (401, "session_revoked")


async def test_password_reset_ends_every_session_at_once(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    settings = get_state(app).settings
    access = cookie(client, "onsite_access")
    second = app.test_client()
    assert (
        await second.post(
            "/api/auth/login", json={"email": signed_in.email, "password": signed_in.password}
        )
    ).status_code == 200
    second_access = cookie(second, "onsite_access")
    async with unit_of_work(get_state(app).sessions) as session:
        found = await service.start_password_reset(session, settings, signed_in.email)
    assert found is not None
    reset = await app.test_client().post(
        "/api/auth/password/reset", json={"token": found[1], "password": "a fresh secret"}
    )
    assert reset.status_code == 204
    assert await me_with_bearer(app, access) == (401, "session_revoked")
    assert await me_with_bearer(app, second_access) == (401, "session_revoked")
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_account_deletion_refuses_its_access_tokens(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    settings = get_state(app).settings
    access = cookie(client, "onsite_access")
    async with unit_of_work(get_state(app).sessions) as session:
        user = await service.authenticate(session, settings, signed_in.email, signed_in.password)
        secret = await service.request_account_deletion(session, settings, user, signed_in.password)
    confirm = await app.test_client().post(
        "/api/auth/account/delete/confirm", json={"token": secret}
    )
    assert confirm.status_code == 204
    status, code = await me_with_bearer(app, access)
    assert status == 401 and code in {"session_revoked", "invalid_token"}


async def test_a_session_id_that_is_not_the_users_is_refused(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    settings = get_state(app).settings
    other = await register_and_login(app.test_client())
    victim_sid = decode_access_claims(cookie(client, "onsite_access"), settings).session_id
    assert victim_sid is not None
    # a token naming another user's live session, or a session that never existed, is refused
    for sid in (victim_sid, new_id(), "not-an-id"):
        token = create_access_token(other.user["id"], settings, session_id=sid)
        assert await me_with_bearer(app, token) == (401, "session_revoked")


async def test_logout_with_a_bearer_access_token_ends_that_session(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    access = cookie(client, "onsite_access")
    out = await app.test_client().post(
        "/api/auth/logout", headers={"Authorization": f"Bearer {access}"}
    )
    assert out.status_code == 204
    assert await me_with_bearer(app, access) == (401, "session_revoked")
