"""``khabardar run`` as its own process: feed server → the bot → fake Telegram, then SIGTERM.

A Hindi user's ``/track टिकटॉक बैन`` gets the alert for a new Devanagari article about a TikTok
ban within the poll interval plus a few seconds; health, readiness and metrics answer on PORT;
SIGTERM shuts the service down cleanly (exit 0) well within 10 seconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
from aiohttp import web

from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram

REPO = Path(__file__).resolve().parents[2]
USER = 515151
POLL_INTERVAL_S = 2
RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>हिंदी खबरें</title><link>https://hindi.example/</link><language>hi</language>{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://hindi.example/{slug}</link>
<guid>https://hindi.example/{slug}</guid><pubDate>{date}</pubDate>
<description>{lead}</description></item>"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _wait_for_line(stream: asyncio.StreamReader, needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = await asyncio.wait_for(stream.readline(), deadline - time.monotonic())
        if not line:
            break
        if needle in line.decode():
            return line.decode()
    raise AssertionError(f"{needle!r} never printed")


async def test_run_alerts_a_hindi_user_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    items = [
        ITEM.format(
            title="दिल्ली में आज हल्की बारिश के आसार",
            slug="weather",
            date="Sat, 28 Nov 2026 07:00:00 +0530",
            lead="मौसम विभाग ने कहा।",
        )
    ]

    async def feed(_request: web.Request) -> web.Response:
        return web.Response(
            text=RSS.format(items="".join(items)), content_type="application/rss+xml"
        )

    app = web.Application()
    app.router.add_get("/rss", feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    feed_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/rss"  # type: ignore[union-attr]
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nurl = "{feed_url}"\nname = "हिंदी खबरें"\n', "utf-8")
    port = _free_port()
    try:
        async with FakeTelegram() as telegram:
            telegram.add_user(USER, first_name="सुनीता", language_code="hi")
            telegram.add_chat(USER, type="private", first_name="सुनीता")
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{tmp_path}/khabardar.db",
                "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                "TELEGRAM_API_BASE_URL": telegram.base_url,
                "KHABARDAR_SOURCES": str(sources),
                "KHABARDAR_ALLOW_PRIVATE_URLS": "true",
                "KHABARDAR_POLL_INTERVAL": str(POLL_INTERVAL_S),
                "PORT": str(port),
            }
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                assert process.stdout is not None
                summary = await _wait_for_line(process.stdout, "khabardar running", 60)
                assert "telegram(polling)" in summary and "sources=1" in summary

                telegram.push_message(USER, "/track टिकटॉक बैन", USER)
                (reply,) = await telegram.wait_for_messages(1, chat_id=USER, timeout=20)
                assert "ट्रैकिंग" in reply.plain_text

                await asyncio.sleep(POLL_INTERVAL_S + 0.5)  # first poll took the backlog
                items.insert(
                    0,
                    ITEM.format(
                        title="टिकटॉक पर बैन जारी रहेगा, सरकार ने कहा- डेटा सुरक्षा से समझौता नहीं",
                        slug="tiktok-ban",
                        date="Sat, 28 Nov 2026 09:30:00 +0530",
                        lead="सरकार ने साफ किया कि चीनी ऐप्स पर प्रतिबंध नहीं हटेगा।",
                    ),
                )
                published = time.monotonic()
                messages = await telegram.wait_for_messages(
                    2, chat_id=USER, timeout=POLL_INTERVAL_S + 10
                )
                latency = time.monotonic() - published
                assert "टिकटॉक पर बैन जारी रहेगा" in messages[1].plain_text
                assert latency <= POLL_INTERVAL_S + 5

                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                    assert (await client.get("/healthz")).status_code == 200
                    ready = await client.get("/readyz")
                    assert ready.status_code == 200, ready.text
                    metrics = (await client.get("/metrics")).text
                    assert (
                        'khabardar_alerts_total{platform="telegram",status="sent"} 1.0' in metrics
                    )
                    assert DEFAULT_TOKEN not in metrics

                stopping = time.monotonic()
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), 10)
                assert code == 0
                assert time.monotonic() - stopping < 10
                assert process.stderr is not None
                logs = (await process.stderr.read()).decode()
                assert DEFAULT_TOKEN not in logs
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    finally:
        await runner.cleanup()
