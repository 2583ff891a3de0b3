"""Run the packaged Alembic migrations from code: ``await upgrade_database(url)`` on every start.

No ``alembic.ini`` is needed in the working directory: the Config is built here and points at
``bot/migrations`` inside the installed package. Upgrading is idempotent (at head it does
nothing) and safe when several processes start at once: PostgreSQL takes a transaction-level
advisory lock first, SQLite runs the whole upgrade under ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.storage.engine import checked_schema_name, create_engine, writer
from bot.adapters.storage.urls import async_database_url, is_postgres_url
from bot.errors import StorageError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# Any fixed signed 64-bit key: serialises concurrent upgrades of one PostgreSQL database.
_ADVISORY_LOCK_KEY = 0x6B68_6162_6172_6461  # "khabarda"


def alembic_config(url: str | None = None, *, schema: str | None = None) -> Config:
    """An Alembic Config for the packaged migrations (also usable with ``alembic.command``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", async_database_url(url).replace("%", "%%"))
    if schema is not None:
        config.attributes["schema"] = checked_schema_name(schema)
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("no migrations found in the package")
    return head


async def upgrade_database(url: str, *, schema: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (and PostgreSQL ``schema``, created if missing) up to
    ``revision``. Raises StorageError when the database cannot be reached or refuses."""
    await _migrate(url, schema=schema, revision=revision, direction=command.upgrade)


async def downgrade_database(url: str, *, revision: str, schema: str | None = None) -> None:
    """Step the schema back to ``revision`` (``"base"``: drop everything). Operators only."""
    await _migrate(url, schema=schema, revision=revision, direction=command.downgrade)


async def _migrate(
    url: str,
    *,
    schema: str | None,
    revision: str,
    direction: Callable[[Config, str], None],
) -> None:
    if schema is not None and not is_postgres_url(url):
        raise ValueError("a schema can only be chosen for PostgreSQL, not SQLite")
    engine = create_engine(url, schema=schema)
    config = alembic_config(url, schema=schema)
    try:
        async with writer(engine).begin() as connection:
            if engine.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY}
                )
            if schema is not None:
                # Under the lock: CREATE SCHEMA IF NOT EXISTS itself races between sessions.
                await connection.execute(
                    text(f'CREATE SCHEMA IF NOT EXISTS "{checked_schema_name(schema)}"')
                )
            before = await connection.run_sync(_current)
            await connection.run_sync(_run, config, direction, revision)
            after = await connection.run_sync(_current)
    except (SQLAlchemyError, OSError) as exc:
        raise StorageError(f"database migration failed: {type(exc).__name__}: {exc}") from exc
    finally:
        await engine.dispose()
    if before != after:
        logger.info("database migrated", extra={"from_revision": before, "to_revision": after})


async def current_revision(url: str, *, schema: str | None = None) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = create_engine(url, schema=schema)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    except (SQLAlchemyError, OSError) as exc:
        raise StorageError(f"reading the database revision failed: {exc}") from exc
    finally:
        await engine.dispose()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _run(
    connection: Connection,
    config: Config,
    direction: Callable[[Config, str], None],
    revision: str,
) -> None:
    # env.py runs the migrations on this connection, inside our transaction.
    config.attributes["connection"] = connection
    direction(config, revision)
