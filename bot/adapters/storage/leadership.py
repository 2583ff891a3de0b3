"""Leadership for singleton duties: PostgreSQL session advisory locks held on one connection.

Several ``khabardar run`` processes may share a PostgreSQL database; a few duties must run in
exactly one of them (Telegram long polling for a bot token, the Telegram sender that owns the
bot's 30 msg/s budget, digest scheduling). Each duty has a name; ``Leadership.hold(name)``
try-locks the name's advisory lock on a *dedicated* connection (never returned to the pool, so
the lock cannot leak to another user of the pool). The lock lives exactly as long as that
session: when the holder dies (kill -9, crash, lost network) PostgreSQL ends the session and
frees the lock, and a standby's next ``hold`` gets it. ``LeaderDuties`` is the loop that tries
every few seconds and starts or stops the duties accordingly.

The holder re-checks (``check``) that its session still holds the locks — a query with a
timeout on the dedicated connection, reading ``pg_locks`` — so a holder whose connection broke
stops its duties instead of running them next to the new leader. The connection asks the
server for short TCP keepalives so a holder that vanished without closing its socket (host
down, partition) is noticed by the server in about ``KEEPALIVE_IDLE_S + KEEPALIVE_INTERVAL_S *
KEEPALIVE_COUNT`` seconds, longer than the holder needs to notice and stop by itself.

SQLite is single-process (``SingleProcessLock`` in ``bot.app``), so there every name is held.

Lock keys: a 64-bit hash of ``scope`` (the PostgreSQL schema) and the duty name, so two
deployments sharing one database in different schemas do not compete for each other's duties.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

QUERY_TIMEOUT_S = 3.0
KEEPALIVE_IDLE_S = 5
KEEPALIVE_INTERVAL_S = 2
KEEPALIVE_COUNT = 3
_HELD_KEYS = text(
    "SELECT classid::bigint AS high, objid::bigint AS low FROM pg_locks "
    "WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND pid = pg_backend_pid()"
)


def lock_key(scope: str, name: str) -> int:
    """The signed 64-bit advisory lock key of duty ``name`` in ``scope`` (stable across
    processes and versions: every process of a deployment must compute the same key)."""
    digest = hashlib.blake2b(f"khabardar\0{scope}\0{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _key_from_parts(high: int, low: int) -> int:
    """pg_locks shows a bigint key as two unsigned 32-bit halves (classid, objid)."""
    return int.from_bytes(((high << 32) | low).to_bytes(8, "big"), "big", signed=True)


async def open_lock_session(engine: AsyncEngine, timeout: float) -> AsyncConnection:
    """A connection of its own for session-level advisory locks (autocommit: no transaction
    holds them), with TCP keepalives short enough that the server notices a holder whose
    socket went silent within ~11 s instead of the OS default of hours (per-session settings,
    allowed for any user)."""
    connection = await asyncio.wait_for(engine.connect(), timeout)
    try:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await asyncio.wait_for(
            connection.execute(
                text(
                    "SELECT set_config('tcp_keepalives_idle', :idle, false), "
                    "set_config('tcp_keepalives_interval', :interval, false), "
                    "set_config('tcp_keepalives_count', :count, false)"
                ),
                {
                    "idle": str(KEEPALIVE_IDLE_S),
                    "interval": str(KEEPALIVE_INTERVAL_S),
                    "count": str(KEEPALIVE_COUNT),
                },
            ),
            timeout,
        )
    except BaseException:
        with contextlib.suppress(Exception):
            await connection.invalidate()
            await connection.close()
        raise
    return connection


async def close_lock_session(connection: AsyncConnection | None, timeout: float) -> None:
    """End a lock session: invalidated, so the DBAPI connection is closed (ending the session
    and every lock it holds) instead of being reset and handed to the next user of the pool."""
    if connection is None:
        return
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.invalidate(), timeout)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.close(), timeout)


class Leadership:
    """Advisory-lock leases for named singleton duties, on one dedicated connection."""

    def __init__(
        self, engine: AsyncEngine, *, scope: str, query_timeout_s: float = QUERY_TIMEOUT_S
    ) -> None:
        self._engine = engine
        self._scope = scope
        self._timeout = query_timeout_s
        self._always = engine.dialect.name != "postgresql"  # SQLite: one process, always leader
        self._connection: AsyncConnection | None = None
        self._held: set[str] = set()
        self._turn = asyncio.Lock()  # one query at a time on the dedicated connection

    def key(self, name: str) -> int:
        return lock_key(self._scope, name)

    def held(self, name: str) -> bool:
        """Whether ``name`` was held at the last ``hold``/``check`` (no I/O)."""
        return self._always or name in self._held

    async def hold(self, name: str) -> bool:
        """Take ``name`` if it is free (or keep it); False when another session holds it or
        the database cannot be reached. Never raises for database trouble."""
        if self._always:
            return True
        if name in self._held:
            return name in await self.check()
        async with self._turn:
            try:
                connection = await self._connected()
                result = await asyncio.wait_for(
                    connection.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key(name)}
                    ),
                    self._timeout,
                )
                taken = bool(result.scalar_one())
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                await self._lost_connection(exc)
                return False
        if taken:
            self._held.add(name)
            log.info("leadership taken", extra={"duty": name})
        return taken

    async def check(self) -> set[str]:
        """Re-read which names this session still holds; returns them. A broken or silent
        connection loses every name (its locks are gone, or soon will be)."""
        if self._always:
            return set(self._held)
        if not self._held:
            return set()
        async with self._turn:
            try:
                connection = await self._connected()
                rows = await asyncio.wait_for(connection.execute(_HELD_KEYS), self._timeout)
                keys = {_key_from_parts(row.high, row.low) for row in rows}
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                await self._lost_connection(exc)
                return set()
        lost = {name for name in self._held if self.key(name) not in keys}
        for name in lost:
            log.warning("leadership lost", extra={"duty": name})
        self._held -= lost
        return set(self._held)

    async def release(self, name: str) -> None:
        """Give ``name`` up now (a standby may take it at its next try)."""
        if self._always or name not in self._held:
            self._held.discard(name)
            return
        self._held.discard(name)
        async with self._turn:
            if self._connection is None:
                return
            try:
                await asyncio.wait_for(
                    self._connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": self.key(name)}
                    ),
                    self._timeout,
                )
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                await self._lost_connection(exc)
        log.info("leadership released", extra={"duty": name})

    async def close(self) -> None:
        """Release everything: the dedicated connection is closed, not pooled, so no lock
        survives in a pooled session."""
        self._held.clear()
        async with self._turn:
            await self._drop_connection()

    async def _connected(self) -> AsyncConnection:
        if self._connection is not None and not self._connection.invalidated:
            return self._connection
        connection = await open_lock_session(self._engine, self._timeout)
        self._connection = connection
        return connection

    async def _lost_connection(self, exc: BaseException) -> None:
        if self._held:
            log.warning(
                "leadership connection failed: every duty is given up",
                extra={"duties": sorted(self._held), "error": f"{type(exc).__name__}: {exc}"},
            )
        else:
            log.info("leadership connection failed", extra={"error": type(exc).__name__})
        self._held.clear()
        await self._drop_connection()

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        await close_lock_session(connection, self._timeout)


@dataclass(frozen=True, slots=True, kw_only=True)
class Duty:
    """A singleton duty: started while its lock is held, stopped when it is lost."""

    name: str
    start: Callable[[], Awaitable[None]]
    stop: Callable[[], Awaitable[None]]


class LeaderDuties:
    """Tries every ``retry_s`` to hold each duty's lock; starts and stops duties to match."""

    def __init__(
        self, leadership: Leadership, duties: Sequence[Duty], *, retry_s: float = 2.0
    ) -> None:
        self._leadership = leadership
        self._duties = list(duties)
        self._retry_s = retry_s
        self._running: set[str] = set()
        self._stopping = asyncio.Event()

    @property
    def running(self) -> list[str]:
        """Names of the duties this process runs now."""
        return [d.name for d in self._duties if d.name in self._running]

    async def step(self) -> None:
        """One round: stop duties whose lock was lost, start those whose lock was taken."""
        if self._running:
            await self._leadership.check()
        for duty in self._duties:
            if self._stopping.is_set():
                return
            if duty.name in self._running:
                if not self._leadership.held(duty.name):
                    log.warning(
                        "stopping a duty whose leadership was lost", extra={"duty": duty.name}
                    )
                    await self._stop(duty)
                continue
            if await self._leadership.hold(duty.name):
                try:
                    await duty.start()
                except Exception:
                    log.exception("duty failed to start; giving it up", extra={"duty": duty.name})
                    await self._leadership.release(duty.name)
                    continue
                self._running.add(duty.name)
                log.info("duty started", extra={"duty": duty.name})

    async def run(self) -> None:
        """``step`` every ``retry_s`` until ``stop``; a failing round is logged, not fatal."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._retry_s)
            if self._stopping.is_set():
                return
            try:
                await self.step()
            except Exception:
                log.exception("leadership round failed; trying again")

    async def stop(self) -> None:
        """Stop every running duty, then release the locks (a standby takes over)."""
        self._stopping.set()
        for duty in reversed(self._duties):
            if duty.name in self._running:
                await self._stop(duty)
        await self._leadership.close()

    async def _stop(self, duty: Duty) -> None:
        self._running.discard(duty.name)
        try:
            await duty.stop()
        except Exception:
            log.exception("duty failed to stop cleanly", extra={"duty": duty.name})
        await self._leadership.release(duty.name)
        log.info("duty stopped", extra={"duty": duty.name})
