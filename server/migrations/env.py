"""Alembic environment: one metadata for every slice, async engines, SQLite batch mode.

The app passes an open connection in ``config.attributes["connection"]`` (see
``server.kit.db.migrate``); from the command line we build an engine from the Onsite settings.
Every slice's models module is imported here so ``Base.metadata`` sees all tables
(autogenerate included). Revision numbering: accounts/keys 0001-0009, records 0010-0019,
rooms 0020-0029, compatibility APIs 0030-0039, each chained after the previous one.
"""

from __future__ import annotations

import asyncio
import importlib
import logging

from alembic import context
from sqlalchemy.engine import Connection

from server.kit.db import Base

log = logging.getLogger("alembic.env")

# Slices' model modules; a slice that does not exist yet is skipped.
MODEL_MODULES = (
    "server.accounts.models",
    "server.organization.models",
    "server.interviews.models",
    "server.schedules.models",
    "server.rooms.models",
    "server.questions.models",
    "server.scorecards.models",
    "server.runs.models",
    "server.judge0.models",
)
for _name in MODEL_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise

target_metadata = Base.metadata
config = context.config


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from server.settings import Settings

    return Settings.load().sqlalchemy_url()


async def _run_async() -> None:
    """From the command line: the app's own engine (schema, SQLite pragmas) from the settings."""
    from server.kit.db import create_db_engine
    from server.settings import Settings

    engine = create_db_engine(Settings.load())
    async with engine.begin() as connection:
        await connection.run_sync(_configure_and_run)
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
