"""Fixtures every server test uses. Real services throughout: SQLite files, a real PostgreSQL
(``ONSITE_TEST_POSTGRES_URL``, default the local onsite_test database), a real SMTP server.

* ``database`` — parametrised ``sqlite`` / ``postgresql``: every test that (indirectly) asks for
  it runs on both. A test of the ``app`` fixture shares one database per kind with the whole
  session (migrated once: a SQLite file, a PostgreSQL schema selected through ``search_path``)
  and runs inside a transaction rolled back at its end; migrating a fresh database cost about
  200 ms (SQLite) and 560 ms (PostgreSQL) a test, this costs about 20 and 60. Any other test
  (its own app, a live server), one marked ``fresh_database`` (migrations, concurrent
  connections), or every test under ``ONSITE_TEST_DB=fresh`` gets a new, migrated database.
* ``settings`` — ``Settings.for_tests``: data dir in ``tmp_path``, bcrypt cost 4, mail to the
  outbox, the test's database, sign-up open without a mailed confirmation
  (``tests.support.org.OPEN_SIGNUP``; ``INSTALLATION_DEFAULTS`` restores the defaults).
  Override per test with ``settings_overrides`` (a dict fixture).
* ``fake_engine`` — ``tests.support.fake_engine.FakeEngine`` (echoes stdin to stdout).
* ``app`` — ``create_app(settings, fake_engine)`` inside ``app.test_app()``, so the serving hooks
  ran: migrations applied, mailer and engine started. ``get_state(app)`` reaches them. Its
  sessions all join one connection's transaction as savepoints (a commit releases one), so
  requests and ``unit_of_work`` behave as in production and nothing outlives the test.
* ``client`` — a cookie-keeping Quart test client for ``app``.
* ``register_and_login(client, ...)`` (from ``tests.support.auth``) — signs a user up and
  returns a ``SignedIn`` with ``user`` and ``csrf`` headers; also the ``signed_in`` fixture.
* ``smtp_server`` — a real aiosmtpd server on a free port. To send through it, override
  ``settings_overrides`` in the test module::

      @pytest.fixture
      def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
          return {"mail": {"smtp_host": smtp_server.host, "smtp_port": smtp_server.port}}

  Without it mail lands in ``<data_dir>/outbox`` (``tests.support.mail.read_outbox``).
* ``redis_server`` — the session's real ``redis-server`` on loopback, flushed for the test
  (``.url``; ``RedisServer.start(dir, users=...)`` for one with ACL users of its own).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.testing.app import TestApp
from quart.typing import TestClientProtocol as Client
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from server.app import create_app
from server.kit.db import open_database
from server.kit.state import AppState, get_state
from server.settings import Settings
from tests.support.auth import SignedIn, register_and_login
from tests.support.fake_engine import FakeEngine
from tests.support.org import OPEN_SIGNUP, merged
from tests.support.redis_server import RedisServer
from tests.support.smtp import SmtpServer

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://onsite:onsite@127.0.0.1:5432/onsite_test"


class PatientTestApp(TestApp):
    """Quart's test app gives the serving hooks 6 s; with the suite's two halves and the engine
    tests' containers sharing two cores, start-up (migrations check, engine, mailer) once took
    longer, and the test failed at setup on a timeout that says nothing about the app."""

    def __init__(self, app: Quart, startup_timeout: int = 60, shutdown_timeout: int = 60) -> None:
        super().__init__(app, startup_timeout, shutdown_timeout)


Quart.test_app_class = PatientTestApp

__all__ = ["SignedIn", "register_and_login"]


@dataclass(frozen=True)
class DatabaseUnderTest:
    kind: str
    url: str
    """Empty for SQLite: the file lives in the test's data dir."""
    schema: str


def postgres_url() -> str:
    return os.environ.get("ONSITE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


DB_STRATEGY = os.environ.get("ONSITE_TEST_DB", "shared")
"""``shared``: one migrated database per kind per test session, each ``app`` test inside a
transaction rolled back at its end; ``fresh``: a new, migrated database for every test."""


def _shares_database(request: pytest.FixtureRequest) -> bool:
    return (
        DB_STRATEGY == "shared"
        and "app" in request.fixturenames
        and request.node.get_closest_marker("fresh_database") is None
    )


async def _fresh(kind: str) -> AsyncIterator[DatabaseUnderTest]:
    if kind == "sqlite":
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


@pytest.fixture(scope="session")
def worker_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerDatabases]:
    """Migrated once per session, lazily per kind (a SQLite-only run never touches PostgreSQL)."""
    databases = WorkerDatabases(tmp_path_factory.mktemp("worker-db"))
    try:
        yield databases
    finally:
        databases.drop()


class WorkerDatabases:
    def __init__(self, where: Path) -> None:
        self.where = where
        self.made: dict[str, DatabaseUnderTest] = {}

    async def get(self, kind: str) -> DatabaseUnderTest:
        """Made in the first asking test's loop; nothing of it (engines) outlives the call."""
        if kind not in self.made:
            self.made[kind] = await self._make(kind)
        return self.made[kind]

    async def _make(self, kind: str) -> DatabaseUnderTest:
        if kind == "sqlite":
            made = DatabaseUnderTest(
                "sqlite", f"sqlite+aiosqlite:///{self.where / 'worker.sqlite3'}", ""
            )
        else:
            made = DatabaseUnderTest("postgresql", postgres_url(), f"w_{uuid.uuid4().hex[:16]}")
            admin = create_async_engine(made.url, poolclass=NullPool)
            async with admin.begin() as conn:
                await conn.execute(text(f'CREATE SCHEMA "{made.schema}"'))
            await admin.dispose()
        settings = Settings.for_tests(
            self.where, database_url=made.url, database_schema=made.schema
        )
        engine, _ = await open_database(settings)  # migrates to head
        await engine.dispose()
        return made

    def drop(self) -> None:
        made = self.made.get("postgresql")
        if made is not None:
            asyncio.run(self._drop_schema(made))

    @staticmethod
    async def _drop_schema(made: DatabaseUnderTest) -> None:
        admin = create_async_engine(made.url, poolclass=NullPool)
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{made.schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
async def database(
    request: pytest.FixtureRequest, worker_databases: WorkerDatabases
) -> AsyncIterator[DatabaseUnderTest]:
    """The test's database: for a test of the ``app`` fixture the worker's shared one (``app``
    rolls the test back); a new one for any other test (its own app or a live server commits
    for real), under ``ONSITE_TEST_DB=fresh``, or with the ``fresh_database`` marker."""
    if _shares_database(request):
        yield await worker_databases.get(request.param)
        return
    async for made in _fresh(request.param):
        yield made


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module (or parametrise) to change settings for its tests."""
    return {}


@pytest.fixture
def settings(
    tmp_path: Path, database: DatabaseUnderTest, settings_overrides: dict[str, Any]
) -> Settings:
    """Sign-up is open and needs no mailed confirmation here (``tests.support.org``): most
    tests sign several users up. Tests of the installation's defaults override it."""
    overrides = merged(
        OPEN_SIGNUP,
        {"database_url": database.url, "database_schema": database.schema},
        settings_overrides,
    )
    return Settings.for_tests(tmp_path, **overrides)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
async def app(
    settings: Settings, fake_engine: FakeEngine, request: pytest.FixtureRequest
) -> AsyncIterator[Quart]:
    quart_app = create_app(settings, fake_engine)
    async with quart_app.test_app():
        if _shares_database(request):
            async with rolled_back(get_state(quart_app)):
                yield quart_app
        else:
            yield quart_app


def _sqlite_manual_transactions(connection: Connection) -> None:
    connection.connection.dbapi_connection.isolation_level = None  # type: ignore[union-attr]


@asynccontextmanager
async def rolled_back(state: AppState) -> AsyncIterator[None]:
    """Every session of the app joins one outer transaction on one connection, as savepoints
    (a service's commit releases its savepoint), and the outer transaction is rolled back at
    the end, so the shared database is as it was."""
    assert state.db_engine is not None
    async with state.db_engine.connect() as connection:
        outer = await connection.begin()
        if connection.dialect.name == "sqlite":
            # The sqlite3 module's own transaction handling breaks SAVEPOINT (SQLAlchemy's
            # documented recipe): hand transactions to us, then begin explicitly.
            await connection.run_sync(_sqlite_manual_transactions)
            await connection.exec_driver_sql("BEGIN")
        state.session_factory = async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            yield
        finally:
            await outer.rollback()


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


@pytest.fixture(scope="session")
def redis_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real ``redis-server`` for the whole session (it starts in ~10 ms, but tests share it)."""
    server = RedisServer.start(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server(redis_session: RedisServer) -> RedisServer:
    """The session's Redis, emptied for this test."""
    redis_session.flush()
    return redis_session
