"""The SSRF guard on real fetches: every refused case gives a clear error and no request reaches
the server; redirect hops are re-checked; DNS rebinding cannot move a connection."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from bot.adapters.sources.fetcher import FetchLimits, SourceFetcher
from bot.adapters.sources.ssrf import FetchFailed

if TYPE_CHECKING:
    from conftest import FeedServer

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>ठीक</title>'
    "<link>https://ok.example.in/1</link></item></channel></rss>"
)
LIMITS = FetchLimits(connect_timeout_s=1, read_timeout_s=1, total_timeout_s=2, per_host_spacing_s=0)


async def _refused(fetcher: SourceFetcher, url: str) -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url)
    return caught.value


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("http://127.0.0.1:{port}/feed", "loopback"),
        ("http://localhost:{port}/feed", "loopback"),
        ("http://2130706433:{port}/feed", "loopback"),
        ("http://0177.0.0.1:{port}/feed", "loopback"),
        ("http://0x7f.1:{port}/feed", "loopback"),
        ("http://127.1:{port}/feed", "loopback"),
        ("http://[::1]:{port}/feed", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/feed", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://10.0.0.1/feed", "private"),
        ("http://192.168.0.1/feed", "private"),
        ("http://[fd00::1]/feed", "private"),
        ("http://0.0.0.0:{port}/feed", "unspecified"),
        ("http://224.0.0.1/feed", "multicast"),
    ],
)
async def test_internal_addresses_are_refused(
    feed_server: FeedServer, template: str, words: str
) -> None:
    feed_server.static("/feed", FEED)
    url = template.format(port=feed_server.port)
    async with SourceFetcher(allow_private=False, limits=LIMITS) as fetcher:
        error = await _refused(fetcher, url)
    assert error.kind == "ssrf"
    assert words in str(error)
    assert "KHABARDAR_ALLOW_PRIVATE_URLS" in str(error)
    assert feed_server.hits["/feed"] == 0


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/_x", "ftp://127.0.0.1/feed", "dict://x:11211/"],
)
async def test_other_schemes_are_refused(url: str) -> None:
    async with SourceFetcher(allow_private=True, limits=LIMITS) as fetcher:
        error = await _refused(fetcher, url)
    assert error.kind == "scheme"
    assert "only http:// and https://" in str(error)


async def test_allow_private_lifts_the_address_rules(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed", FEED)
    async with SourceFetcher(allow_private=True, limits=LIMITS) as fetcher:
        assert (await fetcher.fetch(url)).status == 200


async def test_every_redirect_hop_is_checked(make_server) -> None:  # type: ignore[no-untyped-def]
    # 127.0.0.2 plays a public server (allowed); 127.0.0.1 is the internal one.
    internal = await make_server("127.0.0.1")
    internal.static("/admin", "secret")
    public = await make_server("127.0.0.2")

    async def to_internal(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(internal.url("/admin"))

    async def to_metadata(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("http://169.254.169.254/latest/meta-data/")

    async def to_file(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("file:///etc/passwd")

    public.add("/r1", to_internal)
    public.add("/r2", to_metadata)
    public.add("/r3", to_file)
    public.static("/ok", FEED)
    async with SourceFetcher(allowed_networks=["127.0.0.2/32"], limits=LIMITS) as fetcher:
        assert (await fetcher.fetch(public.url("/ok"))).status == 200
        first = await _refused(fetcher, public.url("/r1"))
        second = await _refused(fetcher, public.url("/r2"))
        third = await _refused(fetcher, public.url("/r3"))
    assert (first.kind, second.kind, third.kind) == ("ssrf", "ssrf", "scheme")
    assert "loopback" in str(first) and "metadata" in str(second)
    assert first.source == public.url("/r1")
    assert internal.hits["/admin"] == 0


async def test_dns_rebinding_cannot_move_the_connection(make_server) -> None:  # type: ignore[no-untyped-def]
    public = await make_server("127.0.0.2")
    public.static("/feed", FEED)
    internal = await make_server("127.0.0.1", port=public.port)  # same port, internal address
    internal.static("/feed", "internal only")
    answers = iter([["127.0.0.2"], ["127.0.0.1"], ["127.0.0.1"], ["127.0.0.1"]])
    calls: list[str] = []

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)  # first answer passes the check, later ones point inside

    async with SourceFetcher(
        allowed_networks=["127.0.0.2/32"], resolver=rebinding_resolver, limits=LIMITS
    ) as fetcher:
        result = await fetcher.fetch(f"http://news.test:{public.port}/feed")
        again = await fetcher.fetch(f"http://news.test:{public.port}/feed")
    assert result.body == FEED.encode() and again.body == FEED.encode()
    assert public.hits["/feed"] == 2
    assert internal.hits["/feed"] == 0
    assert calls == ["news.test"]  # resolved once, then pinned
    assert public.headers[0]["Host"] == f"news.test:{public.port}"  # the name, not the IP


async def test_a_name_resolving_to_any_internal_address_is_refused(
    feed_server: FeedServer,
) -> None:
    async def mixed(_host: str, _port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]

    async with SourceFetcher(resolver=mixed, limits=LIMITS) as fetcher:
        error = await _refused(fetcher, f"http://mixed.test:{feed_server.port}/feed")
    assert error.kind == "ssrf" and "mixed.test (127.0.0.1)" in str(error)


async def test_unresolvable_host_is_a_connect_error() -> None:
    async def nothing(_host: str, _port: int) -> list[str]:
        raise OSError("Name or service not known")

    async with SourceFetcher(resolver=nothing, limits=LIMITS) as fetcher:
        error = await _refused(fetcher, "http://no-such-host.invalid/feed")
    assert error.kind == "connect" and "cannot resolve" in str(error)


async def test_guard_holds_under_concurrency(feed_server: FeedServer) -> None:
    feed_server.static("/feed", FEED)
    async with SourceFetcher(limits=LIMITS) as fetcher:
        outcomes = await asyncio.gather(
            *(fetcher.fetch(f"http://127.0.0.1:{feed_server.port}/feed") for _ in range(10)),
            return_exceptions=True,
        )
    assert all(isinstance(o, FetchFailed) and o.kind == "ssrf" for o in outcomes)
    assert feed_server.hits["/feed"] == 0
