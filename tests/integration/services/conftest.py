"""Fixtures for service tests: a migrated SQLite store, the shipped lexicon, a movable clock."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.domain.lexicon import Lexicon, load_lexicon


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("services-db") / "template.db"
    asyncio.run(upgrade_database(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 28, 3, 0, tzinfo=UTC))


@pytest.fixture
async def store(migrated_template: Path, tmp_path: Path, clock: Clock) -> AsyncIterator[Store]:
    path = tmp_path / "khabardar.db"
    shutil.copy(migrated_template, path)
    opened = Store.open(f"sqlite:///{path}", clock=clock)
    try:
        yield opened
    finally:
        await opened.close()
