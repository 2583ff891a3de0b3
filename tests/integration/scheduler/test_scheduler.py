"""The scheduler adapter runs real APScheduler jobs in the test's event loop."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.adapters.scheduler import Scheduler


async def test_periodic_job_runs_repeatedly_and_never_overlaps() -> None:
    scheduler = Scheduler()
    running = 0
    max_parallel = 0
    runs = 0

    async def slow_tick() -> None:
        nonlocal running, max_parallel, runs
        running += 1
        max_parallel = max(max_parallel, running)
        await asyncio.sleep(0.15)
        running -= 1
        runs += 1

    scheduler.start()
    try:
        scheduler.every("tick", slow_tick, seconds=0.05)
        await asyncio.sleep(0.8)
    finally:
        scheduler.shutdown()
    assert runs >= 3
    assert max_parallel == 1


async def test_cron_job_gets_next_run_in_its_timezone() -> None:
    scheduler = Scheduler()
    scheduler.start()
    try:

        async def digest() -> None:
            return None

        scheduler.cron("digest:1", digest, fields={"hour": 9, "minute": 0}, timezone="Asia/Kolkata")
        next_run = scheduler.next_run("digest:1")
        assert next_run is not None
        local = next_run.astimezone(next_run.tzinfo)
        assert (local.hour, local.minute) == (9, 0)
        assert next_run.utcoffset().total_seconds() == 5.5 * 3600  # type: ignore[union-attr]
        assert next_run > datetime.now(UTC)
        assert scheduler.job_names() == ["digest:1"]
        assert scheduler.remove("digest:1") is True
        assert scheduler.remove("digest:1") is False
    finally:
        scheduler.shutdown()


async def test_a_failing_job_is_logged_and_the_scheduler_keeps_going(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = Scheduler()
    good_runs = 0

    async def broken() -> None:
        raise ValueError("feed exploded")

    async def good() -> None:
        nonlocal good_runs
        good_runs += 1

    scheduler.start()
    try:
        with caplog.at_level(logging.ERROR):
            scheduler.every("broken", broken, seconds=0.05)
            scheduler.every("good", good, seconds=0.05)
            await asyncio.sleep(0.4)
    finally:
        scheduler.shutdown()
    assert good_runs >= 2
    assert "scheduled job failed" in caplog.text
    assert "feed exploded" in caplog.text
