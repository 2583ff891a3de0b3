"""HTML article pages: the article an HTML page holds, and the feeds a page links to.

trafilatura extracts the main text (it handles Hindi pages) and its metadata, and htmldate
(through trafilatura) finds the date with its time. On top of that, what news pages state
most precisely wins: the schema.org ``NewsArticle`` JSON-LD (headline and datePublished with
time and zone), ``article:published_time``, the visible "Published : Jul 04, 2020, 05:53 PM
IST" line, and the "सार" (summary) block Hindi sites such as Amar Ujala put above the story.
Feed discovery reads ``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">``
(trafilatura's own discovery would fetch pages itself, bypassing the SSRF guard).
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

with warnings.catch_warnings():
    # trafilatura probes urllib3's optional SOCKS support (for its own downloader, which we
    # never use: fetching is ours); urllib3 announces the missing PySocks with a warning.
    warnings.filterwarnings("ignore", message="SOCKS support in urllib3")
    import trafilatura

from bot.adapters.sources.dates import parse_datetime
from bot.adapters.sources.text import (
    NOT_XML,
    clean_block_text,
    clean_text,
    truncate,
    xml_safe,
)
from bot.errors import ParseError

log = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json+feed",
        "application/x.atom+xml",
        "application/x-rss+xml",
    }
)
_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "blogposting",
        "liveblogposting",
        "opinionnewsarticle",
        "backgroundnewsarticle",
    }
)
_SUMMARY_LABELS = frozenset({"सार", "सारांश"})
_DETAIL_LABELS = frozenset({"विस्तार", "विस्तार से"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.IGNORECASE)
_DATE_WORDS = (
    r"(?:(?:[A-Za-z]{3,9},?\s+)?(?:[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9},?\s+\d{4})"
    r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?(?:\s+[A-Z]{2,4}\b)?)"
)
_PUBLISHED_LINE = re.compile(
    r"(?:Published|First\s+published|प्रकाशित)\s*(?:on|at)?\s*[:：\-]?\s*(" + _DATE_WORDS + ")",
    re.IGNORECASE,
)
_UPDATED_LINE = re.compile(
    r"(?:Updated|अपडेटेड|अपडेट)\s*(?:on|at)?\s*[:：\-]?\s*(" + _DATE_WORDS + ")", re.IGNORECASE
)
_WESTERN_CHARSETS = frozenset(
    {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}
)
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml\b[^>]*\?>")
_MAX_SUMMARY_CHARS = 2_000
_MIN_ARTICLE_TEXT = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class WebPage:
    """What an HTML page says about itself."""

    url: str  # canonical link of the page when it names one, else the URL it came from
    title: str
    summary: str
    body: str
    published_at: datetime | None
    lang_hints: tuple[str, ...]
    author: str | None
    categories: tuple[str, ...]
    image_url: str | None
    site_name: str | None
    feed_links: tuple[str, ...]
    is_article: bool


def decode_html(body: bytes, content_type: str = "") -> str:
    """HTML bytes → text: BOM, then the HTTP charset, then ``<meta charset>``, then UTF-8.

    A page labelled Latin-1/windows-1252 whose bytes are valid UTF-8 is read as UTF-8 (the
    commonest mislabel on Indian sites). Hand-written: a short, fixed order of trusted hints is
    more predictable than statistical detection for news pages.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace")
    declared = _header_charset(content_type)
    meta = _META_CHARSET.search(body[:8192])
    candidates = [declared, meta.group(1).decode("ascii") if meta else None, "utf-8"]
    for name in candidates:
        if not name:
            continue
        if name.lower() in (
            "iso-8859-1",
            "latin-1",
            "latin1",
            "windows-1252",
            "cp1252",
            "us-ascii",
        ):
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                return body.decode("cp1252", errors="replace")
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def _header_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def parse_html_tree(text: str) -> lxml.html.HtmlElement:
    """Parse page text; ``ParseError`` for a document lxml cannot read at all.

    An XHTML page's ``<?xml … encoding=…?>`` is dropped first: the text is decoded already, and
    lxml refuses a ``str`` that still declares an encoding. So are control characters."""
    if NOT_XML.search(text):
        text = NOT_XML.sub("", text)
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"not a readable HTML page: {exc}", kind="parse") from None
    return tree


def discover_feeds(tree: lxml.html.HtmlElement, *, base_url: str) -> tuple[str, ...]:
    """Absolute URLs of the feeds a page advertises, in document order."""
    base = _document_base(tree, base_url)
    found: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            absolute = _join(base, href)
            if absolute and absolute not in found:
                found.append(absolute)
    return tuple(found)


def parse_page(body: bytes, *, url: str, content_type: str = "", local: tzinfo) -> WebPage:
    """Read an article page (or any HTML page: ``is_article`` says which it looks like)."""
    text = xml_safe(decode_html(body, content_type))  # trafilatura reads it too
    tree = parse_html_tree(text)
    base = _document_base(tree, url)
    feed_links = discover_feeds(tree, base_url=base)
    meta = _meta_tags(tree)
    ld = list(_json_ld_objects(tree))
    article_ld = next((obj for obj in ld if _ld_types(obj) & _ARTICLE_TYPES), {})
    _drop_invisible(tree)
    visible = tree.text_content() if tree.body is not None else ""
    extracted = _extract(text, url)

    site_name = meta.get("og:site_name") or (extracted.sitename if extracted else None)
    title = _title(article_ld, meta, extracted, site_name)
    summary = _summary_block(tree) or clean_text(
        meta.get("og:description")
        or meta.get("description")
        or _ld_text(article_ld.get("description"))
        or (extracted.description if extracted else ""),
        max_chars=_MAX_SUMMARY_CHARS,
    )
    main_text = clean_block_text(extracted.text if extracted else "")
    if not summary and main_text:
        summary = truncate(main_text.split("\n", 1)[0], _MAX_SUMMARY_CHARS)
    published = _published(article_ld, meta, visible, extracted, local)
    canonical = _canonical(tree, base, meta) or url
    ld_type_found = bool(article_ld)
    is_article = bool(title) and (
        ld_type_found
        or meta.get("og:type", "").lower() == "article"
        or (extracted is not None and (extracted.pagetype or "").lower() == "article")
        or (published is not None and len(main_text) >= _MIN_ARTICLE_TEXT)
    )
    return WebPage(
        url=canonical,
        title=title,
        summary=summary,
        body=main_text,
        published_at=published,
        lang_hints=tuple(
            hint
            for hint in (
                _ld_text(article_ld.get("inLanguage")),
                tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
                meta.get("og:locale"),
                meta.get("content-language"),
            )
            if hint
        ),
        author=_author(article_ld, meta, extracted),
        categories=_categories(article_ld, meta, extracted),
        image_url=_image(article_ld, meta, extracted, base),
        site_name=site_name,
        feed_links=feed_links,
        is_article=is_article,
    )


# --- pieces ---------------------------------------------------------------------------------


def _extract(text: str, url: str) -> Any:
    try:
        return trafilatura.bare_extraction(
            text,
            url=url if url.startswith(("http://", "https://")) else None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={
                "original_date": True,
                "extensive_search": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            },
        )
    except Exception as exc:  # trafilatura failing on one page must not lose the metadata
        log.warning("main-text extraction failed", extra={"url": url, "error": repr(exc)})
        return None


def _document_base(tree: lxml.html.HtmlElement, url: str) -> str:
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return _join(url, href) or url
    return url


def _join(base: str, href: str) -> str | None:
    """``urljoin``, or None for a link urllib cannot read (``http://[::1`` raises)."""
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return None


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        key = key.strip().lower() or (meta.get("http-equiv") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterator[Mapping[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _flatten_ld(data, depth=0)


def _flatten_ld(data: object, *, depth: int) -> Iterator[Mapping[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten_ld(item, depth=depth + 1)
    elif isinstance(data, Mapping):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _flatten_ld(graph, depth=depth + 1)


def _ld_types(obj: Mapping[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if isinstance(k, str)}


def _ld_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0].strip()
    if isinstance(value, Mapping):
        return _ld_text(value.get("name") or value.get("url") or value.get("@id"))
    return ""


def _title(
    article_ld: Mapping[str, Any], meta: Mapping[str, str], extracted: Any, site: str | None
) -> str:
    headline = clean_text(_ld_text(article_ld.get("headline")), max_chars=500)
    og_title = clean_text(_without_site_suffix(meta.get("og:title", ""), site), max_chars=500)
    if headline and og_title and og_title != headline and og_title in headline:
        return og_title  # the headline carries a prefix such as the site's name
    if headline or og_title:
        return headline or og_title
    fallback = extracted.title if extracted and extracted.title else ""
    return clean_text(_without_site_suffix(fallback, site), max_chars=500)


def _without_site_suffix(title: str, site: str | None) -> str:
    if site:
        for separator in (" - ", " | ", " – ", " :: "):
            suffix = separator + site
            if title.endswith(suffix):
                return title[: -len(suffix)]
    return title


def _summary_block(tree: lxml.html.HtmlElement) -> str:
    """The text under a "सार" label, up to the "विस्तार" label or the next heading."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        label = (element.text or "").strip().rstrip(":：").strip()
        if label not in _SUMMARY_LABELS or (len(element) > 0 and _label_has_more(element)):
            continue
        text = _text_after(element)
        if not text and element.getparent() is not None:
            text = _text_after(element.getparent())
        if text:
            return text
    return ""


def _label_has_more(element: lxml.html.HtmlElement) -> bool:
    return any((child.text_content() or "").strip() for child in element)


def _text_after(element: lxml.html.HtmlElement) -> str:
    parts: list[str] = []
    tail = (element.tail or "").strip()
    if tail:
        parts.append(tail)
    for sibling in element.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        content = _block_text(sibling)
        if sibling.tag in _HEADINGS or content.rstrip(":：").strip() in _DETAIL_LABELS:
            break
        if content:
            parts.append(content)
        if sum(len(part) for part in parts) > _MAX_SUMMARY_CHARS:
            break
    return clean_text(" ".join(parts), max_chars=_MAX_SUMMARY_CHARS)


def _block_text(element: lxml.html.HtmlElement) -> str:
    """Visible text with list items and paragraphs kept apart (``</li><li>`` has no space)."""
    blocks = [child for child in element.iter("li", "p") if child is not element]
    if not blocks:
        return " ".join(element.text_content().split())
    return " ".join(" ".join(block.text_content().split()) for block in blocks)


def _drop_invisible(tree: lxml.html.HtmlElement) -> None:
    for element in list(tree.iter("script", "style", "noscript", "template")):
        element.drop_tree()  # the text is ``xml_safe``: the re-set neighbouring text is too


def _published(
    article_ld: Mapping[str, Any],
    meta: Mapping[str, str],
    visible: str,
    extracted: Any,
    local: tzinfo,
) -> datetime | None:
    machine = (
        _ld_text(article_ld.get("datePublished")),
        meta.get("article:published_time"),
        meta.get("datepublished"),
        meta.get("publish-date"),
        meta.get("pubdate"),
    )
    for value in machine:
        parsed = parse_datetime(value, default_tz=local) if value else None
        if parsed is not None:
            return parsed
    for pattern in (_PUBLISHED_LINE, _UPDATED_LINE):
        match = pattern.search(visible)
        if match:
            parsed = parse_datetime(match.group(1), default_tz=local)
            if parsed is not None:
                return parsed
    if extracted is not None and extracted.date:
        return parse_datetime(extracted.date, default_tz=local)
    return None


def _canonical(tree: lxml.html.HtmlElement, base: str, meta: Mapping[str, str]) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return _join(base, link.get("href", "").strip())
    og_url = meta.get("og:url")
    if og_url:
        return _join(base, og_url)
    return None


def _author(article_ld: Mapping[str, Any], meta: Mapping[str, str], extracted: Any) -> str | None:
    author = article_ld.get("author")
    names = [_ld_text(a) for a in author] if isinstance(author, list) else [_ld_text(author)]
    joined = ", ".join(name for name in names if name)
    candidate = joined or meta.get("author") or (extracted.author if extracted else None)
    return clean_text(candidate, max_chars=200) or None


def _categories(
    article_ld: Mapping[str, Any], meta: Mapping[str, str], extracted: Any
) -> tuple[str, ...]:
    raw: list[str] = []
    section = article_ld.get("articleSection")
    raw.extend(section if isinstance(section, list) else [section] if section else [])
    keywords = article_ld.get("keywords") or meta.get("keywords") or meta.get("news_keywords")
    if isinstance(keywords, str):
        raw.extend(keywords.split(","))
    elif isinstance(keywords, list):
        raw.extend(keywords)
    if extracted is not None:
        raw.extend(extracted.categories or [])
        raw.extend(extracted.tags or [])
    found: list[str] = []
    for item in raw:
        term = clean_text(item if isinstance(item, str) else "", max_chars=100)
        if term and term not in found:
            found.append(term)
    return tuple(found[:20])


def _image(
    article_ld: Mapping[str, Any], meta: Mapping[str, str], extracted: Any, base: str
) -> str | None:
    image = (
        meta.get("og:image")
        or _ld_text(article_ld.get("image"))
        or (extracted.image if extracted else None)
    )
    if not image:
        return None
    absolute = _join(base, image.strip())
    return absolute if absolute and absolute.startswith(("http://", "https://")) else None
