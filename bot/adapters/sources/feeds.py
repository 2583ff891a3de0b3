"""Feed parsing: bytes + response headers → :class:`ParsedFeed` of raw :class:`FeedEntry` items.

RSS 0.9x/1.0 (RDF)/2.0 and Atom 0.3/1.0 go through feedparser, always fed bytes and headers
(never a URL, so it cannot fetch anything and it sees the HTTP charset). Well-formed UTF-8 feeds
whose dates all carry a zone take a fast path through fastfeedparser (~50x faster,
performance.md §2.3); any error or suspicious result (item count differs from the ``<item>``
tags in the document, an entry with nothing in it, mojibake) falls back to feedparser. JSON
Feed 1.x is read by :mod:`~bot.adapters.sources.jsonfeed`.

Safety: documents with a DOCTYPE or entity declarations never take the fast path; feedparser
does not resolve external entities, so an XXE entity pointing at a local file stays an
unexpanded name. A feed with a huge number of items is cut to the first ``scan_items`` items
before either parser sees it, so a hostile feed can neither stall a poll cycle nor take
hundreds of megabytes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

import fastfeedparser
import feedparser

from bot.adapters.sources import jsonfeed
from bot.adapters.sources.entries import FeedEntry, ParsedFeed
from bot.errors import ParseError

log = logging.getLogger(__name__)

_ITEM_TAG = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]")
_ITEM_END = re.compile(rb"</(?:[A-Za-z][\w.-]*:)?(?:item|entry)\s*>")
_ROOT = re.compile(rb"<((?:[A-Za-z][\w.-]*:)?(?:rss|feed|RDF|rdf))[\s>]")
# Element names whose text is a date; "…>" also finds closing tags, whose "value" is empty.
_DATE_TAGS = (b"pubDate>", b"published>", b"updated>", b":date>", b"issued>", b"modified>")
_CDATA_OPEN = b"<![CDATA["
_ZONED = re.compile(rb"(?:[+-]\d\d:?\d\d|Z|GMT|UTC|UT)$", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})

DEFAULT_SCAN_ITEMS = 2_000


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedOptions:
    """How to parse: ``fast_path`` may be switched off (the corpus tests run both ways)."""

    fast_path: bool = True
    scan_items: int = DEFAULT_SCAN_ITEMS


def parse_feed(
    body: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    url: str = "",
    options: FeedOptions | None = None,
) -> ParsedFeed:
    """Parse a feed document; ``ParseError`` (kind ``not_a_feed``/``parse``) when it is none."""
    options = options or FeedOptions()
    headers = {key.lower(): value for key, value in (headers or {}).items()}
    if jsonfeed.looks_like_json(body, headers.get("content-type", "")):
        return jsonfeed.parse_json_feed(body, url=url)
    # Either parser holds every item in memory: 100,000 items cost ~150 MB before the first
    # ``max_items`` are taken, so an enormous feed is cut first (newest items come first).
    body = _cut_items(body, options.scan_items)
    if options.fast_path and _fast_path_allowed(body, headers.get("content-type", "")):
        parsed = _parse_fast(body)
        if parsed is not None:
            return parsed
    return _parse_with_feedparser(body, headers=headers)


# --- fast path ------------------------------------------------------------------------------


def _fast_path_allowed(body: bytes, content_type: str) -> bool:
    """Only plain UTF-8 XML without DTDs, whose every item date names its zone."""
    charset = _charset(content_type)
    if charset and charset not in _UTF8_NAMES:
        return False
    head = body[:4096]
    if head.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in head[:64]:
        return False
    declared = _XML_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode("ascii").lower() not in _UTF8_NAMES:
        return False
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body:
        return False
    # Well-formed by expat also means valid UTF-8. And fastfeedparser's recovery from broken
    # markup loses text feedparser keeps (a bare "&" in a link, naked <p> in a description).
    if not _well_formed(body):
        return False
    # fastfeedparser turns a zone-less date into UTC; those feeds need the source's zone.
    return all(_ZONED.search(value) for value in _date_values(body))


def _well_formed(body: bytes) -> bool:
    """Strict XML well-formedness by expat (no DTD reaches here: those were ruled out)."""
    checker = expat.ParserCreate()
    try:
        checker.Parse(body, True)
    except expat.ExpatError:
        return False
    return True


def _date_values(body: bytes) -> Iterator[bytes]:
    """The non-empty texts of date elements (``bytes.find`` loops: ~50x faster than a regex
    alternation over a 55 KB feed)."""
    for tag in _DATE_TAGS:
        position = body.find(tag)
        while position != -1:
            start = position + len(tag)
            end = body.find(b"<", start)
            end = len(body) if end == -1 else end
            value = body[start:end].strip()
            if not value and body.startswith(_CDATA_OPEN, end):
                start = end + len(_CDATA_OPEN)
                end = body.find(b"]]>", start)
                value = body[start : len(body) if end == -1 else end].strip()
            if value:
                yield value
            position = body.find(tag, start)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower() or None
    return None


def _parse_fast(body: bytes) -> ParsedFeed | None:
    try:
        result = fastfeedparser.parse(body)
    except Exception as exc:  # any failure just means "use feedparser"
        log.debug("fast feed parser failed, using feedparser", extra={"error": repr(exc)})
        return None
    raw_entries = result.get("entries") or []
    if len(raw_entries) != len(_ITEM_TAG.findall(body)):
        return None
    feed = result.get("feed") or {}
    entries = tuple(_entry_from_fast(raw) for raw in raw_entries)
    for entry in entries:
        if not (entry.title or entry.link or entry.summary) or "\ufffd" in entry.title:
            return None
    # Recovering from broken markup, fastfeedparser can drop descriptions feedparser keeps.
    described = sum(1 for entry in entries if entry.summary or entry.content)
    if described < body.count(b"<description") + body.count(b"<summary") - 1:
        return None
    return ParsedFeed(
        title=str(feed.get("title") or ""),
        link=_text_or_none(feed.get("link")),
        lang=_text_or_none(feed.get("language")),
        entries=entries,
        parser="fastfeedparser",
        format=str(result.get("version") or feed.get("version") or ""),
    )


def _first_content(contents: object) -> str:
    if isinstance(contents, list):
        for item in contents:
            if isinstance(item, dict):
                return str(item.get("value") or "")
    return ""


def _entry_from_fast(raw: Mapping[str, Any]) -> FeedEntry:
    content = _first_content(raw.get("content"))
    description = str(raw.get("description") or "")
    return FeedEntry(
        guid=_text_or_none(raw.get("id")),
        link=_text_or_none(raw.get("link")),
        title=str(raw.get("title") or ""),
        summary=description,
        content="" if content == description else content,
        published=_text_or_none(raw.get("published") or raw.get("updated")),
        author=_text_or_none(raw.get("author")),
        categories=_terms(raw.get("tags")),
        image_url=_image_from(raw),
        lang=None,
    )


# --- feedparser -----------------------------------------------------------------------------


def _parse_with_feedparser(body: bytes, *, headers: Mapping[str, str]) -> ParsedFeed:
    # No Content-Location: feedparser would "resolve" a plain guid such as "story-12" into a
    # URL on the feed's host; relative links are resolved later against the feed URL instead.
    response_headers = {"content-type": headers.get("content-type", "")}
    if not response_headers["content-type"]:
        del response_headers["content-type"]
    try:
        result = feedparser.parse(
            body,
            response_headers=response_headers,
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:  # feedparser is meant not to raise; a crash is a broken document
        raise ParseError(f"the document could not be parsed: {exc!r}", kind="parse") from exc
    version = str(result.get("version") or "")
    entries = tuple(_entry_from_feedparser(raw) for raw in result.get("entries") or [])
    if not version and not entries:
        problem = result.get("bozo_exception")
        detail = f" ({_one_line(str(problem))})" if problem else ""
        raise ParseError(f"not an RSS, Atom or JSON feed{detail}", kind="not_a_feed")
    feed = result.get("feed") or {}
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    return ParsedFeed(
        title=str(feed.get("title") or ""),
        link=_text_or_none(feed.get("link")),
        lang=_text_or_none(feed.get("language")),
        entries=entries,
        parser="feedparser",
        format=version,
        warning=_one_line(str(bozo)) if bozo else None,
    )


def _entry_from_feedparser(raw: Mapping[str, Any]) -> FeedEntry:
    content = _first_content(raw.get("content"))
    summary = str(raw.get("summary") or "")
    detail = raw.get("title_detail") or {}
    return FeedEntry(
        guid=_text_or_none(raw.get("id")),
        link=_text_or_none(raw.get("link")),
        title=str(raw.get("title") or ""),
        summary=summary,
        content="" if content == summary else content,
        published=_text_or_none(raw.get("published") or raw.get("updated") or raw.get("created")),
        author=_text_or_none(raw.get("author")),
        categories=_terms(raw.get("tags")),
        image_url=_image_from(raw),
        lang=_text_or_none(detail.get("language")) if isinstance(detail, dict) else None,
    )


def _cut_items(body: bytes, scan_items: int) -> bytes:
    """Keep the first ``scan_items`` items of an enormous feed (feeds list newest first), so the
    slow parser's time stays bounded; the document is closed again after the cut."""
    if body.count(b"<item") + body.count(b"<entry") <= scan_items:
        return body
    ends = _ITEM_END.finditer(body)
    cut_at = None
    for count, match in enumerate(ends, start=1):
        if count == scan_items:
            cut_at = match.end()
            break
    root = _ROOT.search(body[:8192])
    if cut_at is None or root is None:
        return body
    name = root.group(1)
    closing = b"</channel></" + name + b">" if name.endswith(b"rss") else b"</" + name + b">"
    log.info("feed cut before parsing", extra={"items_kept": scan_items})
    return body[:cut_at] + closing


# --- shared helpers -------------------------------------------------------------------------


# Both parsers return plain dicts and lists; checking for those (not the ABCs) is ~10x cheaper,
# which counts at 50,000 entries a cycle.


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = (value if isinstance(value, str) else str(value)).strip()
    return text or None


def _terms(tags: object) -> tuple[str, ...]:
    if not isinstance(tags, list | tuple):
        return ()
    terms: list[str] = []
    for tag in tags:
        term = tag.get("term") or tag.get("label") if isinstance(tag, dict) else tag
        text = _text_or_none(term)
        if text and text not in terms:
            terms.append(text)
    return tuple(terms[:20])


def _image_from(raw: Mapping[str, Any]) -> str | None:
    """The entry's picture: media thumbnail, image media content, image enclosure, or image."""
    for key in ("media_thumbnail", "media_content", "enclosures", "links"):
        items = raw.get(key)
        if not items or not isinstance(items, list | tuple):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            link = item.get("url") or item.get("href")
            kind = str(item.get("type") or "")
            medium = str(item.get("medium") or "")
            if key == "links" and item.get("rel") != "enclosure":
                continue
            is_image = kind.startswith("image/") or medium == "image"
            if link and (key == "media_thumbnail" or is_image):
                return str(link)
    image = raw.get("image")
    if isinstance(image, dict) and image.get("href"):
        return str(image["href"])
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
