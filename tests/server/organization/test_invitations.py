"""Invitations: the admin mails a single-use, expiring link (through a real SMTP server); the
invited person opens an account with it; invitations go only where the admin allows, or up to
a daily cap per account."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from quart import Quart
from sqlalchemy import update

from server.kit.db import unit_of_work, utcnow
from server.kit.state import get_state
from server.organization.models import Invitation
from tests.support.auth import SignedIn, register_and_login
from tests.support.http import error_of
from tests.support.mail import token_from_link
from tests.support.smtp import SmtpServer


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
    return {
        "mail": {
            "smtp_host": smtp_server.host,
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
        },
        "organization": {"initial_signup_policy": "closed", "mails_per_account_per_day": 3},
    }


async def received(smtp: SmtpServer, address: str, count: int = 1) -> EmailMessage:
    for _ in range(200):
        mails = [m.message for m in smtp.messages if address in m.envelope_to]
        if len(mails) >= count:
            return mails[-1]
        await asyncio.sleep(0.025)
    raise AssertionError(f"nothing received for {address}")


async def invite(admin: SignedIn, email: str, role: str = "interviewer") -> Any:
    return await admin.client.post(
        "/api/admin/invitations", json={"email": email, "role": role}, headers=admin.csrf
    )


async def test_an_invitation_opens_one_account_once(app: Quart, smtp_server: SmtpServer) -> None:
    admin = await register_and_login(app.test_client(), name="Ada Admin")
    response = await invite(admin, "New.Person@Example.com")
    assert response.status_code == 201, await response.get_data()
    created = await response.get_json()
    assert created["status"] == "pending" and created["mail_sent"] is True
    mail = await received(smtp_server, "new.person@example.com")
    assert "Ada Admin invites you" in mail.get_body().get_content()  # type: ignore[union-attr]
    token = token_from_link(mail, "/invitation")

    guest = app.test_client()
    info = await guest.post("/api/auth/invitations/inspect", json={"token": token})
    assert (await info.get_json())["email"] == "new.person@example.com"
    response = await guest.post(
        "/api/auth/invitations/accept",
        json={"token": token, "name": "New Person", "password": "a fine password"},
    )
    assert response.status_code == 201, await response.get_data()
    me = await (await guest.get("/api/auth/me")).get_json()
    assert me["email"] == "new.person@example.com" and me["role"] == "interviewer"
    again = await app.test_client().post(
        "/api/auth/invitations/accept",
        json={"token": token, "name": "Mallory", "password": "a fine password"},
    )
    assert await error_of(again, 400) == "token_used"
    listing = await (await admin.client.get("/api/admin/invitations")).get_json()
    assert listing["items"][0]["status"] == "accepted"
    # sign-up itself stays closed
    closed = await app.test_client().post(
        "/api/auth/register",
        json={"email": "other@example.com", "password": "a fine password", "name": "O"},
    )
    assert await error_of(closed, 403) == "signup_closed"


async def test_expired_revoked_and_superseded_links_are_refused(
    app: Quart, smtp_server: SmtpServer
) -> None:
    admin = await register_and_login(app.test_client())
    first = await (await invite(admin, "late@example.com")).get_json()
    old_token = token_from_link(await received(smtp_server, "late@example.com"), "/invitation")
    await invite(admin, "late@example.com")
    new_token = token_from_link(await received(smtp_server, "late@example.com", 2), "/invitation")
    guest = app.test_client()
    accept = {"name": "L", "password": "a fine password"}
    response = await guest.post("/api/auth/invitations/accept", json={"token": old_token, **accept})
    assert await error_of(response, 400) == "token_revoked"
    async with unit_of_work(get_state(app).sessions) as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.email == "late@example.com", Invitation.id != first["id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    response = await guest.post("/api/auth/invitations/accept", json={"token": new_token, **accept})
    assert await error_of(response, 400) == "token_expired"
    response = await guest.post("/api/auth/invitations/accept", json={"token": "forged", **accept})
    assert await error_of(response, 400) == "invalid_token"


async def test_invitations_only_to_allowed_domains_when_listed(
    app: Quart, smtp_server: SmtpServer
) -> None:
    admin = await register_and_login(app.test_client())
    response = await admin.client.patch(
        "/api/admin/organization", json={"invite_domains": ["corp.example"]}, headers=admin.csrf
    )
    assert response.status_code == 200
    assert await error_of(await invite(admin, "x@gmail.example"), 403) == "address_not_allowed"
    assert (await invite(admin, "x@corp.example")).status_code == 201


async def test_an_account_has_a_daily_invitation_cap(app: Quart, smtp_server: SmtpServer) -> None:
    admin = await register_and_login(app.test_client())
    for n in range(3):
        assert (await invite(admin, f"p{n}@example.com")).status_code == 201
    response = await invite(admin, "p4@example.com")
    assert await error_of(response, 429) == "rate_limited"
    assert response.headers["Retry-After"]
    await asyncio.sleep(0.1)
    assert not [m for m in smtp_server.messages if "p4@example.com" in m.envelope_to]


async def test_a_member_already_in_cannot_be_invited(app: Quart, smtp_server: SmtpServer) -> None:
    admin = await register_and_login(app.test_client())
    assert await error_of(await invite(admin, admin.email), 409) == "already_member"


async def test_schedule_invitations_follow_the_same_rules(
    app: Quart, smtp_server: SmtpServer
) -> None:
    """A new account cannot make the server mail anyone it likes: candidate invitations go
    only to listed domains when there is a list, and count against the daily cap."""
    admin = await register_and_login(app.test_client())

    async def schedule(email: str) -> Any:
        return await admin.client.post(
            "/api/schedules",
            json={
                "title": "Pairing",
                "candidate_name": "Grace",
                "candidate_email": email,
                "starts_at": "2030-01-01T10:00:00Z",
                "timezone": "UTC",
            },
            headers=admin.csrf,
        )

    for n in range(3):
        assert (await schedule(f"c{n}@example.com")).status_code == 201
    assert await error_of(await schedule("c4@example.com"), 429) == "rate_limited"
    await admin.client.patch(
        "/api/admin/organization", json={"invite_domains": ["corp.example"]}, headers=admin.csrf
    )
    assert await error_of(await schedule("x@elsewhere.example"), 403) == "address_not_allowed"
    assert (await schedule("ok@corp.example")).status_code == 201
