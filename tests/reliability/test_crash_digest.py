"""Crash safety of digests: ``kill -9`` while the morning digest goes out to many chats.

The scenario: Telegram chats in digest mode (``/mode digest``) track ``डेटा लीक``; during the
night the service stored three matching stories for each of them, held for the digest. The
daily digest was due a few minutes ago (Asia/Kolkata) while the service was down, so when it
starts it sends the missed digest to every chat (``DigestService.start``, within the grace
window). While those digests go out through the fake Telegram (its real flood limits on), the
test SIGKILLs the service at random moments and starts it again each time.

Checked at the end: every chat got its digest with all three stories (lost = 0); extra copies
are at most one per kill. The only duplicate window is a crash after Telegram accepted a
chat's digest and before ``digests.mark_sent`` committed: the digest row is still ``claimed``
and the next start sends it again. Every digest row ends ``sent`` and no story stays held.

Phase 1 (the night) runs the real service once: it polls the local feed and stores the held
outbox rows. The test then dates those rows one hour back ("stored overnight") — the only
direct write into the database — and sets the daily time to a few minutes ago, as ``/digest
daily HH:MM`` would.

Fast variant: 60 chats, 3 kills (CI); slow variant: 200 chats, 15 kills.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.schema import digests, outbox
from bot.adapters.storage.store import Store
from bot.domain.models import DeliveryMode
from bot.services.ports import DigestStatus
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram
from tests.reliability.service_harness import (
    QUERY,
    FeedServer,
    ServiceProcess,
    rss_item,
    seed_telegram_chats,
    service_env,
    write_sources,
)

FIRST_CHAT = 7_300_000
TIMEZONE = "Asia/Kolkata"
STORIES = [
    ("बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक, जांच के आदेश", "bank-leak"),
    ("अस्पताल के मरीजों का डेटा लीक, साइबर पुलिस ने मामला दर्ज किया", "hospital-leak"),
    ("परीक्षा बोर्ड की वेबसाइट से छात्रों का डेटा लीक, मंत्रालय ने रिपोर्ट मांगी", "exam-leak"),
]
LEAD = "साइबर सुरक्षा विशेषज्ञों ने लोगों से अपने पासवर्ड तुरंत बदलने को कहा है।"


class LaunchedService(ServiceProcess):
    """A ServiceProcess that can be started without waiting for "khabardar running": the
    missed digests are sent during start-up, before that line is printed."""

    async def launch(self) -> None:
        self.starts += 1
        out = self.workdir / f"run{self.starts}.out"
        err = self.workdir / f"run{self.starts}.err"
        self.logs += [out, err]
        with out.open("wb") as stdout, err.open("wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                cwd=self.workdir, env=self.env, stdout=stdout, stderr=stderr,
            )  # fmt: skip

    async def running(self, *, timeout: float = 60.0) -> None:
        """Wait for this run's "khabardar running" line."""
        out = self.logs[-2]
        deadline = time.monotonic() + timeout
        while "khabardar running" not in out.read_text("utf-8", "replace"):
            assert self.process is not None and self.process.returncode is None, self.output()
            assert time.monotonic() < deadline, "service did not start"
            await asyncio.sleep(0.05)


def is_digest(text: str) -> bool:
    return text.startswith("🗞")


async def held_rows(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).select_from(outbox).where(outbox.c.hold.is_(True))
            return int(await connection.scalar(query) or 0)
    finally:
        await engine.dispose()


async def collect_the_night(
    tmp_path: Path, database_url: str, env: dict[str, str], chats: int
) -> None:
    """Phase 1: the real service stores every story as a held outbox row, then stops."""
    night = LaunchedService(tmp_path, env)
    try:
        await night.launch()
        await night.running()
        deadline = time.monotonic() + 30
        while await held_rows(database_url) < chats * len(STORIES):
            assert time.monotonic() < deadline, "the night's stories were not stored"
            await asyncio.sleep(0.1)
        assert await night.terminate() == 0
    finally:
        await night.aclose()


async def digest_due_minutes_ago(database_url: str, chat_ids: list[int]) -> str:
    """Date the held rows back an hour and set each chat's daily digest to ~5 minutes ago."""
    now = datetime.now(UTC)
    local = (now - timedelta(minutes=5)).astimezone(ZoneInfo(TIMEZONE))
    schedule = f"daily {local:%H:%M}"
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(outbox)
                .where(outbox.c.hold.is_(True))
                .values(created_at=now - timedelta(hours=1))
            )
    finally:
        await engine.dispose()
    async with Store.open(database_url) as store:
        for chat in await store.chats.list_active():
            await store.chats.update_settings(chat.id, digest_schedule=schedule)
    return schedule


async def _kill_during_digests(
    tmp_path: Path,
    feed_server: FeedServer,
    service_factory: list[ServiceProcess],
    *,
    chats: int,
    kills: int,
    seed: int,
) -> dict[str, float]:
    chat_ids = [FIRST_CHAT + i for i in range(chats)]
    database_url = f"sqlite:///{tmp_path}/khabardar.db"
    await seed_telegram_chats(database_url, chat_ids)
    async with Store.open(database_url) as store:
        for chat in await store.chats.list_active():
            await store.chats.update_settings(chat.id, mode=DeliveryMode.DIGEST, timezone=TIMEZONE)
    feed_server.items = [rss_item(title, slug, LEAD) for title, slug in STORIES]
    sources = write_sources(tmp_path / "sources.toml", feed_server.url, backfill=len(STORIES))
    rng = random.Random(seed)
    async with FakeTelegram() as telegram:  # Telegram's real flood limits (30/s, 1/s per chat)
        for chat_id in chat_ids:
            telegram.add_chat(chat_id, type="private", first_name="पाठक")
        env = service_env(
            tmp_path, token=DEFAULT_TOKEN, telegram_url=telegram.base_url, sources=sources
        )
        await collect_the_night(tmp_path, database_url, env, chats)
        assert telegram.messages() == [], "digest-mode chats got a real-time alert"
        schedule = await digest_due_minutes_ago(database_url, chat_ids)

        def digested() -> set[int]:
            return {m.chat_id for m in telegram.messages() if is_digest(m.plain_text)}

        service = LaunchedService(tmp_path, env)
        service_factory.append(service)
        began = time.monotonic()
        await service.launch()
        done_kills = 0
        kill_points: list[int] = []
        while done_kills < kills:
            target = len(telegram.messages()) + rng.randint(1, 12)
            deadline = time.monotonic() + 30
            while len(telegram.messages()) < target and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            await asyncio.sleep(rng.uniform(0.0, 0.04))
            if len(digested()) >= chats:
                break  # every digest went out already: nothing left to interrupt
            service.kill()
            assert await service.wait() == -signal.SIGKILL
            done_kills += 1
            kill_points.append(len(telegram.messages()))
            await service.launch()
        deadline = time.monotonic() + 60
        while len(digested()) < chats:
            assert time.monotonic() < deadline, (
                f"digests still missing after 60 s: {chats - len(digested())}\n"
                + service.output()[-4000:]
            )
            await asyncio.sleep(0.05)
        await service.running()
        await asyncio.sleep(1.5)  # a late duplicate would show up here
        elapsed = time.monotonic() - began
        assert await service.terminate() == 0
        messages = telegram.messages()
        stats = telegram.stats()
    digest_messages = [m for m in messages if is_digest(m.plain_text)]
    per_chat = Counter(m.chat_id for m in digest_messages)
    lost = sum(1 for c in chat_ids if per_chat[c] == 0)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    for message in digest_messages:  # each digest carries the whole night, in Hindi
        assert message.plain_text.startswith("🗞 आज की 3 खबरें"), message.plain_text[:200]
        for title, _ in STORIES:
            assert title.split(",")[0] in message.plain_text
    assert len(messages) == len(digest_messages), "a message that is not a digest was sent"
    assert set(per_chat) == set(chat_ids)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            statuses = Counter(str(s) for s in await connection.scalars(select(digests.c.status)))
            still_held = await connection.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.status == "pending")
            )
    finally:
        await engine.dispose()
    assert statuses == {DigestStatus.SENT.value: chats}, statuses
    assert still_held == 0
    assert DEFAULT_TOKEN not in service.output()
    figures = {
        "chats": chats,
        "kills": done_kills,
        "digests_expected": chats,
        "digest_messages": len(digest_messages),
        "lost": lost,
        "duplicated": duplicated,
        "http_429": stats["http_429"],
        "seconds": round(elapsed, 1),
    }
    print(f"\ncrash safety (kill -9 during digests, {schedule} {TIMEZONE}), query {QUERY!r}")
    print(f"kill points (messages seen): {kill_points}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    assert done_kills == kills, f"the digests finished before the {kills} kills: {kill_points}"
    assert lost == 0
    assert duplicated <= done_kills
    return figures


async def test_kill_9_three_times_during_60_digests_loses_none(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess]
) -> None:
    await _kill_during_digests(tmp_path, feed_server, service_factory, chats=60, kills=3, seed=3)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_kill_9_fifteen_times_during_200_digests_loses_none(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess]
) -> None:
    await _kill_during_digests(tmp_path, feed_server, service_factory, chats=200, kills=15, seed=15)
