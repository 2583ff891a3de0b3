"""End-to-end latency: "item appears in the feed" → "sendMessage received by the fake Telegram".

    .venv/bin/python benchmarks/e2e_latency.py                 # 12 stories, 5 s poll interval
    .venv/bin/python benchmarks/e2e_latency.py --poll-interval 10

It starts ``khabardar run`` as a separate process (SQLite, Telegram long polling against
``tests.fakes.FakeTelegram``, one local feed), subscribes a Hindi user with ``/track टिकटॉक``,
then publishes matching Hindi articles into the feed at random moments and records when each
alert reaches the fake. Target: p99 ≤ poll interval + 2 s. Last line, machine-readable:
``poll_interval_s=… p50_s=… p99_s=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram  # noqa: E402

USER = 777001
RSS = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>खबरें</title>'
    "<link>https://hindi.example/</link><language>hi</language>{items}</channel></rss>"
)
ITEM = (
    "<item><title>{title}</title><link>https://hindi.example/{n}</link>"
    "<guid>https://hindi.example/{n}</guid><description>{lead}</description></item>"
)
# Distinct stories: near-duplicate titles would (rightly) be folded into one story per chat.
TITLES = [
    "टिकटॉक पर प्रतिबंध को लेकर सरकार का नया बयान",
    "मुंबई के कॉलेज छात्रों ने टिकटॉक जैसे ऐप पर शोध रिपोर्ट जारी की",
    "टिकटॉक की पूर्व कर्मचारी ने बेंगलुरु में नया स्टार्टअप खोला",
    "संसदीय समिति ने टिकटॉक के डेटा भंडारण पर सवाल उठाए",
    "राजस्थान पुलिस ने टिकटॉक वीडियो के नाम पर ठगी करने वाले गिरोह को पकड़ा",
    "अमेरिका में टिकटॉक की बिक्री पर अदालत की सुनवाई टली",
    "टिकटॉक स्टार रहे कलाकार अब यूट्यूब शॉर्ट्स पर कमा रहे हैं",
    "विशेषज्ञों की राय: टिकटॉक पर रोक से देसी ऐप्स को कितना फायदा हुआ",
    "टिकटॉक के मालिक बाइटडांस ने भारत से आखिरी दफ्तर भी समेटा",
    "नेपाल ने भी टिकटॉक पर अस्थायी रोक लगाने का फैसला किया",
    "टिकटॉक वापसी की अफवाह पर आईटी मंत्रालय का खंडन",
    "स्कूलों में टिकटॉक जैसे ऐप्स के इस्तेमाल पर नई सलाह जारी",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def run(items: int, interval: int) -> None:
    published: list[str] = []

    async def feed(_request: web.Request) -> web.Response:
        return web.Response(
            text=RSS.format(items="".join(published)), content_type="application/rss+xml"
        )

    app = web.Application()
    app.router.add_get("/rss", feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/rss"  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "sources.toml").write_text(f'[[source]]\nurl = "{url}"\n', "utf-8")
        async with FakeTelegram() as telegram:
            telegram.add_user(USER, first_name="सुनीता", language_code="hi")
            telegram.add_chat(USER, type="private", first_name="सुनीता")
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder}/k.db",
                "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                "TELEGRAM_API_BASE_URL": telegram.base_url,
                "KHABARDAR_SOURCES": f"{folder}/sources.toml",
                "KHABARDAR_ALLOW_PRIVATE_URLS": "true",
                "KHABARDAR_POLL_INTERVAL": str(interval),
                "KHABARDAR_LOG_LEVEL": "WARNING",
                "PORT": str(_free_port()),
            }
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=folder,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                assert process.stdout is not None
                while b"khabardar running" not in await process.stdout.readline():
                    pass
                telegram.push_message(USER, "/track टिकटॉक", USER)
                await telegram.wait_for_messages(1, chat_id=USER, timeout=30)
                await asyncio.sleep(interval + 1)  # the first poll takes the (empty) backlog
                rng = random.Random(7)
                latencies: list[float] = []
                for n in range(items):
                    await asyncio.sleep(rng.uniform(0.2, interval * 0.7))
                    title = f"{TITLES[n % len(TITLES)]} ({n + 1})"
                    if n >= len(TITLES):
                        raise ValueError(f"at most {len(TITLES)} distinct stories")
                    published.insert(0, ITEM.format(n=n, title=title, lead=title))
                    appeared = time.time()
                    found = None
                    while found is None:
                        await asyncio.sleep(0.05)
                        found = next(
                            (m for m in telegram.messages(USER) if f"({n + 1})" in m.plain_text),
                            None,
                        )
                        if time.time() - appeared > interval * 3 + 30:
                            raise TimeoutError(f"no alert for item {n + 1}")
                    latencies.append(found.at - appeared)
                    print(f"item {n + 1:3d}: {latencies[-1]:.2f} s", flush=True)
            finally:
                process.send_signal(signal.SIGTERM)
                await process.wait()
    await runner.cleanup()
    p50, p99 = statistics.median(latencies), _percentile(latencies, 0.99)
    print(f"{items} alerts; p50 {p50:.2f} s, p99 {p99:.2f} s (target p99 ≤ {interval + 2} s)")
    print(f"poll_interval_s={interval} p50_s={p50:.2f} p99_s={p99:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--poll-interval", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.items, args.poll_interval))


if __name__ == "__main__":
    main()
