"""Fuzzing the feed parser's entry point: any bytes a source serves → Articles or a clear error.

``parse(FetchResult)`` (:mod:`bot.adapters.sources.reader`) is what the poll service runs on
every fetched body: it sniffs JSON / XML / HTML, goes through fastfeedparser or feedparser, the
JSON Feed reader or the page extractor (lxml + trafilatura), then builds Articles. Here it gets:

* **generated documents** — RSS 2.0, RSS 1.0 (RDF), Atom 1.0, JSON Feed 1.1 and HTML article
  pages, built from natural Hindi and English news words mixed with markup, entities (valid,
  unknown, double-escaped), CDATA, C0/C1 controls, bidi and zero-width marks, U+FFFE, emoji and
  very long runs; links relative, IDN, ``javascript:``, ``file:``, broken brackets; dates in
  RFC 822, ISO 8601, Hindi and nonsense; fields of the wrong JSON type; a DOCTYPE with internal
  or external entities; encoded in UTF-8, UTF-16, windows-1252 or Shift-JIS, declared rightly or
  wrongly, with or without a ``Content-Type`` charset;
* **mutations** of those documents, of the bundled demo feeds and of every file of
  ``../shared/corpus/feeds/hostile/`` (skipped when absent): bytes flipped, ranges cut,
  duplicated or spliced, hostile tokens (``<!ENTITY``, ``]]>``, NUL, a BOM, an encoding
  declaration) inserted, the document truncated;
* **raw bytes** behind a prefix that steers the sniffer to each parser.

The verdict, for every input: nothing but ``ParseError`` escapes (kind ``parse`` or
``not_a_feed``, a one-line message), or every article is well formed — an absolute http(s) URL
without spaces, a non-empty one-line title within the limits, summary and body within theirs,
every string encodable as UTF-8 (storable), dates timezone-aware UTC, no duplicate URLs, at
most ``max_items`` articles. Each test prints ``fuzz_<name> examples=… articles=… errors=…``.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.adapters.sources.articles import DEFAULT_MAX_ITEMS
from bot.adapters.sources.fetcher import FetchResult
from bot.adapters.sources.reader import ReadOptions, parse
from bot.adapters.sources.text import (
    DEFAULT_BODY_CHARS,
    DEFAULT_SUMMARY_CHARS,
    DEFAULT_TITLE_CHARS,
)
from bot.domain.models import Article
from bot.errors import ParseError

REPO = Path(__file__).resolve().parents[2]
DEMO_FEEDS = sorted((REPO / "bot" / "demo" / "feeds").glob("*.xml"))
CORPUS = REPO.parent / "shared" / "corpus" / "feeds" / "hostile"
CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []
SOURCE_URL = "https://feeds.example.in/desk/rss.xml"
ERROR_KINDS = ("parse", "not_a_feed")
SLOW_PARSE_S = 10.0  # one document; a hang would be minutes

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------ what goes into documents

HINDI = [
    "सरकार ने 59 चीनी ऐप्स पर प्रतिबंध लगाया",
    "बैंक के सर्वर से ग्राहकों का डेटा लीक",
    "साइबर हमले के बाद जांच के आदेश",
    "टिकटॉक",
    "क़ानून",
    "ज़िला",
    "२८ नवंबर २०२६",
    "।",
    "\u0915\u093c",  # क + nukta, decomposed
    "\u093f",  # a vowel sign with nothing before it
    "क्\u200dष",  # ZWJ inside a conjunct
]
ENGLISH = [
    "Government bans 59 Chinese apps",
    "Data leak exposes Aadhaar details of 2.8 crore consumers",
    "TikTok",
    "hackers",
    "AT&T",
    "5 < 6 > 4",
]
MARKUP = [
    "<b>",
    "</b>",
    "<p>",
    "<br/>",
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<!-- टिप्पणी -->",
    "<!--",
    "<![CDATA[",
    "]]>",
    "<iframe src='http://127.0.0.1/'>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">',
    "&amp;",
    "&amp;amp;",
    "&lt;p&gt;",
    "&#x0905;",
    "&#2309;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&nbsp;",
    "&bogus;",
    "&xxe;",
    "&",
    "<",
    ">",
]
ODD = [
    "\x00",
    "\x01",
    "\x0b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200e",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ufffd",
    "\ud800",  # half a surrogate pair (JSON escapes it; XML encoders must cope)
    "👩\u200d💻",
    "🇮🇳",
    "\u00a0",
    "\u3000",
    "\r\n",
    "\t",
]
atoms = st.sampled_from(HINDI + ENGLISH + MARKUP + ODD)
text = st.one_of(
    st.lists(atoms, max_size=8).map(" ".join),
    st.text(max_size=40),
    st.builds(lambda a, n: a * n, atoms, st.integers(50, 3000)),  # long runs
)
urls = st.one_of(
    st.sampled_from(
        [
            "https://news.example.in/tech/tiktok-ban-1187342.html",
            "http://news.example.in/a?utm_source=x&id=7#top",
            "/relative/story.html",
            "story-12",
            "//cdn.example.in/x.html",
            "https://उदाहरण.भारत/खबर/1",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            "http://[::1",
            "http://a b.example/",
            "https://news.example.in/" + "a" * 3000,
            "http://127.0.0.1:9/admin",
            "",
            " \t https://news.example.in/padded \n",
        ]
    ),
    st.builds(lambda s: f"https://news.example.in/{s}", st.text(max_size=30)),
    st.text(max_size=30),
)
dates = st.one_of(
    st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
    ).map(lambda d: format_datetime(d) if d.year >= 1900 else d.isoformat()),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Sat, 28 Nov 2026 09:30:00 +0530",
            "Sat, 28 Nov 2026 09:30:00",
            "2026-11-28T09:30:00",
            "2026-02-31T25:61:00+99:00",
            "28 नवंबर 2026, सुबह 7:45",
            "kal subah",
            "0",
            "-1",
            "1e309",
            "",
        ]
    ),
    st.text(max_size=20),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=6,
)
items = st.lists(
    st.fixed_dictionaries(
        {
            "title": text,
            "link": urls,
            "summary": text,
            "content": text,
            "date": dates,
            "guid": st.one_of(urls, text),
            "author": text,
            "tags": st.lists(text, max_size=3),
            "image": urls,
        }
    ),
    max_size=6,
)


def _x(value: str, how: str) -> str:
    """A field value as XML text: escaped, left raw (maybe breaking the document) or CDATA."""
    if how == "escaped":
        return escape(value, quote=False)
    if how == "cdata":
        return f"<![CDATA[{value}]]>"
    return value


DOCTYPES = [
    "",
    "",
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
]


def rss2(feed: dict[str, Any], how: str, doctype: str) -> str:
    parts = []
    for item in feed["items"]:
        tags = "".join(f"<category>{_x(t, how)}</category>" for t in item["tags"])
        parts.append(
            f"<item><title>{_x(item['title'], how)}</title><link>{_x(item['link'], how)}</link>"
            f"<guid>{_x(item['guid'], how)}</guid><pubDate>{_x(item['date'], how)}</pubDate>"
            f"<description>{_x(item['summary'], how)}</description>"
            f"<content:encoded>{_x(item['content'], how)}</content:encoded>"
            f"<dc:creator>{_x(item['author'], how)}</dc:creator>{tags}"
            f'<enclosure url="{escape(item["image"])}" type="image/jpeg" length="1"/></item>'
        )
    return (
        f'<?xml version="1.0" encoding="{feed["declared"]}"?>{doctype}'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{_x(feed['title'], how)}</title><link>{_x(feed['link'], how)}</link>"
        f"<language>{_x(feed['lang'], how)}</language>{''.join(parts)}</channel></rss>"
    )


def rdf(feed: dict[str, Any], how: str, doctype: str) -> str:
    parts = [
        f'<item rdf:about="{escape(item["link"])}"><title>{_x(item["title"], how)}</title>'
        f"<link>{_x(item['link'], how)}</link><description>{_x(item['summary'], how)}"
        f"</description><dc:date>{_x(item['date'], how)}</dc:date></item>"
        for item in feed["items"]
    ]
    return (
        f'<?xml version="1.0" encoding="{feed["declared"]}"?>{doctype.replace("rss", "rdf:RDF")}'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{_x(feed['title'], how)}</title></channel>{''.join(parts)}</rdf:RDF>"
    )


def atom(feed: dict[str, Any], how: str, doctype: str) -> str:
    parts = [
        f'<entry><title type="html">{_x(item["title"], how)}</title>'
        f'<link rel="alternate" href="{escape(item["link"])}"/><id>{_x(item["guid"], how)}</id>'
        f"<updated>{_x(item['date'], how)}</updated>"
        f'<summary type="html">{_x(item["summary"], how)}</summary>'
        f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        f"{_x(item['content'], how)}</div></content>"
        f"<author><name>{_x(item['author'], how)}</name></author></entry>"
        for item in feed["items"]
    ]
    return (
        f'<?xml version="1.0" encoding="{feed["declared"]}"?>{doctype.replace("rss", "feed")}'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(feed["lang"])}">'
        f"<title>{_x(feed['title'], how)}</title>"
        f'<link href="{escape(feed["link"])}"/>{"".join(parts)}</feed>'
    )


def html_page(feed: dict[str, Any], how: str, doctype: str) -> str:
    item = feed["items"][0] if feed["items"] else {"title": "", "summary": "", "content": ""}
    ld = {"@type": "NewsArticle", "headline": item["title"], "datePublished": item.get("date")}
    return (
        f"<!DOCTYPE html><html lang='{escape(feed['lang'])}'><head>"
        f"<title>{_x(item['title'], how)}</title>"
        f'<meta property="og:type" content="article"/>'
        f'<meta property="og:title" content="{escape(item["title"])}"/>'
        f'<link rel="canonical" href="{escape(item.get("link", ""))}"/>'
        f'<link rel="alternate" type="application/rss+xml" href="{escape(feed["link"])}"/>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body><article>'
        f"<h1>{_x(item['title'], how)}</h1><p>{_x(item['summary'], how)}</p>"
        f"<p>{_x(item['content'], how)}</p></article></body></html>"
    )


def json_feed(feed: dict[str, Any], wrong: dict[str, Any]) -> str:
    """``json.dumps`` escapes a lone surrogate as ``\\ud800``, as a buggy CMS does."""
    entries = [
        {
            "id": item["guid"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["summary"],
            "content_html": item["content"],
            "date_published": item["date"],
            "authors": [{"name": item["author"]}],
            "tags": item["tags"],
            "image": item["image"],
            **wrong,
        }
        for item in feed["items"]
    ]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed["title"],
        "home_page_url": feed["link"],
        "language": feed["lang"],
        "items": entries,
    }
    return json.dumps(document, ensure_ascii=feed["declared"] == "ascii")


BUILDERS: dict[str, Callable[[dict[str, Any], str, str], str]] = {
    "rss": rss2,
    "rdf": rdf,
    "atom": atom,
    "html": html_page,
}
CONTENT_TYPES = [
    None,
    "application/rss+xml",
    "application/rss+xml; charset=utf-8",
    "application/atom+xml; charset=windows-1252",
    "text/xml; charset=shift_jis",
    "text/html; charset=utf-16",
    "text/html",
    "application/feed+json",
    "application/json; charset=latin-1",
    "application/octet-stream",
    "text/plain; charset=bogus-charset",
]
ENCODINGS = ["utf-8", "utf-8", "utf-16", "utf-16-le", "windows-1252", "shift_jis", "ascii"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A generated document of any kind, encoded, with the Content-Type it is served with."""
    declared = draw(st.sampled_from([*ENCODINGS, "bogus-charset", "utf-32"]))
    feed = {
        "title": draw(text),
        "link": draw(urls),
        "lang": draw(st.sampled_from(["hi", "en", "hi-IN", "", "xx-yy-zz", "<&>"])),
        "items": draw(items),
        "declared": declared,
    }
    kind = draw(st.sampled_from([*BUILDERS, "json"]))
    if kind == "json":
        wrong = draw(st.dictionaries(st.sampled_from(["title", "url", "date_published",
                                                      "tags", "authors", "id"]), json_values,
                                     max_size=2))  # fmt: skip
        document = json_feed(feed, wrong)
    else:
        how = draw(st.sampled_from(["escaped", "escaped", "cdata", "raw"]))
        document = BUILDERS[kind](feed, how, draw(st.sampled_from(DOCTYPES)))
    encoding = draw(st.sampled_from(ENCODINGS))
    errors = draw(st.sampled_from(["xmlcharrefreplace", "replace", "surrogatepass"]))
    try:
        body = document.encode(encoding, errors=errors)
    except UnicodeEncodeError:  # surrogatepass only passes surrogates
        body = document.encode(encoding, errors="xmlcharrefreplace")
    return body, draw(st.sampled_from(CONTENT_TYPES))


HOSTILE_TOKENS = [
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    b"<!DOCTYPE rss [",
    b"]>",
    b"]]>",
    b"<![CDATA[",
    b"&x;",
    b"&#0;",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3\x28",
    b"\xe0\xa4",
    b'<?xml version="1.0" encoding="utf-16"?>',
    b"<item>",
    b"</item>",
    b"<entry>",
    b"</channel></rss>",
    b"<html>",
    b"{",
    b'"items": [',
    b"<" * 64,
    b"<item><title>x</title><link>http://e.example/x</link></item>" * 50,
]
mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]),
        st.floats(0, 1),
        st.floats(0, 1),
        st.integers(0, 255),
        st.sampled_from(HOSTILE_TOKENS),
    ),
    min_size=1,
    max_size=6,
)


def mutate(body: bytes, ops: list[tuple[str, float, float, int, bytes]]) -> bytes:
    data = bytearray(body)
    for op, where, extent, byte, token in ops:
        at = int(where * len(data))
        span = max(1, int(extent * min(len(data), 4096)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] = byte
        elif op == "delete":
            del data[at : at + span]
        elif op == "insert":
            data[at:at] = token
        elif op == "duplicate":
            data[at:at] = data[at : at + span]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


# ------------------------------------------------------------------ the verdict

_C0_CONTROL = re.compile(r"[\x00-\x1f]")
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")


def _storable(value: str | None, name: str) -> None:
    if value is not None:
        assert isinstance(value, str), name
        value.encode("utf-8")  # raises on a lone surrogate: such a batch could not be stored
        assert "\x00" not in value, f"{name} holds a NUL, which PostgreSQL cannot store"


def check_article(article: Article) -> None:
    """The properties every stored article relies on."""
    assert isinstance(article, Article)
    parts = urlsplit(article.url)
    assert parts.scheme in ("http", "https") and parts.hostname, article.url
    assert not _URL_FORBIDDEN.search(article.url), article.url
    assert len(article.url) <= 2048
    assert article.title and len(article.title) <= DEFAULT_TITLE_CHARS
    assert not _C0_CONTROL.search(article.title), repr(article.title)
    assert not _C0_CONTROL.search(article.summary), repr(article.summary)
    assert len(article.summary) <= DEFAULT_SUMMARY_CHARS
    assert len(article.body) <= DEFAULT_BODY_CHARS
    for name in ("url", "title", "summary", "body", "lang", "guid", "source_name", "author"):
        _storable(getattr(article, name), name)
    for category in article.categories:
        _storable(category, "category")
    if article.published_at is not None:
        assert article.published_at.utcoffset() is not None
        assert article.published_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    if article.image_url is not None:
        _storable(article.image_url, "image_url")
        assert urlsplit(article.image_url).scheme in ("http", "https")
    assert article.source_url == SOURCE_URL


class Tally:
    """Counts what the fuzzing saw, for the printed figures."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.articles = 0
        self.slowest = 0.0

    def line(self, name: str) -> str:
        examples = sum(self.outcomes.values())
        kinds = " ".join(f"{k}={v}" for k, v in sorted(self.outcomes.items()))
        return (
            f"fuzz_{name} examples={examples} articles={self.articles} {kinds} "
            f"slowest_ms={self.slowest * 1000:.0f}"
        )


def read(body: bytes, content_type: str | None, tally: Tally) -> None:
    """Run the real entry point on one body and judge what comes out."""
    headers = {"content-type": content_type} if content_type else {}
    result = FetchResult(
        url=SOURCE_URL, final_url=SOURCE_URL, status=200, body=body, headers=headers
    )
    started = time.monotonic()
    try:
        articles = parse(result, options=ReadOptions(timezone="Asia/Kolkata"))
    except ParseError as exc:
        message = str(exc)
        assert exc.kind in ERROR_KINDS, (exc.kind, message)
        assert message and "\n" not in message, message  # the health entry is one line
        tally.outcomes[f"error_{exc.kind}"] += 1
        return
    finally:
        elapsed = time.monotonic() - started
        tally.slowest = max(tally.slowest, elapsed)
        assert elapsed < SLOW_PARSE_S, f"one document took {elapsed:.1f} s"
    assert len(articles) <= DEFAULT_MAX_ITEMS
    assert len({a.url for a in articles}) == len(articles), "duplicate article URLs"
    for article in articles:
        check_article(article)
    tally.outcomes["read" if articles else "read_empty"] += 1
    tally.articles += len(articles)


# ------------------------------------------------------------------ the tests

# Found by this fuzzing: a NUL (PostgreSQL refuses the whole batch) and half a surrogate pair.
NUL_AND_HALF_SURROGATE_JSON = (
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "https://e.example/1", '
    b'"title": "\\ud800 \\u0000 \\uffff", "content_text": "a\\u0000b", "id": "x\\u0000"}]}'
)
CONTROLS_IN_TITLE_RSS = (
    b"<rss><channel><item><title>\x01\x0b</title>"
    b"<link>https://e.example/2</link></item></channel></rss>"
)
# Each test runs its hypothesis search inside, so it can print what the search saw. CI runs
# 120 examples per search; the slow variant 2,000 (``make test-slow``).
EXAMPLES = [120, pytest.param(2000, marks=[pytest.mark.slow, pytest.mark.timeout(1200)])]


@pytest.mark.parametrize("examples", EXAMPLES)
def test_generated_documents_read_or_fail_clearly(examples: int) -> None:
    tally = Tally()

    @settings(SETTINGS, max_examples=examples, derandomize=examples < 1000)
    @given(document=documents())
    @example(document=(NUL_AND_HALF_SURROGATE_JSON, None))
    @example(document=(CONTROLS_IN_TITLE_RSS, "application/rss+xml"))
    def search(document: tuple[bytes, str | None]) -> None:
        read(*document, tally)

    search()
    print("\n" + tally.line("generated"))
    assert tally.outcomes["read"] > 0  # the generator does make readable feeds


@pytest.mark.parametrize("examples", EXAMPLES)
def test_mutated_documents_read_or_fail_clearly(examples: int) -> None:
    tally = Tally()

    @settings(SETTINGS, max_examples=examples, derandomize=examples < 1000)
    @given(document=documents(), ops=mutations)
    def search(
        document: tuple[bytes, str | None], ops: list[tuple[str, float, float, int, bytes]]
    ) -> None:
        body, content_type = document
        read(mutate(body, ops), content_type, tally)

    search()
    print("\n" + tally.line("mutated"))


@pytest.mark.parametrize("examples", EXAMPLES)
def test_mutated_real_feeds_read_or_fail_clearly(examples: int) -> None:
    """The bundled demo feeds (real Hindi and English news) and the hostile corpus, mutated."""
    tally = Tally()

    @settings(SETTINGS, max_examples=examples, derandomize=examples < 1000)
    @given(
        seed=st.sampled_from(DEMO_FEEDS + CORPUS_FILES),
        ops=mutations,
        content_type=st.sampled_from(CONTENT_TYPES),
    )
    def search(
        seed: Path, ops: list[tuple[str, float, float, int, bytes]], content_type: str | None
    ) -> None:
        read(mutate(seed.read_bytes(), ops), content_type, tally)

    search()
    print("\n" + tally.line("seeded") + f" seeds={len(DEMO_FEEDS) + len(CORPUS_FILES)}")


@pytest.mark.parametrize("examples", EXAMPLES)
def test_raw_bytes_read_or_fail_clearly(examples: int) -> None:
    tally = Tally()

    @settings(SETTINGS, max_examples=examples, derandomize=examples < 1000)
    @given(
        prefix=st.sampled_from([b"", b"{", b"<rss>", b"<feed>", b"<html>", b"<?xml", b"\xff\xfe<"]),
        raw=st.binary(max_size=2000),
        content_type=st.sampled_from(CONTENT_TYPES),
    )
    @example(prefix=b"", raw=b"<!--" * 16_384, content_type=None)  # sniffing was quadratic: ~4 s
    def search(prefix: bytes, raw: bytes, content_type: str | None) -> None:
        read(prefix + raw, content_type, tally)

    search()
    print("\n" + tally.line("raw"))


@pytest.mark.skipif(not CORPUS_FILES, reason="../shared/corpus/feeds/hostile is not present")
def test_every_hostile_corpus_file_reads_or_fails_clearly() -> None:
    """Each file as it is, served as XML, as HTML and without a Content-Type."""
    tally = Tally()
    for path in CORPUS_FILES:
        for content_type in (None, "application/xml", "text/html; charset=utf-8"):
            try:
                read(path.read_bytes(), content_type, tally)
            except AssertionError as exc:
                raise AssertionError(f"{path.relative_to(CORPUS)} ({content_type}): {exc}") from exc
    print("\n" + tally.line("corpus"))
