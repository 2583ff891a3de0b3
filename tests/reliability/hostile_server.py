"""A local server of hostile sources: every way a feed host can try to hurt a feed reader.

Each case listens on its own loopback port, so each is its own "host" to the fetcher (its
per-host politeness queue is not shared with the others, as on the real web). The corpus of
hostile feeds (``../shared/corpus/feeds/hostile/``) is spread over ``CORPUS_HOSTS`` more ports,
one path per file. Until :meth:`HostileServer.arm` every path answers with a small, valid feed,
so a test can measure the service's memory after every source has been read once and before the
attack.

The cases (:data:`CASES`):

========================  ========================================================================
gzip-bomb                 1 GiB of spaces gzip-compressed to ~1 MB (``Content-Encoding: gzip``)
huge-declared             a 60 MB body with an honest ``Content-Length``
huge-undeclared           60 MB of feed items, chunked, no ``Content-Length``
endless-chunked           feed items in 64 KB chunks, for ever
slowloris                 raw TCP: the response (head and body) one byte every 5 s
redirect-loop             ``/redirect-loop`` ⇄ ``/redirect-loop/b``
redirect-chain            ``/redirect-chain/1`` → ``/2`` → ``/3`` … without end
redirect-private          a 302 to ``127.0.0.2`` (a listener there counts every request)
redirect-metadata         a 302 to the cloud metadata service ``169.254.169.254``
invalid-utf8              a feed declared UTF-8 whose titles hold invalid byte sequences
billion-laughs            nine nested entities, 10⁹ "lol"s if expanded
xxe                       external entities (general and parameter) naming a local secret file
xxe-page                  the same external entity in an XHTML article page
many-items                100,000 items in one feed (gzip, 15 MB decoded)
huge-title                one fresh item whose title is 1 MB of Hindi text
========================  ========================================================================
"""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

from aiohttp import web

CORPUS_HOSTILE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds" / "hostile"
CORPUS_HOSTS = 8

RSS_TYPE = "application/rss+xml; charset=utf-8"
SLOWLORIS_BYTE_EVERY_S = 5.0
ENDLESS_CHUNK = 64 * 1024
HUGE_BODY_BYTES = 60 * 1024 * 1024
BOMB_DECODED_BYTES = 1 << 30
MANY_ITEMS = 100_000
HUGE_TITLE_BYTES = 1024 * 1024

# The words of the query the test's chat tracks (``डेटा लीक``), so the 1 MB title alerts.
HUGE_TITLE_WORDS = "बैंक के सर्वर से ग्राहकों का डेटा लीक, जांच के आदेश। "
HUGE_TITLE_SLUG = "bank-data-leak-giant-title"


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile source: its name (also its path) and what it does."""

    name: str
    what: str


CASES: tuple[Case, ...] = (
    Case("gzip-bomb", "1 GiB of spaces gzip-compressed to ~1 MB"),
    Case("huge-declared", "60 MB body, Content-Length declared"),
    Case("huge-undeclared", "60 MB body, chunked, no Content-Length"),
    Case("endless-chunked", "endless chunked stream of items"),
    Case("slowloris", "one byte every 5 s (head and body)"),
    Case("redirect-loop", "redirect loop a -> b -> a"),
    Case("redirect-chain", "endless chain of redirects"),
    Case("redirect-private", "302 to a loopback address (127.0.0.2)"),
    Case("redirect-metadata", "302 to 169.254.169.254 (cloud metadata)"),
    Case("invalid-utf8", "declared UTF-8, invalid byte sequences"),
    Case("billion-laughs", "nested entity expansion (10^9 lols)"),
    Case("xxe", "external entities pointing at a local file"),
    Case("xxe-page", "external entity in an XHTML article page"),
    Case("many-items", "100,000 items in one feed"),
    Case("huge-title", "one item with a 1 MB title"),
)


def _date(moment: datetime) -> str:
    return format_datetime(moment)


def dormant_feed(path: str) -> bytes:
    """The small valid feed every path serves before the attack (one old item: no alert)."""
    slug = path.strip("/").replace("/", "-") or "root"
    old = _date(datetime(2020, 1, 1, tzinfo=UTC))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>शांत स्रोत {slug}</title><link>https://dormant.example/</link>"
        f"<item><title>पुरानी खबर {slug}</title><link>https://dormant.example/{slug}</link>"
        f"<pubDate>{old}</pubDate><description>कुछ नहीं।</description></item>"
        "</channel></rss>"
    ).encode()


def _items(count: int, *, prefix: str, start: int = 0) -> bytes:
    now = datetime.now(UTC)
    parts = []
    for number in range(start, start + count):
        published = _date(now - timedelta(minutes=number))
        parts.append(
            f"<item><title>{prefix} समाचार {number}</title>"
            f"<link>https://flood.example/{prefix}/{number}</link>"
            f"<pubDate>{published}</pubDate><description>खबर {number}</description></item>"
        )
    return "".join(parts).encode()


RSS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
    b"<title>hostile</title><link>https://hostile.example/</link>"
)
RSS_TAIL = b"</channel></rss>"


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """A valid single-member gzip of ``BOMB_DECODED_BYTES`` spaces (~1 MB).

    One MiB compressed with a full flush restarts the compressor's state, so the same ~1 KB
    segment repeated 1024 times is one deflate stream; the CRC and size make the member valid.
    """
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats = BOMB_DECODED_BYTES // len(chunk)
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, BOMB_DECODED_BYTES & 0xFFFFFFFF)
    return header + segment * repeats + final + trailer


def many_items_feed() -> bytes:
    """``MANY_ITEMS`` items, well-formed, gzip-compressed (the wire limit is not what stops it)."""
    body = RSS_HEAD + _items(MANY_ITEMS, prefix="flood") + RSS_TAIL
    return zlib.compress(body, 6, wbits=31)


def huge_title_feed() -> bytes:
    words = HUGE_TITLE_WORDS.encode()
    title = (words * (HUGE_TITLE_BYTES // len(words) + 1))[:HUGE_TITLE_BYTES]
    title = title.decode("utf-8", "ignore").encode()  # cut on a character boundary
    item = (
        b"<item><title>" + title + b"</title>"
        b"<link>https://hindi.example/" + HUGE_TITLE_SLUG.encode() + b"</link>"
        b"<pubDate>" + _date(datetime.now(UTC)).encode() + b"</pubDate>"
        b"<description>\xe0\xa4\xac\xe0\xa5\x88\xe0\xa4\x82\xe0\xa4\x95 \xe0\xa4\xa1\xe0\xa5"
        b"\x87\xe0\xa4\x9f\xe0\xa4\xbe \xe0\xa4\xb2\xe0\xa5\x80\xe0\xa4\x95</description></item>"
    )
    return RSS_HEAD + item + RSS_TAIL


def invalid_utf8_feed() -> bytes:
    """Titles broken by a lone continuation byte, 0xFF, an overlong '/', a UTF-8-encoded
    surrogate and a truncated sequence — the encoding declared is UTF-8 nonetheless."""
    now = _date(datetime.now(UTC))
    broken = [
        b"\xe0\xa4\xa1\xe0\xa5\x87\xe0\xa4\x9f\xe0\xa4\xbe \x80\x80 leak",
        b"\xff\xfe server \xff",
        b"overlong \xc0\xaf slash",
        b"surrogate \xed\xa0\x80 half",
        b"cut \xe0\xa4",
    ]
    items = b"".join(
        b"<item><title>" + text + b"</title><link>https://broken.example/" + str(n).encode()
        + b"</link><pubDate>" + now.encode() + b"</pubDate></item>"
        for n, text in enumerate(broken)
    )  # fmt: skip
    return RSS_HEAD + items + RSS_TAIL


def billion_laughs_feed() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = "lol" if level == 1 else f"lol{level - 1}"
        entities.append(f'<!ENTITY lol{level} "{("&" + previous + ";") * 10}">')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>"
        '<rss version="2.0"><channel><title>&lol9;</title><link>https://lol.example/</link>'
        "<item><title>&lol9;</title><link>https://lol.example/1</link>"
        f"<pubDate>{_date(datetime.now(UTC))}</pubDate><description>&lol9;</description></item>"
        "</channel></rss>"
    ).encode()


def xxe_feed(secret: Path) -> bytes:
    uri = secret.resolve().as_uri()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{uri}">\n'
        f'<!ENTITY % remote SYSTEM "{uri}">\n%remote;\n]>\n'
        '<rss version="2.0"><channel><title>&xxe;</title><link>https://xxe.example/</link>'
        "<item><title>डेटा लीक &xxe;</title><link>https://xxe.example/1</link>"
        f"<pubDate>{_date(datetime.now(UTC))}</pubDate>"
        "<description>फ़ाइल: &xxe;</description></item></channel></rss>"
    ).encode()


def xxe_page(secret: Path) -> bytes:
    uri = secret.resolve().as_uri()
    paragraph = (
        "साइबर सुरक्षा एजेंसी ने बताया कि एक बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक हुआ है "
        "और जांच के आदेश दिए गए हैं। "
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{uri}">]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="hi"><head>'
        "<title>डेटा लीक &xxe;</title>"
        '<meta property="og:type" content="article"/>'
        '<link rel="canonical" href="https://xxe.example/page"/></head><body><article>'
        "<h1>बैंक से डेटा लीक &xxe;</h1>" + f"<p>{paragraph}&xxe;</p>" * 6 + "</article></body></html>"
    ).encode()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HostileServer:
    """All hostile cases plus the corpus, on loopback; ``arm()`` switches the attack on."""

    def __init__(self, secret: Path, *, corpus: Path | None = None) -> None:
        self.secret = secret
        self.corpus = corpus
        self.armed = False
        self.hits: Counter[str] = Counter()
        # When each case (or "corpus/<file>") first served its hostile content.
        self.first_armed: dict[str, datetime] = {}
        self.bytes_sent: Counter[str] = Counter()
        self.private_hits = 0
        self._ports: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self._slow_server: asyncio.Server | None = None
        self._slow_writers: set[asyncio.StreamWriter] = set()
        self._corpus_files: list[str] = []
        self._bomb = b""
        self._many = b""
        self._huge_title = b""

    # -- addresses ----------------------------------------------------------------------------
    def url(self, case: str) -> str:
        return f"http://127.0.0.1:{self._ports[case]}/{case}"

    def corpus_urls(self) -> dict[str, str]:
        """Corpus file (relative path) → its URL."""
        return {
            name: f"http://127.0.0.1:{self._ports[f'corpus{n % CORPUS_HOSTS}']}/corpus/{name}"
            for n, name in enumerate(self._corpus_files)
        }

    @property
    def private_url(self) -> str:
        return f"http://127.0.0.2:{self._ports['private']}/internal"

    def arm(self) -> None:
        self.armed = True

    def disarm(self) -> None:
        """The attack ends: dormant feeds again, and the slowloris connections are dropped."""
        self.armed = False
        for writer in list(self._slow_writers):
            writer.transport.abort()

    # -- life cycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._bomb, self._many, self._huge_title = await asyncio.gather(
            asyncio.to_thread(gzip_bomb),
            asyncio.to_thread(many_items_feed),
            asyncio.to_thread(huge_title_feed),
        )
        if self.corpus is not None and self.corpus.is_dir():
            self._corpus_files = sorted(
                str(p.relative_to(self.corpus)) for p in self.corpus.rglob("*") if p.is_file()
            )
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        names = [case.name for case in CASES if case.name != "slowloris"]
        names += [f"corpus{n}" for n in range(CORPUS_HOSTS)]
        for name in names:
            self._ports[name] = await self._site("127.0.0.1")
        self._ports["private"] = await self._site("127.0.0.2")
        self._slow_server = await asyncio.start_server(self._slowloris, "127.0.0.1", 0)
        self._ports["slowloris"] = self._slow_server.sockets[0].getsockname()[1]

    async def _site(self, host: str) -> int:
        assert self._runner is not None
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._slow_server is not None:
            self._slow_server.close()
            for writer in list(self._slow_writers):
                writer.transport.abort()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> HostileServer:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    # -- HTTP cases ---------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
        if port == self._ports.get("private"):
            self.private_hits += 1
            return web.Response(text="internal admin page", content_type="text/plain")
        path = request.path
        case = path.strip("/").split("/", 1)[0]
        self.hits[case] += 1
        if not self.armed:
            return web.Response(body=dormant_feed(path), content_type="application/rss+xml")
        key = path.strip("/") if case == "corpus" else case
        self.first_armed.setdefault(key, datetime.now(UTC))
        if case == "corpus":
            return self._corpus(path.removeprefix("/corpus/"))
        handler: Handler | None = getattr(self, "_case_" + case.replace("-", "_"), None)
        if handler is None:
            return web.Response(status=404, text="no such case")
        return await handler(request)

    def _corpus(self, name: str) -> web.StreamResponse:
        if name not in self._corpus_files or self.corpus is None:
            return web.Response(status=404)
        body = (self.corpus / name).read_bytes()
        return web.Response(body=body, headers={"Content-Type": "application/xml"})

    async def _case_gzip_bomb(self, _request: web.Request) -> web.StreamResponse:
        self.bytes_sent["gzip-bomb"] += len(self._bomb)
        return web.Response(
            body=self._bomb,
            headers={"Content-Type": RSS_TYPE, "Content-Encoding": "gzip"},
        )

    async def _stream(
        self,
        request: web.Request,
        case: str,
        chunks: Callable[[int], bytes],
        *,
        total: int | None,
        content_length: int | None = None,
    ) -> web.StreamResponse:
        """Write ``chunks(n)`` until ``total`` bytes went out or the client hung up."""
        response = web.StreamResponse(headers={"Content-Type": RSS_TYPE})
        if content_length is not None:
            response.content_length = content_length
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        number = 0
        try:
            while total is None or sent < total:
                data = chunks(number)
                if total is not None:
                    data = data[: total - sent]
                await response.write(data)
                sent += len(data)
                self.bytes_sent[case] += len(data)
                number += 1
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: exactly what it should do
        return response

    async def _case_huge_declared(self, request: web.Request) -> web.StreamResponse:
        block = RSS_HEAD + b" " * (ENDLESS_CHUNK - len(RSS_HEAD))
        return await self._stream(
            request,
            "huge-declared",
            lambda n: block if n == 0 else b" " * ENDLESS_CHUNK,
            total=HUGE_BODY_BYTES,
            content_length=HUGE_BODY_BYTES,
        )

    async def _case_huge_undeclared(self, request: web.Request) -> web.StreamResponse:
        block = _items(200, prefix="huge")
        return await self._stream(
            request,
            "huge-undeclared",
            lambda n: RSS_HEAD + block if n == 0 else block,
            total=HUGE_BODY_BYTES,
        )

    async def _case_endless_chunked(self, request: web.Request) -> web.StreamResponse:
        block = _items(200, prefix="endless")
        return await self._stream(
            request,
            "endless-chunked",
            lambda n: RSS_HEAD + block if n == 0 else block,
            total=None,
        )

    async def _case_redirect_loop(self, request: web.Request) -> web.StreamResponse:
        target = "/redirect-loop" if request.path.endswith("/b") else "/redirect-loop/b"
        return web.Response(status=302, headers={"Location": target})

    async def _case_redirect_chain(self, request: web.Request) -> web.StreamResponse:
        tail = request.path.rsplit("/", 1)[-1]
        step = int(tail) + 1 if tail.isdigit() else 1
        return web.Response(status=301, headers={"Location": f"/redirect-chain/{step}"})

    async def _case_redirect_private(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": self.private_url})

    async def _case_redirect_metadata(self, _request: web.Request) -> web.StreamResponse:
        location = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
        return web.Response(status=302, headers={"Location": location})

    async def _case_invalid_utf8(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(body=invalid_utf8_feed(), headers={"Content-Type": RSS_TYPE})

    async def _case_billion_laughs(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(body=billion_laughs_feed(), headers={"Content-Type": RSS_TYPE})

    async def _case_xxe(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(body=xxe_feed(self.secret), headers={"Content-Type": RSS_TYPE})

    async def _case_xxe_page(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=xxe_page(self.secret),
            headers={"Content-Type": "application/xhtml+xml; charset=utf-8"},
        )

    async def _case_many_items(self, _request: web.Request) -> web.StreamResponse:
        self.bytes_sent["many-items"] += len(self._many)
        return web.Response(
            body=self._many, headers={"Content-Type": RSS_TYPE, "Content-Encoding": "gzip"}
        )

    async def _case_huge_title(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(body=self._huge_title, headers={"Content-Type": RSS_TYPE})

    # -- slowloris (raw TCP: aiohttp would send the head at once) -----------------------------
    async def _slowloris(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._slow_writers.add(writer)
        try:
            await reader.readuntil(b"\r\n\r\n")
            self.hits["slowloris"] += 1
            if not self.armed:
                body = dormant_feed("/slowloris")
                writer.write(
                    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/rss+xml\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                await writer.drain()
                return
            self.first_armed.setdefault("slowloris", datetime.now(UTC))
            body = dormant_feed("/slowloris")
            response = (
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/rss+xml\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            for byte in response:
                if writer.is_closing():
                    return
                writer.write(bytes([byte]))
                await writer.drain()
                self.bytes_sent["slowloris"] += 1
                await asyncio.sleep(SLOWLORIS_BYTE_EVERY_S)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._slow_writers.discard(writer)
            writer.close()
