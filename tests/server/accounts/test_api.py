"""Registration, sign-in, sessions (cookies, CSRF, bearer), refresh rotation, logout — on both
databases, through the real app (migrations applied by the serving hook)."""

from __future__ import annotations

from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.kit.security import create_access_token
from server.kit.state import get_state
from tests.support.auth import DEFAULT_PASSWORD, SignedIn, register_and_login, unique_email
from tests.support.http import error_body as error_of


def cookie(client: Client, name: str) -> str | None:
    jar = client.cookie_jar
    assert jar is not None
    return next((c.value for c in jar if c.name == name), None)


async def test_register_sets_cookies_and_me_answers(client: Client) -> None:
    email = unique_email()
    response = await client.post(
        "/api/auth/register", json={"email": email, "password": DEFAULT_PASSWORD, "name": "Ada"}
    )
    assert response.status_code == 201
    user = (await response.get_json())["user"]
    assert user["email"] == email and user["name"] == "Ada" and len(user["id"]) == 32
    set_cookies = response.headers.get_all("Set-Cookie")
    access = next(c for c in set_cookies if c.startswith("onsite_access="))
    refresh = next(c for c in set_cookies if c.startswith("onsite_refresh="))
    csrf = next(c for c in set_cookies if c.startswith("onsite_csrf="))
    assert "HttpOnly" in access and "SameSite=Lax" in access
    assert "HttpOnly" in refresh and "Path=/api/auth" in refresh
    assert "HttpOnly" not in csrf
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert await me.get_json() == {**user}


async def test_email_is_case_insensitive_and_duplicates_conflict(
    client: Client,
) -> None:
    email = unique_email()
    await register_and_login(client, email=email)
    response = await client.post(
        "/api/auth/register",
        json={"email": email.upper(), "password": DEFAULT_PASSWORD, "name": "Again"},
    )
    assert response.status_code == 409
    assert (await error_of(response))["code"] == "email_taken"
    login = await client.post(
        "/api/auth/login", json={"email": email.upper(), "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200


async def test_register_rejects_bad_input(client: Client) -> None:
    cases: list[tuple[Any, str]] = [
        ({"email": "not-an-email", "password": DEFAULT_PASSWORD, "name": "A"}, "validation_error"),
        ({"email": unique_email(), "password": "short", "name": "A"}, "invalid_password"),
        ({"email": unique_email(), "password": "é" * 37, "name": "A"}, "invalid_password"),
        (
            {"email": unique_email(), "password": DEFAULT_PASSWORD, "name": "   "},
            "validation_error",
        ),
        ({"email": unique_email(), "password": DEFAULT_PASSWORD}, "validation_error"),
        (
            {"email": unique_email(), "password": DEFAULT_PASSWORD, "name": "A", "admin": True},
            "validation_error",
        ),
        ({"email": 5, "password": DEFAULT_PASSWORD, "name": "A"}, "validation_error"),
        ([1, 2], "validation_error"),
    ]
    for body, code in cases:
        response = await client.post("/api/auth/register", json=body)
        assert response.status_code == 400, (body, await response.get_data())
        assert (await error_of(response))["code"] == code, body


async def test_password_of_72_bytes_is_accepted(client: Client) -> None:
    password = "é" * 36  # 72 bytes in UTF-8
    signed = await register_and_login(client, password=password)
    await client.post("/api/auth/logout", headers=signed.csrf)
    login = await client.post("/api/auth/login", json={"email": signed.email, "password": password})
    assert login.status_code == 200


async def test_malformed_json_and_wrong_content_type(client: Client) -> None:
    response = await client.post(
        "/api/auth/login", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert (await error_of(response))["code"] == "malformed_json"
    response = await client.post(
        "/api/auth/login",
        data=b"email=a",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert (await error_of(response))["code"] == "validation_error"


async def test_login_wrong_password_and_unknown_email_look_the_same(
    client: Client,
) -> None:
    signed = await register_and_login(client)
    client.cookie_jar.clear()  # type: ignore[union-attr]
    wrong = await client.post(
        "/api/auth/login", json={"email": signed.email, "password": "wrong password"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"email": unique_email(), "password": "wrong password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert await error_of(wrong) == await error_of(unknown)
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_cookie_requests_need_the_csrf_header(client: Client, signed_in: SignedIn) -> None:
    no_header = await client.post("/api/keys", json={"name": "ci"})
    assert no_header.status_code == 403
    assert (await error_of(no_header))["code"] == "csrf_failed"
    wrong = await client.post("/api/keys", json={"name": "ci"}, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    ok = await client.post("/api/keys", json={"name": "ci"}, headers=signed_in.csrf)
    assert ok.status_code == 201
    # GET needs no CSRF header
    assert (await client.get("/api/keys")).status_code == 200


async def test_bearer_access_token_needs_no_csrf(app: Quart, signed_in: SignedIn) -> None:
    token = create_access_token(signed_in.user["id"], get_state(app).settings)
    fresh = app.test_client()
    response = await fresh.post(
        "/api/keys", json={"name": "ci"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201
    bad = await fresh.get("/api/auth/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert bad.status_code == 401
    assert (await error_of(bad))["code"] == "invalid_token"


async def test_refresh_token_cannot_be_used_as_access_token(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    refresh = cookie(client, "onsite_refresh")
    assert refresh
    response = await app.test_client().get(
        "/api/auth/me", headers={"Authorization": f"Bearer {refresh}"}
    )
    assert response.status_code == 401


async def test_expired_access_token_is_refused(app: Quart, signed_in: SignedIn) -> None:
    settings = get_state(app).settings.model_copy(deep=True)
    settings.auth.access_token_minutes = -1
    token = create_access_token(signed_in.user["id"], settings)
    response = await app.test_client().get(
        "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert (await error_of(response))["code"] == "token_expired"


async def test_refresh_rotates_and_reuse_revokes_the_family(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    first = cookie(client, "onsite_refresh")
    csrf_before = cookie(client, "onsite_csrf")
    response = await client.post("/api/auth/refresh", headers=signed_in.csrf)
    assert response.status_code == 200
    second = cookie(client, "onsite_refresh")
    assert second and second != first
    assert cookie(client, "onsite_csrf") == csrf_before  # requests in flight stay valid
    # an attacker replays the first (already used) token from elsewhere
    thief = app.test_client()
    thief.set_cookie("localhost", "onsite_refresh", first or "")
    thief.set_cookie("localhost", "onsite_csrf", "x")
    replay = await thief.post("/api/auth/refresh", headers={"X-CSRF-Token": "x"})
    assert replay.status_code == 401
    assert (await error_of(replay))["code"] == "refresh_reused"
    # ...which signed the whole family out, including the legitimate newest token
    legit = await client.post("/api/auth/refresh", headers=signed_in.csrf)
    assert legit.status_code == 401
    assert (await error_of(legit))["code"] == "session_revoked"


async def test_refresh_needs_csrf_and_a_cookie(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    assert (await client.post("/api/auth/refresh")).status_code == 403
    nothing = await app.test_client().post("/api/auth/refresh")
    assert nothing.status_code == 401


async def test_logout_revokes_the_refresh_token(
    app: Quart, client: Client, signed_in: SignedIn
) -> None:
    refresh = cookie(client, "onsite_refresh")
    response = await client.post("/api/auth/logout", headers=signed_in.csrf)
    assert response.status_code == 204
    assert cookie(client, "onsite_access") is None
    assert (await client.get("/api/auth/me")).status_code == 401
    replay = app.test_client()
    replay.set_cookie("localhost", "onsite_refresh", refresh or "")
    replay.set_cookie("localhost", "onsite_csrf", "x")
    again = await replay.post("/api/auth/refresh", headers={"X-CSRF-Token": "x"})
    assert again.status_code == 401


async def test_login_is_rate_limited_per_account(client: Client) -> None:
    signed = await register_and_login(client)
    for _ in range(5):
        wrong = await client.post(
            "/api/auth/login", json={"email": signed.email, "password": "wrong password"}
        )
        assert wrong.status_code == 401
    limited = await client.post(
        "/api/auth/login", json={"email": signed.email, "password": signed.password}
    )
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert (await error_of(limited))["code"] == "rate_limited"
    other = await register_and_login(client)
    await client.post("/api/auth/logout", headers=other.csrf)
    ok = await client.post(
        "/api/auth/login", json={"email": other.email, "password": other.password}
    )
    assert ok.status_code == 200


async def test_login_is_rate_limited_per_ip(app: Quart, client: Client) -> None:
    limit = get_state(app).settings.auth.login_attempts_per_ip
    for _ in range(limit):
        response = await client.post(
            "/api/auth/login", json={"email": unique_email(), "password": "whatever1"}
        )
        assert response.status_code == 401
    limited = await client.post(
        "/api/auth/login", json={"email": unique_email(), "password": "whatever1"}
    )
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers


async def test_unknown_route_and_wrong_method_are_json(client: Client) -> None:
    missing = await client.get("/api/does-not-exist")
    assert missing.status_code == 404
    assert (await error_of(missing))["code"] == "not_found"
    wrong = await client.put("/api/auth/login", json={})
    assert wrong.status_code == 405
    assert (await error_of(wrong))["code"] == "method_not_allowed"


async def test_oversize_body_is_413_json(app: Quart, client: Client) -> None:
    limit = get_state(app).settings.server.max_body_bytes
    response = await client.post(
        "/api/auth/login",
        data=b'{"email": "' + b"a" * (limit + 10) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert (await error_of(response))["code"] == "payload_too_large"


async def test_unknown_api_paths_are_404_for_every_method(client: Client) -> None:
    for method in ("get", "post", "put", "patch", "delete"):
        response = await getattr(client, method)("/api/nothing/here")
        assert response.status_code == 404, method
        assert (await error_of(response))["code"] == "not_found"
    real_route_wrong_method = await client.put("/api/keys")
    assert real_route_wrong_method.status_code == 405
    assert "POST" in real_route_wrong_method.headers["Allow"]


async def test_nul_characters_are_refused_on_both_databases(
    client: Client, signed_in: SignedIn
) -> None:
    """PostgreSQL cannot store U+0000; both databases must answer the same clear 400."""
    cases = [
        client.post("/api/auth/password/forgot", json={"email": "\x00a@example.com"}),
        client.post("/api/auth/login", json={"email": "a@example.com", "password": "pass\x00word"}),
        client.post("/api/keys", json={"name": "ci\x00"}, headers=signed_in.csrf),
        client.post(
            "/api/keys", json={"name": "ok", "nested": {"k\x00": 1}}, headers=signed_in.csrf
        ),
        client.get("/api/keys?x=%00"),
        client.get("/api/keys/%00"),
    ]
    for pending in cases:
        response = await pending
        assert response.status_code == 400, await response.get_data()
        assert (await error_of(response))["code"] == "validation_error"


def from_ip(address: str) -> dict[str, Any]:
    """Test-client ``scope_base`` that makes the request come from ``address``."""
    return {"client": (address, 40000)}


async def login_from(client: Client, address: str, email: str, password: str) -> Any:
    return await client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        scope_base=from_ip(address),
    )


async def test_another_ips_failures_do_not_lock_the_owner_out(app: Quart) -> None:
    signed = await register_and_login(app.test_client())
    limit = get_state(app).settings.auth.login_attempts_per_account
    attacker = app.test_client()
    for _ in range(limit):
        wrong = await login_from(attacker, "203.0.113.66", signed.email, "not the password")
        assert wrong.status_code == 401
    blocked = await login_from(attacker, "203.0.113.66", signed.email, signed.password)
    assert blocked.status_code == 429  # strict for the (account, IP) that kept failing
    owner = await login_from(app.test_client(), "198.51.100.7", signed.email, signed.password)
    assert owner.status_code == 200, await owner.get_json()
    # the owner's own typos are still limited per (account, IP)
    for _ in range(limit):
        await login_from(app.test_client(), "198.51.100.7", signed.email, "a typo password")
    again = await login_from(app.test_client(), "198.51.100.7", signed.email, signed.password)
    assert again.status_code == 429


class TestAccountWideBound:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"auth": {"login_attempts_per_account": 3, "login_attempts_per_account_all_ips": 6}}

    async def test_failures_spread_over_ips_still_hit_a_looser_account_bound(
        self, app: Quart
    ) -> None:
        signed = await register_and_login(app.test_client())
        for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
            for _ in range(2):  # under the per-(account, IP) limit of 3 each
                wrong = await login_from(app.test_client(), ip, signed.email, "guessing guess")
                assert wrong.status_code == 401
        limited = await login_from(app.test_client(), "192.0.2.4", signed.email, signed.password)
        assert limited.status_code == 429
        assert (await error_of(limited))["code"] == "rate_limited"
        # another account is not affected
        other = await register_and_login(app.test_client())
        ok = await login_from(app.test_client(), "192.0.2.4", other.email, other.password)
        assert ok.status_code == 200
