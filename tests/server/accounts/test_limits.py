"""Abuse of the sign-up and password checks, through the real app on SQLite and PostgreSQL:
sign-ups are limited per client network before any bcrypt hash, IPv6 clients cannot dodge a limit
by rotating through their /64, and account deletion cannot be used to guess the password."""

from __future__ import annotations

from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from tests.support.auth import SignedIn, unique_email

PASSWORD = "correct horse battery"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"auth": {"signups_per_ip": 3, "login_attempts_per_ip": 3}}


def from_address(address: str) -> dict[str, Any]:
    return {"scope_base": {"client": (address, 40000)}}


async def sign_up(client: Client, address: str) -> int:
    response = await client.post(
        "/api/auth/register",
        json={"email": unique_email(), "password": PASSWORD, "name": "Flood"},
        **from_address(address),
    )
    return response.status_code


async def test_sign_ups_are_limited_per_client(app: Quart) -> None:
    client = app.test_client()
    assert [await sign_up(client, "203.0.113.7") for _ in range(4)] == [201, 201, 201, 429]
    assert await sign_up(client, "203.0.113.8") == 201


async def test_an_ipv6_client_cannot_rotate_through_its_64(app: Quart) -> None:
    client = app.test_client()
    codes = [await sign_up(client, f"2001:db8:1:2::{i:x}") for i in range(1, 5)]
    assert codes == [201, 201, 201, 429]
    assert await sign_up(client, "2001:db8:1:3::1") == 201  # another customer's network


async def test_login_limit_is_per_64_too(app: Quart) -> None:
    client = app.test_client()
    codes = []
    for i in range(1, 5):
        response = await client.post(
            "/api/auth/login",
            json={"email": unique_email(), "password": "wrong password here"},
            **from_address(f"2001:db8:9:9::{i:x}"),
        )
        codes.append(response.status_code)
    assert codes == [401, 401, 401, 429]


async def test_account_deletion_does_not_guess_passwords(signed_in: SignedIn) -> None:
    codes = []
    for attempt in range(7):
        response = await signed_in.client.post(
            "/api/auth/account/delete",
            json={"password": f"guess number {attempt}"},
            headers=signed_in.csrf,
        )
        codes.append(response.status_code)
    assert codes[:5] == [403] * 5
    assert codes[5:] == [429, 429]
    response = await signed_in.client.post(
        "/api/auth/account/delete", json={"password": PASSWORD}, headers=signed_in.csrf
    )
    assert response.status_code == 429  # even the right one, until the window passes
    assert int(response.headers["Retry-After"]) > 0
