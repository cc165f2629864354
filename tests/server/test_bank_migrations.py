"""The question bank's and the scorecards' migrations (0040, 0041) go down and up again cleanly
on SQLite and PostgreSQL. (That every model equals what the migrations build is checked for all
slices at once in ``tests/server/kit/test_db.py``.)"""

from __future__ import annotations

import pytest
from quart import Quart
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from server.kit.db import downgrade, migrate
from server.kit.state import get_state

TABLES = {"questions", "question_revisions", "scorecard_templates", "scorecards"}
pytestmark = pytest.mark.fresh_database


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migration_goes_down_and_up(app: Quart) -> None:
    engine = get_state(app).db_engine
    assert engine is not None
    await downgrade(engine, "0030_judge0_submissions")
    async with engine.connect() as connection:
        assert not TABLES & await connection.run_sync(_tables)
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) >= TABLES
