"""Migrations: the packaged Alembic revision creates exactly the schema the code declares, runs
from any working directory without alembic.ini, is idempotent, and survives concurrent starts."""

from __future__ import annotations

import asyncio
import io
import os
import secrets
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.adapters.storage import (
    create_engine,
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)
from bot.adapters.storage.migrate import alembic_config
from bot.adapters.storage.schema import metadata

EXPECTED_TABLES = {
    "alembic_version",
    "articles",
    "chats",
    "digests",
    "outbox",
    "sources",
    "subscriptions",
}


def _schema_differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrated_schema_matches_the_declared_one(backend) -> None:
    engine = create_engine(backend.url, schema=backend.schema)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_table_names) == EXPECTED_TABLES
            assert await connection.run_sync(_schema_differences) == []
    finally:
        await engine.dispose()


async def test_upgrade_is_idempotent(backend) -> None:
    assert await current_revision(backend.url, schema=backend.schema) == head_revision()
    await upgrade_database(backend.url, schema=backend.schema)
    await upgrade_database(backend.url, schema=backend.schema)
    assert await current_revision(backend.url, schema=backend.schema) == head_revision()
    engine = create_engine(backend.url, schema=backend.schema)
    try:
        async with engine.connect() as connection:
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
    finally:
        await engine.dispose()
    assert versions == [(head_revision(),)]


async def test_fresh_sqlite_database_from_another_working_directory(
    tmp_path: Path, monkeypatch
) -> None:
    """No alembic.ini in the CWD is needed: the config points at the packaged scripts."""
    monkeypatch.chdir(tmp_path)  # environment only, not the code under test
    assert not Path("alembic.ini").exists()
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert await current_revision(url) is None
    await upgrade_database(url)
    assert await current_revision(url) == head_revision()


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
)
async def fresh_database(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty database: a new SQLite file, or a PostgreSQL schema that does not exist yet
    (``upgrade_database`` creates it) and is dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}", None
        return
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (PostgreSQL contract tests)")
    schema = f"khabardar_test_fresh_{secrets.token_hex(3)}"
    yield url, schema
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


async def _tables(url: str, schema: str | None) -> set[str]:
    engine = create_engine(url, schema=schema)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_table_names)
    finally:
        await engine.dispose()


async def test_concurrent_starts_on_a_fresh_database(fresh_database) -> None:
    """Several processes starting at once on an empty database: all succeed, one migrates."""
    url, schema = fresh_database
    await asyncio.gather(*(upgrade_database(url, schema=schema) for _ in range(4)))
    assert await current_revision(url, schema=schema) == head_revision()
    assert await _tables(url, schema) == EXPECTED_TABLES


async def test_downgrade_to_base_and_upgrade_again(fresh_database) -> None:
    url, schema = fresh_database
    await upgrade_database(url, schema=schema)
    await downgrade_database(url, schema=schema, revision="base")
    assert await _tables(url, schema) == {"alembic_version"}
    assert await current_revision(url, schema=schema) is None
    await upgrade_database(url, schema=schema)
    assert await current_revision(url, schema=schema) == head_revision()
    assert await _tables(url, schema) == EXPECTED_TABLES


def test_sqlite_ids_are_never_reused() -> None:
    """AUTOINCREMENT on SQLite: a deleted chat's id can never point at a new row."""
    buffer = io.StringIO()
    config = alembic_config("sqlite:///offline.db")
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)
    assert buffer.getvalue().count("AUTOINCREMENT") == 6


@pytest.mark.parametrize("url", ["sqlite:///offline.db", "postgres://u@h/db"])
def test_offline_sql_generation(url: str) -> None:
    """``alembic upgrade --sql`` through the same env.py prints the DDL for each dialect."""
    buffer = io.StringIO()
    config = alembic_config(url)
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)
    sql = buffer.getvalue()
    assert "CREATE TABLE outbox" in sql
    assert "uq_outbox_chat_id_story_id" in sql
    assert "CREATE UNIQUE INDEX uq_subscriptions_active_query" in sql
    if url.startswith("postgres"):
        assert "TIMESTAMP WITH TIME ZONE" in sql
        assert "WHERE active" in sql
