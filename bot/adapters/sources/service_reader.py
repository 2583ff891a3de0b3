"""The poll service's ``SourceReader`` and the command service's ``SourceProbe``, over the real
fetcher (SSRF guard, limits, conditional GET) and parsers.

Parsing is CPU work in C and Python libraries; it runs in a worker thread so a large feed does
not stall the event loop (webhooks, deliveries and commands keep flowing meanwhile).
"""

from __future__ import annotations

import asyncio

from bot.adapters.sources.fetcher import SourceFetcher
from bot.adapters.sources.reader import ReadOptions, parse, read_document
from bot.errors import SourceError
from bot.services.commands_context import ProbeResult
from bot.services.polling import ReadOutcome
from bot.services.ports import SourceRow


class FetchingReader:
    """Reads one source for the poll service."""

    def __init__(self, fetcher: SourceFetcher, *, default_timezone: str) -> None:
        self._fetcher = fetcher
        self._default_timezone = default_timezone

    async def read(self, source: SourceRow) -> ReadOutcome:
        result = await self._fetcher.fetch(
            source.url,
            etag=source.etag,
            last_modified=source.last_modified,
            previous_hash=source.content_hash,
        )
        if result.unchanged:
            return ReadOutcome(
                unchanged=True,
                etag=result.etag,
                last_modified=result.last_modified,
                content_hash=result.content_hash,
            )
        options = ReadOptions(
            timezone=source.timezone or self._default_timezone,
            lang=source.lang,
            source_name=source.name or "",
        )
        articles = await asyncio.to_thread(parse, result, options=options)
        return ReadOutcome(
            unchanged=False,
            articles=tuple(articles),
            etag=result.etag,
            last_modified=result.last_modified,
            content_hash=result.content_hash,
        )


class FetchingProbe:
    """Checks an ``/addsource`` URL once: SSRF guard, fetch, parse."""

    def __init__(self, fetcher: SourceFetcher, *, default_timezone: str) -> None:
        self._fetcher = fetcher
        self._default_timezone = default_timezone

    async def probe(self, url: str) -> ProbeResult:
        try:
            result = await self._fetcher.fetch(url)
            document = await asyncio.to_thread(
                read_document,
                result.body,
                url=result.final_url,
                headers=result.headers,
                options=ReadOptions(timezone=self._default_timezone),
            )
        except SourceError as exc:
            return ProbeResult(
                ok=False, kind=exc.kind, message=str(exc), http_status=getattr(exc, "status", None)
            )
        if not document.articles:
            return ProbeResult(ok=False, kind="not_a_feed", message="no articles found")
        return ProbeResult(
            ok=True,
            kind=document.kind,
            title=document.title,
            articles=len(document.articles),
            url=result.final_url if result.permanent_redirect else None,
        )
