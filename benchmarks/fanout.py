"""Fan-out benchmark: one story to N Telegram chats through the fake Bot API enforcing 30 msg/s.

    .venv/bin/python benchmarks/fanout.py            # 5,000 chats (about 3 minutes)
    .venv/bin/python benchmarks/fanout.py --chats 600 # a quicker look

It runs the real delivery path — outbox rows in SQLite, ``DeliveryWorker`` with its pacing,
``TelegramOutlet`` rendering the alert, ``TelegramSender`` (python-telegram-bot) — against
``tests.fakes.FakeTelegram`` with Telegram's flood limits (30 msg/s per bot, strict sliding
window). It prints the achieved rate as a fraction of the 30 msg/s ceiling and the number of
429 answers. Target: ≥ 90 % of the ceiling, zero 429s. The last line is machine-readable:
``chats=5000 msgs_per_s=… ceiling_fraction=… http_429=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.adapters.outlets.platforms import TelegramOutlet  # noqa: E402
from bot.adapters.storage.migrate import upgrade_database  # noqa: E402
from bot.adapters.storage.store import Store  # noqa: E402
from bot.adapters.telegram.sender import TelegramSender  # noqa: E402
from bot.domain.models import Article, ChatKind, Platform  # noqa: E402
from bot.services.delivery import DeliveryPolicy, DeliveryWorker  # noqa: E402
from bot.services.pacing import PlatformLimits, SendPacer  # noqa: E402
from bot.services.ports import ChatDefaults, NewSubscription, OutboxEntry  # noqa: E402
from tests.fakes.standalone import FakeServerProcess  # noqa: E402
from tests.fakes.telegram_server import DEFAULT_TOKEN  # noqa: E402

CEILING = 30.0
TITLE = "भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी, डाटा लीक की बात से किया इनकार"


async def prepare(store: Store, chats: int) -> None:
    stored = await store.articles.insert_new(
        None,
        [
            Article(
                url="https://hindi.example/tiktok-ban",
                title=TITLE,
                summary="टिकटॉक पर प्रतिबंध के बाद कंपनी ने सफाई दी है।",
                published_at=datetime.now(UTC),
                lang="hi",
                source_name="हिंदी खबरें",
            )
        ],
        fetched_at=datetime.now(UTC),
    )
    article = stored.new[0]
    entries = []
    for n in range(chats):
        chat, _ = await store.chats.get_or_create(
            Platform.TELEGRAM,
            str(10_000 + n),
            defaults=ChatDefaults(kind=ChatKind.PRIVATE, lang="hi" if n % 2 else "en"),
        )
        added = await store.subscriptions.add(
            NewSubscription(chat_id=chat.id, query_text="tiktok ban", query_norm="tiktok ban")
        )
        entries.append(
            OutboxEntry(
                chat_id=chat.id,
                story_id="story-1",
                article_id=article.id,
                subscription_ids=(added.subscription.id,),
                score=3.0,
            )
        )
    await store.outbox.enqueue(entries)


async def run(chats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/fanout.db"
        await upgrade_database(url)
        store = Store.open(url)
        await prepare(store, chats)
        # The fake runs in its own process, as Telegram would: the bot's event loop is measured
        # alone, and the fake's 30 msg/s window sees real arrival times.
        with FakeServerProcess("tests.fakes.telegram_server") as telegram:
            async with TelegramSender(DEFAULT_TOKEN, telegram.url) as sender:
                worker = DeliveryWorker(
                    storage=store,
                    outlet=TelegramOutlet(sender),
                    pacer=SendPacer(PlatformLimits.telegram()),
                    clock=lambda: datetime.now(UTC),
                    owner="bench",
                    policy=DeliveryPolicy(claim_batch=chats, concurrency=32),
                )
                started = time.monotonic()
                while await worker.drain_once():
                    pass
                elapsed = time.monotonic() - started
            stats = httpx.get(telegram.url.rstrip("/") + "/_admin/stats").json()
            delivered, http_429 = stats["messages"], stats["http_429"]
        await store.close()
    rate = delivered / elapsed
    print(f"delivered {delivered} of {chats} alerts in {elapsed:.1f} s")
    print(f"achieved {rate:.2f} msg/s = {rate / CEILING:.1%} of the {CEILING:.0f} msg/s ceiling")
    print(f"429 answers from the fake: {http_429}")
    print(
        f"chats={chats} msgs_per_s={rate:.2f} ceiling_fraction={rate / CEILING:.3f} "
        f"http_429={http_429}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=5000)
    args = parser.parse_args()
    asyncio.run(run(args.chats))


if __name__ == "__main__":
    main()
