"""The question bank's and the scorecards' migrations (0040, 0041) build exactly what the models
describe, on SQLite and PostgreSQL, and go down and up again cleanly."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from quart import Quart
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from server.kit.db import Base, downgrade, migrate
from server.kit.state import get_state

TABLES = {"questions", "question_revisions", "scorecard_templates", "scorecards"}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, Base.metadata)
    return [d for d in diffs if any(f"'{table}'" in repr(d) for table in TABLES)]


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migration_matches_the_models(app: Quart) -> None:
    engine = get_state(app).db_engine
    assert engine is not None
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        assert await connection.run_sync(_tables) >= TABLES


async def test_migration_goes_down_and_up(app: Quart) -> None:
    engine = get_state(app).db_engine
    assert engine is not None
    await downgrade(engine, "0030_judge0_submissions")
    async with engine.connect() as connection:
        assert not TABLES & await connection.run_sync(_tables)
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) >= TABLES
