"""Engine settings that matter: SQLite WAL, foreign keys and busy timeout actually on; the
PostgreSQL search_path isolation; ``postgres://`` URLs connect; failures become StorageError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.adapters.storage import Store, create_engine
from bot.adapters.storage.engine import SQLITE_BUSY_TIMEOUT_MS
from bot.errors import StorageError
from bot.services.ports import OutboxEntry


async def test_sqlite_wal_foreign_keys_and_busy_timeout_are_on(sqlite_backend) -> None:
    store = sqlite_backend.open_store()
    try:
        async with store.engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            busy = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
            assert busy == SQLITE_BUSY_TIMEOUT_MS
            assert Path(sqlite_backend.url.removeprefix("sqlite:///") + "-wal").exists()
    finally:
        await store.close()


async def test_foreign_keys_are_enforced(store) -> None:
    """An alert for a chat that does not exist is refused by the database, as StorageError."""
    entry = OutboxEntry(chat_id=999, story_id="s1", article_id=999, subscription_ids=(1,), score=1)
    with pytest.raises(StorageError, match="constraint"):
        await store.outbox.enqueue([entry])
    assert await store.outbox.queue_depth() == 0


async def test_ping_reports_round_trip(store) -> None:
    assert 0 <= await store.ping() < 5


async def test_missing_sqlite_folder_is_a_clear_storage_error(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/missing-dir/k.db")
    try:
        with pytest.raises(StorageError, match="missing-dir does not exist"):
            await store.ping()
    finally:
        await store.close()


async def test_unreachable_postgres_raises_storage_error() -> None:
    store = Store.open("postgresql://nobody@127.0.0.1:1/none")
    try:
        with pytest.raises(StorageError, match="ping"):
            await store.ping()
    finally:
        await store.close()


def test_schema_is_postgres_only_and_must_be_a_plain_name() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        create_engine("sqlite:///x.db", schema="khabardar")
    with pytest.raises(ValueError, match="invalid schema name"):
        create_engine("postgresql://h/db", schema='x"; DROP TABLE chats; --')
    with pytest.raises(ValueError, match="sqlite"):
        create_engine("mysql://h/db")


@pytest.mark.postgres
async def test_postgres_url_spelling_connects_and_uses_the_schema(postgres_backend) -> None:
    plain = os.environ["TEST_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    heroku_style = plain.replace("postgresql://", "postgres://", 1)
    engine = create_engine(heroku_style, schema=postgres_backend.schema)
    try:
        async with engine.connect() as connection:
            assert engine.dialect.driver == "asyncpg"
            path = (await connection.execute(text("SHOW search_path"))).scalar()
            assert path == postgres_backend.schema
            tables = await connection.execute(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = :s AND tablename = 'outbox'"
                ),
                {"s": postgres_backend.schema},
            )
            assert tables.scalar() == 1
    finally:
        await engine.dispose()


async def test_in_memory_sqlite_shares_one_database() -> None:
    engine = create_engine("sqlite://")
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            await connection.exec_driver_sql("INSERT INTO t VALUES (7)")
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("SELECT x FROM t")).scalar() == 7
    finally:
        await engine.dispose()


async def test_store_as_context_manager_closes_its_pool(backend) -> None:
    async with Store.open(backend.url, schema=backend.schema) as store:
        assert store.dialect_name == backend.name
        assert await store.ping() >= 0
        pool = store.engine.pool
        assert pool.checkedout() == 0
    # Disposed: the engine made a fresh, empty pool.
    assert store.engine.pool is not pool
