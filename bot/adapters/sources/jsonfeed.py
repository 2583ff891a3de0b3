"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) → :class:`ParsedFeed`.

feedparser does not read JSON Feed and the format is a small JSON object, so it is read here
with the standard ``json`` module. Every field is type-checked: a hostile document gives a
clear ``ParseError`` or skips the bad item, never a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.adapters.sources.entries import FeedEntry, ParsedFeed
from bot.errors import ParseError

_JSON_TYPES = ("application/feed+json", "application/json", "text/json")
# JSON can escape half a surrogate pair ("\\ud800"); such a string cannot be encoded as UTF-8,
# so one bad item would make storing the whole batch fail, poll after poll.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def looks_like_json(body: bytes, content_type: str) -> bool:
    """Whether a body is JSON (by media type or by its first character)."""
    if content_type.split(";")[0].strip().lower() in _JSON_TYPES:
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(body: bytes, *, url: str = "") -> ParsedFeed:
    """Read a JSON Feed document; ``ParseError`` when it is not one."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ParseError(f"not valid JSON: {_short(exc)}", kind="not_a_feed") from None
    if not isinstance(document, dict):
        raise ParseError("JSON, but not a JSON Feed object", kind="not_a_feed")
    version = document.get("version")
    items = document.get("items")
    if not (isinstance(version, str) and "jsonfeed.org/version/1" in version):
        raise ParseError("JSON, but not a JSON Feed (no jsonfeed.org version)", kind="not_a_feed")
    if not isinstance(items, list):
        raise ParseError("JSON Feed without an items list", kind="parse")
    feed_lang = _text(document.get("language"))
    entries = tuple(
        entry for entry in (_entry(item, feed_lang) for item in items) if entry is not None
    )
    return ParsedFeed(
        title=_text(document.get("title")) or "",
        link=_text(document.get("home_page_url")),
        lang=feed_lang,
        entries=entries,
        parser="jsonfeed",
        format="json11" if version.rstrip("/").endswith("1.1") else "json10",
    )


def _entry(item: object, feed_lang: str | None) -> FeedEntry | None:
    if not isinstance(item, Mapping):
        return None
    link = _text(item.get("url")) or _text(item.get("external_url"))
    guid = _text(item.get("id"))
    title = _text(item.get("title")) or ""
    content_html = _text(item.get("content_html"))
    content_text = _text(item.get("content_text"))
    summary = _text(item.get("summary")) or ""
    if not (link or guid or title or summary or content_html or content_text):
        return None
    return FeedEntry(
        guid=guid,
        link=link,
        title=title,
        summary=summary or content_text or "",
        content=content_html or (content_text if summary else "") or "",
        published=_date_text(item.get("date_published")) or _date_text(item.get("date_modified")),
        author=_author(item),
        categories=tuple(_text(tag) or "" for tag in _list(item.get("tags")) if _text(tag)),
        image_url=_text(item.get("image")) or _text(item.get("banner_image")),
        lang=_text(item.get("language")) or feed_lang,
    )


def _author(item: Mapping[str, Any]) -> str | None:
    authors = _list(item.get("authors")) or [item.get("author")]
    for author in authors:
        if isinstance(author, Mapping) and _text(author.get("name")):
            return _text(author.get("name"))
    return None


def _date_text(value: object) -> str | None:
    # Not in the spec, but seen in the wild: epoch seconds or milliseconds as a number.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return _LONE_SURROGATE.sub("\ufffd", value.strip())
    return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
