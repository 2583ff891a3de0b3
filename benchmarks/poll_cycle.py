"""Poll-cycle benchmark: 1,000 feeds × 50 items (Hindi and English) served on loopback.

The feeds come from an aiohttp server in a separate process (so its CPU is not counted as the
client's), spread over 100 host addresses (127.0.0.2 … 127.0.0.101, 10 feeds each) the way a
real source list spreads over publishers. The client is the production path: one
``SourceFetcher`` (sharded httpx pool, SSRF pins, default politeness: 2 requests per host,
0.1 s apart) and ``reader.parse`` → ``Article``s, 50 feeds in flight, as the poll service runs it.

Runs, each over all 1,000 feeds:
  (a) changed   — every feed has new content (new items, new ETag): fetched, parsed, built
  (b) unchanged — same content: 4 of 5 feeds answer 304 to If-None-Match, 1 of 5 has no
                  validators and sends the same bytes (caught by the content hash)
  baseline      — the same two runs parsing each changed feed with plain ``feedparser.parse``

Prints wall time and client CPU per feed; the last line is machine-readable:
``changed_s=… unchanged_s=… cpu_ms_per_feed=… baseline_ratio=…`` where ``cpu_ms_per_feed`` is
the client CPU per feed in the changed run and ``baseline_ratio`` is baseline changed wall time
÷ our changed wall time. Targets (2 cores): changed ≤ 10 s, unchanged ≤ 3 s.

Run: ``.venv/bin/python benchmarks/poll_cycle.py [--feeds 1000] [--items 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HOSTS = 100
CONCURRENCY = 50

HINDI_WORDS = (
    "सरकार संसद चुनाव आयोग अदालत सुप्रीम कोर्ट पुलिस किसान बजट महंगाई रेलवे मेट्रो बारिश मानसून "
    "टिकटॉक प्रतिबंध ऐप्स डेटा लीक साइबर हमला बैंक रिज़र्व ब्याज दर शेयर बाज़ार सेंसेक्स निफ्टी "
    "मोबाइल इंटरनेट व्हाट्सऐप इंस्टाग्राम कंपनी कर्मचारी हड़ताल अस्पताल स्कूल परीक्षा नतीजे "
    "दिल्ली मुंबई लखनऊ पटना जयपुर भोपाल मंत्री मुख्यमंत्री प्रधानमंत्री विपक्ष बयान जांच आदेश"
).split()
HINDI_GLUE = "ने में पर के की को से और लिए बाद दौरान कहा बताया किया गया हुआ है थे".split()
ENGLISH_WORDS = (
    "government parliament election commission court supreme police farmers budget inflation "
    "railways metro rain monsoon tiktok ban apps data leak cyber attack bank reserve interest "
    "rate shares market sensex nifty mobile internet whatsapp instagram company employees strike "
    "hospital school exam results delhi mumbai lucknow patna jaipur minister chief opposition "
    "statement probe order startup funding smartphone launch privacy policy"
).split()
ENGLISH_GLUE = "the a of in on to for after during said told was were has have and".split()


def _sentence(rng: random.Random, words: tuple[str, ...] | list[str], glue: list[str], n: int) -> str:
    return " ".join(rng.choice(words) if i % 3 else rng.choice(glue) for i in range(n))


def make_feed(index: int, version: int, items: int) -> bytes:
    """One realistic RSS 2.0 feed (~55 KB for 50 items); content changes with ``version``."""
    rng = random.Random(index * 7919 + version * 104729)
    hindi = index % 2 == 0
    words, glue = (HINDI_WORDS, HINDI_GLUE) if hindi else (ENGLISH_WORDS, ENGLISH_GLUE)
    end = "।" if hindi else "."
    site = f"https://news{index % HOSTS}.example.in"
    newest = datetime(2026, 11, 28, 12, 0, tzinfo=UTC) + timedelta(minutes=version * 10)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{'समाचार' if hindi else 'News'} {index}</title><link>{site}/</link>"
        f"<language>{'hi' if hindi else 'en'}</language>\n"
    ]
    for item in range(items):
        story = version * 1000 + item
        title = _sentence(rng, words, glue, 11)
        description = " ".join(_sentence(rng, words, glue, 16) + end for _ in range(5))
        published = format_datetime(
            (newest - timedelta(minutes=17 * item)).astimezone(UTC) + timedelta(hours=5, minutes=30)
        ).replace("-0000", "+0530")
        tracking = "?utm_source=rss&amp;utm_medium=feed" if item % 3 == 0 else ""
        parts.append(
            f"<item><title><![CDATA[{title}]]></title>"
            f"<link>{site}/{'desh' if hindi else 'india'}/story-{index}-{story}.html{tracking}</link>"
            f'<guid isPermaLink="false">{index}-{story}</guid>'
            f"<description><![CDATA[<p>{description}</p>]]></description>"
            f"<pubDate>{published}</pubDate><dc:creator>Desk {index % 7}</dc:creator>"
            f"<category>{rng.choice(words)}</category>"
            f'<media:content url="{site}/img/{story}.jpg" medium="image"/></item>\n'
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


# --- the server process -----------------------------------------------------------------------


def serve(port_pipe: multiprocessing.connection.Connection, feeds: int, items: int) -> None:
    """Serve every feed from memory on 127.0.0.2 … 127.0.0.(HOSTS+1)."""
    from aiohttp import web

    state = {"version": 1, "bodies": [make_feed(i, 1, items) for i in range(feeds)]}

    async def feed(request: web.Request) -> web.StreamResponse:
        index = int(request.match_info["index"])
        version = state["version"]
        body = state["bodies"][index]  # type: ignore[index]
        if index % 5 == 0:  # a publisher without validators: same bytes every time
            return web.Response(body=body, content_type="application/rss+xml", charset="utf-8")
        etag = f'"{version}-{index}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=body, content_type="application/rss+xml", charset="utf-8", headers={"ETag": etag}
        )

    async def bump(request: web.Request) -> web.StreamResponse:
        version = int(request.match_info["version"])
        state["bodies"] = [make_feed(i, version, items) for i in range(feeds)]
        state["version"] = version
        return web.Response(text="ok")

    async def cpu(_request: web.Request) -> web.StreamResponse:
        return web.Response(text=repr(time.process_time()))

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{index}.xml", feed)
        app.router.add_get("/_bump/{version}", bump)
        app.router.add_get("/_cpu", cpu)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        probe = socket.socket()
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
        probe.close()
        for host in range(2, HOSTS + 2):
            await web.TCPSite(runner, f"127.0.0.{host}", port, backlog=1024).start()
        port_pipe.send(port)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the client -----------------------------------------------------------------------------


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass
class CycleResult:
    wall_s: float
    cpu_s: float
    changed: int
    unchanged: int
    articles: int
    errors: int


Parse = Callable[[object], int]


async def poll_cycle(fetcher: object, states: list[FeedState], parse_changed: Parse) -> CycleResult:
    """One cycle over every feed, as the poll service would run it."""
    from bot.adapters.sources.fetcher import SourceFetcher
    from bot.adapters.sources.ssrf import FetchFailed

    assert isinstance(fetcher, SourceFetcher)
    gate = asyncio.Semaphore(CONCURRENCY)
    counts = {"changed": 0, "unchanged": 0, "articles": 0, "errors": 0}

    async def one(state: FeedState) -> None:
        async with gate:
            try:
                result = await fetcher.fetch(
                    state.url,
                    etag=state.etag,
                    last_modified=state.last_modified,
                    previous_hash=state.content_hash,
                )
            except FetchFailed as exc:
                counts["errors"] += 1
                print(f"  error: {state.url}: {exc}", file=sys.stderr)
                return
            state.etag, state.last_modified = result.etag, result.last_modified
            state.content_hash = result.content_hash
            if result.unchanged:
                counts["unchanged"] += 1
                return
            counts["changed"] += 1
            counts["articles"] += parse_changed(result)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(state) for state in states))
    return CycleResult(
        wall_s=time.perf_counter() - wall0, cpu_s=time.process_time() - cpu0, **counts
    )


def parse_with_reader(result: object) -> int:
    from bot.adapters.sources.reader import parse

    return len(parse(result))  # type: ignore[arg-type]


def parse_with_plain_feedparser(result: object) -> int:
    import feedparser

    parsed = feedparser.parse(
        result.body,  # type: ignore[attr-defined]
        response_headers={"content-type": result.headers.get("content-type", "")},  # type: ignore[attr-defined]
    )
    return len(parsed.entries)


async def run(feeds: int, items: int, port: int) -> dict[str, float]:
    import httpx

    from bot.adapters.sources.fetcher import SourceFetcher

    base = [f"http://127.0.0.{2 + i % HOSTS}:{port}/feed/{i}.xml" for i in range(feeds)]
    control = f"http://127.0.0.2:{port}"
    version = 1

    async def bump() -> None:
        nonlocal version
        version += 1
        async with httpx.AsyncClient(timeout=120) as client:
            (await client.get(f"{control}/_bump/{version}")).raise_for_status()

    async def server_cpu() -> float:
        async with httpx.AsyncClient(timeout=10) as client:
            return float((await client.get(f"{control}/_cpu")).text)

    figures: dict[str, float] = {}
    for label, parser in (("ours", parse_with_reader), ("baseline", parse_with_plain_feedparser)):
        async with SourceFetcher(allow_private=True) as fetcher:
            states = [FeedState(url) for url in base]
            await poll_cycle(fetcher, states, parser)  # prime: learn ETags and hashes, warm up
            await bump()
            server0 = await server_cpu()
            changed = await poll_cycle(fetcher, states, parser)
            server1 = await server_cpu()
            unchanged = await poll_cycle(fetcher, states, parser)
            server2 = await server_cpu()
        _report(label, "changed", changed, feeds, server1 - server0)
        _report(label, "unchanged", unchanged, feeds, server2 - server1)
        assert changed.changed == feeds and changed.errors == 0, changed
        assert unchanged.unchanged == feeds and unchanged.errors == 0, unchanged
        if label == "ours":
            assert changed.articles == feeds * items, changed
        figures[f"{label}_changed_s"] = changed.wall_s
        figures[f"{label}_unchanged_s"] = unchanged.wall_s
        figures[f"{label}_changed_cpu_s"] = changed.cpu_s
    return figures


def _report(label: str, run: str, result: CycleResult, feeds: int, server_cpu_s: float) -> None:
    print(
        f"{label:9s} {run:9s}: wall {result.wall_s:6.2f} s | client CPU {result.cpu_s:6.2f} s "
        f"= {1000 * result.cpu_s / feeds:5.2f} ms/feed | server CPU {1000 * server_cpu_s / feeds:4.2f}"
        f" ms/feed | changed {result.changed}, unchanged {result.unchanged}, "
        f"articles {result.articles}, errors {result.errors}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args(argv)
    sample = make_feed(0, 1, args.items)
    print(
        f"{args.feeds} feeds × {args.items} items over {HOSTS} loopback hosts, "
        f"{CONCURRENCY} in flight; Hindi feed size {len(sample) / 1024:.0f} KB, "
        f"English {len(make_feed(1, 1, args.items)) / 1024:.0f} KB; {multiprocessing.cpu_count()} CPUs"
    )
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    server = context.Process(target=serve, args=(send, args.feeds, args.items), daemon=True)
    server.start()
    try:
        port = receive.recv()
        figures = asyncio.run(run(args.feeds, args.items, port))
    finally:
        server.terminate()
        server.join(5)
    ratio = figures["baseline_changed_s"] / figures["ours_changed_s"]
    cpu_ms = 1000 * figures["ours_changed_cpu_s"] / args.feeds
    print(
        f"targets: changed ≤ 10 s ({'met' if figures['ours_changed_s'] <= 10 else 'MISSED'}), "
        f"unchanged ≤ 3 s ({'met' if figures['ours_unchanged_s'] <= 3 else 'MISSED'}); "
        f"baseline (plain feedparser) changed run {figures['baseline_changed_s']:.2f} s"
    )
    print(
        f"changed_s={figures['ours_changed_s']:.2f} unchanged_s={figures['ours_unchanged_s']:.2f} "
        f"cpu_ms_per_feed={cpu_ms:.2f} baseline_ratio={ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
