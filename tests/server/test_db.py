"""The database at start-up: retries with a clear message, migrations up and down."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect

from server.kit.db import (
    DatabaseUnavailableError,
    create_db_engine,
    downgrade,
    is_valid_id,
    migrate,
    open_database,
)
from server.settings import Settings
from tests.conftest import DatabaseUnderTest


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_unreachable_database_fails_clearly_after_retries(tmp_path: Path) -> None:
    port = closed_port()
    settings = Settings.for_tests(
        tmp_path,
        database_url=f"postgresql+asyncpg://onsite:hunter2@127.0.0.1:{port}/nowhere",
        server={"database_connect_attempts": 3, "database_connect_backoff_seconds": 0.05},
    )
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError) as info:
        await open_database(settings)
    message = str(info.value)
    assert f"127.0.0.1:{port}/nowhere" in message and "after 3 attempts" in message
    assert "hunter2" not in message
    assert time.monotonic() - started >= 0.05 + 0.1  # it backed off between attempts


async def test_migrations_reach_head_and_go_back(
    settings: Settings, database: DatabaseUnderTest
) -> None:
    engine, _factory = await open_database(settings)
    try:
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert {
            "users",
            "refresh_tokens",
            "one_time_tokens",
            "oidc_identities",
            "api_keys",
            "alembic_version",
        } <= tables
        await downgrade(engine, "base")
        async with engine.connect() as conn:
            left = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert left <= {"alembic_version"}
        await migrate(engine)
        async with engine.connect() as conn:
            again = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert again == tables
    finally:
        await engine.dispose()


async def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    """SQLite ignores ON DELETE CASCADE unless each connection turns foreign keys on."""
    engine = create_db_engine(Settings.for_tests(tmp_path))
    try:
        async with engine.connect() as conn:
            result = await conn.exec_driver_sql("PRAGMA foreign_keys")
            assert result.scalar_one() == 1
    finally:
        await engine.dispose()


def test_id_shape_check() -> None:
    assert is_valid_id("0123456789abcdef0123456789abcdef")
    for bad in ["", "x", "0123456789ABCDEF0123456789ABCDEF", "g" * 32, "1" * 33, "' or 1=1 --"]:
        assert not is_valid_id(bad)
