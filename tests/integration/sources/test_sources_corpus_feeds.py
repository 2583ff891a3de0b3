"""Every real feed in ../shared/corpus parses (both parser paths agree), samples are checked
field by field, and every hostile feed is handled without an escaping exception or a hang —
read from disk and served over real HTTP with the header its test case simulates."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.adapters.sources.feeds import parse_feed
from bot.adapters.sources.fetcher import FetchLimits, SourceFetcher
from bot.adapters.sources.reader import ReadDocument, ReadOptions, parse, read_document
from bot.adapters.sources.text import clean_text
from bot.errors import ParseError

if TYPE_CHECKING:
    from conftest import FeedServer

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
FEEDS = CORPUS / "feeds"


def _files(*folders: str) -> list[Path]:
    if not FEEDS.is_dir():
        return []
    return sorted(p for folder in folders for p in (FEEDS / folder).rglob("*") if p.is_file())


REAL = _files("hindi", "english", "other_south_asian")
HOSTILE = _files("hostile")
FEED_URL = "https://feeds.example.com/feed.xml"


def _read(
    path: Path, *, fast_path: bool = True, headers: dict[str, str] | None = None
) -> ReadDocument:
    return read_document(
        path.read_bytes(), url=FEED_URL, headers=headers, options=ReadOptions(fast_path=fast_path)
    )


def _id(path: Path) -> str:
    return str(path.relative_to(FEEDS))


@pytest.mark.parametrize("path", REAL, ids=_id)
def test_every_real_feed_parses_to_clean_articles(path: Path) -> None:
    document = _read(path)
    assert document.kind == "feed"
    assert document.articles, "a real feed with items gave no articles"
    for article in document.articles:
        assert article.url.startswith(("http://", "https://"))
        assert article.title and article.title == article.title.strip()
        assert "<" not in article.title or ">" not in article.title
        assert unicodedata.is_normalized("NFC", article.title + article.summary + article.body)
        assert article.published_at is None or article.published_at.tzinfo is not None
        assert article.guid
    expected_lang = {"hindi": "hi", "english": "en"}.get(path.parent.name)
    if expected_lang:
        assert {a.lang for a in document.articles} == {expected_lang}


def _essentials(document: ReadDocument) -> list[tuple[object, ...]]:
    return [
        # Summaries may differ in spaces around inline markup, and fastfeedparser shortens a
        # description it derives from the content; the text itself must not differ.
        (a.url, a.title, a.published_at, a.lang, a.guid, re.sub(r"\s+", "", a.summary)[:300])
        for a in document.articles
    ]


@pytest.mark.parametrize("path", REAL, ids=_id)
def test_fast_path_and_feedparser_agree(path: Path) -> None:
    fast = _read(path, fast_path=True)
    slow = _read(path, fast_path=False)
    assert slow.parser == "feedparser"
    assert _essentials(fast) == _essentials(slow)


SAMPLES = [
    (
        "hindi/livehindustan_national_2026-09-28_trimmed.xml",
        2,
        "चूहे की बीट और छिपकलियां... कयानी कैफे और रॉयल चाइना कार्रवाई; महाराष्ट्र में FDA का ऐक्शन",
        datetime(2026, 9, 28, 17, 35, 54, tzinfo=UTC),
    ),
    (
        "hindi/capyreader_news18hindi_world_china_2021.xml",  # "Friday, January 29, 2021 04:42 PM"
        2,
        "कैसे फैला कोरोना वायरस, WHO की टीम करेगी चीनी अधिकारियों के साथ बैठक",
        datetime(2021, 1, 29, 11, 12, tzinfo=UTC),
    ),
    (
        "hindi/bhaskar_national_2026-09-28_trimmed.xml",
        2,
        None,
        datetime(2026, 9, 28, 10, 45, 47, tzinfo=UTC),
    ),
    (
        "english/capyreader_mozilla_attack_defense_security_2026.xml",  # double-escaped titles
        10,
        "Bug Bounty Program Updates 2026",
        datetime(2026, 3, 13, 2, 13, 37, tzinfo=UTC),
    ),
    ("english/feeder_guardian_world_2022.xml", 54, None, None),  # raw '&' in attributes
    ("english/feeder_slashdot_rdf_2024.xml", 15, None, datetime(2024, 3, 2, 15, 34, tzinfo=UTC)),
    ("english/feeder_hackernews_hnapp_atom_2018.xml", 30, None, None),
    ("english/feedjira_techcrunch_2011.xml", 20, None, None),  # blank line before <?xml
    ("english/indianexpress_india_2026-09-28_trimmed.xml", 2, None, None),  # empty CDATA
    ("english/capyreader_itsfoss_2026.xml", 15, None, None),
    ("other_south_asian/miniflux_bbc_urdu_2018.xml", 26, None, None),
    ("other_south_asian/rssparser_varthabharathi_kannada_2017.rss", 15, None, None),
]


@pytest.mark.parametrize(
    ("name", "count", "first_title", "first_date"), SAMPLES, ids=[s[0] for s in SAMPLES]
)
def test_samples(
    name: str, count: int, first_title: str | None, first_date: datetime | None
) -> None:
    if not FEEDS.is_dir():
        pytest.skip("../shared/corpus is not present")
    articles = _read(FEEDS / name).articles
    assert len(articles) == count
    if first_title is not None:
        assert articles[0].title == first_title
    if first_date is not None:
        assert articles[0].published_at == first_date


def test_sample_details() -> None:
    if not FEEDS.is_dir():
        pytest.skip("../shared/corpus is not present")
    mozilla = _read(FEEDS / "english/capyreader_mozilla_attack_defense_security_2026.xml").articles
    assert "Firefox Security & Privacy Newsletter 2025 Q4" in [a.title for a in mozilla]
    assert not any("&amp;" in a.title for a in mozilla)
    urdu = _read(FEEDS / "other_south_asian/miniflux_bbc_urdu_2018.xml").articles
    assert {a.lang for a in urdu} == {"ur"}
    express = _read(FEEDS / "english/indianexpress_india_2026-09-28_trimmed.xml").articles
    assert express[0].title.startswith("Goa senior citizen accuses BJP MLA")
    assert express[0].url.startswith("https://indianexpress.com/article/india/goa-road-rage")
    hindustan = _read(FEEDS / "hindi/livehindustan_national_2026-09-28_trimmed.xml").articles
    assert hindustan[0].image_url and hindustan[0].image_url.startswith(
        "https://www.livehindustan.com/"
    )
    assert hindustan[0].summary.startswith("त्योहारों से पहले महाराष्ट्र फूड एंड ड्रग एडमिनिस्ट्रेशन")


# --- hostile feeds ---------------------------------------------------------------------------

_HEADER = re.compile(rb"Header:\s*(.+?)\s*$", re.MULTILINE)


def _simulated_headers(path: Path) -> dict[str, str]:
    match = _HEADER.search(path.read_bytes()[:600])
    if not match:
        return {}
    name, _, value = match.group(1).decode("ascii", "replace").partition(":")
    return {name.strip().lower(): value.strip()}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "feedparser"])
@pytest.mark.parametrize("path", HOSTILE, ids=_id)
def test_every_hostile_feed_is_handled(path: Path, fast_path: bool) -> None:
    try:
        document = _read(path, fast_path=fast_path, headers=_simulated_headers(path))
    except ParseError as exc:  # a broken document: a clear error, never anything else
        assert exc.kind in {"not_a_feed", "parse"}
        assert str(exc)
        return
    for article in document.articles:
        assert article.url.startswith(("http://", "https://"))
        assert "<script" not in article.title.lower() + article.summary.lower()
        assert unicodedata.is_normalized("NFC", article.title + article.summary)


def _entry(name: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    path = FEEDS / "hostile" / name
    return parse_feed(path.read_bytes(), headers=headers or _simulated_headers(path))


HOSTILE_TEXT = [
    ("wellformed/sanitize/entry_title_script.xml", "title", "safe description"),
    ("wellformed/sanitize/item_description_iframe.xml", "summary", "safe description"),
    ("wellformed/sanitize/item_description_script_cdata.xml", "summary", "safe description"),
    ("wellformed/atom10/entry_title_escaped_markup.xml", "title", "Example Atom"),
    ("wellformed/atom/entry_title_inline_markup.xml", "title", "Example Atom"),
    ("wellformed/rss/item_description_escaped_markup.xml", "summary", "Example description"),
    ("wellformed/rss/item_description_naked_markup.xml", "summary", "Example description"),
    ("wellformed/sgml/charref_uppercase_x.xml", "summary", "a"),
    ("encoding/demoronize-1.xml", "summary", "don’t"),
    ("encoding/demoronize-2.xml", "summary", "don’t"),
    ("encoding/double-encoded-html.xml", "summary", "…"),
]


@pytest.mark.parametrize(
    ("name", "field", "expected"), HOSTILE_TEXT, ids=[h[0] for h in HOSTILE_TEXT]
)
def test_hostile_text_comes_out_clean(name: str, field: str, expected: str) -> None:
    if not FEEDS.is_dir():
        pytest.skip("../shared/corpus is not present")
    entry = _entry(name).entries[0]
    assert clean_text(getattr(entry, field)) == expected


def test_hostile_links_and_encodings() -> None:
    if not FEEDS.is_dir():
        pytest.skip("../shared/corpus is not present")
    assert (
        _entry("entities/query_variable_entry.xml").entries[0].link == "http://example/?a=1&b=2&c"
    )
    assert _entry("illformed/rss_item_link_corrupted_ampersands.xml").entries[0].link == (
        "http://link/get?a=1&b=2"
    )
    assert _entry("encoding/euc-kr.xml").title == "\ub144"
    assert clean_text(_entry("wellformed/xml/escaped_apos.xml").title) == "it's correct"
    for name in (
        "encoding/utf-16be-bom.xml",
        "encoding/utf-16le-autodetect.xml",
        "encoding/utf-8-bom.xml",
    ):
        assert _entry(name).warning is None, name


HEADERED = [p for p in HOSTILE if _simulated_headers(p)]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("path", HEADERED, ids=_id)
async def test_hostile_feeds_over_http_with_their_header(
    feed_server: FeedServer, path: Path
) -> None:
    headers = _simulated_headers(path)
    url = feed_server.static("/h", path.read_bytes(), content_type=headers["content-type"])
    async with SourceFetcher(
        allow_private=True, limits=FetchLimits(per_host_spacing_s=0)
    ) as fetcher:
        result = await fetcher.fetch(url)
    assert result.headers["content-type"] == headers["content-type"]
    try:
        articles = parse(result)
    except ParseError as exc:
        assert exc.kind in {"not_a_feed", "parse"}
        return
    assert all(a.url.startswith("http") for a in articles)


def test_the_corpus_is_where_the_tests_expect_it(corpus: Path) -> None:
    assert len(REAL) >= 20 and len(HOSTILE) >= 70
    assert corpus == CORPUS
