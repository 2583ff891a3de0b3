"""SourceFetcher against a real HTTP server on loopback: conditional GET, redirects, limits,
timeouts, compression bombs, Retry-After, content types and politeness."""

from __future__ import annotations

import asyncio
import gzip
import time
from typing import TYPE_CHECKING

import brotli
import pytest
from aiohttp import web

from bot.adapters.sources.fetcher import USER_AGENT, FetchLimits, SourceFetcher
from bot.adapters.sources.reader import parse
from bot.adapters.sources.ssrf import FetchFailed

if TYPE_CHECKING:
    from conftest import FeedServer

FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>देश</title>
<item><title>संसद का शीतकालीन सत्र आज से शुरू</title><link>https://desh.example.in/1</link>
<pubDate>Mon, 25 Nov 2024 10:00:00 +0530</pubDate></item></channel></rss>"""

FAST = FetchLimits(
    connect_timeout_s=2,
    read_timeout_s=2,
    total_timeout_s=3,
    per_host_spacing_s=0,
    max_body_bytes=256 * 1024,
    max_decoded_bytes=1024 * 1024,
)


@pytest.fixture
async def fetcher():  # type: ignore[no-untyped-def]
    async with SourceFetcher(allow_private=True, limits=FAST) as client:
        yield client


async def _failure(fetcher: SourceFetcher, url: str, **kwargs: object) -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]
    assert caught.value.source == url
    assert str(caught.value)
    return caught.value


async def test_fetch_parse_and_user_agent(feed_server: FeedServer, fetcher: SourceFetcher) -> None:
    url = feed_server.static("/feed", FEED)
    result = await fetcher.fetch(url)
    assert result.status == 200 and not result.unchanged
    assert result.content_hash and len(result.content_hash) == 64
    [article] = parse(result)
    assert article.title == "संसद का शीतकालीन सत्र आज से शुरू"
    sent = feed_server.headers[-1]
    assert sent["User-Agent"] == USER_AGENT
    assert (
        USER_AGENT.startswith("Khabardar/")
        and "(+https://github.com/khabardar/khabardar)" in USER_AGENT
    )
    assert "gzip" in sent["Accept-Encoding"] and "br" in sent["Accept-Encoding"]


async def test_etag_and_last_modified_give_304_unchanged(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    async def conditional(request: web.Request) -> web.StreamResponse:
        if (
            request.headers.get("If-None-Match") == '"v7"'
            or request.headers.get("If-Modified-Since") == "Mon, 25 Nov 2024 05:00:00 GMT"
        ):
            return web.Response(status=304, headers={"ETag": '"v7"'})
        return web.Response(
            body=FEED.encode(),
            headers={"ETag": '"v7"', "Last-Modified": "Mon, 25 Nov 2024 05:00:00 GMT"},
        )

    url = feed_server.add("/c", conditional)
    first = await fetcher.fetch(url)
    assert (first.etag, first.last_modified) == ('"v7"', "Mon, 25 Nov 2024 05:00:00 GMT")
    again = await fetcher.fetch(url, etag=first.etag, previous_hash=first.content_hash)
    assert again.status == 304 and again.unchanged and again.body == b""
    assert again.content_hash == first.content_hash
    assert parse(again) == []
    by_date = await fetcher.fetch(url, last_modified=first.last_modified)
    assert by_date.unchanged
    assert feed_server.headers[-1]["If-Modified-Since"] == "Mon, 25 Nov 2024 05:00:00 GMT"


async def test_same_bytes_without_validators_are_unchanged(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    url = feed_server.static("/plain", FEED)
    first = await fetcher.fetch(url)
    second = await fetcher.fetch(url, previous_hash=first.content_hash)
    assert second.unchanged and second.status == 200 and second.body == b""
    third = await fetcher.fetch(url, previous_hash="0" * 64)
    assert not third.unchanged and third.body == FEED.encode()


async def test_redirects_are_followed_and_permanent_moves_reported(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    target = feed_server.static("/new/feed.xml", FEED)

    async def moved(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/new/feed.xml")

    async def temporary(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("old")  # relative to /tmp/

    feed_server.add("/old", moved)
    feed_server.add("/tmp/x", temporary)
    feed_server.add("/tmp/old", moved)
    permanent = await fetcher.fetch(feed_server.url("/old"))
    assert permanent.final_url == target and permanent.permanent_redirect
    assert permanent.redirects == (target,)
    mixed = await fetcher.fetch(feed_server.url("/tmp/x"))
    assert mixed.final_url == target and not mixed.permanent_redirect
    assert len(mixed.redirects) == 2


async def test_five_redirects_are_fine_six_are_not(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    feed_server.static("/hop/0", FEED)
    for n in range(1, 7):

        async def hop(_request: web.Request, n: int = n) -> web.StreamResponse:
            raise web.HTTPFound(f"/hop/{n - 1}")

        feed_server.add(f"/hop/{n}", hop)
    assert (await fetcher.fetch(feed_server.url("/hop/5"))).status == 200
    error = await _failure(fetcher, feed_server.url("/hop/6"))
    assert error.kind == "redirects"
    assert "more than 5 redirects" in str(error)


async def test_redirect_loop_is_detected(feed_server: FeedServer, fetcher: SourceFetcher) -> None:
    async def to_b(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/b")

    async def to_a(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect("/a")

    feed_server.add("/a", to_b)
    feed_server.add("/b", to_a)
    error = await _failure(fetcher, feed_server.url("/a"))
    assert error.kind == "redirects" and "loop" in str(error)
    assert feed_server.hits["/a"] == 1 and feed_server.hits["/b"] == 1


async def test_slow_server_hits_the_total_deadline(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        for _ in range(100):  # a byte a second: each read is quick, the whole is not
            await response.write(b" ")
            await asyncio.sleep(0.5)
        return response

    url = feed_server.add("/trickle", trickle)
    started = time.monotonic()
    error = await _failure(fetcher, url)
    assert error.kind == "timeout"
    assert time.monotonic() - started < FAST.total_timeout_s + 1.5


async def test_silent_server_hits_the_read_timeout(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    async def silent(_request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(10)
        return web.Response(text="late")

    error = await _failure(fetcher, feed_server.add("/silent", silent))
    assert error.kind == "timeout"


async def test_endless_chunked_stream_is_cut_at_the_size_cap(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<item><title>x</title></item>" * 1000
        while True:
            await response.write(chunk)

    started = time.monotonic()
    error = await _failure(fetcher, feed_server.add("/endless", endless))
    assert error.kind == "too_large"
    assert time.monotonic() - started < FAST.total_timeout_s


async def test_declared_too_large_is_refused_before_reading(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    url = feed_server.static("/huge", b"x" * (FAST.max_body_bytes + 1))
    error = await _failure(fetcher, url)
    assert error.kind == "too_large" and "MB" in str(error)


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", lambda d: gzip.compress(d, compresslevel=9)),
        ("br", lambda d: brotli.compress(d, quality=5)),
    ],
    ids=["gzip-bomb", "brotli-bomb"],
)
async def test_compression_bombs_stop_at_the_decoded_cap(
    feed_server: FeedServer, fetcher: SourceFetcher, encoding: str, compress
) -> None:  # type: ignore[no-untyped-def]
    bomb = compress(b"<rss>" + b" " * (64 * 1024 * 1024))
    assert len(bomb) < FAST.max_body_bytes  # passes the wire cap, must fail the decoded cap
    url = feed_server.static("/bomb", bomb, headers={"Content-Encoding": encoding})
    error = await _failure(fetcher, url)
    assert error.kind == "too_large" and "decompressed" in str(error)


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
async def test_compressed_feeds_are_read(
    feed_server: FeedServer, fetcher: SourceFetcher, encoding: str
) -> None:
    import zlib

    packers = {"gzip": gzip.compress, "br": brotli.compress, "deflate": zlib.compress}
    url = feed_server.static(
        "/z", packers[encoding](FEED.encode()), headers={"Content-Encoding": encoding}
    )
    result = await fetcher.fetch(url)
    assert result.body == FEED.encode()
    assert parse(result)[0].url == "https://desh.example.in/1"


async def test_429_with_retry_after_is_returned_and_the_host_left_alone(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    url = feed_server.static("/busy", "slow down", status=429, headers={"Retry-After": "120"})
    other = feed_server.static("/other", FEED)
    error = await _failure(fetcher, url)
    assert (error.kind, error.status, error.retry_after) == ("throttled", 429, 120.0)
    # Same host, another feed: no request is made until Retry-After has passed.
    blocked = await _failure(fetcher, other)
    assert blocked.kind == "throttled"
    assert blocked.retry_after is not None and 100 < blocked.retry_after <= 120
    assert feed_server.hits["/other"] == 0


async def test_503_retry_after_as_http_date(
    feed_server: FeedServer, fetcher: SourceFetcher
) -> None:
    url = feed_server.static(
        "/maint",
        "maintenance",
        status=503,
        headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )
    error = await _failure(fetcher, url)
    assert error.status == 503
    assert error.retry_after == 0.0  # a date in the past: come back at the normal time


@pytest.mark.parametrize(
    ("status", "words"), [(404, "HTTP 404"), (500, "HTTP 500"), (410, "HTTP 410")]
)
async def test_error_statuses(
    feed_server: FeedServer, fetcher: SourceFetcher, status: int, words: str
) -> None:
    error = await _failure(fetcher, feed_server.static(f"/s{status}", "no", status=status))
    assert (error.kind, error.status) == ("http_status", status)
    assert words in str(error)


async def test_wrong_content_types(feed_server: FeedServer, fetcher: SourceFetcher) -> None:
    as_html = feed_server.static("/feed-as-html", FEED, content_type="text/html")
    as_octets = feed_server.static("/feed-as-bin", FEED, content_type="application/octet-stream")
    assert parse(await fetcher.fetch(as_html))[0].title == "संसद का शीतकालीन सत्र आज से शुरू"
    assert len(parse(await fetcher.fetch(as_octets))) == 1
    image = feed_server.static("/logo", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    error = await _failure(fetcher, image)
    assert error.kind == "not_a_feed" and "image/png" in str(error)


async def test_connection_refused_is_a_connect_error(fetcher: SourceFetcher) -> None:
    error = await _failure(fetcher, "http://127.0.0.1:9/feed")  # discard port: nobody listens
    assert error.kind == "connect"


async def test_per_host_concurrency_and_spacing(feed_server: FeedServer) -> None:
    async def slowish(_request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.1)
        return web.Response(body=FEED.encode())

    feed_server.add("/p", slowish)
    limits = FetchLimits(per_host_concurrency=2, per_host_spacing_s=0.05)
    async with SourceFetcher(allow_private=True, limits=limits) as polite:
        started = time.monotonic()
        await asyncio.gather(*(polite.fetch(feed_server.url("/p")) for _ in range(8)))
        elapsed = time.monotonic() - started
    assert feed_server.peak_in_flight == 2
    assert elapsed >= 8 * 0.05 - 0.02  # starts were spaced
    assert feed_server.hits["/p"] == 8


async def test_many_hosts_run_in_parallel(make_server) -> None:  # type: ignore[no-untyped-def]
    servers = [await make_server(f"127.0.0.{n}") for n in range(2, 6)]
    for server in servers:

        async def slowish(_request: web.Request) -> web.StreamResponse:
            await asyncio.sleep(0.2)
            return web.Response(body=FEED.encode())

        server.add("/f", slowish)
    limits = FetchLimits(per_host_concurrency=1, per_host_spacing_s=0, connections_per_shard=2)
    async with SourceFetcher(allow_private=True, limits=limits) as fetcher:
        started = time.monotonic()
        results = await asyncio.gather(*(fetcher.fetch(s.url("/f")) for s in servers))
        assert time.monotonic() - started < 0.2 * len(servers)
    assert all(result.status == 200 for result in results)
