"""The database goes away for a while: the service waits, recovers, and loses no alert.

``khabardar run`` polls a local Hindi feed for Telegram chats tracking ``डेटा लीक``. One story
is published and delivered (steady state); then the database becomes unavailable, and while it
is, new matching stories appear in the feed. After the database is back every chat has every
story exactly once, the process never exited (it stops cleanly on SIGTERM at the end), the
log shows short warnings rather than a traceback per tick and, when reads failed too
(PostgreSQL), the readiness probe said "database unreachable" meanwhile.

Two ways to take the database away without touching the system PostgreSQL other tests use:

- PostgreSQL: the service's ``DATABASE_URL`` goes through a loopback TCP proxy
  (``tcp_proxy.py``) that is cut — every open connection reset, new ones refused — and then
  restored, as a restarted server or a dropped network looks to the service.
- SQLite: another process holds ``BEGIN EXCLUSIVE`` on the file (a backup, an operator's
  ``sqlite3`` shell). Writers wait in SQLite's busy handler (15 s); a short lock is only a
  stall, a longer one makes writes fail with "database is locked" until it is released.

The PostgreSQL cut begins while the first story's alerts are being sent: sends the platform
accepted but the database could not record are recorded once it is back, not sent again.

Fast variants (CI): PostgreSQL cut for 6 s, SQLite locked for 5 s (a stall: writers wait in the
busy handler). Slow variants: PostgreSQL cut for 20 s, SQLite locked for 40 s (two busy timeouts:
writes fail with "database is locked" meanwhile — before the fix, a delivery worker whose claim
failed died for good and every later alert was lost).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import text

from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.domain.lexicon import DEFAULT_TOPICS_PATH, load_lexicon
from bot.domain.models import Platform
from bot.domain.query import parse_query
from bot.services.ports import ChatDefaults, NewSubscription
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram
from tests.reliability.service_harness import (
    QUERY,
    FeedServer,
    ServiceProcess,
    rss_item,
    service_env,
    write_sources,
)
from tests.reliability.tcp_proxy import TcpProxy, tcp_proxy

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
CHATS = 20
FIRST_CHAT = 7_500_000
LEAD = "साइबर सुरक्षा विशेषज्ञों ने लोगों से अपने पासवर्ड तुरंत बदलने को कहा है।"
BEFORE = ("बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक, जांच के आदेश", "bank-leak")
DURING = [
    ("अस्पताल के मरीजों का डेटा लीक, साइबर पुलिस ने मामला दर्ज किया", "hospital-leak"),
    ("टेलीकॉम कंपनी के ग्राहकों का डेटा लीक होने की आशंका, कंपनी ने दी सफाई", "telecom-leak"),
    ("परीक्षा बोर्ड की वेबसाइट से छात्रों का डेटा लीक, मंत्रालय ने रिपोर्ट मांगी", "exam-leak"),
]
FILLER = ("मौसम विभाग ने अगले तीन दिन तेज बारिश का अनुमान जताया", "weather")
MAX_TRACEBACKS = 2  # a rare first-failure traceback is tolerable; one per tick is spam


def story_key(title: str) -> str:
    return title.split(",")[0]


async def seed_chats(database_url: str, chat_ids: list[int], *, schema: str | None) -> None:
    """Each chat tracks ``QUERY``, stored as ``/track`` stores it (parsed, canonical)."""
    await upgrade_database(database_url, schema=schema)
    parsed = parse_query(QUERY, lexicon=load_lexicon(DEFAULT_TOPICS_PATH))
    async with Store.open(database_url, schema=schema) as store:
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


@dataclass
class Outage:
    """How the database is taken away (``begin``) and given back (``end``)."""

    name: str
    begin: Callable[[], Awaitable[None]]
    end: Callable[[], Awaitable[None]]
    unreachable: bool  # reads fail too (readiness must say so), not only writes
    mid_delivery: bool  # begins while the first story's alerts are still being sent


@dataclass
class SqliteLock:
    """Another process holding ``BEGIN EXCLUSIVE`` on the database file until told to stop."""

    path: Path
    process: asyncio.subprocess.Process | None = None
    held: list[float] = field(default_factory=list)

    SCRIPT = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.execute('COMMIT')\n"
    )

    async def begin(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", self.SCRIPT, str(self.path),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        assert line.strip() == b"locked", line

    async def end(self) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()
        assert await asyncio.wait_for(self.process.wait(), 10) == 0

    async def aclose(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def tracebacks(output: str) -> int:
    """Log lines that carry a traceback (JSON ``exc``), plus bare tracebacks on stderr."""
    count = 0
    for line in output.splitlines():
        if line.startswith("{"):
            count += '"exc":' in line
        elif line.startswith("Traceback"):
            count += 1
    return count


def storage_warnings(output: str) -> int:
    """Warnings that say the database failed (the clear errors the operator sees)."""
    count = 0
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry["level"] in ("warning", "error") and "storage" in json.dumps(entry).lower():
            count += 1
    return count


async def _alerts_through_outage(
    tmp_path: Path,
    feed_server: FeedServer,
    service_factory: list[ServiceProcess],
    *,
    outage: Outage,
    outage_s: float,
    extra_env: dict[str, str],
    seed: Callable[[list[int]], Awaitable[None]],
) -> dict[str, float]:
    chat_ids = [FIRST_CHAT + i for i in range(CHATS)]
    await seed(chat_ids)
    feed_server.items = [rss_item(FILLER[0], FILLER[1], "किसानों को सलाह दी गई है।")]
    sources = write_sources(tmp_path / "sources.toml", feed_server.url, backfill=0)
    async with FakeTelegram() as telegram:
        for chat_id in chat_ids:
            telegram.add_chat(chat_id, type="private", first_name="पाठक")
        service = ServiceProcess(
            tmp_path,
            service_env(
                tmp_path,
                token=DEFAULT_TOKEN,
                telegram_url=telegram.base_url,
                sources=sources,
                **extra_env,
            ),
        )
        service_factory.append(service)
        await service.start()
        ready_url = f"http://127.0.0.1:{service.env['PORT']}/readyz"

        def have(title: str) -> set[int]:
            key = story_key(title)
            return {m.chat_id for m in telegram.messages() if key in m.plain_text}

        async def wait_delivered(titles: list[str], timeout: float) -> float:
            began = time.monotonic()
            while any(len(have(t)) < CHATS for t in titles):
                assert service.process is not None and service.process.returncode is None, (
                    "the service exited:\n" + service.output()[-4000:]
                )
                assert time.monotonic() - began < timeout, (
                    f"alerts missing after {timeout} s: "
                    f"{[CHATS - len(have(t)) for t in titles]}\n" + service.output()[-4000:]
                )
                await asyncio.sleep(0.05)
            return time.monotonic() - began

        # Steady state: a story before the outage is delivered — completely, or (mid_delivery)
        # only to a quarter of the chats when the outage begins.
        feed_server.items.insert(0, rss_item(BEFORE[0], BEFORE[1], LEAD))
        if outage.mid_delivery:
            began = time.monotonic()
            while len(have(BEFORE[0])) < CHATS // 4:
                assert time.monotonic() - began < 30, "the first story was not delivered"
                await asyncio.sleep(0.002)
        else:
            await wait_delivered([BEFORE[0]], 30)
        sent_before = len(telegram.messages())

        # The outage: stories appear at its start and in its middle.
        await outage.begin()
        cut_at = time.monotonic()
        hits_before = feed_server.hits
        half = len(DURING) // 2 + 1
        for title, slug in DURING[:half]:
            feed_server.items.insert(0, rss_item(title, slug, LEAD))
        not_ready = 0
        second_wave = False
        async with httpx.AsyncClient(timeout=5) as client:
            while time.monotonic() - cut_at < outage_s:
                if not second_wave and time.monotonic() - cut_at > outage_s / 2:
                    second_wave = True
                    for title, slug in DURING[half:]:
                        feed_server.items.insert(0, rss_item(title, slug, LEAD))
                assert service.process is not None and service.process.returncode is None, (
                    "the service exited during the outage:\n" + service.output()[-4000:]
                )
                if (await client.get(ready_url)).status_code == 503:
                    not_ready += 1
                await asyncio.sleep(0.5)
            hits_during = feed_server.hits - hits_before
            await outage.end()
            restored_at = time.monotonic()
            during_outage = len(telegram.messages()) - sent_before
            recovery_s = await wait_delivered([BEFORE[0], *(t for t, _ in DURING)], 90)
            await asyncio.sleep(2.5)  # a late duplicate would show up here
            ready = (await client.get(ready_url)).status_code
        assert service.process is not None and service.process.returncode is None
        assert await service.terminate() == 0, service.output()[-4000:]
        messages = telegram.messages()
    per_story = Counter(
        (m.chat_id, story_key(t))
        for m in messages
        for t, _ in [BEFORE, *DURING]
        if story_key(t) in m.plain_text
    )
    expected = {(c, story_key(t)) for c in chat_ids for t, _ in [BEFORE, *DURING]}
    lost = len(expected - set(per_story))
    duplicated = sum(n - 1 for n in per_story.values() if n > 1)
    output = service.output()
    figures = {
        "outage": outage.name,
        "outage_s": round(restored_at - cut_at, 1),
        "recovery_s": round(recovery_s, 1),
        "alerts_expected": len(expected),
        "before_outage": sent_before,
        "lost": lost,
        "duplicated": duplicated,
        "sent_during_outage": during_outage,
        "not_ready_probes": not_ready,
        "storage_warnings": storage_warnings(output),
        "tracebacks": tracebacks(output),
        "feed_polls_during": hits_during,
        "recorded_late": output.count("recorded a send made during a database outage"),
        "exited": 0,
    }
    print(f"\ndatabase outage ({outage.name}), query {QUERY!r}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    assert lost == 0
    assert duplicated == 0
    assert len(messages) == len(expected)
    assert ready == 200
    if outage.unreachable:  # the operator sees it: readiness fails and the log says why
        assert not_ready > 0
        assert figures["storage_warnings"] > 0
    assert figures["tracebacks"] <= MAX_TRACEBACKS, output[-6000:]
    assert DEFAULT_TOKEN not in output
    return figures


# -- PostgreSQL through a proxy that is cut ---------------------------------------------------


@pytest.fixture
async def pg_schema() -> AsyncIterator[str]:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set (the PostgreSQL outage needs PostgreSQL)")
    name = f"khabardar_outage_{secrets.token_hex(4)}"
    yield name
    engine = create_engine(TEST_DATABASE_URL)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        await engine.dispose()


def through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


async def _postgres_outage(
    tmp_path: Path,
    feed_server: FeedServer,
    service_factory: list[ServiceProcess],
    schema: str,
    outage_s: float,
) -> dict[str, float]:
    assert TEST_DATABASE_URL is not None
    target = urlsplit(TEST_DATABASE_URL)
    async with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        proxied = through(proxy, TEST_DATABASE_URL)

        async def seed(chat_ids: list[int]) -> None:
            await seed_chats(TEST_DATABASE_URL or "", chat_ids, schema=schema)

        return await _alerts_through_outage(
            tmp_path,
            feed_server,
            service_factory,
            outage=Outage(
                "postgresql proxy cut mid-delivery",
                proxy.cut,
                proxy.restore,
                unreachable=True,
                mid_delivery=True,
            ),
            outage_s=outage_s,
            extra_env={"DATABASE_URL": proxied, "KHABARDAR_DB_SCHEMA": schema},
            seed=seed,
        )


@pytest.mark.postgres
async def test_postgres_cut_for_6_seconds_loses_no_alert(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess], pg_schema: str
) -> None:
    await _postgres_outage(tmp_path, feed_server, service_factory, pg_schema, 6.0)


@pytest.mark.postgres
@pytest.mark.slow
async def test_postgres_cut_for_20_seconds_loses_no_alert(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess], pg_schema: str
) -> None:
    await _postgres_outage(tmp_path, feed_server, service_factory, pg_schema, 20.0)


# -- SQLite locked by another process ---------------------------------------------------------


async def _sqlite_outage(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess], lock_s: float
) -> dict[str, float]:
    path = tmp_path / "khabardar.db"
    lock = SqliteLock(path)

    async def seed(chat_ids: list[int]) -> None:
        await seed_chats(f"sqlite:///{path}", chat_ids, schema=None)

    try:
        return await _alerts_through_outage(
            tmp_path,
            feed_server,
            service_factory,
            outage=Outage(
                "sqlite exclusive lock",
                lock.begin,
                lock.end,
                unreachable=False,
                mid_delivery=False,
            ),
            outage_s=lock_s,
            extra_env={},
            seed=seed,
        )
    finally:
        await lock.aclose()


async def test_sqlite_locked_for_5_seconds_loses_no_alert(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess]
) -> None:
    await _sqlite_outage(tmp_path, feed_server, service_factory, 5.0)


@pytest.mark.slow
async def test_sqlite_locked_for_40_seconds_loses_no_alert(
    tmp_path: Path, feed_server: FeedServer, service_factory: list[ServiceProcess]
) -> None:
    await _sqlite_outage(tmp_path, feed_server, service_factory, 40.0)
