"""The ``Store`` facade: one object holding every repository over one engine.

``Store.open(url)`` does no I/O (the first query connects); ``await store.close()`` disposes of
the connection pool. Schema creation is not done here: run ``upgrade_database`` first.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.storage.article_repository import SqlArticleRepository
from bot.adapters.storage.chat_repository import SqlChatRepository
from bot.adapters.storage.database import Clock, Database, system_clock
from bot.adapters.storage.digest_repository import SqlDigestRepository
from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.outbox_repository import SqlOutboxRepository
from bot.adapters.storage.source_repository import SqlSourceRepository
from bot.adapters.storage.subscription_repository import SqlSubscriptionRepository

if TYPE_CHECKING:
    from bot.services.ports import Storage

logger = logging.getLogger(__name__)


class Store:
    """Implements ``bot.services.ports.Storage`` over SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock = system_clock) -> None:
        self._database = Database(engine, clock=clock)
        self.sources = SqlSourceRepository(self._database)
        self.articles = SqlArticleRepository(self._database)
        self.chats = SqlChatRepository(self._database)
        self.subscriptions = SqlSubscriptionRepository(self._database)
        self.outbox = SqlOutboxRepository(self._database)
        self.digests = SqlDigestRepository(self._database)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        schema: str | None = None,
        clock: Clock = system_clock,
        echo: bool = False,
    ) -> Store:
        """A store on ``url`` (``sqlite:///…``, ``postgres(ql)://…`` or the async spellings);
        ``schema`` is the PostgreSQL schema to use (see ``create_engine``)."""
        return cls(create_engine(url, schema=schema, echo=echo), clock=clock)

    @property
    def engine(self) -> AsyncEngine:
        """The engine, for the few jobs outside the repositories (advisory locks, metrics)."""
        return self._database.engine

    @property
    def dialect_name(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._database.dialect_name

    async def ping(self) -> float:
        started = time.perf_counter()
        async with self._database.reading("ping") as connection:
            await connection.execute(text("SELECT 1"))
        return time.perf_counter() - started

    async def close(self) -> None:
        await self._database.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


if TYPE_CHECKING:  # mypy proves the facade and every repository implement the ports

    def _implements_storage_port(store: Store) -> Storage:
        return store
