"""Raw feed entries → :class:`bot.domain.models.Article`: canonical URL, clean text, UTC time,
language, author, categories, picture — and only the newest ``max_items`` of a feed.

Canonical URLs come from courlan (host case, default ports, path normalisation, tracking
parameters such as ``utm_*``, ``fbclid``, ``gclid`` removed) with the fragment dropped. URLs that
are already canonical skip courlan (~60 µs each), since a poll cycle sees tens of thousands.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import courlan

from bot.adapters.sources.dates import DEFAULT_TIMEZONE, parse_datetime, zone
from bot.adapters.sources.entries import FeedEntry, ParsedFeed
from bot.adapters.sources.text import (
    DEFAULT_BODY_CHARS,
    DEFAULT_SUMMARY_CHARS,
    DEFAULT_TITLE_CHARS,
    clean_block_text,
    clean_text,
    detect_language,
    truncate,
)
from bot.domain.models import Article

log = logging.getLogger(__name__)

DEFAULT_MAX_ITEMS = 500
_MAX_URL_CHARS = 2_048
_HTTP = ("http://", "https://")
_MAX_GUID_CHARS = 1_000
# Already canonical: lower-case host, no default port, plain path, no query, no fragment.
_CANONICAL = re.compile(r"^https?://[a-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9_.~!=:,%/-]*)?$")
_TRACKING_ONLY = re.compile(r"^(?:(?:utm_[A-Za-z_]+|fbclid|gclid|dclid|msclkid|yclid)=[^&]*&?)+$")
# Never in a usable URL: PostgreSQL cannot store a NUL, and a space means a broken link.
_UNSAFE_URL_CHAR = re.compile(r"[\s\x00-\x1f\x7f]")
# Dropped from guids, which are stored as given: controls (PostgreSQL cannot store a NUL) and
# half a surrogate pair (not encodable as UTF-8).
_UNSTORABLE_IN_ID = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleOptions:
    """What the source's configuration adds to its entries."""

    timezone: str = DEFAULT_TIMEZONE  # for dates that name no zone
    lang: str | None = None  # the configured language of the source, if any
    source_url: str = ""  # base for relative links, and Article.source_url
    source_name: str = ""  # falls back to the feed's own title
    max_items: int = DEFAULT_MAX_ITEMS


@lru_cache(maxsize=65_536)
def canonical_url(url: str, *, base: str = "") -> str | None:
    """The canonical form of an http(s) article URL, or None for anything else."""
    candidate = _absolute(url, base)
    if candidate is None:
        return None
    if "#" in candidate:
        candidate, _fragment = urldefrag(candidate)
    if not candidate.lower().startswith(_HTTP) or len(candidate) > _MAX_URL_CHARS:
        return None
    if "/." in candidate:
        candidate = _without_dot_segments(candidate)
    address, _, query = candidate.partition("?")
    if query and _TRACKING_ONLY.match(query):
        candidate, query = address, ""
    if not query and _is_plain(candidate):
        return candidate
    try:
        normalised = courlan.normalize_url(candidate)
    except (ValueError, UnicodeError):
        return None
    return normalised if _usable(normalised) else None


def _usable(url: str) -> bool:
    """An http(s) URL with a host that ``urlsplit`` can read, without spaces or controls
    (``https://?…`` normalises to a bare ``https://``; ``http://[::1`` has no valid host)."""
    if _UNSAFE_URL_CHAR.search(url):
        return False
    try:
        parts = urlsplit(url)
        _port = parts.port  # raises for a port out of range
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _absolute(url: str, base: str) -> str | None:
    """``url`` without the whitespace feeds wrap links with, resolved against ``base``
    (urljoin is skipped for links that are already absolute: it is most of the cost)."""
    candidate = url.strip()
    if any(space in candidate for space in " \t\r\n"):
        candidate = "".join(candidate.split())
    if not base or candidate.startswith(_HTTP):
        return candidate
    try:
        return urljoin(base, candidate)
    except ValueError:
        return None


def _without_dot_segments(url: str) -> str:
    """``/a/../b`` → ``/b`` (RFC 3986 §5.2.4, which urljoin implements)."""
    try:
        parts = urlsplit(url)
        path = urlsplit(urljoin("http://host", parts.path)).path if parts.path else ""
    except ValueError:
        return url
    return urlunsplit(parts._replace(path=path))


def _is_plain(url: str) -> bool:
    path_start = url.find("/", url.find("//") + 2)
    path = url[path_start:] if path_start != -1 else ""
    return (
        _CANONICAL.match(url) is not None
        and not url.endswith((":80", ":443"))
        and ":80/" not in url
        and ":443/" not in url
        and "//" not in path
        and "/./" not in path
        and "/../" not in path
    )


def articles_from_feed(feed: ParsedFeed, *, options: ArticleOptions) -> list[Article]:
    """The newest ``max_items`` usable entries of a feed as Articles (duplicate URLs dropped).

    A feed within the limit keeps its own order. A bigger one is ordered newest first (undated
    entries after the dated ones, in feed order) and only the first ``max_items`` usable entries
    are built, so a 100,000-item feed costs one date parse per item, not a full build.
    """
    local = zone(options.timezone)
    name = options.source_name or clean_text(feed.title, max_chars=200)
    entries = feed.entries
    dates = [parse_datetime(entry.published, default_tz=local) for entry in entries]
    order: list[int] = list(range(len(entries)))
    if len(entries) > options.max_items:
        order.sort(key=lambda i: (dates[i] is None, -(_timestamp(dates[i]))))
    built: list[Article] = []
    seen: set[str] = set()
    base = _base_url(options.source_url, feed.link)
    for index in order:
        article = article_from_entry(
            entries[index],
            feed=feed,
            options=options,
            name=name,
            published=dates[index],
            base=base,
        )
        if article is None or article.url in seen:
            continue
        seen.add(article.url)
        built.append(article)
        if len(built) >= options.max_items:
            break
    return built


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


def article_from_entry(
    entry: FeedEntry,
    *,
    feed: ParsedFeed,
    options: ArticleOptions,
    name: str,
    published: datetime | None,
    base: str,
) -> Article | None:
    """One Article, or None when the entry has no usable link or no text at all. ``base``
    resolves relative links (the feed URL, else the site link the feed names)."""
    url = canonical_url(entry.link, base=base) if entry.link else None
    if url is None and entry.guid and entry.guid.lower().startswith(("http://", "https://")):
        url = canonical_url(entry.guid)
    if url is None:
        log.debug("entry without a usable link skipped", extra={"source": options.source_url})
        return None
    summary = clean_text(entry.summary, max_chars=DEFAULT_SUMMARY_CHARS)
    body = clean_block_text(entry.content, max_chars=DEFAULT_BODY_CHARS) if entry.content else ""
    title = clean_text(entry.title, max_chars=DEFAULT_TITLE_CHARS)
    if not title:
        title = truncate(summary or body.replace("\n", " "), 120)
    if not title:
        return None
    if not summary and body:
        summary = truncate(body.replace("\n", " "), DEFAULT_SUMMARY_CHARS)
    sample = f"{title} {summary}" if len(summary) > 40 or not body else f"{title} {body[:600]}"
    return Article(
        url=url,
        title=title,
        summary=summary,
        body=body,
        published_at=published,
        lang=detect_language(sample, hints=(options.lang, entry.lang, feed.lang)),
        # Without a guid the raw link identifies the item (as fastfeedparser reports it).
        guid=_UNSTORABLE_IN_ID.sub("", entry.guid or entry.link or "")[:_MAX_GUID_CHARS] or None,
        source_url=options.source_url,
        source_name=name,
        author=clean_text(entry.author, max_chars=200) or None,
        categories=tuple(
            term for term in (clean_text(c, max_chars=100) for c in entry.categories) if term
        ),
        image_url=canonical_image(entry.image_url, base=base),
    )


def _base_url(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate and candidate.lower().startswith(("http://", "https://")):
            return candidate
    return ""


def canonical_image(url: str | None, *, base: str = "") -> str | None:
    """An absolute http(s) picture URL (query kept: image CDNs put sizes there)."""
    absolute = _absolute(url, base) if url else None
    if absolute and len(absolute) <= _MAX_URL_CHARS and _usable(absolute):
        return absolute
    return None
