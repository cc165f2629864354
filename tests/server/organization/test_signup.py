"""Sign-up under the installation's defaults: the first account is the admin, then sign-up is
closed; the admin's policy decides after that; every address is proven by a mailed link before
the account can be used, and sign-up answers the same whether or not the address exists."""

from __future__ import annotations

from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from server.settings import Settings
from tests.support.http import error_of
from tests.support.mail import read_outbox, text_body, token_from_link
from tests.support.org import INSTALLATION_DEFAULTS, csrf_of, mail_to, sign_up_and_verify

PASSWORD = "correct horse battery"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return INSTALLATION_DEFAULTS


def body(email: str, password: str = PASSWORD, name: str = "Someone") -> dict[str, str]:
    return {"email": email, "password": password, "name": name}


async def admin_client(app: Quart, settings: Settings) -> Client:
    client = app.test_client()
    user = await sign_up_and_verify(client, settings.data_dir, "admin@example.com")
    assert user["role"] == "admin"
    return client


async def set_policy(client: Client, **fields: Any) -> None:
    response = await client.patch("/api/admin/organization", json=fields, headers=csrf_of(client))
    assert response.status_code == 200, await response.get_data()


async def test_the_first_account_is_the_admin_then_sign_up_is_closed(
    app: Quart, settings: Settings
) -> None:
    await admin_client(app, settings)
    response = await app.test_client().post("/api/auth/register", json=body("b@example.com"))
    assert await error_of(response, 403) == "signup_closed"


@pytest.mark.parametrize(
    ("policy", "extra", "email", "expected"),
    [
        ("invitation", {}, "x@example.com", "invitation_required"),
        ("domains", {"allowed_domains": ["corp.example"]}, "x@example.com", "domain_not_allowed"),
        ("domains", {"allowed_domains": ["corp.example"]}, "x@corp.example", None),
        ("domains", {"allowed_domains": ["corp.example"]}, "x@eu.corp.example", None),
        ("open", {}, "x@anywhere.example", None),
    ],
)
async def test_the_admins_policy_decides(
    app: Quart,
    settings: Settings,
    policy: str,
    extra: dict[str, Any],
    email: str,
    expected: str | None,
) -> None:
    admin = await admin_client(app, settings)
    await set_policy(admin, signup_policy=policy, **extra)
    response = await app.test_client().post("/api/auth/register", json=body(email))
    if expected is None:
        assert response.status_code == 202, await response.get_data()
    else:
        assert await error_of(response, 403) == expected


async def test_sso_only_needs_a_provider_and_refuses_passwords(
    app: Quart, settings: Settings
) -> None:
    admin = await admin_client(app, settings)
    response = await admin.patch(
        "/api/admin/organization", json={"signup_policy": "sso"}, headers=csrf_of(admin)
    )
    assert await error_of(response, 400) == "no_providers"  # none configured here
    response = await admin.patch(
        "/api/admin/organization", json={"signup_policy": "domains"}, headers=csrf_of(admin)
    )
    assert await error_of(response, 400) == "no_domains"


async def test_sign_up_answers_the_same_whether_or_not_the_address_exists(
    app: Quart, settings: Settings
) -> None:
    admin = await admin_client(app, settings)
    await set_policy(admin, signup_policy="open")
    known = await app.test_client().post("/api/auth/register", json=body("admin@example.com"))
    fresh = await app.test_client().post("/api/auth/register", json=body("new@example.com"))
    assert known.status_code == fresh.status_code == 202
    assert await known.get_json() == await fresh.get_json()
    assert "set-cookie" not in known.headers and "set-cookie" not in fresh.headers
    # the owner of the known address is told, with a way back in; the new one confirms
    notice = await mail_to(settings.data_dir, "admin@example.com", count=2)
    assert "already has one" in text_body(notice)
    token_from_link(notice, "/reset-password")
    token_from_link(await mail_to(settings.data_dir, "new@example.com"), "/verify-email")


async def test_an_unverified_account_cannot_sign_in_and_gets_a_new_link(
    app: Quart, settings: Settings
) -> None:
    admin = await admin_client(app, settings)
    await set_policy(admin, signup_policy="open")
    client = app.test_client()
    await client.post("/api/auth/register", json=body("late@example.com"))
    await mail_to(settings.data_dir, "late@example.com")
    response = await client.post(
        "/api/auth/login", json={"email": "late@example.com", "password": PASSWORD}
    )
    assert await error_of(response, 403) == "email_unverified"
    second = await mail_to(settings.data_dir, "late@example.com", count=2)
    response = await client.post(
        "/api/auth/email/verify",
        json={"token": token_from_link(second, "/verify-email"), "password": PASSWORD},
    )
    assert response.status_code == 200
    me = await (await client.get("/api/auth/me")).get_json()
    assert me["email"] == "late@example.com" and me["role"] == "interviewer"


async def test_a_squatter_cannot_have_the_owner_verify_its_account(
    app: Quart, settings: Settings
) -> None:
    """Pre-account takeover: someone signs up with another person's address. The link goes to
    the owner, but opening it needs the squatter's password; the owner resets instead and the
    squatter's password stops working."""
    admin = await admin_client(app, settings)
    await set_policy(admin, signup_policy="open")
    squatter = app.test_client()
    await squatter.post("/api/auth/register", json=body("victim@example.com", "squatter pw 1"))
    link = token_from_link(await mail_to(settings.data_dir, "victim@example.com"), "/verify-email")
    victim = app.test_client()
    response = await victim.post(
        "/api/auth/email/verify", json={"token": link, "password": "the victim's own"}
    )
    assert await error_of(response, 401) == "invalid_credentials"
    # the victim signs up as usual: same answer, and a reset link in the mailbox
    response = await victim.post(
        "/api/auth/register", json=body("victim@example.com", "mine 12345")
    )
    assert response.status_code == 202
    reset = token_from_link(
        await mail_to(settings.data_dir, "victim@example.com", count=2), "/reset-password"
    )
    response = await victim.post(
        "/api/auth/password/reset", json={"token": reset, "password": "mine 12345"}
    )
    assert response.status_code == 204
    response = await squatter.post(
        "/api/auth/login", json={"email": "victim@example.com", "password": "squatter pw 1"}
    )
    assert await error_of(response, 401) == "invalid_credentials"
    response = await victim.post(
        "/api/auth/login", json={"email": "victim@example.com", "password": "mine 12345"}
    )
    assert response.status_code == 200


async def test_only_admins_reach_the_admin_api(app: Quart, settings: Settings) -> None:
    admin = await admin_client(app, settings)
    await set_policy(admin, signup_policy="open")
    member = app.test_client()
    user = await sign_up_and_verify(member, settings.data_dir, "member@example.com")
    assert user["role"] == "interviewer"
    for method, path in [
        ("GET", "/api/admin/organization"),
        ("GET", "/api/admin/members"),
        ("GET", "/api/admin/audit"),
        ("POST", "/api/admin/invitations"),
    ]:
        response = await member.open(
            path, method=method, json={"email": "x@example.com"}, headers=csrf_of(member)
        )
        assert await error_of(response, 403) == "admin_only", path
    assert len(read_outbox(settings.data_dir)) >= 2
