"""The database: engine, declarative base, and one unit of work per request or socket event.

How a slice uses it:

* models subclass ``Base`` (naming convention set, so Alembic names constraints the same on
  SQLite and PostgreSQL); relationships use ``lazy="raise"`` so a hidden query fails in tests;
* a request handler calls ``current_session()``: the session is opened on first use and the
  request boundary commits it when the response is < 400, rolls it back otherwise;
* a Socket.IO handler (no request) uses ``async with unit_of_work(sessions) as session:``
  (``sessions`` is ``get_state(app).sessions``), which commits on success and rolls back on an
  exception;
* services only ``flush``; only repositories build queries.

Start-up (``open_database``) connects with retries and backoff, names what it could not reach,
then runs the Alembic migrations to head. Tests migrate too; nothing calls ``create_all``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from quart import current_app, g
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Dialect,
    MetaData,
    TypeDecorator,
    event,
    make_url,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, QueryableAttribute

from server.kit.state import get_state
from server.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both databases (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store aware datetimes only (use utcnow())")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


BinFilter = Literal["live", "bin", "any"]
"""Which records a query sees: not deleted, in the bin, or both."""


def bin_filter(
    deleted_at: QueryableAttribute[datetime | None], which: BinFilter
) -> ColumnElement[bool]:
    """The one soft-delete filter: records are binned by setting ``deleted_at``, and every query
    that must skip (or list) the bin says so through this, never with its own ``IS NULL``."""
    if which == "live":
        return deleted_at.is_(None)
    if which == "bin":
        return deleted_at.is_not(None)
    return true()


LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's own wildcards escaped, so "100%" and "a_b" match literally
    (searches of every slice; pass ``escape=LIKE_ESCAPE`` to ``like``)."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """Ids for users and records: uuid4 hex, 32 characters."""
    return uuid.uuid4().hex


def is_valid_id(value: str) -> bool:
    """A malformed id is a 404, never a database error: check the shape before querying."""
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


class DatabaseUnavailableError(Exception):
    """The database did not answer after every retry; the message says where we looked."""


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def create_db_engine(settings: Settings) -> AsyncEngine:
    url = settings.sqlalchemy_url()
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args["timeout"] = 30
    elif parsed.get_backend_name() == "postgresql" and settings.database_schema:
        connect_args["server_settings"] = {"search_path": settings.database_schema}
    engine = create_async_engine(url, connect_args=connect_args, pool_pre_ping=True)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys (and so ON DELETE CASCADE) are off in SQLite unless asked for per connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


async def connect_with_retries(
    engine: AsyncEngine, *, attempts: int = 8, backoff_seconds: float = 0.5
) -> None:
    """Try to connect, doubling the wait each time; fail with a message naming the database."""
    where = describe_url(engine.url.render_as_string(hide_password=False))
    delay = backoff_seconds
    last: BaseException | None = None
    for attempt in range(1, attempts + 1):
        try:
            async with engine.connect():
                return
        except (SQLAlchemyError, OSError) as exc:
            last = exc
            log.warning(
                "database %s not reachable (attempt %d/%d): %s", where, attempt, attempts, exc
            )
            if attempt < attempts:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
    raise DatabaseUnavailableError(
        f"could not reach the database at {where} after {attempts} attempts: {last}"
    )


def alembic_config(url: str) -> Config:
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Run Alembic on an open async engine (``env.py`` reuses the connection we pass)."""
    url = engine.url.render_as_string(hide_password=False)
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, url, revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade, url, revision)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def open_database(
    settings: Settings,
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """Connect (with retries), migrate to head, and hand back the engine and session factory."""
    engine = create_db_engine(settings)
    try:
        await connect_with_retries(
            engine,
            attempts=settings.server.database_connect_attempts,
            backoff_seconds=settings.server.database_connect_backoff_seconds,
        )
        await migrate(engine)
    except BaseException:
        await engine.dispose()
        raise
    return engine, create_session_factory(engine)


# ---- the unit of work --------------------------------------------------------------------------

_G_SESSION = "onsite_db_session"


def current_session() -> AsyncSession:
    """The request's session, opened on first use; the request boundary commits it."""
    session: AsyncSession | None = g.get(_G_SESSION)
    if session is None:
        session = get_state(current_app).sessions()
        setattr(g, _G_SESSION, session)
    return session


async def finish_request_session(status_code: int | None) -> None:
    """Commit for a successful response, roll back for an error or an exception, then close."""
    session: AsyncSession | None = g.pop(_G_SESSION, None)
    if session is None:
        return
    try:
        if status_code is not None and status_code < 400:
            await session.commit()
        else:
            await session.rollback()
    finally:
        await session.close()


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """For code outside a request (Socket.IO events, background tasks): pass the session
    factory (``get_state(app).sessions``), so the caller decides which database it works on."""
    session = sessions()
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()
