"""The whole service in one process: feed server → Runtime → the real python-telegram-bot
talking to the fake Telegram Bot API (long polling for commands, sendMessage for alerts).

A Hindi user tracks «टिकटॉक बैन»; a new Devanagari article about a TikTok ban appears in the
feed; the user gets the alert as Telegram HTML with the inline keyboard, in Hindi.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import Runtime
from bot.settings import load_settings
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram

USER = 424242
FEED_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>हिंदी खबरें</title><link>https://hindi.example/</link>
<language>hi</language>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://hindi.example/{slug}</link>
<guid>https://hindi.example/{slug}</guid><pubDate>{date}</pubDate>
<description>{lead}</description></item>"""


class Feed:
    def __init__(self) -> None:
        self.items: list[str] = []

    async def handler(self, _request: web.Request) -> web.Response:
        body = FEED_TEMPLATE.format(items="".join(self.items))
        return web.Response(text=body, content_type="application/rss+xml")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def feed() -> AsyncIterator[tuple[Feed, str]]:
    feed = Feed()
    app = web.Application()
    app.router.add_get("/rss", feed.handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield feed, f"http://127.0.0.1:{port}/rss"
    finally:
        await runner.cleanup()


async def test_hindi_user_tracks_and_receives_a_devanagari_alert(
    tmp_path: Path, feed: tuple[Feed, str]
) -> None:
    server, url = feed
    server.items.append(
        ITEM.format(
            title="मौसम विभाग ने दिल्ली में बारिश का अलर्ट जारी किया", slug="weather",
            date="Sat, 28 Nov 2026 08:00:00 +0530",
            lead="राजधानी में अगले दो दिन हल्की बारिश हो सकती है।",
        )
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nurl = "{url}"\nname = "हिंदी खबरें"\nlang = "hi"\n')
    async with FakeTelegram() as telegram:
        telegram.add_user(USER, first_name="आशा", language_code="hi")
        telegram.add_chat(USER, type="private", first_name="आशा")
        settings = load_settings(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
                "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                "TELEGRAM_API_BASE_URL": telegram.base_url,
                "KHABARDAR_SOURCES": str(sources),
                "KHABARDAR_ALLOW_PRIVATE_URLS": "1",
                "KHABARDAR_POLL_INTERVAL": "1",
                "PORT": str(_free_port()),
            }
        )
        runtime = Runtime(settings)
        await runtime.build()
        summary = await runtime.start()
        try:
            assert "telegram(polling)" in summary
            telegram.push_message(USER, "/track टिकटॉक बैन", USER)
            (reply,) = await telegram.wait_for_messages(1, chat_id=USER, timeout=10)
            assert "टिकटॉक" in reply.plain_text and reply.parse_mode == "HTML"
            assert "ट्रैकिंग" in reply.plain_text  # answered in Hindi

            await asyncio.sleep(1.5)  # the first poll has taken the old item as backlog
            server.items.insert(
                0,
                ITEM.format(
                    title="भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी, "
                    "डाटा लीक की बात से किया इनकार",
                    slug="tiktok",
                    date="Sat, 28 Nov 2026 09:00:00 +0530",
                    lead="टिकटॉक पर प्रतिबंध के बाद कंपनी ने सफाई दी है।",
                ),
            )
            messages = await telegram.wait_for_messages(2, chat_id=USER, timeout=15)
            alert = messages[1]
            assert "TikTok ने चीन से बनाई दूरी" in alert.plain_text
            assert alert.parse_mode == "HTML"
            buttons = [b for row in alert.reply_markup["inline_keyboard"] for b in row]
            assert any(b.get("url") == "https://hindi.example/tiktok" for b in buttons)
            assert any(str(b.get("callback_data", "")).startswith("mute:") for b in buttons)
            assert len(telegram.messages(USER)) == 2  # no alert for the weather backlog
            commands = telegram.commands(language_code="hi")
            assert any(c["command"] == "track" for c in commands)
        finally:
            await runtime.stop()
