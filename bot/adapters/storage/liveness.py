"""Liveness on PostgreSQL: a killed process's claims are taken back in seconds, not minutes.

Due sources and pending outbox rows are claimed with a lease (120 s) under the claiming
process's owner name, digests under the claimer's name (no lease: a 10-minute stale check).
When that process dies (kill -9, OOM, host lost) its claims used to sit until the lease expired:
alerts up to two minutes late, a digest ten. Now every process holds, for its whole life, a
session-level advisory lock derived from its owner name — its *alive lock* — on a dedicated
connection (never pooled, TCP keepalives as in ``leadership``). PostgreSQL frees the lock when
the session ends, so "I can lock X's key" means "X's session is gone".

Sweeper: every process sweeps, every ``SWEEP_S``. It reads the owners of unexpired leases in
``outbox`` and ``sources`` and the claimers of unsent digests, and try-locks each other process
owner's key; a key it gets belongs to a dead owner. It keeps that key for ``GRACE_S`` (the
owner cannot take its lock back meanwhile), then frees the owner's leases (and marks its digest
claims stale, for the digest leader's next resync) in one statement that only acts while this
session still holds the key, logs one line (owner, rows released) and unlocks. Why in every process
rather than as a leader duty: it needs no election and works the moment one survivor runs —
when the leader itself is the one killed there is no ``LEADERSHIP_RETRY_S`` gap to add — and
two sweepers cannot both act on one owner: only one of them gets its key. The cost is two small
queries per process per second.

Alive lock lost while the process lives (its connection dropped, the server ended the
session): the others may then free this process's claims, so it must stop acting on them
first. ``alive()`` is true only while the lock was confirmed held less than ``FRESH_S`` ago
(measured from when the confirming query was *sent*). The delivery worker checks it right
before every send and before claiming, the poll tick before claiming; once it is false nothing
new is sent or claimed, and the unsent claims are left alone (not released row by row: another
process may already own them). A sweeper frees the leases no earlier than ``GRACE_S`` after
the lock was freed, and ``GRACE_S > FRESH_S``, so by then this process has stopped sending,
even if its event loop stalled (a stale confirmation counts as lost). It re-takes its lock every
``CHECK_S`` — which succeeds only once no sweeper holds its key, i.e. after its leases were
freed — and then first releases whatever is still leased to it, then claims afresh.

Duplicates, then, come only from sends already in flight when the lock was lost that take
longer than ``GRACE_S - FRESH_S`` to be recorded — the same kind of window as a crash between
the platform's ok and ``mark_sent`` (DESIGN §5). ``mark_sent`` is deliberately *not*
owner-checked: a message the platform accepted must be recorded whoever holds the lease now,
or the row would certainly be sent again. What is owner-checked is the taking-back: a sweeper
releases only the dead owner's rows, and only while it holds that owner's key.

Sources polled twice in such a window cost a fetch, never an alert (articles and outbox rows
are unique). Owners that are not process owners (``is_process_owner``) are never swept: the
Telegram sender's claims belong to its singleton duty, whose new leader takes them back itself,
and an owner name without the alive-lock mark may come from a version that holds no alive lock.

Key namespace: alive locks use the two-int4 advisory key space, leadership and migrations the
int8 one; PostgreSQL keeps the two spaces apart (``pg_locks.objsubid`` 2 vs 1), so an alive
key can never equal a duty's key. Keys hash the scope (schema) with the owner name, like
leadership's. SQLite is single-process: nothing here runs there (``alive()`` is always true and
the app takes back its own leases at start).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import TextClause, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.adapters.storage.leadership import close_lock_session, open_lock_session

log = logging.getLogger(__name__)

CHECK_S = 0.5  # the alive lock is confirmed (or re-taken) this often
FRESH_S = 2.0  # alive() turns false this long after the last confirmation was sent
SWEEP_S = 1.0  # other owners' leases are looked at this often
GRACE_S = 3.0  # a dead owner's key is held this long before its leases are freed (> FRESH_S)
QUERY_TIMEOUT_S = 1.5
OWNER_MARK = "alive"  # the last part of a process owner name: "this owner holds an alive lock"

_PROCESS_OWNER = re.compile(rf"[^:\s]+:\d+:[0-9a-f]{{6}}:{OWNER_MARK}")
_HELD_PAIRS = text(
    "SELECT classid::bigint AS high, objid::bigint AS low FROM pg_locks "
    "WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND pid = pg_backend_pid()"
)
_LEASE_OWNERS = text(
    "SELECT lease_owner FROM outbox WHERE lease_owner IS NOT NULL AND lease_until > :now "
    "UNION SELECT lease_owner FROM sources WHERE lease_owner IS NOT NULL AND lease_until > :now "
    "UNION SELECT claimed_by FROM digests WHERE claimed_by IS NOT NULL AND status = 'claimed'"
)
# Frees a dead owner's leases only while this very session holds the owner's key: if the key was
# lost (connection broken and re-made), the owner may be back and nothing is touched.
_HOLDING = (
    "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted "
    "AND pid = pg_backend_pid() AND classid::bigint = :high AND objid::bigint = :low)"
)
_TAKE_OVER = text(
    "WITH freed_outbox AS ("
    " UPDATE outbox SET lease_owner = NULL, lease_until = NULL"
    f" WHERE lease_owner = :owner AND {_HOLDING} RETURNING 1),"
    " freed_sources AS ("
    " UPDATE sources SET lease_owner = NULL, lease_until = NULL"
    f" WHERE lease_owner = :owner AND {_HOLDING} RETURNING 1),"
    # A digest's claim has no lease: "claimed long ago" is what lets the digest leader's next
    # resync (``DigestService.recover``) retake and finish it.
    " freed_digests AS ("
    " UPDATE digests SET claimed_by = NULL, claimed_at = :long_ago"
    f" WHERE claimed_by = :owner AND status = 'claimed' AND {_HOLDING} RETURNING 1)"
    " SELECT (SELECT count(*) FROM freed_outbox) AS alerts,"
    " (SELECT count(*) FROM freed_sources) AS sources,"
    " (SELECT count(*) FROM freed_digests) AS digests"
)
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
_DB_TROUBLE = (SQLAlchemyError, OSError, TimeoutError)


def process_owner_name() -> str:
    """The lease owner name of this process: host, pid, a random tag (a restarted process with
    a reused pid is a new owner) and the mark saying it holds an alive lock."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}:{OWNER_MARK}"


def is_process_owner(name: str) -> bool:
    """Whether ``name`` was made by ``process_owner_name`` (only those are ever swept)."""
    return _PROCESS_OWNER.fullmatch(name) is not None


def alive_key(scope: str, owner: str) -> tuple[int, int]:
    """The two-int4 advisory key of ``owner``'s alive lock in ``scope`` (the same in every
    process and version: a sweeper must compute exactly the key the owner holds)."""
    digest = hashlib.blake2b(f"khabardar-alive\0{scope}\0{owner}".encode(), digest_size=8).digest()
    return (
        int.from_bytes(digest[:4], "big", signed=True),
        int.from_bytes(digest[4:], "big", signed=True),
    )


def _unsigned(key: tuple[int, int]) -> tuple[int, int]:
    """The key as pg_locks shows it: two oids (unsigned 32-bit)."""
    return key[0] & 0xFFFF_FFFF, key[1] & 0xFFFF_FFFF


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Liveness:
    """This process's alive lock, and the sweeper of dead process owners' leases."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        scope: str,
        owner: str,
        check_s: float = CHECK_S,
        fresh_s: float = FRESH_S,
        sweep_s: float = SWEEP_S,
        grace_s: float = GRACE_S,
        query_timeout_s: float = QUERY_TIMEOUT_S,
        clock: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if grace_s <= fresh_s:
            raise ValueError("grace_s must exceed fresh_s: a process must stop before the sweep")
        self.owner = owner
        self._engine = engine
        self._scope = scope
        self._key = alive_key(scope, owner)
        self._check_s = check_s
        self._fresh_s = fresh_s
        self._sweep_s = sweep_s
        self._grace_s = grace_s
        self._timeout = query_timeout_s
        self._clock = clock
        self._monotonic = monotonic
        self._enabled = engine.dialect.name == "postgresql"
        self._connection: AsyncConnection | None = None
        self._held = False
        self._ever_held = False
        self._refused = False  # the last try found our key held elsewhere (logged once)
        self._confirmed_at = float("-inf")
        self._next_sweep = float("-inf")
        self._suspects: dict[str, float] = {}  # dead-looking owner → when we took its key
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def alive(self) -> bool:
        """Whether this process may claim and send: its alive lock was confirmed held less than
        ``fresh_s`` ago (always true on SQLite). No I/O."""
        if not self._enabled:
            return True
        return self._held and self._monotonic() - self._confirmed_at < self._fresh_s

    async def start(self) -> None:
        """Take the alive lock now (before anything is claimed), then keep it in the background."""
        if not self._enabled or self._task is not None:
            return
        await self.step()
        self._task = asyncio.create_task(self._run(), name="liveness")

    async def step(self) -> None:
        """One round: confirm (or re-take) the alive lock; sweep when a sweep is due."""
        if not self._enabled:
            return
        await self._keep_alive()
        if self.alive() and self._monotonic() >= self._next_sweep:
            self._next_sweep = self._monotonic() + self._sweep_s
            await self._sweep()

    async def close(self) -> None:
        """Stop, and end the session: the alive lock (and any key held by the sweeper) goes."""
        self._stopping.set()
        if self._task is not None:
            task, self._task = self._task, None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(task, self._timeout * 2)
        self._held = False
        await self._drop_connection()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._check_s)
            if self._stopping.is_set():
                return
            try:
                await self.step()
            except Exception:  # a bug must not end liveness: alive() goes stale, sends stop
                log.exception("liveness round failed; trying again")

    async def _keep_alive(self) -> None:
        sent = self._monotonic()
        try:
            connection = await self._connected()
            if not self._held:
                taken = await self._query_scalar(
                    connection,
                    text("SELECT pg_try_advisory_lock(:k1, :k2)"),
                    {"k1": self._key[0], "k2": self._key[1]},
                )
                if not taken:
                    if not self._refused:
                        log.warning(
                            "alive lock held elsewhere (another process is taking back this "
                            "process's claims); claiming and sending wait",
                            extra={"owner": self.owner},
                        )
                    self._refused = True
                    return
                self._held, self._refused = True, False
                if self._ever_held:
                    log.warning("alive lock regained: claiming again", extra={"owner": self.owner})
                else:
                    log.info("alive lock taken", extra={"owner": self.owner})
                self._ever_held = True
            rows = await asyncio.wait_for(connection.execute(_HELD_PAIRS), self._timeout)
            held = {(row.high, row.low) for row in rows}
        except _DB_TROUBLE as exc:
            await self._lost(exc)
            return
        if _unsigned(self._key) not in held:  # cannot happen unless someone unlocked it for us
            await self._lost(RuntimeError("alive lock missing from pg_locks"))
            return
        self._confirmed_at = sent
        # A key the sweeper held but no longer does (cannot happen on a live session): forget it.
        self._suspects = {
            owner: since
            for owner, since in self._suspects.items()
            if _unsigned(alive_key(self._scope, owner)) in held
        }

    async def _sweep(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            result = await asyncio.wait_for(
                connection.execute(_LEASE_OWNERS, {"now": self._clock()}), self._timeout
            )
            owners = sorted(str(row.lease_owner) for row in result)
            for owner in owners:
                if owner == self.owner or owner in self._suspects or not is_process_owner(owner):
                    continue
                key = alive_key(self._scope, owner)
                if await self._query_scalar(
                    connection,
                    text("SELECT pg_try_advisory_lock(:k1, :k2)"),
                    {"k1": key[0], "k2": key[1]},
                ):
                    self._suspects[owner] = self._monotonic()
                    log.info(
                        "lease owner is gone: its claims are freed after a grace period",
                        extra={"owner": owner, "grace_s": self._grace_s},
                    )
            now = self._monotonic()
            for owner, since in list(self._suspects.items()):
                if now - since >= self._grace_s:
                    await self._take_over(connection, owner, waited_s=now - since)
        except _DB_TROUBLE as exc:
            await self._lost(exc)

    async def _take_over(self, connection: AsyncConnection, owner: str, *, waited_s: float) -> None:
        key = alive_key(self._scope, owner)
        high, low = _unsigned(key)
        result = await asyncio.wait_for(
            connection.execute(
                _TAKE_OVER, {"owner": owner, "high": high, "low": low, "long_ago": _LONG_AGO}
            ),
            self._timeout,
        )
        freed = result.one()
        alerts, sources, digests = int(freed.alerts), int(freed.sources), int(freed.digests)
        if alerts or sources or digests:  # else it stopped cleanly: nothing was left behind
            log.warning(
                "took over the claims of a dead process",
                extra={
                    "owner": owner,
                    "alerts": alerts,
                    "sources": sources,
                    "digests": digests,
                    "dead_for_s": round(waited_s, 1),
                },
            )
        await self._query_scalar(
            connection, text("SELECT pg_advisory_unlock(:k1, :k2)"), {"k1": key[0], "k2": key[1]}
        )
        self._suspects.pop(owner, None)

    async def _query_scalar(
        self, connection: AsyncConnection, statement: TextClause, params: dict[str, object]
    ) -> bool:
        result = await asyncio.wait_for(connection.execute(statement, params), self._timeout)
        return bool(result.scalar_one())

    async def _lost(self, exc: BaseException) -> None:
        """The connection failed: the lock (and every key held for the sweep) is gone or soon
        will be; stop claiming and sending until it is taken again on a new connection."""
        if self._held:
            log.warning(
                "alive lock lost: claiming and sending stop until it is regained",
                extra={"owner": self.owner, "error": f"{type(exc).__name__}: {exc}"[:300]},
            )
        self._held = False
        self._suspects.clear()
        await self._drop_connection()

    async def _connected(self) -> AsyncConnection:
        if self._connection is not None and not self._connection.invalidated:
            return self._connection
        self._held = False  # a new session holds nothing yet
        self._suspects.clear()
        connection = await open_lock_session(self._engine, self._timeout)
        self._connection = connection
        return connection

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        await close_lock_session(connection, self._timeout)
