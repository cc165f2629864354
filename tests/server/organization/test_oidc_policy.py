"""OpenID Connect under the organization's rules: a provider's verified address links only an
account that proved it too (an unverified squatter's account is claimed, its password void);
new SSO accounts follow the sign-up policy; required providers keep members off passwords."""

from __future__ import annotations

from typing import Any

import pytest
from quart import Quart

from server.settings import Settings
from tests.server.accounts.test_oidc import provider, start_login  # noqa: F401 - the fixture
from tests.support.http import error_of
from tests.support.oidc_provider import OidcProvider
from tests.support.org import INSTALLATION_DEFAULTS, csrf_of, mail_to, merged, sign_up_and_verify

PASSWORD = "correct horse battery"


@pytest.fixture
def settings_overrides(provider: OidcProvider) -> dict[str, Any]:  # noqa: F811
    return merged(
        INSTALLATION_DEFAULTS,
        {
            "oidc_providers": [
                {
                    "id": "testidp",
                    "name": "Test IdP",
                    "issuer": provider.issuer,
                    "client_id": provider.client_id,
                    "client_secret": provider.client_secret,
                }
            ]
        },
    )


async def admin(app: Quart, settings: Settings, **policy: Any) -> Any:
    client = app.test_client()
    await sign_up_and_verify(client, settings.data_dir, "admin@example.com")
    if policy:
        response = await client.patch(
            "/api/admin/organization", json=policy, headers=csrf_of(client)
        )
        assert response.status_code == 200, await response.get_data()
    return client


async def test_a_squatters_unverified_account_is_not_linked_but_claimed(
    app: Quart,
    settings: Settings,
    provider: OidcProvider,  # noqa: F811
) -> None:
    """Pre-account takeover: a stranger signs up with a future SSO user's address and never
    verifies it. The real owner's first SSO sign-in must not hand the stranger a session: the
    account becomes the owner's, and the stranger's password no longer opens it."""
    await admin(app, settings, signup_policy="open")
    squatter = app.test_client()
    response = await squatter.post(
        "/api/auth/register",
        json={"email": "future@example.com", "password": "squatter pw 1", "name": "Sq"},
    )
    assert response.status_code == 202
    await mail_to(settings.data_dir, "future@example.com")
    provider.user = {"sub": "future-sub", "email": "future@example.com", "email_verified": True}
    owner = app.test_client()
    response = await owner.get(await start_login(owner))
    assert response.status_code == 302, await response.get_data()
    me = await (await owner.get("/api/auth/me")).get_json()
    assert me["email"] == "future@example.com"
    response = await squatter.post(
        "/api/auth/login", json={"email": "future@example.com", "password": "squatter pw 1"}
    )
    assert await error_of(response, 401) == "invalid_credentials"


async def test_a_verified_account_is_linked(
    app: Quart,
    settings: Settings,
    provider: OidcProvider,  # noqa: F811
) -> None:
    admin_client = await admin(app, settings)
    me = await (await admin_client.get("/api/auth/me")).get_json()
    provider.user = {"sub": "admin-sub", "email": "admin@example.com", "email_verified": True}
    client = app.test_client()
    assert (await client.get(await start_login(client))).status_code == 302
    assert (await (await client.get("/api/auth/me")).get_json())["id"] == me["id"]


async def test_new_sso_accounts_follow_the_policy(
    app: Quart,
    settings: Settings,
    provider: OidcProvider,  # noqa: F811
) -> None:
    admin_client = await admin(app, settings)  # closed after the first account
    provider.user = {"sub": "new-sub", "email": "new@example.com", "email_verified": True}
    client = app.test_client()
    response = await client.get(await start_login(client))
    assert await error_of(response, 403) == "signup_closed"
    response = await admin_client.patch(
        "/api/admin/organization", json={"signup_policy": "sso"}, headers=csrf_of(admin_client)
    )
    assert response.status_code == 200
    response = await client.get(await start_login(client))
    assert response.status_code == 302
    assert (await (await client.get("/api/auth/me")).get_json())["role"] == "interviewer"
    # The new account's first SSO sign-in is audited as a sign-up and a sign-in; the next one
    # as a sign-in only.
    second = app.test_client()
    response = await second.get(await start_login(second))
    assert response.status_code == 302
    log = await admin_client.get("/api/admin/audit?actor=new@example.com")
    actions = [
        e["action"] for e in (await log.get_json())["items"] if e["details"].get("method") == "oidc"
    ]
    assert sorted(actions) == ["sign_in", "sign_in", "sign_up"], actions
    # passwords cannot open accounts under SSO only
    response = await app.test_client().post(
        "/api/auth/register", json={"email": "pw@example.com", "password": PASSWORD, "name": "P"}
    )
    assert await error_of(response, 403) == "sso_required"


async def test_required_providers_keep_members_off_passwords(
    app: Quart,
    settings: Settings,
    provider: OidcProvider,  # noqa: F811
) -> None:
    admin_client = await admin(app, settings, signup_policy="open")
    await sign_up_and_verify(app.test_client(), settings.data_dir, "member@example.com")
    response = await admin_client.patch(
        "/api/admin/organization",
        json={"required_providers": ["testidp"]},
        headers=csrf_of(admin_client),
    )
    assert response.status_code == 200
    member = await app.test_client().post(
        "/api/auth/login", json={"email": "member@example.com", "password": PASSWORD}
    )
    assert await error_of(member, 403) == "sso_required"
    # the admin keeps a way in if the provider breaks
    again = await app.test_client().post(
        "/api/auth/login", json={"email": "admin@example.com", "password": PASSWORD}
    )
    assert again.status_code == 200
    response = await admin_client.patch(
        "/api/admin/organization",
        json={"required_providers": ["nope"]},
        headers=csrf_of(admin_client),
    )
    assert await error_of(response, 400) == "unknown_provider"
