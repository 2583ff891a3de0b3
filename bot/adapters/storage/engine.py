"""Async engine construction for SQLite and PostgreSQL with the settings each needs.

SQLite: WAL journal (readers never block the writer), ``foreign_keys=ON`` (off by default in
SQLite!), a busy timeout, and transactions we begin ourselves: the stdlib driver otherwise
starts them lazily at the first write, so a read-then-write could see stale data. Writers use
``BEGIN IMMEDIATE`` (see ``writer``) so two connections never deadlock upgrading a read lock.

PostgreSQL: asyncpg, pre-ping, and an optional ``schema`` used as the whole ``search_path`` so
tests (or several deployments) can share one database.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.adapters.storage.urls import POSTGRES_ASYNC_PREFIX, SQLITE_ASYNC_PREFIX, async_database_url
from bot.errors import StorageError

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "khabardar_sqlite_begin"
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def create_engine(url: str, *, schema: str | None = None, echo: bool = False) -> AsyncEngine:
    """An AsyncEngine for ``url`` (any spelling ``async_database_url`` accepts).

    ``schema`` (PostgreSQL only) becomes the search_path of every connection, so unqualified
    names (tables and alembic_version alike) live there and nothing leaks in from ``public``.
    Creating the engine does no I/O; the first query connects.
    """
    url = async_database_url(url)
    if url.startswith(SQLITE_ASYNC_PREFIX):
        if schema is not None:
            raise ValueError("a schema can only be chosen for PostgreSQL, not SQLite")
        return _sqlite_engine(url, echo=echo)
    if url.startswith(POSTGRES_ASYNC_PREFIX):
        return _postgres_engine(url, schema=schema, echo=echo)
    raise ValueError("database URL must start with sqlite:/// or postgresql:// (or postgres://)")


def writer(engine: AsyncEngine) -> AsyncEngine:
    """The same engine (same pool) whose transactions start with ``BEGIN IMMEDIATE`` on SQLite.

    Use it for every transaction that writes; on PostgreSQL it changes nothing.
    """
    return engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})


def checked_schema_name(schema: str) -> str:
    """Refuse anything but a plain identifier: the name is put into DDL and search_path."""
    if not _SCHEMA_NAME.fullmatch(schema):
        raise ValueError(
            f"invalid schema name {schema!r}: use lower-case letters, digits and _ only"
        )
    return schema


def _json_dumps(value: Any) -> str:
    # Keep Hindi readable in the database (psql, sqlite3) instead of \u escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_engine(url: str, *, echo: bool) -> AsyncEngine:
    in_memory = url in (
        SQLITE_ASYNC_PREFIX,
        SQLITE_ASYNC_PREFIX + "/",
        SQLITE_ASYNC_PREFIX + "/:memory:",
    )
    options: dict[str, Any] = {
        "echo": echo,
        "json_serializer": _json_dumps,
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    }
    if in_memory:
        # Every connection to :memory: is a new empty database: share one.
        options["poolclass"] = StaticPool
    engine = create_async_engine(url, **options)
    database = make_url(url).database or ""
    if not in_memory and not database.startswith("file:"):
        folder = Path(database).expanduser().parent

        @event.listens_for(engine.sync_engine, "do_connect")
        def _check_folder(*_args: Any) -> None:
            # SQLite's own message ("unable to open database file") does not say why; and a
            # failed aiosqlite connect leaves its worker thread racing the event loop's close.
            if not folder.is_dir():
                raise StorageError(f"the SQLite database folder {folder} does not exist")

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Stop the driver from issuing its own lazy BEGIN; "begin" below issues ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))

    return engine


def _postgres_engine(url: str, *, schema: str | None, echo: bool) -> AsyncEngine:
    connect_args: dict[str, Any] = {}
    if schema is not None:
        connect_args["server_settings"] = {"search_path": checked_schema_name(schema)}
    return create_async_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        json_serializer=_json_dumps,
        connect_args=connect_args,
    )
