"""Fixtures every server test uses. Real services throughout: SQLite files, a real PostgreSQL
(``ONSITE_TEST_POSTGRES_URL``, default the local onsite_test database), a real SMTP server.

* ``database`` — parametrised ``sqlite`` / ``postgresql``: every test that (indirectly) asks for
  it runs on both. SQLite gets a new file per test; PostgreSQL a new schema per test (dropped
  afterwards), selected through ``search_path`` so migrations and queries land in it.
* ``settings`` — ``Settings.for_tests``: data dir in ``tmp_path``, bcrypt cost 4, mail to the
  outbox, the test's database. Override per test with ``settings_overrides`` (a dict fixture).
* ``fake_engine`` — ``tests.support.fake_engine.FakeEngine`` (echoes stdin to stdout).
* ``app`` — ``create_app(settings, fake_engine)`` inside ``app.test_app()``, so the serving hooks
  ran: migrations applied, mailer and engine started. ``get_state(app)`` reaches them.
* ``client`` — a cookie-keeping Quart test client for ``app``.
* ``register_and_login(client, ...)`` (from ``tests.support.auth``) — signs a user up and
  returns a ``SignedIn`` with ``user`` and ``csrf`` headers; also the ``signed_in`` fixture.
* ``smtp_server`` — a real aiosmtpd server on a free port. To send through it, override
  ``settings_overrides`` in the test module::

      @pytest.fixture
      def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
          return {"mail": {"smtp_host": smtp_server.host, "smtp_port": smtp_server.port}}

  Without it mail lands in ``<data_dir>/outbox`` (``tests.support.mail.read_outbox``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.app import create_app
from server.settings import Settings
from tests.support.auth import SignedIn, register_and_login
from tests.support.fake_engine import FakeEngine
from tests.support.smtp import SmtpServer

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://onsite:onsite@127.0.0.1:5432/onsite_test"

__all__ = ["SignedIn", "register_and_login"]


@dataclass(frozen=True)
class DatabaseUnderTest:
    kind: str
    url: str
    """Empty for SQLite: the file lives in the test's data dir."""
    schema: str


def postgres_url() -> str:
    return os.environ.get("ONSITE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
async def database(request: pytest.FixtureRequest) -> AsyncIterator[DatabaseUnderTest]:
    if request.param == "sqlite":
        yield DatabaseUnderTest("sqlite", "", "")
        return
    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(url, poolclass=NullPool)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield DatabaseUnderTest("postgresql", url, schema)
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module (or parametrise) to change settings for its tests."""
    return {}


@pytest.fixture
def settings(
    tmp_path: Path, database: DatabaseUnderTest, settings_overrides: dict[str, Any]
) -> Settings:
    overrides: dict[str, Any] = {"database_url": database.url, "database_schema": database.schema}
    overrides.update(settings_overrides)
    return Settings.for_tests(tmp_path, **overrides)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
async def app(settings: Settings, fake_engine: FakeEngine) -> AsyncIterator[Quart]:
    quart_app = create_app(settings, fake_engine)
    async with quart_app.test_app():
        yield quart_app


@pytest.fixture
def client(app: Quart) -> Client:
    return app.test_client()


@pytest.fixture
async def signed_in(client: Client) -> SignedIn:
    """A registered user whose cookies are in ``client``."""
    return await register_and_login(client)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
