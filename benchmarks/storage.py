"""Storage throughput: how fast articles are stored and alerts go through the outbox.

Run:  .venv/bin/python benchmarks/storage.py [--alerts 2000]
      (with PostgreSQL too: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test first)

Measures on SQLite (temp file, WAL) and, when TEST_DATABASE_URL is set, PostgreSQL (a throwaway
schema): articles stored per second through ``insert_new`` (batches of 50, like a feed), outbox
rows enqueued per second (batches of 100), and the delivery loop's claim + mark_sent rate with
one sender and with four concurrent senders (batches of 20). The delivery target is ~25 msg/s
per bot, so the outbox must sustain far more than that to never be the bottleneck.
The last line is machine-readable: ``backend=… articles_per_s=… enqueue_per_s=… ...`` per backend.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bot.adapters.storage import Store, create_engine, upgrade_database
from bot.domain.models import Article, ChatKind, Platform
from bot.services.ports import ChatDefaults, OutboxEntry

NOW = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)


async def _measure(url: str, schema: str | None, alerts: int) -> dict[str, float]:
    await upgrade_database(url, schema=schema)
    store = Store.open(url, schema=schema)
    try:
        chats = [
            (
                await store.chats.get_or_create(
                    Platform.TELEGRAM, f"-100{n}", defaults=ChatDefaults(kind=ChatKind.GROUP)
                )
            )[0]
            for n in range(50)
        ]
        articles = [
            Article(
                url=f"https://www.example.in/news/{n}.html",
                title=f"भारत में बैन के बाद ऐप कंपनी ने दी सफाई, खबर संख्या {n}",
                summary="कंपनी का कहना है कि भारतीय यूज़र्स का डेटा सुरक्षित है। " * 3,
                guid=f"guid-{n}",
            )
            for n in range(alerts // 5)
        ]
        started = time.perf_counter()
        stored = []
        for start in range(0, len(articles), 50):
            result = await store.articles.insert_new(
                None, articles[start : start + 50], fetched_at=NOW
            )
            stored.extend(result.new)
        articles_per_s = len(stored) / (time.perf_counter() - started)

        entries = [
            OutboxEntry(
                chat_id=chats[n % len(chats)].id,
                story_id=f"story-{n}",
                article_id=stored[n % len(stored)].id,
                subscription_ids=(1,),
                score=0.8,
            )
            for n in range(alerts)
        ]
        started = time.perf_counter()
        for start in range(0, len(entries), 100):
            await store.outbox.enqueue(entries[start : start + 100])
        enqueue_per_s = alerts / (time.perf_counter() - started)

        async def send_all(owner: str, limit: int) -> int:
            sent = 0
            while batch := await store.outbox.claim_pending(
                platform=Platform.TELEGRAM, now=NOW, limit=limit, owner=owner, lease_s=60
            ):
                for row in batch:
                    await store.outbox.mark_sent(row.id, platform_message_id="1", sent_at=NOW)
                sent += len(batch)
                if sent >= alerts // 2 and owner == "solo":
                    break
            return sent

        started = time.perf_counter()
        solo = await send_all("solo", 20)
        solo_per_s = solo / (time.perf_counter() - started)
        started = time.perf_counter()
        counts = await asyncio.gather(*(send_all(f"sender-{n}", 20) for n in range(4)))
        four_per_s = sum(counts) / (time.perf_counter() - started)
        assert solo + sum(counts) == alerts, "every alert is sent exactly once"
        return {
            "articles_per_s": articles_per_s,
            "enqueue_per_s": enqueue_per_s,
            "claim_send_per_s": solo_per_s,
            "claim_send_4_senders_per_s": four_per_s,
        }
    finally:
        await store.close()


async def _drop_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=2000)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        results["sqlite"] = await _measure(
            f"sqlite:///{Path(directory) / 'bench.db'}", None, args.alerts
        )
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    if postgres_url:
        schema = f"khabardar_bench_{secrets.token_hex(3)}"
        try:
            results["postgresql"] = await _measure(postgres_url, schema, args.alerts)
        finally:
            await _drop_schema(postgres_url, schema)
    for backend, figures in results.items():
        print(f"{backend} ({args.alerts} alerts):")
        for name, value in figures.items():
            print(f"  {name:28} {value:10.0f}")
    print(
        " ".join(
            f"{backend}_{name}={value:.0f}"
            for backend, figures in results.items()
            for name, value in figures.items()
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
