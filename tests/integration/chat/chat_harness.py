"""What the chat-adapter tests share: a local news feed, a running Runtime, and a Telegram user.

The Runtime is the real one (``bot.app.Runtime``) on a temporary SQLite file, talking to the
fake Telegram/Slack servers from ``tests/fakes`` through the real python-telegram-bot and
slack-bolt/slack-sdk clients. Tests share one Runtime per module and keep apart by using
distinct chat ids, user ids and query words.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import Runtime
from bot.domain.models import Platform
from bot.services.ports import ChatRow, SubscriptionRow
from bot.settings import load_settings
from tests.fakes.telegram_records import SentTelegramMessage
from tests.fakes.telegram_server import FakeTelegram

FEED_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk News</title><link>https://desk.example/</link>
<language>en</language>{items}</channel></rss>"""
ITEM_TEMPLATE = """<item><title>{title}</title><link>https://desk.example/{slug}</link>
<guid>https://desk.example/{slug}</guid><pubDate>{date}</pubDate>
<description>{lead}</description></item>"""
_slugs = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class NewsFeed:
    """An RSS feed on loopback whose items a test adds while the Runtime polls it."""

    url: str = ""
    items: list[str] = field(default_factory=list)

    def publish(self, title: str, lead: str) -> str:
        """Add a fresh item on top; returns its link."""
        slug = f"story-{next(_slugs)}"
        self.items.insert(
            0,
            ITEM_TEMPLATE.format(
                title=title, slug=slug, lead=lead, date=format_datetime(datetime.now(UTC))
            ),
        )
        return f"https://desk.example/{slug}"

    async def handler(self, _request: web.Request) -> web.Response:
        body = FEED_TEMPLATE.format(items="".join(self.items))
        return web.Response(text=body, content_type="application/rss+xml")


@asynccontextmanager
async def serve_feed() -> AsyncIterator[NewsFeed]:
    feed = NewsFeed()
    feed.publish("Monsoon reaches Kerala two days early", "The weather office confirmed it.")
    app = web.Application()
    app.router.add_get("/rss", feed.handler)
    app.router.add_get("/extra.xml", feed.handler)  # a second address for /addsource
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    feed.url = f"http://127.0.0.1:{port}/rss"
    try:
        yield feed
    finally:
        await runner.cleanup()


@asynccontextmanager
async def running_runtime(
    tmp_path: Path, feed: NewsFeed, env: Mapping[str, str]
) -> AsyncIterator[Runtime]:
    """A started Runtime on SQLite under ``tmp_path`` polling ``feed`` every second."""
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nurl = "{feed.url}"\nname = "Desk News"\nlang = "en"\n')
    settings = load_settings(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
            "KHABARDAR_SOURCES": str(sources),
            "KHABARDAR_ALLOW_PRIVATE_URLS": "1",
            "KHABARDAR_POLL_INTERVAL": "1",
            "PORT": str(free_port()),
            **env,
        }
    )
    runtime = Runtime(settings)
    await runtime.build()
    try:
        await runtime.start()
        yield runtime
    finally:
        await runtime.stop()


async def chat_row(runtime: Runtime, platform: Platform, chat_id: str | int) -> ChatRow | None:
    return await runtime.store.chats.get_by_platform_id(platform, str(chat_id))


async def subscriptions(
    runtime: Runtime, platform: Platform, chat_id: str | int
) -> list[SubscriptionRow]:
    chat = await chat_row(runtime, platform, chat_id)
    if chat is None:
        return []
    return list(await runtime.store.subscriptions.list_for_chat(chat.id))


async def ask(
    telegram: FakeTelegram,
    chat_id: int,
    text: str,
    user: int | None = None,
    *,
    thread_id: int | None = None,
    channel: bool = False,
    replies: int = 1,
    timeout: float = 10.0,
) -> list[SentTelegramMessage]:
    """Send ``text`` as a user (or as a channel post) and wait for the bot's next replies."""
    before = len(telegram.messages(chat_id))
    if channel:
        telegram.push_channel_post(chat_id, text)
    else:
        telegram.push_message(chat_id, text, user, thread_id=thread_id)
    found = await telegram.wait_for_messages(before + replies, chat_id=chat_id, timeout=timeout)
    return found[before:]


async def wait_until(condition: Any, *, timeout: float = 10.0, step: float = 0.05) -> None:
    """Poll an (async or sync) predicate until it holds; TimeoutError otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if loop.time() > deadline:
            raise TimeoutError("condition did not hold in time")
        await asyncio.sleep(step)
