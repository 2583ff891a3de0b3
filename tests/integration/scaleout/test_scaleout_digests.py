"""Digest scheduling is a singleton duty: two runtimes on one PostgreSQL schema, one schedules.

In-process (the console outlet, no HTTP): only the leader has digest cron jobs; a schedule
changed through the standby reaches the leader's scheduler at its next resync; when the leader
stops, the standby takes the duty over within a few seconds.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import LEADERSHIP_RETRY_S, Runtime
from bot.domain.models import ChatKind, Platform
from bot.services.ports import ChatDefaults
from bot.settings import load_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
async def runtimes(tmp_path: Path, database_url: str, schema: str) -> AsyncIterator[list[Runtime]]:
    sources = tmp_path / "sources.toml"
    sources.write_text("", encoding="utf-8")
    settings = load_settings(
        {
            "DATABASE_URL": database_url,
            "KHABARDAR_DB_SCHEMA": schema,
            "KHABARDAR_SOURCES": str(sources),
        }
    )
    made = [
        Runtime(settings, console_stream=io.StringIO(), with_console=True, serve_http=False)
        for _ in range(2)
    ]
    yield made
    for runtime in made:
        await runtime.stop()


async def test_only_the_leader_schedules_digests_and_the_standby_takes_over(
    runtimes: list[Runtime],
) -> None:
    leader, standby = runtimes
    await leader.build()
    chat, _ = await leader.store.chats.get_or_create(
        Platform.CONSOLE,
        "समाचार-डेस्क",
        defaults=ChatDefaults(kind=ChatKind.GROUP, lang="hi", digest_schedule="daily 08:00"),
    )
    job = f"digest:{chat.id}"
    assert "leading=digests" in await leader.start()
    await standby.build()
    assert "leading=none" in await standby.start()
    assert job in leader.scheduler.job_names()
    assert "digests:resync" in leader.scheduler.job_names()
    assert not any(name.startswith("digest") for name in standby.scheduler.job_names())

    # /digest through the standby: stored, not scheduled there; the leader picks it up.
    changed = await standby.store.chats.update_settings(chat.id, digest_schedule="daily 21:30")
    assert changed is not None
    await standby.digests.reschedule(changed)
    assert job not in standby.scheduler.job_names()
    before = leader.scheduler.next_run(job)
    await leader._resync_digests()
    after = leader.scheduler.next_run(job)
    assert before is not None and after is not None
    assert (before.hour, before.minute, after.hour, after.minute) == (8, 0, 21, 30)

    await leader.stop()
    stopped = time.monotonic()
    while job not in standby.scheduler.job_names():
        assert time.monotonic() - stopped < LEADERSHIP_RETRY_S + 3, "standby did not take over"
        await asyncio.sleep(0.05)
    next_run = standby.scheduler.next_run(job)
    assert next_run is not None and (next_run.hour, next_run.minute) == (21, 30)
