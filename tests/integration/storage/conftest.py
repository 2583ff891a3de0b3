"""Fixtures for the storage contract suite: the same tests run on SQLite and PostgreSQL.

SQLite: migrations run once into a template file, copied into a fresh temp file per test.
PostgreSQL (when ``TEST_DATABASE_URL`` is set, e.g. ``postgresql://postgres@127.0.0.1:5432/test``):
one fresh schema ``khabardar_test_<random>`` per session, migrated once through
``upgrade_database``, emptied before each test and dropped at the end.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.schema import metadata
from bot.adapters.storage.store import Store
from bot.domain.models import ChatKind, Platform
from bot.services.ports import ChatDefaults, ChatRow

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Backend:
    """Where a test's database lives."""

    name: str  # "sqlite" | "postgresql"
    url: str
    schema: str | None = None

    def open_store(self, clock: FakeClock | None = None) -> Store:
        return Store.open(self.url, schema=self.schema, clock=clock or FakeClock())


class FakeClock:
    """A clock the test moves by hand (the store's creation stamps come from it)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("storage-template") / "template.db"
    asyncio.run(upgrade_database(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set (PostgreSQL contract tests)")
    schema = f"khabardar_test_{secrets.token_hex(4)}"
    asyncio.run(upgrade_database(TEST_DATABASE_URL, schema=schema))
    yield schema
    asyncio.run(_drop_schema(TEST_DATABASE_URL, schema))


async def _drop_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_backend")
    schema = request.getfixturevalue("postgres_schema")
    assert TEST_DATABASE_URL is not None
    return Backend(name="postgresql", url=TEST_DATABASE_URL, schema=schema)


@pytest.fixture
def sqlite_backend(sqlite_template: Path, tmp_path: Path) -> Backend:
    """A migrated SQLite database in a fresh temp file."""
    path = tmp_path / "khabardar.db"
    shutil.copyfile(sqlite_template, path)
    return Backend(name="sqlite", url=f"sqlite:///{path}")


@pytest.fixture
def postgres_backend(request: pytest.FixtureRequest) -> Backend:
    """For the tests only PostgreSQL can answer (row locks across connections)."""
    schema = request.getfixturevalue("postgres_schema")
    assert TEST_DATABASE_URL is not None
    return Backend(name="postgresql", url=TEST_DATABASE_URL, schema=schema)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def _emptied(store: Store) -> Store:
    if store.dialect_name == "postgresql":
        tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
        async with store.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return store


@pytest.fixture
async def store(backend: Backend, clock: FakeClock) -> AsyncIterator[Store]:
    opened = await _emptied(backend.open_store(clock))
    yield opened
    await opened.close()


@pytest.fixture
async def postgres_store(postgres_backend: Backend, clock: FakeClock) -> AsyncIterator[Store]:
    opened = await _emptied(postgres_backend.open_store(clock))
    yield opened
    await opened.close()


ChatFactory = Callable[..., Awaitable[ChatRow]]


@pytest.fixture
def make_chat(store: Store) -> ChatFactory:
    """Create chats for tests that need them (the outbox, subscriptions and digests hang off
    chats): ``await make_chat("-100123", platform=Platform.TELEGRAM, lang="hi")``."""

    async def create(
        platform_chat_id: str = "-100123",
        *,
        platform: Platform = Platform.TELEGRAM,
        lang: str = "hi",
    ) -> ChatRow:
        chat, _ = await store.chats.get_or_create(
            platform,
            platform_chat_id,
            defaults=ChatDefaults(
                kind=ChatKind.GROUP, title="खबर टीम", lang=lang, timezone="Asia/Kolkata"
            ),
        )
        return chat

    return create
