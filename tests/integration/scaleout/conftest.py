"""Fixtures for the scale-out suite: PostgreSQL only (skipped when ``TEST_DATABASE_URL`` is unset).

Each test gets a fresh schema ``khabardar_scaleout_<random>`` (migrated through
``upgrade_database``, dropped afterwards), so runs never see each other's rows — or each other's
advisory locks, whose keys are scoped by the schema name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.migrate import upgrade_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url() -> str:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set (scale-out tests need PostgreSQL)")
    return TEST_DATABASE_URL


@pytest.fixture
async def schema(database_url: str) -> AsyncIterator[str]:
    """A fresh, migrated schema for this test, dropped at the end."""
    name = f"khabardar_scaleout_{secrets.token_hex(4)}"
    await upgrade_database(database_url, schema=name)
    yield name
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        await engine.dispose()
