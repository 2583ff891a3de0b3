"""Scale-out harness: a farm of local RSS feeds that counts every request per source, a
PostgreSQL schema seeded with Telegram chats, and queries on the database the test inspects.

The ``khabardar run`` processes themselves are ``ServiceProcess`` from the reliability harness.
Sources are spread over several ports because the fetcher is polite per host (``host:port``):
a handful of sources per port keeps politeness from being what limits the poll rate.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from sqlalchemy import text

from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.store import Store
from bot.domain.lexicon import DEFAULT_TOPICS_PATH, load_lexicon
from bot.domain.models import Platform
from bot.domain.query import parse_query
from bot.services.ports import ChatDefaults, NewSubscription
from tests.reliability.service_harness import RSS, ServiceProcess, free_port, rss_item

QUERY = "डेटा लीक"
SOURCES_PER_PORT = 5

# Distinct data-leak stories (each its own alert), and news that must not match.
STORIES = [
    "बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक, जांच के आदेश",
    "अस्पताल के मरीजों का डेटा लीक, साइबर पुलिस ने मामला दर्ज किया",
    "टेलीकॉम कंपनी के ग्राहकों का डेटा लीक होने की आशंका, कंपनी ने दी सफाई",
    "ऑनलाइन शॉपिंग ऐप से डेटा लीक, करोड़ों उपयोगकर्ताओं के पते उजागर",
    "परीक्षा बोर्ड की वेबसाइट से छात्रों का डेटा लीक, मंत्रालय ने रिपोर्ट मांगी",
    "बिजली विभाग के उपभोक्ताओं का डेटा लीक, हैकरों ने मांगी फिरौती",
]
STORY_LEAD = "साइबर सुरक्षा विशेषज्ञों ने लोगों से अपने पासवर्ड तुरंत बदलने को कहा है।"
FILLERS = [
    ("मौसम विभाग ने अगले तीन दिन तेज बारिश का अनुमान जताया", "किसानों को सलाह दी गई है।"),
    ("शहर में नई मेट्रो लाइन का काम अगले महीने शुरू होगा", "यात्रियों को राहत मिलेगी।"),
]


def story_key(title: str) -> str:
    """The part of a story's title that appears in its alert."""
    return title.split(",")[0]


@dataclass
class FeedFarm:
    """``count`` RSS feeds on loopback; ``hits[i]`` holds the arrival time of every request."""

    count: int
    delay_s: float = 0.0  # every answer waits this long: polls are in flight, claims held
    urls: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    hits: list[list[float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items = [
            [
                rss_item(title, f"s{i}-filler-{n}", lead, published=datetime.now(UTC))
                for n, (title, lead) in enumerate(FILLERS)
            ]
            for i in range(self.count)
        ]
        self.hits = [[] for _ in range(self.count)]

    def publish(self, index: int, title: str) -> None:
        """A new matching article at the top of source ``index``."""
        self.items[index].insert(
            0, rss_item(title, f"s{index}-story-{len(self.items[index])}", STORY_LEAD)
        )

    def index_of(self, url: str) -> int:
        return self.urls.index(url)

    async def _feed(self, request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        self.hits[index].append(time.monotonic())
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return web.Response(
            text=RSS.format(items="".join(self.items[index])), content_type="application/rss+xml"
        )

    def write_sources(self, path: Path) -> Path:
        entries = [
            f'[[source]]\nurl = "{url}"\nname = "हिंदी खबरें {i}"\nbackfill = 0\n'
            for i, url in enumerate(self.urls)
        ]
        path.write_text("\n".join(entries), "utf-8")
        return path


@asynccontextmanager
async def serve_farm(count: int, *, delay_s: float) -> AsyncIterator[FeedFarm]:
    farm = FeedFarm(count, delay_s=delay_s)
    app = web.Application()
    app.router.add_get("/feed/{index}", farm._feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ports = []
    for _ in range((count + SOURCES_PER_PORT - 1) // SOURCES_PER_PORT):
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    farm.urls = [f"http://127.0.0.1:{ports[i // SOURCES_PER_PORT]}/feed/{i}" for i in range(count)]
    try:
        yield farm
    finally:
        await runner.cleanup()


async def seed_chats(url: str, schema: str, chat_ids: list[int]) -> None:
    """Each chat tracks ``QUERY``, stored as ``/track`` stores it (parsed, canonical)."""
    parsed = parse_query(QUERY, lexicon=load_lexicon(DEFAULT_TOPICS_PATH))
    async with Store.open(url, schema=schema) as store:
        for platform_chat_id in chat_ids:
            chat, _ = await store.chats.get_or_create(
                Platform.TELEGRAM, str(platform_chat_id), defaults=ChatDefaults(lang="hi")
            )
            await store.subscriptions.add(
                NewSubscription(
                    chat_id=chat.id,
                    query_text=QUERY,
                    query_norm=parsed.canonical(),
                    parsed=parsed.to_json(),
                )
            )


class ClusterDatabase:
    """What the test reads from the shared schema: leases, outbox states, lock holders."""

    def __init__(self, url: str, schema: str) -> None:
        self.engine = create_engine(url, schema=schema)

    async def claimed_sources(self, pid: int) -> list[str]:
        """URLs of sources leased (now) by the process ``pid`` (owner ``host:pid:tag``)."""
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT url FROM sources WHERE lease_owner LIKE :owner AND lease_until > :now"
                ),
                {"owner": f"%:{pid}:%", "now": datetime.now(UTC)},
            )
            return [row.url for row in rows]

    async def stored_titles(self) -> list[str]:
        async with self.engine.connect() as connection:
            return [str(t) for t in await connection.scalars(text("SELECT title FROM articles"))]

    async def lease_until(self, url: str) -> datetime | None:
        async with self.engine.connect() as connection:
            value = await connection.scalar(
                text("SELECT lease_until FROM sources WHERE url = :url"), {"url": url}
            )
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)

    async def outbox_statuses(self) -> dict[str, int]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT status, count(*) AS n FROM outbox GROUP BY status")
            )
            return {str(row.status): int(row.n) for row in rows}

    async def lock_holders(self, key: int) -> int:
        """How many sessions hold advisory lock ``key``."""
        unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
        async with self.engine.connect() as connection:
            return int(
                await connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND objsubid = 1 AND classid::bigint = :high AND objid::bigint = :low"
                    ),
                    {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF},
                )
                or 0
            )

    async def aclose(self) -> None:
        await self.engine.dispose()


async def start_service(service: ServiceProcess) -> None:
    """Start a ``khabardar run``; the HTTP port ``free_port`` chose may have been taken by
    another program since (test suites run side by side): then start again on a new port."""
    for attempt in range(3):
        try:
            await service.start()
            return
        except AssertionError as exc:
            if "address already in use" not in str(exc).lower() or attempt == 2:
                raise
            service.env["PORT"] = str(free_port())


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def seconds_until(moment: datetime) -> float:
    return max(0.0, (moment - datetime.now(UTC)) / timedelta(seconds=1))
