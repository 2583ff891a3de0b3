"""Advisory-lock leadership on the real PostgreSQL: one holder per duty, takeover in seconds.

"Death" of a holder is its session ending under it: ``pg_terminate_backend`` from another
connection, exactly what the server does when a process is killed or its socket dies.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.leadership import Duty, LeaderDuties, Leadership, lock_key

pytestmark = pytest.mark.postgres

SENDER = "telegram-sender:123456"
TAKEOVER_LIMIT_S = 5.0


@pytest.fixture
async def engines(database_url: str, schema: str) -> AsyncIterator[list[AsyncEngine]]:
    """Three engines on the test schema, like three processes (the third plays the admin)."""
    made = [create_engine(database_url, schema=schema) for _ in range(3)]
    yield made
    for engine in made:
        await engine.dispose()


async def holders(admin: AsyncEngine, key: int) -> list[int]:
    """Backend pids holding advisory lock ``key`` (as pg_locks shows a bigint key)."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    async with admin.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND objsubid = 1 AND classid::bigint = :high AND objid::bigint = :low"
            ),
            {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF},
        )
        return [row.pid for row in rows]


async def kill_holder(admin: AsyncEngine, key: int) -> int:
    [pid] = await holders(admin, key)
    async with admin.connect() as connection:
        killed = await connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert killed is True
    return pid


async def test_only_one_of_two_holds_and_the_other_takes_over_after_the_holder_dies(
    engines: list[AsyncEngine], schema: str
) -> None:
    first = Leadership(engines[0], scope=schema)
    second = Leadership(engines[1], scope=schema)
    try:
        assert await first.hold(SENDER) is True
        assert await second.hold(SENDER) is False
        assert first.held(SENDER) and not second.held(SENDER)
        assert await first.hold(SENDER) is True  # keeping it is idempotent
        assert len(await holders(engines[2], lock_key(schema, SENDER))) == 1

        await kill_holder(engines[2], lock_key(schema, SENDER))
        died = time.monotonic()
        while not await second.hold(SENDER):
            assert time.monotonic() - died < TAKEOVER_LIMIT_S, "standby did not take over"
            await asyncio.sleep(0.2)
        takeover_s = time.monotonic() - died
        print(f"\nleadership takeover after holder death: {takeover_s:.2f} s")

        assert await first.check() == set()  # the old holder notices it lost the lock
        assert not first.held(SENDER)
        assert await first.hold(SENDER) is False  # and cannot take it back from the new one
        assert second.held(SENDER)
        assert await second.check() == {SENDER}
    finally:
        await first.close()
        await second.close()


async def test_release_and_close_free_the_lock_at_once(
    engines: list[AsyncEngine], schema: str
) -> None:
    first = Leadership(engines[0], scope=schema)
    second = Leadership(engines[1], scope=schema)
    try:
        assert await first.hold("digests")
        assert await first.hold(SENDER)
        await first.release("digests")
        assert not first.held("digests") and first.held(SENDER)
        assert await second.hold("digests")
        assert not await second.hold(SENDER)
        await first.close()
        assert await second.hold(SENDER)
        # close() does not hand a locked session back to the pool: no session of the first
        # engine holds anything any more.
        assert len(await holders(engines[2], lock_key(schema, "digests"))) == 1
        assert len(await holders(engines[2], lock_key(schema, SENDER))) == 1
        async with engines[0].connect() as pooled:
            held_by_pool = await pooled.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid()"
                )
            )
        assert held_by_pool == 0
    finally:
        await first.close()
        await second.close()


async def test_names_and_schemas_are_separate_locks(
    engines: list[AsyncEngine], schema: str
) -> None:
    first = Leadership(engines[0], scope=schema)
    other_deployment = Leadership(engines[1], scope=schema + "_other")
    try:
        assert await first.hold(SENDER)
        assert await first.hold("telegram-polling:123456")
        assert await other_deployment.hold(SENDER)  # same duty name, another schema
        assert await first.check() == {SENDER, "telegram-polling:123456"}
    finally:
        await first.close()
        await other_deployment.close()


async def test_unreachable_database_means_not_leader_without_raising() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    engine = create_engine(f"postgresql://postgres@127.0.0.1:{closed_port}/test")
    leadership = Leadership(engine, scope="public", query_timeout_s=1.0)
    try:
        assert await leadership.hold(SENDER) is False
        assert not leadership.held(SENDER)
        assert await leadership.check() == set()
    finally:
        await leadership.close()
        await engine.dispose()


async def test_sqlite_is_always_the_leader(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/single.db")
    leadership = Leadership(engine, scope="public")
    try:
        assert await leadership.hold(SENDER)
        assert leadership.held("anything: one process owns every duty")
    finally:
        await leadership.close()
        await engine.dispose()


class DutyLog:
    """Records starts and stops of one process's duty."""

    def __init__(self, process: str, events: list[tuple[str, str]]) -> None:
        self.process = process
        self.events = events
        self.active = False

    async def start(self) -> None:
        self.active = True
        self.events.append((self.process, "start"))

    async def stop(self) -> None:
        self.active = False
        self.events.append((self.process, "stop"))


async def test_leader_duties_run_once_and_move_when_the_leader_dies(
    engines: list[AsyncEngine], schema: str
) -> None:
    events: list[tuple[str, str]] = []
    logs = [DutyLog("a", events), DutyLog("b", events)]
    runners = [
        LeaderDuties(
            Leadership(engine, scope=schema),
            [Duty(name=SENDER, start=log.start, stop=log.stop)],
            retry_s=0.2,
        )
        for engine, log in zip(engines[:2], logs, strict=True)
    ]
    for runner in runners:
        await runner.step()
    tasks = [asyncio.create_task(runner.run()) for runner in runners]
    try:
        assert events == [("a", "start")]
        assert runners[0].running == [SENDER] and runners[1].running == []
        await asyncio.sleep(0.6)  # a few rounds: nothing moves while the leader lives
        assert events == [("a", "start")]

        await kill_holder(engines[2], lock_key(schema, SENDER))
        died = time.monotonic()
        while not (logs[1].active and not logs[0].active):
            assert time.monotonic() - died < TAKEOVER_LIMIT_S, f"no takeover: {events}"
            await asyncio.sleep(0.05)
        assert sorted(events[1:]) == [("a", "stop"), ("b", "start")]
        assert runners[1].running == [SENDER] and runners[0].running == []
        await asyncio.sleep(0.6)  # the old leader stays a standby
        assert len(events) == 3
    finally:
        for runner in runners:
            await runner.stop()
        await asyncio.gather(*tasks)
    assert events[-1] == ("b", "stop")


async def test_a_duty_that_fails_to_start_gives_its_lock_up(
    engines: list[AsyncEngine], schema: str
) -> None:
    async def broken() -> None:
        raise RuntimeError("Telegram unreachable")

    async def nothing() -> None:
        return None

    failing = LeaderDuties(
        Leadership(engines[0], scope=schema), [Duty(name=SENDER, start=broken, stop=nothing)]
    )
    standby = Leadership(engines[1], scope=schema)
    try:
        await failing.step()
        assert failing.running == []
        assert await standby.hold(SENDER)  # the lock was given up for someone healthy
    finally:
        await failing.stop()
        await standby.close()
