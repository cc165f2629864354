"""Sign-in through OpenID Connect against a real local provider (tests/support/oidc_provider.py):
discovery, authorization code + state + nonce + PKCE over real HTTP, ID token verified by the
server; forged, expired and misdirected tokens are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.accounts.oidc import OidcError, verify_id_token
from server.kit.state import get_state
from tests.support.auth import register_and_login
from tests.support.http import error_code
from tests.support.mail import read_outbox, token_from_link
from tests.support.oidc_provider import TAMPER_MODES, OidcProvider, PendingCode


@pytest.fixture
async def provider() -> AsyncIterator[OidcProvider]:
    oidc = OidcProvider()
    await oidc.start()
    try:
        yield oidc
    finally:
        await oidc.stop()


@pytest.fixture
def settings_overrides(provider: OidcProvider) -> dict[str, Any]:
    return {
        "oidc_providers": [
            {
                "id": "testidp",
                "name": "Test IdP",
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
            }
        ]
    }


async def start_login(client: Client, next_path: str = "/interviews") -> str:
    """Our login redirect, then the provider's answer: the callback path with code and state."""
    response = await client.get(f"/api/auth/oidc/testidp/login?next={next_path}")
    assert response.status_code == 302, await response.get_data()
    async with (
        aiohttp.ClientSession() as http,
        http.get(response.headers["Location"], allow_redirects=False) as answer,
    ):
        assert answer.status == 302, await answer.text()
        callback = urlsplit(answer.headers["Location"])
    assert callback.path == "/api/auth/oidc/testidp/callback"
    return f"{callback.path}?{callback.query}"


async def test_providers_are_listed(client: Client) -> None:
    response = await client.get("/api/auth/oidc/providers")
    assert response.status_code == 200
    assert await response.get_json() == [{"id": "testidp", "name": "Test IdP"}]


async def test_login_redirect_carries_state_nonce_and_pkce(
    client: Client, provider: OidcProvider
) -> None:
    response = await client.get("/api/auth/oidc/testidp/login")
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == provider.issuer
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == provider.client_id
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert "openid" in query["scope"].split()
    flow_cookie = next(
        c for c in response.headers.get_all("Set-Cookie") if c.startswith("onsite_oidc=")
    )
    assert "HttpOnly" in flow_cookie and "Path=/api/auth/oidc" in flow_cookie


async def test_full_sign_in_creates_then_reuses_the_account(
    app: Quart, client: Client, provider: OidcProvider
) -> None:
    callback = await start_login(client)
    response = await client.get(callback)
    assert response.status_code == 302, await response.get_data()
    assert response.headers["Location"] == "/interviews"
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    first = await me.get_json()
    assert first["email"] == "oidc.user@example.com" and first["name"] == "Oidc User"
    # the PKCE verifier and our secret went to the token endpoint
    assert provider.token_requests[-1]["code_verifier"]
    # a second sign-in with the same subject is the same account
    other = app.test_client()
    response = await other.get(await start_login(other))
    assert response.status_code == 302
    assert (await (await other.get("/api/auth/me")).get_json())["id"] == first["id"]


async def test_verified_email_links_an_existing_account(
    app: Quart, client: Client, provider: OidcProvider
) -> None:
    signed = await register_and_login(app.test_client(), email="linked@example.com")
    provider.user = {"sub": "sub-linked", "email": "Linked@example.com", "email_verified": True}
    response = await client.get(await start_login(client))
    assert response.status_code == 302
    me = await (await client.get("/api/auth/me")).get_json()
    assert me["id"] == signed.user["id"]


async def test_unverified_email_does_not_take_over_an_account(
    app: Quart, client: Client, provider: OidcProvider
) -> None:
    signed = await register_and_login(app.test_client(), email="victim@example.com")
    provider.user = {"sub": "attacker", "email": "victim@example.com", "email_verified": False}
    response = await client.get(await start_login(client))
    assert response.status_code == 302
    me = await (await client.get("/api/auth/me")).get_json()
    assert me["id"] != signed.user["id"]
    assert me["email"] != "victim@example.com"


@pytest.mark.parametrize("mode", TAMPER_MODES)
async def test_bad_id_tokens_are_refused(client: Client, provider: OidcProvider, mode: str) -> None:
    callback = await start_login(client)
    provider.tamper = mode
    response = await client.get(callback)
    assert response.status_code == 401, (mode, await response.get_data())
    assert await error_code(response) == "oidc_failed"
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_state_mismatch_and_missing_flow_cookie(
    app: Quart, client: Client, provider: OidcProvider
) -> None:
    callback = await start_login(client)
    forged = callback.replace("state=", "state=x")
    response = await client.get(forged)
    assert response.status_code == 400
    assert await error_code(response) == "oidc_state_mismatch"
    # the same callback in a browser that never started the sign-in
    stranger = await app.test_client().get(callback)
    assert stranger.status_code == 400
    assert await error_code(stranger) == "oidc_state_missing"


async def test_provider_errors_and_unknown_provider(client: Client, provider: OidcProvider) -> None:
    await client.get("/api/auth/oidc/testidp/login")
    refused = await client.get("/api/auth/oidc/testidp/callback?error=access_denied")
    assert refused.status_code == 401
    assert await error_code(refused) == "oidc_refused"
    unknown = await client.get("/api/auth/oidc/nope/login")
    assert unknown.status_code == 404
    assert await error_code(unknown) == "unknown_provider"


async def test_a_code_cannot_be_used_twice(client: Client, provider: OidcProvider) -> None:
    callback = await start_login(client)
    assert (await client.get(callback)).status_code == 302
    # the flow cookie is gone after success, so start a flow and replay the old code in it
    fresh = await start_login(client)
    replay = (
        fresh.split("?")[0]
        + "?"
        + "&".join(
            [p for p in fresh.split("?")[1].split("&") if p.startswith("state=")]
            + [p for p in callback.split("?")[1].split("&") if p.startswith("code=")]
        )
    )
    response = await client.get(replay)
    assert response.status_code == 401
    assert await error_code(response) == "oidc_failed"


async def test_provider_down_is_503(client: Client, provider: OidcProvider) -> None:
    await provider.stop()
    response = await client.get("/api/auth/oidc/testidp/login")
    assert response.status_code == 503
    assert await error_code(response) == "oidc_provider_unavailable"


async def test_open_redirects_are_refused(client: Client, provider: OidcProvider) -> None:
    callback = await start_login(client, next_path="//evil.example/x")
    response = await client.get(callback)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


async def test_verify_id_token_directly(provider: OidcProvider) -> None:
    """The pure check, without HTTP: a genuine token passes; each tampered one fails."""
    import jwt as pyjwt

    jwk = pyjwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
    jwk.update({"kid": provider.kid, "alg": "RS256"})
    jwks = {"keys": [jwk]}
    pending = PendingCode(provider.client_id, "", "n-1", None, dict(provider.user))
    claims = verify_id_token(
        provider.id_token(pending),
        jwks,
        issuer=provider.issuer,
        client_id=provider.client_id,
        nonce="n-1",
    )
    assert claims["sub"] == "user-123"
    for mode in TAMPER_MODES:
        provider.tamper = mode
        token = provider.id_token(pending)
        with pytest.raises(OidcError):
            verify_id_token(
                token, jwks, issuer=provider.issuer, client_id=provider.client_id, nonce="n-1"
            )


async def test_an_oidc_only_account_can_be_deleted_by_mail(
    app: Quart, client: Client, provider: OidcProvider
) -> None:
    assert (await client.get(await start_login(client))).status_code == 302
    csrf = next(c.value for c in client.cookie_jar or [] if c.name == "onsite_csrf")
    # no password was ever set, so none is asked; the e-mailed link is the confirmation
    step1 = await client.post("/api/auth/account/delete", json={}, headers={"X-CSRF-Token": csrf})
    assert step1.status_code == 202
    [mail] = read_outbox(get_state(app).settings.data_dir)
    token = token_from_link(mail, "/account/delete")
    assert (
        await client.post("/api/auth/account/delete/confirm", json={"token": token})
    ).status_code == 204
    # signing in again through the provider makes a new, empty account
    other = app.test_client()
    assert (await other.get(await start_login(other))).status_code == 302
    assert (await other.get("/api/auth/me")).status_code == 200
    # password sign-in is impossible for an account without a password
    refused = await other.post(
        "/api/auth/login", json={"email": "oidc.user@example.com", "password": "anything at all"}
    )
    assert refused.status_code == 401
