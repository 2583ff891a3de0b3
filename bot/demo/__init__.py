"""``khabardar demo``: the whole bot, offline, on bundled sample feeds and two console chats.

It serves ``bot/demo/feeds/`` on a local port (real HTTP with ETags), points a temporary SQLite
database and sources file at it, and runs the same ``Runtime`` as ``khabardar run``: a Hindi
chat and an English chat subscribe with real commands, real poll → match → deliver cycles
print the alerts, a "breaking" article is published mid-run, and both chats finish with a
digest in their language.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from aiohttp import web

from bot.app import Runtime
from bot.domain.models import ChatKind, Platform
from bot.domain.replies import to_console
from bot.logs import configure_logging
from bot.services.conversation import ChatContext
from bot.settings import load_settings

FEEDS = Path(__file__).resolve().parent / "feeds"
BASE_FEEDS = {
    "hindi-tech.xml": "hindi_tech.xml",
    "hindi-national.xml": "hindi_national.xml",
    "english-tech.xml": "english_tech.xml",
    "english-business.xml": "english_business.xml",
}
BREAKING = {"hindi-tech.xml": "breaking_hindi.xml", "english-tech.xml": "breaking_english.xml"}
SOURCE_NAMES = {
    "hindi-tech.xml": ("हिंदी टेक खबर", "hi"),
    "hindi-national.xml": ("देश समाचार", "hi"),
    "english-tech.xml": ("Tech Ledger", "en"),
    "english-business.xml": ("Business Daily", "en"),
}
HINDI_COMMANDS = ["/track टिकटॉक बैन", '/track "डेटा लीक"', "/track #hack", "/list"]
ENGLISH_COMMANDS = ["/track tiktok ban", '/track "data leak" -cricket', "/track whatsapp privacy"]


class FeedServer:
    """Serves the bundled feeds with ETags; ``publish_breaking`` swaps in the breaking files."""

    def __init__(self) -> None:
        self.files = dict(BASE_FEEDS)
        self.port = 0
        self._runner: web.AppRunner | None = None

    def publish_breaking(self) -> None:
        self.files.update(BREAKING)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{name}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.Response:
        name = self.files.get(request.match_info["name"])
        if name is None:
            raise web.HTTPNotFound()
        body = (FEEDS / name).read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        kind = "application/atom+xml" if b"<feed" in body[:400] else "application/rss+xml"
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": kind})

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


def _sources_toml(server: FeedServer) -> str:
    blocks = []
    for name, (title, lang) in SOURCE_NAMES.items():
        blocks.append(
            f'[[source]]\nurl = "{server.url(name)}"\nname = "{title}"\nlang = "{lang}"\n'
            f"backfill = 50\n"
        )
    return "\n".join(blocks)


class Demo:
    def __init__(self, out: TextIO, *, pause_s: float) -> None:
        self.out = out
        self.pause_s = pause_s

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def heading(self, text: str) -> None:
        self.say("\n" + "═" * 72 + f"\n  {text}\n" + "═" * 72 + "\n")

    async def type_command(self, runtime: Runtime, ctx: ChatContext, text: str) -> None:
        self.say(f"[{ctx.chat_id}] > {text}")
        for reply in await runtime.conversation.handle_text(ctx, text):
            self.say("\n".join("    " + line for line in to_console(reply).splitlines()))
        self.say("")

    async def cycle(self, runtime: Runtime) -> None:
        summary = await runtime.poll.poll_due()
        self.say(
            f"(poll: {summary.polled} sources, {summary.new_articles} new articles, "
            f"{summary.alerts} alerts queued)\n"
        )
        await runtime.workers[Platform.CONSOLE].drain_once()

    async def run(self) -> int:
        server = FeedServer()
        await server.start()
        with tempfile.TemporaryDirectory(prefix="khabardar-demo-") as folder:
            sources = Path(folder) / "sources.toml"
            sources.write_text(_sources_toml(server), encoding="utf-8")
            settings = load_settings(
                {
                    "DATABASE_URL": f"sqlite:///{folder}/demo.db",
                    "KHABARDAR_SOURCES": str(sources),
                    "KHABARDAR_ALLOW_PRIVATE_URLS": "true",
                    "KHABARDAR_POLL_INTERVAL": "1",
                }
            )
            runtime = Runtime(
                settings, console_stream=self.out, with_console=True, serve_http=False
            )
            try:
                await runtime.build()
                await self._script(runtime, server)
            finally:
                await runtime.stop()
                await server.stop()
        return 0

    async def _script(self, runtime: Runtime, server: FeedServer) -> None:
        # Two team chats (groups), each with an admin typing the commands.
        hindi = ChatContext(
            platform=Platform.CONSOLE,
            chat_id="हिंदी-न्यूज़रूम",
            kind=ChatKind.GROUP,
            title="हिंदी न्यूज़रूम",
            user_id="asha",
            user_name="आशा",
            user_language="hi",
            user_is_admin=True,
        )
        english = ChatContext(
            platform=Platform.CONSOLE,
            chat_id="english-newsroom",
            kind=ChatKind.GROUP,
            title="English newsroom",
            user_id="ravi",
            user_name="Ravi",
            user_language="en",
            user_is_admin=True,
        )
        self.heading("Khabardar demo — offline, on 4 bundled Hindi and English feeds")
        self.say(f"Feeds served at http://127.0.0.1:{server.port}/ ; database: temporary SQLite.")
        self.heading("1. Two team chats subscribe (a Hindi newsroom and an English one)")
        for text in HINDI_COMMANDS:
            await self.type_command(runtime, hindi, text)
        for text in ENGLISH_COMMANDS:
            await self.type_command(runtime, english, text)
        self.heading("2. First poll: matching stories from the feeds become alerts")
        await self.cycle(runtime)
        self.heading("3. Both chats switch from instant alerts to a daily digest")
        await self.type_command(runtime, hindi, "/digest daily 09:00")
        await self.type_command(runtime, english, "/digest daily 09:00")
        self.heading(
            "4. Breaking news is published on two feeds; the next poll keeps it for the digest"
        )
        server.publish_breaking()
        await asyncio.sleep(max(1.1, self.pause_s))  # the sources' 1 s interval passes
        await self.cycle(runtime)
        self.heading("5. The digest, in each chat's language")
        await self.type_command(runtime, hindi, "/digest now")
        await self.type_command(runtime, english, "/digest now")
        self.heading("Done — run `khabardar run` to start the bot for real (see README)")


def demo_command(args: Any) -> int:
    """``khabardar demo``."""
    configure_logging(level=args.log_level or "WARNING", fmt=args.log_format or "text")
    return asyncio.run(Demo(sys.stdout, pause_s=0.0 if args.fast else 1.1).run())
