"""Real article pages in ../shared/corpus: the pages with expected outputs match them, and every
page parses (Hindi, English) without an error."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.sources.dates import zone
from bot.adapters.sources.reader import read_document
from bot.domain.models import Article

PAGES = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "pages"
KOLKATA = zone("Asia/Kolkata")


def _article(relative: str) -> Article:
    path = PAGES / relative
    document = read_document(path.read_bytes(), url=path.as_uri())
    assert document.kind == "page"
    [article] = document.articles
    return article


def _expected(relative: str) -> dict[str, Any]:
    return json.loads((PAGES / relative).read_text(encoding="utf-8"))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(autouse=True)
def _need_pages() -> None:
    if not PAGES.is_dir():
        pytest.skip("../shared/corpus/pages is not present")


@pytest.mark.parametrize(
    ("page", "expected_file"),
    [
        (
            "hindi/fundus_bhaskar_samastipur_2024-09-04.html",
            "hindi/fundus_bhaskar_samastipur_2024-09-04.expected.json",
        ),
        (
            "english/fundus_timesofindia_pakistan_digital_terrorism_2024-09-02.html",
            "english/fundus_timesofindia.expected.json",
        ),
    ],
    ids=["bhaskar", "times-of-india"],
)
def test_fundus_pages(page: str, expected_file: str) -> None:
    expected = _expected(expected_file)["V1"]
    article = _article(page)
    assert article.title == expected["title"]
    assert article.published_at == datetime.fromisoformat(expected["publishing_date"])
    assert article.author == ", ".join(expected["authors"])
    paragraphs = [p for section in expected["body"]["sections"] for p in section["paragraphs"]]
    body = _squeezed(article.body)
    assert [p for p in paragraphs if _squeezed(p) not in body] == []
    for summary in expected["body"][
        "summary"
    ]:  # sites shorten og:description; its start must match
        assert _squeezed(summary)[:100] in _squeezed(article.summary)
    assert article.lang == ("hi" if page.startswith("hindi/") else "en")


@pytest.mark.parametrize("name", ["ars-1", "cnet"])
def test_readability_pages_metadata(name: str) -> None:
    expected = _expected(f"english/readability_{name}_expected-metadata.json")
    article = _article(f"english/readability_{name}_source.html")
    assert article.title == expected["title"]
    assert article.author == expected["byline"]
    assert article.summary == expected["excerpt"]
    assert article.lang == "en"
    expected_html = (PAGES / f"english/readability_{name}_expected.html").read_text()
    paragraphs = [
        html.unescape(re.sub(r"<[^>]+>", "", p))
        for p in re.findall(r"<p[^>]*>(.*?)</p>", expected_html, re.DOTALL)
    ]
    body = _squeezed(article.body)
    found = [p for p in paragraphs if _squeezed(p)[:80] in body]
    assert len(paragraphs) >= 5
    assert len(found) >= len(paragraphs) - 1  # a photo caption may be left out


def test_trafilatura_pages_with_and_without() -> None:
    expectations = _expected("english/trafilatura_pages.expected.json")
    checked = 0
    for url, expected in expectations.items():
        if url.startswith("_"):
            continue
        article = _article(f"english/{expected['local_file']}")
        for snippet in expected["with"]:
            assert snippet in article.body, snippet
        for snippet in expected["without"]:
            assert snippet not in article.body, snippet
        if "title" in expected:
            assert article.title == expected["title"]
        if "date" in expected:
            assert article.published_at is not None
            assert article.published_at.astimezone(KOLKATA).date().isoformat() == expected["date"]
        checked += 1
    assert checked == 2


def test_htmldate_hindi_pages_dates() -> None:
    expectations = _expected("hindi/htmldate_hindi_pages.expected_dates.json")
    checked = 0
    for url, expected in expectations.items():
        if url.startswith("_"):
            continue
        article = _article(f"hindi/htmldate_{expected['file']}")
        assert article.published_at is not None, url
        assert article.published_at.astimezone(KOLKATA).date().isoformat() == expected["date"], url
        assert article.lang == "hi"
        checked += 1
    assert checked == 4


def test_amar_ujala_page_keeps_the_canonical_url_without_tracking() -> None:
    article = _article("hindi/htmldate_1579139187.html")
    assert (
        article.url
        == "https://www.amarujala.com/uttar-pradesh/varanasi/gahu-city-news-vns5205298178"
    )
    assert article.title == "जिले में 32 क्रय केंद्रों पर गेहूं की खरीद शुरू"


@pytest.mark.parametrize(
    "page",
    sorted(str(p.relative_to(PAGES)) for p in PAGES.rglob("*.html")) if PAGES.is_dir() else [],
)
def test_every_page_parses(page: str) -> None:
    path = PAGES / page
    document = read_document(path.read_bytes(), url=path.as_uri())
    assert document.kind == "page"
    for article in document.articles:
        assert article.title
        assert article.published_at is None or article.published_at.tzinfo is not None
    if "index" not in page and "expected" not in page:
        assert document.articles, "an article page gave no article"
        if page.startswith("hindi/"):
            assert document.articles[0].lang == "hi"


def test_hindi_fact_check_pages() -> None:
    vishvas = _article("hindi/meedan_fetch_vishvas_news_raw.page.html")
    assert vishvas.lang == "hi"  # its <html lang="en"> (IE comments) is outvoted by the text
    assert vishvas.title.startswith("Fact Check: कश्मीरी पुरोहित ने कराई थी प्रियंका गांधी")
    aajtak = _article("hindi/meedan_fetch_aajtak_hindi_raw.page.html")
    assert "\u200b" not in aajtak.title
    assert aajtak.published_at == datetime.fromisoformat("2021-10-16T17:47:49+05:30")
