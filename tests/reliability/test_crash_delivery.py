"""Crash safety: ``kill -9`` while 200 alerts are being delivered loses none of them.

One new Hindi article matches the ``/track डेटा लीक`` of 200 private Telegram chats. While the
service sends the 200 alerts through the fake Telegram (its real flood limits on: 30/s for the
bot, 1/s per chat), the test SIGKILLs it at random moments and starts it again. At the end every
chat has the alert (lost = 0) and duplicates are at most one per kill: the only window is a
crash after Telegram accepted a message and before ``mark_sent`` committed (DESIGN §outbox,
``bot/services/delivery.py``).

Kill moments are drawn from a seeded RNG: after a random number (1–12) of messages were accepted
since the restart, plus a random 0–40 ms, so kills land between sends, during a send and between
a send and its ``mark_sent``. Fast variant: 3 kills (CI); slow variant: 20 kills (the figure in
docs/RELIABILITY.md).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram
from tests.reliability.service_harness import (
    MATCHING_LEAD,
    MATCHING_TITLE,
    QUERY,
    FeedServer,
    ServiceProcess,
    rss_item,
    seed_telegram_chats,
    service_env,
    write_sources,
)

CHATS = 200
FIRST_CHAT = 7_100_000


async def _kill_during_delivery(
    tmp_path: Path,
    feed_server: FeedServer,
    service_factory: list[ServiceProcess],
    *,
    kills: int,
    seed: int,
) -> dict[str, float]:
    chat_ids = [FIRST_CHAT + i for i in range(CHATS)]
    database_url = f"sqlite:///{tmp_path}/khabardar.db"
    await seed_telegram_chats(database_url, chat_ids)
    feed_server.items = [rss_item(MATCHING_TITLE, "bank-data-leak", MATCHING_LEAD)]
    sources = write_sources(tmp_path / "sources.toml", feed_server.url, backfill=1)
    rng = random.Random(seed)
    async with FakeTelegram() as telegram:  # Telegram's real flood limits (30/s, 1/s per chat)
        for chat_id in chat_ids:
            telegram.add_chat(chat_id, type="private", first_name="पाठक")
        service = ServiceProcess(
            tmp_path,
            service_env(
                tmp_path, token=DEFAULT_TOKEN, telegram_url=telegram.base_url, sources=sources
            ),
        )
        service_factory.append(service)
        began = time.monotonic()
        startups = [await service.start()]
        done_kills = 0
        kill_points: list[int] = []
        while done_kills < kills:
            before = len(telegram.messages())
            target = before + rng.randint(1, 12)
            deadline = time.monotonic() + 30
            while len(telegram.messages()) < target and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            await asyncio.sleep(rng.uniform(0.0, 0.04))
            if len({m.chat_id for m in telegram.messages()}) >= CHATS:
                break  # everything arrived already: no delivery left to interrupt
            service.kill()
            assert await service.wait() == -9
            done_kills += 1
            kill_points.append(len(telegram.messages()))
            startups.append(await service.start())
        deadline = time.monotonic() + 60
        while len({m.chat_id for m in telegram.messages()}) < CHATS:
            assert time.monotonic() < deadline, "alerts still missing after 60 s"
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # a late duplicate would show up here
        elapsed = time.monotonic() - began
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{service.env['PORT']}/metrics")).text
        assert 'khabardar_alerts_total{platform="telegram",status="sent"}' in metrics
        assert DEFAULT_TOKEN not in metrics
        assert await service.terminate() == 0
        messages = telegram.messages()
        per_chat = Counter(m.chat_id for m in messages)
        stats = telegram.stats()
    lost = sum(1 for c in chat_ids if per_chat[c] == 0)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    assert all(MATCHING_TITLE.split(",")[0] in m.plain_text for m in messages)
    assert set(per_chat) == set(chat_ids)
    assert DEFAULT_TOKEN not in service.output()
    figures = {
        "alerts": CHATS,
        "kills": done_kills,
        "lost": lost,
        "duplicates": duplicates,
        "messages": len(messages),
        "http_429": stats["http_429"],
        "seconds": round(elapsed, 1),
        "startup_s": round(sum(startups) / len(startups), 1),
    }
    print(f"\ncrash safety (kill -9 during delivery), query {QUERY!r}: kill points {kill_points}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    assert done_kills == kills, f"delivery finished before the {kills} kills: {kill_points}"
    assert lost == 0
    assert duplicates <= done_kills
    return figures


async def test_kill_9_three_times_during_200_alerts_loses_nothing(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess]
) -> None:
    await _kill_during_delivery(tmp_path, feed_server, service_factory, kills=3, seed=3)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_kill_9_twenty_times_during_200_alerts_loses_nothing(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess]
) -> None:
    await _kill_during_delivery(tmp_path, feed_server, service_factory, kills=20, seed=20)
