"""``onsite admin create EMAIL`` as a shell runs it (a subprocess), on the app's database:
an admin who can sign in at once, on an installation whose sign-up stays closed."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest
from quart import Quart

from server.settings import Settings
from tests.support.http import error_of
from tests.support.org import INSTALLATION_DEFAULTS

pytestmark = pytest.mark.fresh_database  # the command commits in another process


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return INSTALLATION_DEFAULTS


async def onsite_admin(settings: Settings, *args: str, stdin: str = "") -> tuple[int, str]:
    env = {
        **os.environ,
        "ONSITE_DATA_DIR": str(settings.data_dir),
        "ONSITE_DATABASE_URL": settings.database_url,
        "ONSITE_DATABASE_SCHEMA": settings.database_schema,
        "ONSITE_AUTH_JWT_SECRET": settings.auth.jwt_secret,
        "ONSITE_AUTH_BCRYPT_ROUNDS": "4",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "admin", *args,
        env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate(stdin.encode())
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_the_command_creates_an_admin_who_signs_in(app: Quart, settings: Settings) -> None:
    code, out = await onsite_admin(
        settings, "create", "Boss@Example.com", "--name", "The Boss", stdin="a long password\n"
    )
    assert code == 0, out
    assert "created the admin account boss@example.com" in out
    client = app.test_client()
    response = await client.post(
        "/api/auth/login", json={"email": "boss@example.com", "password": "a long password"}
    )
    assert response.status_code == 200, await response.get_data()
    assert (await response.get_json())["user"]["role"] == "admin"
    # the installation's first account exists: sign-up is closed
    response = await app.test_client().post(
        "/api/auth/register",
        json={"email": "x@example.com", "password": "a long password", "name": "X"},
    )
    assert await error_of(response, 403) == "signup_closed"
    # run again for an existing account: it stays an admin, with its password
    code, out = await onsite_admin(settings, "create", "boss@example.com", "--no-password")
    assert code == 0 and "made the account an admin" in out
    audit = await (await client.get("/api/admin/audit")).get_json()
    assert {"sign_up", "role_changed", "sign_in"} <= {e["action"] for e in audit["items"]}


async def test_a_short_password_is_refused(settings: Settings, app: Quart) -> None:
    code, out = await onsite_admin(settings, "create", "a@example.com", stdin="short\n")
    assert code == 1 and "password" in out.lower()
