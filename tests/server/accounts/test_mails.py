"""Forgot/reset password and two-step account deletion, with mail through a real SMTP server
(aiosmtpd on loopback) and, for the default setup, through the outbox directory."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client
from sqlalchemy import select, text, update

from server.accounts.models import OneTimeToken
from server.interviews import service as interviews
from server.kit.db import Base, unit_of_work, utcnow
from server.kit.state import get_state
from tests.support.auth import SignedIn, register_and_login, unique_email
from tests.support.http import error_code
from tests.support.mail import read_outbox, text_body, token_from_link
from tests.support.smtp import SmtpServer

NEW_PASSWORD = "a brand new secret"


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
    return {
        "mail": {"smtp_host": smtp_server.host, "smtp_port": smtp_server.port},
        "server": {"public_url": "https://onsite.example"},
    }


async def wait_for_mail(smtp: SmtpServer, to: str, count: int = 1) -> list[EmailMessage]:
    for _ in range(200):
        messages = smtp.to(to)
        if len(messages) >= count:
            return messages
        await asyncio.sleep(0.02)
    raise AssertionError(f"no mail reached {to} (got {len(smtp.to(to))})")


async def forgot(client: Client, email: str) -> Any:
    return await client.post("/api/auth/password/forgot", json={"email": email})


async def test_reset_password_end_to_end(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    response = await forgot(client, signed_in.email)
    assert response.status_code == 202
    [mail] = await wait_for_mail(smtp_server, signed_in.email)
    assert mail["Subject"] == "Reset your Onsite password"
    assert "https://onsite.example/reset-password?token=" in text_body(mail)
    token = token_from_link(mail, "/reset-password")

    reset = await client.post(
        "/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 204
    # the old session's refresh token was revoked with the reset
    assert (await client.post("/api/auth/refresh", headers=signed_in.csrf)).status_code == 401
    old = await client.post(
        "/api/auth/login", json={"email": signed_in.email, "password": signed_in.password}
    )
    assert old.status_code == 401
    new = await client.post(
        "/api/auth/login", json={"email": signed_in.email, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200
    # single use
    again = await client.post(
        "/api/auth/password/reset", json={"token": token, "password": "yet another one"}
    )
    assert again.status_code == 400
    assert await error_code(again) == "token_used"


async def test_forgot_answers_the_same_for_unknown_addresses(
    client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    known = await forgot(client, signed_in.email)
    unknown_address = unique_email()
    unknown = await forgot(client, unknown_address)
    assert known.status_code == unknown.status_code == 202
    assert await known.get_json() == await unknown.get_json()
    await wait_for_mail(smtp_server, signed_in.email)
    await asyncio.sleep(0.1)
    assert smtp_server.to(unknown_address) == []


async def test_reset_refuses_forged_expired_and_weak(
    app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    forged = await client.post(
        "/api/auth/password/reset", json={"token": "made-up-token", "password": NEW_PASSWORD}
    )
    assert forged.status_code == 400
    assert await error_code(forged) == "invalid_token"

    await forgot(client, signed_in.email)
    [mail] = await wait_for_mail(smtp_server, signed_in.email)
    token = token_from_link(mail, "/reset-password")
    weak = await client.post("/api/auth/password/reset", json={"token": token, "password": "x"})
    assert weak.status_code == 400
    assert await error_code(weak) == "invalid_password"

    async with unit_of_work(get_state(app).sessions) as session:  # age the token past its expiry
        await session.execute(
            update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    late = await client.post(
        "/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}
    )
    assert late.status_code == 400
    assert await error_code(late) == "token_expired"


async def test_tokens_are_stored_hashed(
    app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    await forgot(client, signed_in.email)
    [mail] = await wait_for_mail(smtp_server, signed_in.email)
    token = token_from_link(mail, "/reset-password")
    async with unit_of_work(get_state(app).sessions) as session:
        hashes = (await session.execute(select(OneTimeToken.token_hash))).scalars().all()
    assert hashes and token not in hashes


async def test_account_deletion_is_two_steps_and_cascades(
    app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    user_id = signed_in.user["id"]
    created = await client.post(
        "/api/interviews",
        json={"title": "Backend", "candidate_name": "Grace"},
        headers=signed_in.csrf,
    )
    assert created.status_code == 201, await created.get_data()
    interview_id = (await created.get_json())["id"]
    # what a room would have added to the record
    async with unit_of_work(get_state(app).sessions) as session:
        await interviews.append_chat_message(
            session, interview_id, "Grace", "candidate", "hello", utcnow()
        )
        await interviews.append_run(
            session, interview_id, "Grace", "python", "", {"status": "ok", "language": "python"}
        )
    key = await client.post("/api/keys", json={"name": "ci"}, headers=signed_in.csrf)
    assert key.status_code == 201

    wrong = await client.post(
        "/api/auth/account/delete", json={"password": "not my password"}, headers=signed_in.csrf
    )
    assert wrong.status_code == 403
    assert await error_code(wrong) == "wrong_password"
    no_csrf = await client.post("/api/auth/account/delete", json={"password": signed_in.password})
    assert no_csrf.status_code == 403

    step1 = await client.post(
        "/api/auth/account/delete", json={"password": signed_in.password}, headers=signed_in.csrf
    )
    assert step1.status_code == 202
    [mail] = await wait_for_mail(smtp_server, signed_in.email)
    assert "https://onsite.example/account/delete?token=" in text_body(mail)
    # nothing is deleted before the link is used
    assert (await client.get("/api/auth/me")).status_code == 200

    token = token_from_link(mail, "/account/delete")
    confirm = await client.post("/api/auth/account/delete/confirm", json={"token": token})
    assert confirm.status_code == 204
    assert (await client.get("/api/auth/me")).status_code == 401
    again = await client.post("/api/auth/account/delete/confirm", json={"token": token})
    assert again.status_code == 400

    owned = {"users": user_id, "interviews": interview_id}
    checked = []
    async with unit_of_work(get_state(app).sessions) as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                for fk in column.foreign_keys:
                    parent = fk.column.table.name
                    if parent not in owned:
                        continue
                    count = (
                        await session.execute(
                            text(f"SELECT COUNT(*) FROM {table.name} WHERE {column.name} = :v"),
                            {"v": owned[parent]},
                        )
                    ).scalar_one()
                    assert count == 0, f"{table.name}.{column.name} still has rows"
                    checked.append(f"{table.name}.{column.name}")
        gone = await session.execute(
            text("SELECT COUNT(*) FROM interviews WHERE id = :v"), {"v": interview_id}
        )
        assert gone.scalar_one() == 0
    assert len(checked) >= 5, checked  # the accounts tables and the records' children


async def test_deletion_needs_a_session(app: Quart) -> None:
    response = await app.test_client().post(
        "/api/auth/account/delete", json={"password": "whatever1"}
    )
    assert response.status_code == 401


async def test_deletion_mail_failure_is_503_not_500(
    app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()  # the port now refuses connections
    response = await client.post(
        "/api/auth/account/delete", json={"password": signed_in.password}, headers=signed_in.csrf
    )
    assert response.status_code == 503
    assert await error_code(response) == "mail_failed"


@pytest.mark.parametrize("settings_overrides", [{}])
async def test_without_smtp_mail_goes_to_the_outbox(app: Quart, client: Client) -> None:
    signed = await register_and_login(client)
    assert (await forgot(client, signed.email)).status_code == 202
    data_dir = get_state(app).settings.data_dir
    for _ in range(200):
        if read_outbox(data_dir):
            break
        await asyncio.sleep(0.02)
    [mail] = read_outbox(data_dir)
    assert mail["To"] == signed.email
    token = token_from_link(mail, "/reset-password")
    reset = await client.post(
        "/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 204


async def test_reset_mails_per_address_are_capped_silently(
    app: Quart, client: Client, signed_in: SignedIn, smtp_server: SmtpServer
) -> None:
    cap = get_state(app).settings.auth.reset_mails_per_address
    for _ in range(cap + 2):
        response = await forgot(client, signed_in.email)
        assert response.status_code == 202
    await wait_for_mail(smtp_server, signed_in.email, count=cap)
    await asyncio.sleep(0.2)
    assert len(smtp_server.to(signed_in.email)) == cap


async def test_forgot_is_rate_limited_per_ip(app: Quart, client: Client) -> None:
    limit = get_state(app).settings.auth.login_attempts_per_ip
    for _ in range(limit):
        assert (await forgot(client, unique_email())).status_code == 202
    limited = await forgot(client, unique_email())
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
