"""Fetched bytes → Articles, whatever the document is: a feed (RSS/RDF/Atom/JSON Feed) or an HTML
article page. ``parse(result)`` is what the poll service calls after ``SourceFetcher.fetch``.

The kind is sniffed from the bytes, not trusted from ``Content-Type`` (feeds are often served
as ``text/html`` or ``application/octet-stream``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.adapters.sources.articles import (
    DEFAULT_MAX_ITEMS,
    ArticleOptions,
    articles_from_feed,
    canonical_image,
    canonical_url,
)
from bot.adapters.sources.dates import DEFAULT_TIMEZONE, zone
from bot.adapters.sources.feeds import FeedOptions, parse_feed
from bot.adapters.sources.fetcher import FetchResult
from bot.adapters.sources.jsonfeed import looks_like_json
from bot.adapters.sources.pages import parse_page
from bot.adapters.sources.text import detect_language
from bot.domain.models import Article
from bot.errors import ParseError

_FIRST_ELEMENT = re.compile(rb"<([A-Za-z][\w.:-]*)")
_FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf:rdf", b"rdf", b"channel"})
_HTML_DOCTYPE = re.compile(rb"<!doctype\s+html", re.IGNORECASE)
# First elements that mean "web page" even without <html> (fragments saved from a browser).
_HTML_FIRST = frozenset(
    b"html head body meta link title script style noscript div p span a ul ol li table "
    b"article section main header footer nav aside figure img form h1 h2 h3 h4 h5 h6 br".split()
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How to read one source (from its configuration)."""

    timezone: str = DEFAULT_TIMEZONE
    lang: str | None = None
    source_name: str = ""
    max_items: int = DEFAULT_MAX_ITEMS
    fast_path: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadDocument:
    """A document read: its kind, its articles, and for pages the feeds it links to."""

    kind: Literal["feed", "page"]
    articles: tuple[Article, ...]
    title: str = ""
    feed_links: tuple[str, ...] = ()
    parser: str = ""
    warning: str | None = None


def sniff(body: bytes, content_type: str = "") -> Literal["json", "html", "xml", "empty"]:
    """What a document is, from its first element (comments skipped)."""
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.replace(b"\x00", b"").strip():
        return "empty"
    if looks_like_json(stripped, content_type):
        return "json"
    head = _without_comments(stripped[:65536])
    if b"\x00" in head[:8]:
        return "xml"  # UTF-16: only feedparser's detection reads it correctly
    match = _FIRST_ELEMENT.search(head)
    if match is None:
        return "html" if "html" in content_type.lower() else "xml"
    name = match.group(1).lower()
    if name in _FEED_ROOTS or name.endswith((b":rss", b":feed", b":rdf")):
        return "xml"
    if name in _HTML_FIRST or _HTML_DOCTYPE.search(head[:1024]) or "html" in content_type.lower():
        return "html"
    return "xml"  # some other XML: the feed parser will say what is wrong with it


def _without_comments(head: bytes) -> bytes:
    """``head`` without its ``<!-- … -->`` comments (an unclosed one is left as it is), in one
    pass: the regex ``<!--.*?-->`` is quadratic on thousands of unclosed ``<!--`` (64 KB of them
    took ~4 s per poll)."""
    parts: list[bytes] = []
    position = 0
    while (start := head.find(b"<!--", position)) != -1:
        end = head.find(b"-->", start + 4)
        if end == -1:
            break
        parts.append(head[position:start])
        position = end + 3
    parts.append(head[position:])
    return b"".join(parts)


def read_document(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    options: ReadOptions | None = None,
) -> ReadDocument:
    """Read any fetched or local document; ``ParseError`` when it holds nothing readable."""
    options = options or ReadOptions()
    headers = {key.lower(): value for key, value in (headers or {}).items()}
    content_type = headers.get("content-type", "")
    kind = sniff(body, content_type)
    if kind == "empty":
        raise ParseError("the document is empty", kind="not_a_feed")
    if kind == "html":
        return _read_page(body, url=url, content_type=content_type, options=options)
    feed = parse_feed(
        body, headers=headers, url=url, options=FeedOptions(fast_path=options.fast_path)
    )
    article_options = ArticleOptions(
        timezone=options.timezone,
        lang=options.lang,
        source_url=url,
        source_name=options.source_name,
        max_items=options.max_items,
    )
    return ReadDocument(
        kind="feed",
        articles=tuple(articles_from_feed(feed, options=article_options)),
        title=feed.title,
        parser=feed.parser,
        warning=feed.warning,
    )


def _read_page(body: bytes, *, url: str, content_type: str, options: ReadOptions) -> ReadDocument:
    page = parse_page(body, url=url, content_type=content_type, local=zone(options.timezone))
    articles: tuple[Article, ...] = ()
    page_url = canonical_url(page.url) or canonical_url(url)
    if page_url is None and url.startswith("file:"):
        page_url = url  # a local page with no canonical link of its own
    if page.is_article and page_url:
        sample = f"{page.title} {page.summary} {page.body[:1000]}"
        articles = (
            Article(
                url=page_url,
                title=page.title,
                summary=page.summary,
                body=page.body,
                published_at=page.published_at,
                lang=detect_language(sample, hints=(options.lang, *page.lang_hints)),
                guid=page_url,
                source_url=url,
                source_name=options.source_name or page.site_name or "",
                author=page.author,
                categories=page.categories,
                image_url=canonical_image(page.image_url),
            ),
        )
    return ReadDocument(
        kind="page",
        articles=articles,
        title=page.title,
        feed_links=page.feed_links,
        parser="trafilatura",
    )


def parse(result: FetchResult, *, options: ReadOptions | None = None) -> list[Article]:
    """The articles of a fetched source (``[]`` when it was unchanged).

    A page that is not an article raises ``ParseError(kind="not_a_feed")`` naming the feeds it
    links to, so ``sources add`` can offer them.
    """
    if result.unchanged:
        return []
    document = read_document(
        result.body, url=result.final_url, headers=result.headers, options=options
    )
    if document.kind == "page" and not document.articles:
        raise not_a_feed_error(document.feed_links)
    return list(document.articles)


def not_a_feed_error(feed_links: tuple[str, ...]) -> ParseError:
    """The error for an HTML page that is neither a feed nor an article."""
    if feed_links:
        shown = ", ".join(feed_links[:3])
        return ParseError(
            f"this is a web page, not a feed; it links to the feed(s): {shown}", kind="not_a_feed"
        )
    return ParseError("this is a web page with no article and no feed link", kind="not_a_feed")
