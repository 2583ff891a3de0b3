"""Reliability suite harness: a local feed server, a pre-seeded SQLite database and
``khabardar run`` as a real subprocess that can be killed with SIGKILL and started again.

The service's output goes to files (not pipes) so a chatty process never blocks on a full pipe
and the captured logs can be grepped for secrets afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.domain.lexicon import DEFAULT_TOPICS_PATH, load_lexicon
from bot.domain.models import Platform
from bot.domain.query import parse_query
from bot.services.ports import ChatDefaults, NewSubscription

REPO = Path(__file__).resolve().parents[2]

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>हिंदी खबरें</title><link>https://hindi.example/</link><language>hi</language>{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://hindi.example/{slug}</link>
<guid>https://hindi.example/{slug}</guid><pubDate>{date}</pubDate>
<description>{lead}</description></item>"""

QUERY = "डेटा लीक"
MATCHING_TITLE = "बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक, जांच के आदेश"
MATCHING_LEAD = "साइबर सुरक्षा एजेंसी ने कहा कि खाताधारकों के नाम और फोन नंबर बाहर आए हैं।"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_item(title: str, slug: str, lead: str, *, published: datetime | None = None) -> str:
    date = format_datetime(published or datetime.now(UTC))
    return ITEM.format(title=title, slug=slug, date=date, lead=lead)


@dataclass
class FeedServer:
    """An RSS feed on loopback whose items the test changes while the service polls it."""

    items: list[str] = field(default_factory=list)
    url: str = ""
    hits: int = 0

    async def _feed(self, _request: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(
            text=RSS.format(items="".join(self.items)), content_type="application/rss+xml"
        )


@asynccontextmanager
async def serve_feed() -> AsyncIterator[FeedServer]:
    """A FeedServer listening on a random loopback port for the duration of the block."""
    server = FeedServer()
    app = web.Application()
    app.router.add_get("/rss", server._feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/rss"
    try:
        yield server
    finally:
        await runner.cleanup()


def write_sources(path: Path, feed_url: str, *, backfill: int = 0) -> Path:
    """A sources.toml with the one local feed; ``backfill`` items of its first poll alert."""
    path.write_text(
        f'[[source]]\nurl = "{feed_url}"\nname = "हिंदी खबरें"\nbackfill = {backfill}\n',
        "utf-8",
    )
    return path


async def seed_telegram_chats(
    database_url: str, chat_ids: list[int], *, query: str = QUERY, lang: str = "hi"
) -> None:
    """Each chat tracks ``query`` — stored exactly as ``/track`` stores it (parsed, canonical)."""
    await upgrade_database(database_url)
    lexicon = load_lexicon(DEFAULT_TOPICS_PATH)
    parsed = parse_query(query, lexicon=lexicon)
    store = Store.open(database_url)
    try:
        for platform_chat_id in chat_ids:
            chat, _ = await store.chats.get_or_create(
                Platform.TELEGRAM, str(platform_chat_id), defaults=ChatDefaults(lang=lang)
            )
            await store.subscriptions.add(
                NewSubscription(
                    chat_id=chat.id,
                    query_text=query,
                    query_norm=parsed.canonical(),
                    parsed=parsed.to_json(),
                )
            )
    finally:
        await store.close()


@dataclass
class ServiceProcess:
    """``khabardar run`` in its own process; ``kill()`` is SIGKILL, no chance to clean up."""

    workdir: Path
    env: dict[str, str]
    process: asyncio.subprocess.Process | None = None
    starts: int = 0
    logs: list[Path] = field(default_factory=list)

    async def start(self, *, timeout: float = 60.0) -> float:
        """Start and wait for the "khabardar running" line; returns the start-up seconds."""
        self.starts += 1
        out = self.workdir / f"run{self.starts}.out"
        err = self.workdir / f"run{self.starts}.err"
        self.logs += [out, err]
        started = time.monotonic()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                cwd=self.workdir, env=self.env, stdout=stdout, stderr=stderr,
            )  # fmt: skip
        while time.monotonic() - started < timeout:
            if "khabardar running" in out.read_text("utf-8", "replace"):
                return time.monotonic() - started
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"service did not start (rc={self.process.returncode}):\n"
            + err.read_text("utf-8", "replace")[-3000:]
        )

    def kill(self) -> None:
        assert self.process is not None and self.process.returncode is None
        self.process.send_signal(signal.SIGKILL)

    async def wait(self, timeout: float = 10.0) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def terminate(self) -> int:
        """SIGTERM, the graceful stop; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.wait()

    def output(self) -> str:
        return "\n".join(p.read_text("utf-8", "replace") for p in self.logs if p.exists())

    async def aclose(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def service_env(
    tmp_path: Path, *, token: str, telegram_url: str, sources: Path, **extra: str
) -> dict[str, str]:
    env: dict[str, Any] = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/khabardar.db",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": telegram_url,
        "KHABARDAR_SOURCES": str(sources),
        "KHABARDAR_ALLOW_PRIVATE_URLS": "true",
        "KHABARDAR_POLL_INTERVAL": "2",
        "KHABARDAR_LOG_FORMAT": "json",
        "PORT": str(free_port()),
        "PYTHONPATH": str(REPO),
        **extra,
    }
    return env
