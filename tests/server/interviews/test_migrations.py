"""The records' migrations (0010, 0011) build exactly what the models describe, on SQLite and
PostgreSQL, and go down and up again cleanly. Tests migrate and never ``create_all``, so a model
change without a migration would otherwise only show up in production."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from quart import Quart
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from server.kit.db import Base, downgrade, migrate
from server.kit.state import get_state

RECORD_TABLES = {"interviews", "interview_messages", "interview_runs", "schedules"}


def _mentions_our_tables(diff: Any) -> bool:
    text = repr(diff)
    return any(f"'{table}'" in text for table in RECORD_TABLES)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if _mentions_our_tables(d)]


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_models(app: Quart) -> None:
    engine = get_state(app).db_engine
    assert engine is not None
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        assert await connection.run_sync(_tables) >= RECORD_TABLES


@pytest.mark.fresh_database  # it drops the tables every other test shares
async def test_records_migrations_go_down_and_up(app: Quart) -> None:
    engine = get_state(app).db_engine
    assert engine is not None
    await downgrade(engine, "0001_accounts")
    async with engine.connect() as connection:
        assert not RECORD_TABLES & await connection.run_sync(_tables)
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) >= RECORD_TABLES
        assert await connection.run_sync(_differences) == []
