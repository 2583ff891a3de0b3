"""Canonical URLs and the Article each entry becomes."""

from __future__ import annotations

import pytest

from bot.adapters.sources.articles import ArticleOptions, articles_from_feed, canonical_url
from bot.adapters.sources.entries import FeedEntry, ParsedFeed


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.amarujala.com/a/b-123?utm_source=rssfeed&utm_medium=Referral",
            "https://www.amarujala.com/a/b-123",
        ),
        ("https://x.example.com/p?id=7&fbclid=abc&gclid=def", "https://x.example.com/p?id=7"),
        ("https://x.example.com/p?b=2&a=1#comments", "https://x.example.com/p?a=1&b=2"),
        ("https://x.example.com/story#top", "https://x.example.com/story"),
        ("HTTPS://X.Example.COM:443/a/../b", "https://x.example.com/b"),
        ("http://x.example.com:80/a", "http://x.example.com/a"),
        ("  https://x.example.com/wrapped\n  -link  ", "https://x.example.com/wrapped-link"),
        (
            "https://www.livehindustan.com/national/क-ख",
            "https://www.livehindustan.com/national/%E0%A4%95-%E0%A4%96",
        ),
        ("https://x.example.com/plain-path/123.html", "https://x.example.com/plain-path/123.html"),
        ("javascript:alert(1)", None),
        ("mailto:desk@example.com", None),
        ("ftp://x.example.com/feed", None),
        ("", None),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_relative_links_resolve_against_the_base() -> None:
    assert canonical_url("/news/1?utm_campaign=x", base="https://site.example.in/feed.xml") == (
        "https://site.example.in/news/1"
    )
    assert (
        canonical_url("../up", base="https://site.example.in/a/b/feed")
        == "https://site.example.in/a/up"
    )


def _feed(*entries: FeedEntry, title: str = "देश", lang: str | None = "hi") -> ParsedFeed:
    return ParsedFeed(title=title, link="https://site.example.in/", lang=lang, entries=entries)


def test_entry_fields_become_a_clean_article() -> None:
    entry = FeedEntry(
        guid="g-1",
        link="/desh/vote?utm_source=rss#x",
        title="<b>चुनाव आयोग</b> ने तारीख़ों का ऐलान किया",
        summary="<p>पांच राज्यों में मतदान <i>सात</i> चरणों में होगा।</p>",
        content="<p>पहला चरण।</p><p>दूसरा चरण।</p>",
        published="2024-03-16T15:00:00+05:30",
        author=" <span>संवाददाता</span> ",
        categories=("राजनीति", "<b>चुनाव</b>", ""),
        image_url="/img/eci.jpg",
    )
    [article] = articles_from_feed(
        _feed(entry), options=ArticleOptions(source_url="https://site.example.in/rss/desh.xml")
    )
    assert article.url == "https://site.example.in/desh/vote"
    assert article.title == "चुनाव आयोग ने तारीख़ों का ऐलान किया"
    assert article.summary == "पांच राज्यों में मतदान सात चरणों में होगा।"
    assert article.body == "पहला चरण।\nदूसरा चरण।"
    assert (
        article.published_at is not None
        and article.published_at.isoformat() == "2024-03-16T09:30:00+00:00"
    )
    assert article.author == "संवाददाता"
    assert article.categories == ("राजनीति", "चुनाव")
    assert article.image_url == "https://site.example.in/img/eci.jpg"
    assert article.guid == "g-1"
    assert article.source_name == "देश"
    assert article.source_url == "https://site.example.in/rss/desh.xml"
    assert article.lang == "hi"


def test_configured_name_and_language_win() -> None:
    entry = FeedEntry(link="https://s.example.com/1", title="Markets close higher")
    [article] = articles_from_feed(
        _feed(entry, lang=None), options=ArticleOptions(source_name="My wire", lang="en")
    )
    assert (article.source_name, article.lang) == ("My wire", "en")


def test_title_falls_back_to_the_summary_and_empty_entries_are_dropped() -> None:
    entries = (
        FeedEntry(link="https://s.example.com/1", summary="बिना शीर्षक वाली ख़बर का सार"),
        FeedEntry(link="https://s.example.com/2"),
        FeedEntry(link="https://s.example.com/1", title="duplicate URL"),
    )
    articles = articles_from_feed(_feed(*entries), options=ArticleOptions())
    assert [a.title for a in articles] == ["बिना शीर्षक वाली ख़बर का सार"]


def test_a_guid_that_is_a_url_stands_in_for_a_missing_link() -> None:
    entries = (
        FeedEntry(guid="https://s.example.com/from-guid", title="A"),
        FeedEntry(guid="plain-guid", title="B"),
    )
    articles = articles_from_feed(
        _feed(*entries), options=ArticleOptions(source_url="https://s.example.com/f")
    )
    assert [a.url for a in articles] == ["https://s.example.com/from-guid"]


def test_big_feeds_keep_the_newest_and_undated_come_last() -> None:
    entries = tuple(
        FeedEntry(
            link=f"https://s.example.com/{i}",
            title=f"item {i}",
            published=None if i % 10 == 0 else f"2024-01-{1 + i % 28:02d}T10:00:00+00:00",
        )
        for i in range(60)
    )
    articles = articles_from_feed(_feed(*entries), options=ArticleOptions(max_items=5))
    assert len(articles) == 5
    assert [a.published_at.day for a in articles if a.published_at] == [28, 28, 27, 27, 26]
    small = articles_from_feed(_feed(*entries[:5]), options=ArticleOptions(max_items=5))
    assert [a.title for a in small] == [f"item {i}" for i in range(5)]  # feed order kept
