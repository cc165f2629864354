"""Sockets are authorised at connect, so whatever ends an account's sessions must end its open
room sockets too: signing out, a password reset, a deactivation by the admin, deleting the
account. Each is done over REST against the real server, with a joined Socket.IO client."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from server.accounts import service as accounts
from server.kit.db import unit_of_work
from server.kit.security import ACCESS_COOKIE
from server.kit.state import get_state
from tests.server.rooms.conftest import STUB, ClientFactory
from tests.server.rooms.live import LiveServer, YClient
from tests.support.auth import DEFAULT_PASSWORD, unique_email
from tests.support.mail import read_outbox, token_from_link


async def sign_up(live: LiveServer, name: str = "Lee") -> tuple[str, str, str]:
    """(user id, access token with a session id, e-mail) of an account opened over REST."""
    email = unique_email(name.lower())
    credentials = {"email": email, "password": DEFAULT_PASSWORD, "name": name}
    async with (
        aiohttp.ClientSession() as http,
        http.post(live.url + "/api/auth/register", json=credentials) as response,
    ):
        assert response.status == 201, await response.text()
        user_id: str = (await response.json())["user"]["id"]
        access = response.cookies[ACCESS_COOKIE].value
    return user_id, access, email


async def joined(live: LiveServer, connect: ClientFactory, user_id: str, access: str) -> YClient:
    async with unit_of_work(get_state(live.app).sessions) as session:
        owner = await accounts.get_user(session, user_id)
    assert owner is not None
    interview = await live.interview(owner)
    client = await connect({"interview_id": interview.id, "access_token": access})
    await client.wait_text(STUB)
    return client


async def ended(client: YClient, code: str) -> None:
    await client.wait_for("error", lambda e: e["code"] == code)
    for _ in range(200):
        if not client.sio.connected:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the socket is still connected")


async def mailed_token(live: LiveServer, email: str, path: str) -> str:
    for _ in range(200):
        mails = [m for m in read_outbox(live.settings.data_dir) if email in str(m["To"])]
        if mails:
            return token_from_link(mails[-1], path)
        await asyncio.sleep(0.025)
    raise AssertionError(f"no mail to {email}")


async def test_signing_out_ends_the_sessions_open_socket(
    live: LiveServer, connect: ClientFactory
) -> None:
    user_id, access, _ = await sign_up(live)
    _, other_access, _ = await sign_up(live, "Other")
    ada = await joined(live, connect, user_id, access)
    bystander = await joined(live, connect, *(await sign_up(live, "Bea"))[:2])
    status, _, _ = await live.http("POST", "/api/auth/logout", token=access)
    assert status == 204
    await ended(ada, "session_ended")
    assert bystander.sio.connected  # another account's socket stays
    assert other_access


async def test_a_password_reset_ends_every_socket_of_the_account(
    live: LiveServer, connect: ClientFactory
) -> None:
    user_id, access, email = await sign_up(live)
    ada = await joined(live, connect, user_id, access)
    status, _, _ = await live.http("POST", "/api/auth/password/forgot", json={"email": email})
    assert status == 202
    token = await mailed_token(live, email, "/reset-password")
    body: dict[str, Any] = {"token": token, "password": "a brand new one"}
    status, _, _ = await live.http("POST", "/api/auth/password/reset", json=body)
    assert status == 204
    await ended(ada, "session_ended")


async def test_deactivation_ends_the_members_sockets(
    live: LiveServer, connect: ClientFactory
) -> None:
    _, admin_access, _ = await sign_up(live, "Admin")  # the first account: the admin
    member_id, member_access, _ = await sign_up(live, "Member")
    bob = await joined(live, connect, member_id, member_access)
    status, body, _ = await live.http(
        "POST", f"/api/admin/members/{member_id}/deactivate", token=admin_access
    )
    assert status == 200, body
    await ended(bob, "account_deactivated")
    refused = YClient(live.url, {"interview_id": "x" * 32, "access_token": member_access})
    assert (await refused.connect_refused())["code"] in {"session_revoked", "account_deactivated"}


async def test_deleting_the_account_ends_its_sockets(
    live: LiveServer, connect: ClientFactory
) -> None:
    user_id, access, email = await sign_up(live)
    ada = await joined(live, connect, user_id, access)
    status, body, _ = await live.http(
        "POST", "/api/auth/account/delete", token=access, json={"password": DEFAULT_PASSWORD}
    )
    assert status == 202, body
    token = await mailed_token(live, email, "/account/delete")
    status, body, _ = await live.http(
        "POST", "/api/auth/account/delete/confirm", json={"token": token}
    )
    assert status == 204, body
    await ended(ada, "session_ended")
