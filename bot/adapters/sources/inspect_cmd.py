"""The body of ``khabardar inspect SOURCE... [--json]``: articles exactly as the bot reads them.

This is how users debug "why didn't it see this article?". Every source is read on its own: a
broken one prints one line naming it on ``err`` (never a traceback) and makes the exit status
non-zero, and the others are still shown.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import TextIO

from bot.adapters.sources.dates import DEFAULT_TIMEZONE, zone
from bot.adapters.sources.fetcher import SourceFetcher
from bot.adapters.sources.loader import load_articles_async
from bot.adapters.sources.reader import ReadOptions
from bot.domain.models import Article
from bot.errors import KhabardarError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
_SUMMARY_PREVIEW_CHARS = 240


def run_inspect(
    sources: Sequence[str],
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    allow_private: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
    max_items: int = 500,
) -> int:
    """Print every source's articles; 0 when all could be read, 1 otherwise."""
    return asyncio.run(
        run_inspect_async(
            sources,
            as_json=as_json,
            out=out,
            err=err,
            allow_private=allow_private,
            timezone=timezone,
            max_items=max_items,
        )
    )


async def run_inspect_async(
    sources: Sequence[str],
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    allow_private: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
    max_items: int = 500,
) -> int:
    """Async form of :func:`run_inspect` for callers already inside an event loop."""
    try:
        options = ReadOptions(timezone=timezone, max_items=max_items)
        zone(timezone)
    except ValueError as exc:
        err.write(f"khabardar inspect: {exc}\n")
        return EXIT_FAILURE
    status = EXIT_OK
    async with SourceFetcher(allow_private=allow_private) as fetcher:
        for source in sources:
            try:
                articles = await load_articles_async(source, fetcher=fetcher, options=options)
            except KhabardarError as exc:
                err.write(f"khabardar inspect: {source}: {_one_line(str(exc))}\n")
                status = EXIT_FAILURE
                continue
            except Exception as exc:  # the promise is one line per broken source, never a trace
                log.debug("inspect failed unexpectedly", exc_info=True, extra={"source": source})
                err.write(
                    f"khabardar inspect: {source}: unexpected {type(exc).__name__}: "
                    f"{_one_line(str(exc))}\n"
                )
                status = EXIT_FAILURE
                continue
            if as_json:
                _write_json(articles, source, out)
            else:
                _write_text(articles, source, out, timezone)
    return status


def article_json(article: Article, source: str) -> dict[str, str | None]:
    """The ``--json`` object of one article."""
    return {
        "url": article.url,
        "title": article.title,
        "summary": article.summary,
        "published": article.published_at.isoformat() if article.published_at else None,
        "lang": article.lang,
        "guid": article.guid,
        "source": source,
    }


def _write_json(articles: list[Article], source: str, out: TextIO) -> None:
    for article in articles:
        out.write(json.dumps(article_json(article, source), ensure_ascii=False) + "\n")


def _write_text(articles: list[Article], source: str, out: TextIO, timezone: str) -> None:
    local = zone(timezone)
    count = f"{len(articles)} article" + ("" if len(articles) == 1 else "s")
    out.write(f"{source} — {count}\n")
    for article in articles:
        when = (
            article.published_at.astimezone(local).strftime("%Y-%m-%d %H:%M %Z")
            if article.published_at
            else "no date"
        )
        out.write(f"\n[{article.lang or '??'}] {when}  {article.title}\n")
        out.write(f"    {article.url}\n")
        if article.summary:
            summary = article.summary
            if len(summary) > _SUMMARY_PREVIEW_CHARS:
                summary = summary[: _SUMMARY_PREVIEW_CHARS - 1].rstrip() + "…"
            out.write(f"    {summary}\n")
        if article.categories:
            out.write(f"    categories: {', '.join(article.categories)}\n")
    out.write("\n")


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "failed"
