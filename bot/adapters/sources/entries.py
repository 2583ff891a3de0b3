"""Raw feed items as the parsers found them, before cleaning (the parser-neutral shape).

Both feed parsers and the JSON Feed reader produce these; :mod:`~bot.adapters.sources.articles`
turns them into :class:`bot.domain.models.Article`. Text fields may still hold markup.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One ``<item>``/``<entry>``/JSON Feed item; ``published`` is the raw date text."""

    guid: str | None = None
    link: str | None = None
    title: str = ""
    summary: str = ""
    content: str = ""
    published: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    image_url: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """A parsed feed: its own title/link/language, its entries, and which parser read it."""

    title: str = ""
    link: str | None = None
    lang: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    parser: str = ""  # "fastfeedparser" | "feedparser" | "jsonfeed"
    format: str = ""  # e.g. "rss20", "atom10", "json11"
    warning: str | None = None  # the document was damaged but readable (feedparser "bozo")
