"""Articles from one source given as a URL or a local file — what ``khabardar inspect`` and
``khabardar preview`` read, parsed exactly as the bot parses polled sources.

A URL that turns out to be a web page gives its article when it is an article page; any other
page is searched for ``<link rel="alternate">`` feeds and the first one is read instead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.adapters.sources.fetcher import FetchLimits, SourceFetcher
from bot.adapters.sources.reader import ReadDocument, ReadOptions, not_a_feed_error, read_document
from bot.domain.models import Article
from bot.errors import SourceError

MAX_LOCAL_BYTES = FetchLimits().max_decoded_bytes
_SUFFIX_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".json": "application/feed+json",
}


def is_url(source: str) -> bool:
    return source.strip().lower().startswith(("http://", "https://"))


async def load_articles_async(
    source: str,
    *,
    fetcher: SourceFetcher | None = None,
    options: ReadOptions | None = None,
    allow_private: bool = False,
) -> list[Article]:
    """The articles of ``source`` (URL or file path); ``SourceError`` says what went wrong."""
    options = options or ReadOptions()
    if not is_url(source):
        return _local_articles(source, options)
    if fetcher is not None:
        return await _remote_articles(source.strip(), fetcher, options)
    async with SourceFetcher(allow_private=allow_private) as own:
        return await _remote_articles(source.strip(), own, options)


def load_articles(
    source: str, *, options: ReadOptions | None = None, allow_private: bool = False
) -> list[Article]:
    """Blocking form of :func:`load_articles_async` (not for use inside a running loop)."""
    return asyncio.run(load_articles_async(source, options=options, allow_private=allow_private))


async def _remote_articles(url: str, fetcher: SourceFetcher, options: ReadOptions) -> list[Article]:
    result = await fetcher.fetch(url)
    document = read_document(
        result.body, url=result.final_url, headers=result.headers, options=options
    )
    if document.kind == "page" and not document.articles and document.feed_links:
        feed = await fetcher.fetch(document.feed_links[0])
        document = read_document(
            feed.body, url=feed.final_url, headers=feed.headers, options=options
        )
    return _articles_of(document)


def _local_articles(source: str, options: ReadOptions) -> list[Article]:
    path = _local_path(source)
    try:
        with path.open("rb") as handle:
            body = handle.read(MAX_LOCAL_BYTES + 1)
    except FileNotFoundError:
        hint = (
            "; for a web address write it with https://"
            if "." in source and "/" not in source[:1]
            else ""
        )
        raise SourceError(f"no such file{hint}", kind="not_found", source=source) from None
    except IsADirectoryError:
        raise SourceError(
            "is a directory, not a feed or page file", kind="io", source=source
        ) from None
    except OSError as exc:
        raise SourceError(
            f"cannot read the file: {exc.strerror}", kind="io", source=source
        ) from None
    if len(body) > MAX_LOCAL_BYTES:
        limit = MAX_LOCAL_BYTES / 1048576
        raise SourceError(f"the file is larger than {limit:g} MB", kind="too_large", source=source)
    content_type = _SUFFIX_TYPES.get(path.suffix.lower(), "")
    document = read_document(
        body,
        url=path.resolve().as_uri(),
        headers={"content-type": content_type} if content_type else None,
        options=options,
    )
    return _articles_of(document)


def _looks_like_host(source: str) -> bool:
    first = source.strip().split("/", 1)[0]
    return "." in first and not first.startswith(".") and " " not in first


def _local_path(source: str) -> Path:
    text = source.strip()
    if text.lower().startswith("file:"):
        return Path(unquote(urlsplit(text).path))
    return Path(text).expanduser()


def _articles_of(document: ReadDocument) -> list[Article]:
    if document.kind == "page" and not document.articles:
        raise not_a_feed_error(document.feed_links)
    return list(document.articles)
