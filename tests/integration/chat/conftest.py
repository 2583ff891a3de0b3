"""Fixtures for the chat-adapter tests: one feed, fake platform and Runtime per module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram
from tests.integration.chat.chat_harness import NewsFeed, serve_feed


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def feed() -> AsyncIterator[NewsFeed]:
    async with serve_feed() as news:
        yield news


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(rate_limits=None, max_long_poll_s=2.0) as fake:
        yield fake


@pytest.fixture(scope="module")
def telegram_env(telegram: FakeTelegram) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_API_BASE_URL": telegram.base_url}
