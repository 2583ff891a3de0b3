"""Fetching sources over HTTP: one shared, sharded httpx pool with limits, politeness and SSRF pins.

``SourceFetcher.fetch(url, etag=…, last_modified=…, previous_hash=…)`` returns a
:class:`FetchResult` (``unchanged=True`` for a 304 or a byte-identical body, so nothing is parsed)
or raises :class:`~bot.adapters.sources.ssrf.FetchFailed` with a stable ``kind`` and a message a
person can act on. Every hop of up to ``max_redirects`` redirects is followed by hand so each one
goes through the SSRF guard; the connection itself is pinned to the checked address
(:mod:`~bot.adapters.sources.transport`).

Performance: one httpx ``AsyncClient`` with many connections spends most of its CPU scanning its
own pool (encode/httpx#3215; performance.md §2.4), so the pool is split into shards of at most
``connections_per_shard`` connections and each host always uses the same shard (keep-alive).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from urllib.parse import urljoin

import httpx

from bot import __version__
from bot.adapters.sources.decoding import BodyTooLarge, BoundedDecoder
from bot.adapters.sources.politeness import HostPoliteness
from bot.adapters.sources.ssrf import FetchFailed, Resolver, SsrfGuard, split_target
from bot.adapters.sources.transport import PinnedTransport
from bot.domain.source_policy import parse_retry_after

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/khabardar/khabardar"
USER_AGENT = f"Khabardar/{__version__} (+{PROJECT_URL})"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# Media types that can never be a feed or an article page: refused before the body is read.
_NOT_TEXT_PREFIXES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchLimits:
    """Timeouts, sizes and politeness. The defaults suit polling news feeds."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 30.0  # the whole fetch, all redirect hops and the body included
    max_redirects: int = 5
    max_body_bytes: int = 5 * 1024 * 1024  # as sent on the wire
    max_decoded_bytes: int = 20 * 1024 * 1024  # after gzip/deflate/brotli
    per_host_concurrency: int = 2
    per_host_spacing_s: float = 0.1  # between request starts to one host
    max_connections: int = 200  # in shards, so idle keep-alive connections cost no CPU
    connections_per_shard: int = 5  # httpx spends CPU per pooled connection (perf §2.4)
    keepalive_expiry_s: float = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """What one fetch brought back.

    ``unchanged`` is True for a 304 or a body whose hash equals ``previous_hash``; ``body`` is then
    empty and nothing needs parsing. ``etag``/``last_modified``/``content_hash`` are what to
    store for the next conditional GET. ``permanent_redirect`` says every hop was a 301/308, so
    the source may be updated to ``final_url``.
    """

    url: str
    final_url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    unchanged: bool = False
    permanent_redirect: bool = False
    redirects: tuple[str, ...] = ()
    elapsed_s: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes


class SourceFetcher:
    """Holds the shared HTTP pool; use ``async with SourceFetcher(...) as fetcher`` or
    ``aclose()``. Safe to call ``fetch`` concurrently from many tasks."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_networks: Sequence[str] = (),
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
        resolver: Resolver | None = None,
    ) -> None:
        self.limits = limits or FetchLimits()
        self.guard = SsrfGuard(
            allow_private=allow_private, allowed_networks=allowed_networks, resolver=resolver
        )
        self._politeness = HostPoliteness(
            concurrency=self.limits.per_host_concurrency,
            spacing_s=self.limits.per_host_spacing_s,
        )
        per_shard = max(1, min(self.limits.connections_per_shard, self.limits.max_connections))
        shards = max(1, math.ceil(self.limits.max_connections / per_shard))
        timeout = httpx.Timeout(
            connect=self.limits.connect_timeout_s,
            read=self.limits.read_timeout_s,
            write=self.limits.read_timeout_s,
            pool=None,  # waiting for a pooled connection is bounded by the total deadline
        )
        headers = {"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
        ssl_context = httpx.create_ssl_context(trust_env=False)  # loading CA certs is slow: once
        self._clients = [
            httpx.AsyncClient(
                transport=PinnedTransport(
                    self.guard,
                    max_connections=per_shard,
                    keepalive_expiry_s=self.limits.keepalive_expiry_s,
                    ssl_context=ssl_context,
                ),
                timeout=timeout,
                headers=headers,
                follow_redirects=False,
                trust_env=False,  # an environment proxy would bypass the pinned transport
            )
            for _ in range(shards)
        ]

    async def __aenter__(self) -> SourceFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every pooled connection."""
        for client in self._clients:
            await client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_hash: str | None = None,
    ) -> FetchResult:
        """Fetch ``url`` once, politely and within the limits; see :class:`FetchResult`."""
        started = time.monotonic()
        try:
            return await self._fetch(url.strip(), etag, last_modified, previous_hash, started)
        except FetchFailed as exc:
            exc.source = url
            log.info("fetch failed", extra={"url": url, "kind": exc.kind, "error": str(exc)})
            raise

    async def _fetch(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None,
        started: float,
    ) -> FetchResult:
        loop = asyncio.get_running_loop()
        current = url
        hops: list[str] = []
        permanent = True
        deadline: float | None = None
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        while True:
            try:
                outcome, deadline = await self._hop(current, conditional, deadline, loop)
            except FetchFailed as exc:
                if not hops:
                    raise
                raise FetchFailed(
                    f"{exc} (after a redirect to {current})",
                    kind=exc.kind,
                    status=exc.status,
                    retry_after=exc.retry_after,
                ) from None
            if isinstance(outcome, _Redirect):
                if len(hops) >= self.limits.max_redirects:
                    raise FetchFailed(
                        f"more than {self.limits.max_redirects} redirects (last to {current})",
                        kind="redirects",
                    )
                target = urljoin(current, outcome.location.strip())
                if target == url or target in hops:
                    raise FetchFailed(f"redirect loop at {target}", kind="redirects")
                permanent = permanent and outcome.status in PERMANENT_REDIRECTS
                hops.append(target)
                current = target
                continue
            return self._result(
                url, current, hops, permanent, outcome, etag, last_modified, previous_hash, started
            )

    async def _hop(
        self,
        url: str,
        conditional: dict[str, str],
        deadline: float | None,
        loop: asyncio.AbstractEventLoop,
    ) -> tuple[_Redirect | _Response, float]:
        """One request, in its host's turn; the deadline starts with the first hop's turn."""
        _scheme, host, port = split_target(url)
        host_key = f"{host.lower()}:{port}"
        blocked = self._politeness.blocked_for(host_key)
        if blocked:
            raise FetchFailed(
                f"{host} asked us to slow down; next try in {math.ceil(blocked)} s",
                kind="throttled",
                retry_after=blocked,
            )
        async with self._politeness.turn(host_key):
            if deadline is None:  # the per-host queue does not eat into the deadline
                deadline = loop.time() + self.limits.total_timeout_s
            outcome = await self._exchange_within(url, host, port, host_key, conditional, deadline)
        return outcome, deadline

    async def _exchange_within(
        self,
        url: str,
        host: str,
        port: int,
        host_key: str,
        conditional: dict[str, str],
        deadline: float,
    ) -> _Redirect | _Response:
        total = self.limits.total_timeout_s
        try:
            async with asyncio.timeout_at(deadline):
                return await self._exchange(url, host, port, host_key, conditional)
        except TimeoutError:
            raise FetchFailed(f"no complete answer within {total:g} s", kind="timeout") from None
        except httpx.TimeoutException as exc:
            phase = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for data"
            raise FetchFailed(f"timed out while {phase}", kind="timeout") from None
        except httpx.ConnectError as exc:
            raise FetchFailed(f"cannot connect to {host}: {exc}", kind="connect") from None
        except httpx.ProtocolError as exc:
            raise FetchFailed(f"the server broke HTTP: {exc}", kind="protocol") from None
        except httpx.NetworkError as exc:
            raise FetchFailed(f"the connection failed: {exc}", kind="network") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchFailed(f"not a usable URL: {exc}", kind="scheme") from None

    async def _exchange(
        self, url: str, host: str, port: int, host_key: str, conditional: dict[str, str]
    ) -> _Redirect | _Response:
        # Checked here for a clear error; the transport connects only to these same addresses.
        await self.guard.check_host(host, port, url=url)
        client = self._clients[hash(host_key) % len(self._clients)]
        request = client.build_request("GET", url, headers=conditional)
        response = await client.send(request, stream=True)
        try:
            return await self._interpret(response, host, host_key)
        finally:
            await response.aclose()

    async def _interpret(
        self, response: httpx.Response, host: str, host_key: str
    ) -> _Redirect | _Response:
        status = response.status_code
        headers = {key.lower(): value for key, value in response.headers.items()}
        if status in REDIRECT_STATUSES:
            location = headers.get("location")
            if not location:
                raise FetchFailed(
                    f"HTTP {status} redirect without a Location", kind="http_status", status=status
                )
            return _Redirect(status, location)
        if status == 304:
            return _Response(status, headers, b"")
        if status in (429, 503):
            retry_after = parse_retry_after(headers.get("retry-after"))
            if retry_after:
                self._politeness.block(host_key, retry_after)
            wait = f"; retry after {math.ceil(retry_after)} s" if retry_after else ""
            raise FetchFailed(
                f"HTTP {status} {response.reason_phrase} from {host}{wait}",
                kind="throttled" if status == 429 or retry_after else "http_status",
                status=status,
                retry_after=retry_after,
            )
        if not 200 <= status < 300:
            raise FetchFailed(
                f"HTTP {status} {response.reason_phrase}".rstrip(),
                kind="http_status",
                status=status,
            )
        content_type = headers.get("content-type", "").lower()
        if content_type.startswith(_NOT_TEXT_PREFIXES):
            raise FetchFailed(
                f"the server sent {content_type.split(';')[0]}, not a feed or a web page",
                kind="not_a_feed",
                status=status,
            )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            raise self._too_large(self.limits.max_body_bytes, "response")
        return _Response(status, headers, await self._read_body(response, headers))

    async def _read_body(self, response: httpx.Response, headers: dict[str, str]) -> bytes:
        decoder = BoundedDecoder(
            headers.get("content-encoding"), limit=self.limits.max_decoded_bytes
        )
        received = 0
        parts: list[bytes] = []
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > self.limits.max_body_bytes:
                raise self._too_large(self.limits.max_body_bytes, "response")
            try:
                parts.append(decoder.feed(chunk))
            except BodyTooLarge:
                limit = self.limits.max_decoded_bytes
                raise self._too_large(limit, "decompressed response") from None
        return b"".join(parts)

    @staticmethod
    def _too_large(limit: int, what: str) -> FetchFailed:
        return FetchFailed(f"the {what} is larger than {limit / 1048576:g} MB", kind="too_large")

    def _result(
        self,
        url: str,
        final_url: str,
        hops: list[str],
        permanent: bool,
        outcome: _Response,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None,
        started: float,
    ) -> FetchResult:
        headers = outcome.headers
        result = FetchResult(
            url=url,
            final_url=final_url,
            status=outcome.status,
            body=b"",
            headers=headers,
            etag=headers.get("etag") or etag,
            last_modified=headers.get("last-modified") or last_modified,
            content_hash=previous_hash,
            unchanged=True,
            permanent_redirect=bool(hops) and permanent,
            redirects=tuple(hops),
            elapsed_s=time.monotonic() - started,
        )
        if outcome.status == 304:
            return result
        digest = hashlib.sha256(outcome.body).hexdigest()
        if previous_hash is not None and digest == previous_hash:
            return result
        return replace(result, body=outcome.body, content_hash=digest, unchanged=False)


__all__ = ["USER_AGENT", "FetchFailed", "FetchLimits", "FetchResult", "SourceFetcher"]
