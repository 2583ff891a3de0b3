"""``khabardar inspect`` and ``load_articles``: URLs (real local server) and local files, text and
JSON output, one-line errors naming the source and a non-zero exit, never a traceback."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.adapters.sources.inspect_cmd import run_inspect, run_inspect_async
from bot.adapters.sources.loader import load_articles, load_articles_async
from bot.adapters.sources.reader import ReadOptions
from bot.errors import SourceError

if TYPE_CHECKING:
    from conftest import FeedServer

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>टेक ख़बरें</title><language>hi</language>
<item><title>डेटा लीक मामले में कंपनी ने मांगी माफ़ी, जांच के आदेश</title>
<link>https://tech.example.in/data-leak?utm_source=rss</link><guid isPermaLink="false">dl-1</guid>
<description>ग्राहकों के फ़ोन नंबर और पते एक खुले सर्वर पर मिले थे।</description>
<pubDate>Fri, 29 Jan 2021 16:42:00 +0530</pubDate></item>
<item><title>Parliament clears the telecom bill</title>
<link>https://tech.example.in/telecom-bill</link>
<description>The bill replaces a law from 1885.</description></item>
</channel></rss>"""

HOMEPAGE = """<!DOCTYPE html><html lang="hi"><head><title>टेक ख़बरें</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>
<body><ul><li><a href="/a">एक</a></li></ul></body></html>"""

ARTICLE_PAGE = """<!DOCTYPE html><html lang="hi"><head>
<meta property="og:type" content="article">
<meta property="og:title" content="बजट में डिजिटल इंडिया पर ज़ोर">
<link rel="canonical" href="https://tech.example.in/budget-digital-india"></head><body>
<h1>बजट में डिजिटल इंडिया पर ज़ोर</h1><p>Published : Feb 01, 2024, 01:30 PM IST</p>
<div><h2>सार</h2><p>वित्त मंत्री ने डिजिटल ढांचे के लिए नई योजनाओं की घोषणा की।</p></div>
<h2>विस्तार</h2><p>सरकार ने ग्रामीण इलाकों में ब्रॉडबैंड पहुंचाने के लिए अतिरिक्त राशि रखी है।</p>
</body></html>"""


def _inspect(sources: list[str], *, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_inspect(sources, as_json=as_json, out=out, err=err, allow_private=True)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def feed_file(tmp_path: Path) -> Path:
    path = tmp_path / "tech.xml"
    path.write_text(FEED, encoding="utf-8")
    return path


def test_local_feed_as_json(feed_file: Path) -> None:
    status, out, err = _inspect([str(feed_file)], as_json=True)
    assert (status, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [set(line) for line in lines] == [
        {"url", "title", "summary", "published", "lang", "guid", "source"}
    ] * 2
    first, second = lines
    assert first["url"] == "https://tech.example.in/data-leak"
    assert first["title"] == "डेटा लीक मामले में कंपनी ने मांगी माफ़ी, जांच के आदेश"
    assert first["published"] == "2021-01-29T11:12:00+00:00"
    assert datetime.fromisoformat(first["published"]).utcoffset() is not None
    assert (first["lang"], first["guid"], first["source"]) == ("hi", "dl-1", str(feed_file))
    assert second["lang"] == "en" and second["published"] is None


def test_local_feed_as_text(feed_file: Path) -> None:
    status, out, _ = _inspect([f"file://{feed_file}"])
    assert status == 0
    assert "— 2 articles" in out
    assert "[hi] 2021-01-29 16:42 IST  डेटा लीक मामले में कंपनी ने मांगी माफ़ी, जांच के आदेश" in out
    assert "[en] no date  Parliament clears the telecom bill" in out


def test_local_article_page(tmp_path: Path) -> None:
    page = tmp_path / "budget.html"
    page.write_text(ARTICLE_PAGE, encoding="utf-8")
    [article] = load_articles(str(page))
    assert article.url == "https://tech.example.in/budget-digital-india"
    assert article.summary == "वित्त मंत्री ने डिजिटल ढांचे के लिए नई योजनाओं की घोषणा की।"
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2024-02-01T08:00:00+00:00"


def test_broken_sources_are_one_line_each_and_the_rest_still_print(
    tmp_path: Path, feed_file: Path
) -> None:
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00\x01 this is not a feed \xff")
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    sources = [
        str(tmp_path / "missing.xml"),
        str(garbage),
        str(feed_file),
        str(empty),
        str(tmp_path),
        "news.example.in/rss",
        "ftp://example.com/feed.xml",
    ]
    status, out, err = _inspect(sources, as_json=True)
    assert status == 1
    assert len(out.splitlines()) == 2  # the good feed still printed
    lines = err.splitlines()
    assert len(lines) == 6
    for line, source in zip(lines, [s for s in sources if s != str(feed_file)], strict=True):
        assert line.startswith(f"khabardar inspect: {source}: ")
    assert "no such file" in lines[0]
    assert "not an RSS, Atom or JSON feed" in lines[1]
    assert "empty" in lines[2]
    assert "directory" in lines[3]
    assert "https://" in lines[4]  # a hint for a web address written without a scheme
    assert "Traceback" not in err


async def test_urls_feed_page_and_discovery(feed_server: FeedServer) -> None:
    feed_server.static("/rss.xml", FEED)
    feed_server.static("/", HOMEPAGE, content_type="text/html; charset=utf-8")
    feed_server.static("/budget", ARTICLE_PAGE, content_type="text/html")
    feed_server.static("/gone", "gone", status=404)
    out, err = io.StringIO(), io.StringIO()
    status = await run_inspect_async(
        [
            feed_server.url("/rss.xml"),
            feed_server.url("/"),
            feed_server.url("/budget"),
            feed_server.url("/gone"),
        ],
        as_json=True,
        out=out,
        err=err,
        allow_private=True,
    )
    assert status == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["source"] for line in lines] == [
        feed_server.url("/rss.xml"),
        feed_server.url("/rss.xml"),
        feed_server.url("/"),  # the homepage led to its feed
        feed_server.url("/"),
        feed_server.url("/budget"),
    ]
    assert lines[4]["title"] == "बजट में डिजिटल इंडिया पर ज़ोर"
    assert err.getvalue().splitlines() == [
        f"khabardar inspect: {feed_server.url('/gone')}: HTTP 404 Not Found"
    ]


async def test_private_addresses_need_the_setting(feed_server: FeedServer) -> None:
    url = feed_server.static("/rss.xml", FEED)
    out, err = io.StringIO(), io.StringIO()
    status = await run_inspect_async([url], as_json=False, out=out, err=err)
    assert status == 1 and out.getvalue() == ""
    assert "loopback" in err.getvalue() and feed_server.hits["/rss.xml"] == 0


async def test_a_page_without_article_or_feed_is_an_error(feed_server: FeedServer) -> None:
    url = feed_server.static(
        "/plain", "<html><body><p>hello</p></body></html>", content_type="text/html"
    )
    with pytest.raises(SourceError) as caught:
        await load_articles_async(url, allow_private=True)
    assert caught.value.kind == "not_a_feed"


def test_options_reach_the_articles(feed_file: Path) -> None:
    articles = load_articles(
        str(feed_file), options=ReadOptions(max_items=1, source_name="मेरा स्रोत")
    )
    assert len(articles) == 1 and articles[0].source_name == "मेरा स्रोत"


def test_bad_timezone_is_one_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_inspect(["x"], as_json=False, out=out, err=err, timezone="Mars/Base") == 1
    assert err.getvalue() == "khabardar inspect: unknown time zone 'Mars/Base'\n"
