"""Alembic environment: runs migrations on an async engine (through ``run_sync``).

Two ways in:
- from code (``upgrade_database``): the caller passes an open connection in
  ``config.attributes["connection"]``; migrations run on it, inside the caller's transaction;
- from the ``alembic`` command line: the URL comes from ``sqlalchemy.url`` or ``DATABASE_URL``
  (and an optional ``-x schema=NAME`` for PostgreSQL); an async engine is made and disposed here.
"""

from __future__ import annotations

import asyncio
import logging
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.adapters.storage.engine import checked_schema_name, create_engine
from bot.adapters.storage.schema import metadata
from bot.adapters.storage.urls import async_database_url

logger = logging.getLogger("alembic.env")

config = context.config
target_metadata = metadata


def _configure(**options: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=False,
        **options,  # type: ignore[arg-type]
    )


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("set sqlalchemy.url or DATABASE_URL to run migrations")
    return async_database_url(url)


def _schema() -> str | None:
    schema = config.attributes.get("schema") or context.get_x_argument(as_dictionary=True).get(
        "schema"
    )
    return str(schema) if schema else None


def run_on(connection: Connection) -> None:
    """Run pending migrations on an open (sync-facing) connection."""
    _configure(
        connection=connection,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    schema = _schema()
    engine = create_engine(_url(), schema=schema)
    try:
        async with engine.begin() as connection:
            if schema is not None:
                name = checked_schema_name(schema)
                await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def run_offline() -> None:
    """``alembic upgrade --sql``: print the DDL instead of running it."""
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif config.attributes.get("connection") is not None:
    run_on(config.attributes["connection"])
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(_run_standalone())
