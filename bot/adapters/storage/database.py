"""One handle on the engine for the repositories: read and write transactions, the
dialect-specific INSERT, the clock, and the translation of driver errors into StorageError.

Every repository goes through ``reading``/``writing`` so no SQLAlchemy or driver exception
escapes the storage adapter: database failures become ``StorageError`` (message without SQL
or parameters), while bad values the caller passed (a naive datetime, a wrong type) stay the
``ValueError``/``TypeError`` they are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.adapters.storage.engine import writer
from bot.errors import StorageError

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

_MAX_DETAIL = 300


def system_clock() -> datetime:
    return datetime.now(UTC)


class Database:
    """The engine plus the few things every repository needs from it."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock = system_clock) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self.clock = clock
        self.dialect_name = engine.dialect.name
        # SQLite has one writer at a time. Queueing writers here, in order, is fairer and far
        # cheaper than letting them spin in SQLite's busy handler, which under load can give
        # up with "database is locked" long before the queue would have drained.
        self._write_turn = asyncio.Lock() if self.dialect_name == "sqlite" else None

    @property
    def is_postgres(self) -> bool:
        return self.dialect_name == "postgresql"

    def now(self) -> datetime:
        """The clock's time, checked to be tz-aware (a fake clock could forget)."""
        value = self.clock()
        if value.tzinfo is None:
            raise ValueError("the store clock returned a naive datetime")
        return value.astimezone(UTC)

    def insert(self, table: Table) -> Any:
        """INSERT with ``on_conflict_do_nothing``/``_do_update`` for this dialect."""
        if self.is_postgres:
            return postgresql.insert(table)
        return sqlite.insert(table)

    @asynccontextmanager
    async def reading(self, operation: str) -> AsyncIterator[AsyncConnection]:
        """A read transaction (plain BEGIN on SQLite: does not block writers)."""
        async with self._translated(operation), self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def writing(self, operation: str) -> AsyncIterator[AsyncConnection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite), committed on success."""
        if self._write_turn is None:
            async with self._translated(operation), self._writer.begin() as connection:
                yield connection
            return
        async with (
            self._write_turn,
            self._translated(operation),
            self._writer.begin() as connection,
        ):
            yield connection

    @asynccontextmanager
    async def _translated(self, operation: str) -> AsyncIterator[None]:
        try:
            yield
        except StorageError:
            raise
        except StatementError as exc:
            if not isinstance(exc, DBAPIError) and isinstance(exc.orig, (ValueError, TypeError)):
                # A value we were given could not be bound: the caller's mistake, say so.
                raise exc.orig from None
            raise _storage_error(operation, exc) from exc
        except SQLAlchemyError as exc:
            raise _storage_error(operation, exc) from exc
        except OSError as exc:  # connection refused/reset, timeouts (TimeoutError is an OSError)
            raise _storage_error(operation, exc) from exc


def _storage_error(operation: str, exc: BaseException) -> StorageError:
    cause: BaseException = exc
    if isinstance(exc, StatementError) and exc.orig is not None:
        cause = exc.orig
    kind = "constraint violated" if isinstance(exc, IntegrityError) else type(cause).__name__
    detail = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    if len(detail) > _MAX_DETAIL:
        detail = detail[:_MAX_DETAIL] + "…"
    logger.warning("storage operation failed", extra={"operation": operation, "error": kind})
    return StorageError(f"storage {operation} failed: {kind}: {detail}".rstrip(": "))
