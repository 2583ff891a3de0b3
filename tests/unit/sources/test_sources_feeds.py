"""Feed formats, encodings and hostile documents, read through the real parsers (no network)."""

from __future__ import annotations

import json
import time
import unicodedata
from datetime import UTC, datetime

import pytest

from bot.adapters.sources.feeds import DEFAULT_SCAN_ITEMS, FeedOptions, parse_feed
from bot.adapters.sources.reader import ReadOptions, read_document
from bot.errors import ParseError

HINDI_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>समाचार — देश</title>
  <link>https://news.example.in/</link>
  <language>hi</language>
  <item>
    <title><![CDATA[टिकटॉक पर प्रतिबंध के बाद भारतीय ऐप्स की मांग बढ़ी]]></title>
    <link>https://news.example.in/tech/indian-apps-demand?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">story-101</guid>
    <description><![CDATA[<p><img src="https://img.example.in/apps.jpg"/>सरकार के फ़ैसले के बाद
      देसी शॉर्ट वीडियो ऐप्स पर नए उपयोगकर्ताओं की संख्या तेज़ी से बढ़ी है।</p>]]></description>
    <pubDate>Sat, 04 Jul 2020 17:53:00 +0530</pubDate>
    <dc:creator>अमित शर्मा</dc:creator>
    <category>टेक्नोलॉजी</category>
    <category>ऐप्स</category>
    <media:content url="https://img.example.in/apps-large.jpg" medium="image"/>
  </item>
  <item>
    <title>रिज़र्व बैंक ने रेपो दर में कोई बदलाव नहीं किया</title>
    <link>https://news.example.in/business/rbi-repo-rate</link>
    <guid>https://news.example.in/business/rbi-repo-rate</guid>
    <description>मौद्रिक नीति समिति ने महंगाई पर नज़र रखते हुए दरें स्थिर रखीं।</description>
    <pubDate>Fri, 03 Jul 2020 11:00:00 +0530</pubDate>
  </item>
</channel>
</rss>
"""


def _read(body: bytes | str, **options: object) -> list:
    data = body.encode("utf-8") if isinstance(body, str) else body
    url = str(options.pop("url", "https://news.example.in/feed"))
    headers = options.pop("headers", None)
    document = read_document(data, url=url, headers=headers, options=ReadOptions(**options))  # type: ignore[arg-type]
    return list(document.articles)


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "feedparser"])
def test_hindi_rss_gives_clean_articles_on_both_parsers(fast_path: bool) -> None:
    articles = _read(HINDI_RSS, fast_path=fast_path)
    assert len(articles) == 2
    first = articles[0]
    assert first.title == "टिकटॉक पर प्रतिबंध के बाद भारतीय ऐप्स की मांग बढ़ी"
    assert first.url == "https://news.example.in/tech/indian-apps-demand"  # utm_* removed
    assert first.guid == "story-101"
    assert first.summary == unicodedata.normalize(
        "NFC",
        "सरकार के फ़ैसले के बाद देसी शॉर्ट वीडियो ऐप्स पर नए उपयोगकर्ताओं की संख्या तेज़ी से बढ़ी है।",
    )
    assert first.published_at == datetime(2020, 7, 4, 12, 23, tzinfo=UTC)
    assert first.lang == "hi"
    assert first.author == "अमित शर्मा"
    assert first.categories == ("टेक्नोलॉजी", "ऐप्स")
    assert first.image_url == "https://img.example.in/apps-large.jpg"
    assert first.source_name == "समाचार — देश"
    assert articles[1].title == "रिज़र्व बैंक ने रेपो दर में कोई बदलाव नहीं किया"


def test_fast_path_is_used_for_clean_utf8_and_feedparser_otherwise() -> None:
    fast = read_document(HINDI_RSS.encode(), url="https://news.example.in/feed")
    assert fast.parser == "fastfeedparser"
    zoneless = HINDI_RSS.replace(" +0530</pubDate>", "</pubDate>")
    assert read_document(zoneless.encode(), url="https://x.in/f").parser == "feedparser"
    latin = HINDI_RSS.encode()
    assert (
        read_document(
            latin, url="https://x.in/f", headers={"content-type": "text/xml; charset=iso-8859-1"}
        ).parser
        == "feedparser"
    )


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "feedparser"])
def test_dates_without_a_zone_use_the_source_timezone(fast_path: bool) -> None:
    feed = HINDI_RSS.replace(" +0530</pubDate>", "</pubDate>")
    kolkata = _read(feed, fast_path=fast_path)
    assert kolkata[0].published_at == datetime(2020, 7, 4, 12, 23, tzinfo=UTC)
    london = _read(feed, fast_path=fast_path, timezone="Europe/London")
    assert london[0].published_at == datetime(2020, 7, 4, 16, 53, tzinfo=UTC)


RSS_091 = """<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old style</title><link>http://old.example.com/</link>
<description>d</description><language>en-us</language>
<item><title>Parliament passes the data protection bill</title>
<link>http://old.example.com/2023/08/data-bill.html</link>
<description>The bill now goes to the President for assent.</description></item>
</channel></rss>"""

RDF_10 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="https://tech.example.com/"><title>Tech</title><link>https://tech.example.com/</link>
  <description>t</description></channel>
 <item rdf:about="https://tech.example.com/story/1">
  <title>Ransomware gang leaks hospital records</title>
  <link>https://tech.example.com/story/1</link>
  <description>Patient data from three hospitals appeared on a leak site.</description>
  <dc:date>2024-03-01T10:00:00+00:00</dc:date>
 </item>
</rdf:RDF>"""

ATOM_03 = """<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
 <title>Atom 0.3 blog</title><link rel="alternate" type="text/html" href="https://blog.example.org/"/>
 <entry><title>Why we moved to IPv6</title>
  <link rel="alternate" type="text/html" href="https://blog.example.org/ipv6"/>
  <id>tag:blog.example.org,2005:ipv6</id><issued>2005-03-01T09:30:00Z</issued>
  <summary>Our network is dual-stack now.</summary></entry>
</feed>"""

ATOM_10 = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="hi">
 <title>टेक ख़बरें</title><link href="https://tech.example.in/"/>
 <id>urn:uuid:60a76c80</id><updated>2024-01-02T10:00:00+05:30</updated>
 <entry><title type="html">व्हाट्सऐप &amp;amp; टेलीग्राम पर नए नियम</title>
  <link href="/news/messaging-rules"/><id>urn:uuid:1225c695</id>
  <updated>2024-01-02T10:00:00+05:30</updated>
  <summary type="html">&lt;p&gt;मैसेजिंग ऐप्स को शिकायत अधिकारी नियुक्त करना होगा।&lt;/p&gt;</summary>
  <author><name>नेहा वर्मा</name></author></entry>
</feed>"""

JSON_FEED_11 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "डिजिटल इंडिया",
    "home_page_url": "https://digital.example.in/",
    "language": "hi",
    "items": [
        {
            "id": "42",
            "url": "https://digital.example.in/upi-record#top",
            "title": "यूपीआई लेनदेन ने नया रिकॉर्ड बनाया",
            "content_html": "<p>अक्टूबर में <b>यूपीआई</b> से रिकॉर्ड लेनदेन हुए।</p>",
            "date_published": "2024-11-01T09:15:00+05:30",
            "authors": [{"name": "राहुल मिश्रा"}],
            "tags": ["यूपीआई", "भुगतान"],
            "image": "https://digital.example.in/upi.png",
        },
        {"id": 7, "title": 12},  # hostile item: wrong types are skipped, not fatal
        {
            "id": "epoch",
            "url": "https://digital.example.in/e",
            "title": "Epoch",
            "date_published": 1611918720000,
        },
    ],
}

JSON_FEED_10 = {
    "version": "https://jsonfeed.org/version/1",
    "title": "English wire",
    "items": [
        {
            "id": "a1",
            "url": "https://wire.example.com/a1",
            "content_text": "Airline pilots call off strike after talks.",
            "date_published": "2021-01-29T16:42:00+05:30",
            "author": {"name": "Wire Desk"},
        }
    ],
}


def test_rss_091_rdf_and_atom_03_are_read() -> None:
    old = _read(RSS_091, url="http://old.example.com/rss")
    assert [a.title for a in old] == ["Parliament passes the data protection bill"]
    assert old[0].lang == "en"
    rdf = _read(RDF_10)
    assert rdf[0].url == "https://tech.example.com/story/1"
    assert rdf[0].published_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    atom03 = _read(ATOM_03)
    assert atom03[0].title == "Why we moved to IPv6"
    assert atom03[0].published_at == datetime(2005, 3, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "feedparser"])
def test_atom_10_relative_link_double_escaped_title_and_escaped_summary(fast_path: bool) -> None:
    [article] = _read(ATOM_10, url="https://tech.example.in/atom.xml", fast_path=fast_path)
    assert article.url == "https://tech.example.in/news/messaging-rules"
    assert article.title == "व्हाट्सऐप & टेलीग्राम पर नए नियम"
    assert article.summary == "मैसेजिंग ऐप्स को शिकायत अधिकारी नियुक्त करना होगा।"
    assert article.author == "नेहा वर्मा"
    assert article.lang == "hi"


def test_json_feed_11_and_10() -> None:
    articles = _read(json.dumps(JSON_FEED_11, ensure_ascii=False))
    assert [a.title for a in articles] == ["यूपीआई लेनदेन ने नया रिकॉर्ड बनाया", "Epoch"]
    upi = articles[0]
    assert upi.url == "https://digital.example.in/upi-record"
    assert upi.body == "अक्टूबर में यूपीआई से रिकॉर्ड लेनदेन हुए।"
    assert upi.published_at == datetime(2024, 11, 1, 3, 45, tzinfo=UTC)
    assert upi.author == "राहुल मिश्रा"
    assert upi.categories == ("यूपीआई", "भुगतान")
    assert upi.image_url == "https://digital.example.in/upi.png"
    assert articles[1].published_at == datetime(2021, 1, 29, 11, 12, tzinfo=UTC)
    [wire] = _read(json.dumps(JSON_FEED_10), headers={"content-type": "application/feed+json"})
    assert wire.title == "Airline pilots call off strike after talks."
    assert wire.author == "Wire Desk"


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1, 2]", b'{"version": "x", "items": []}', b"[" * 100_000 + b"]" * 100_000],
    ids=["truncated", "array", "not-jsonfeed", "deeply-nested"],
)
def test_bad_json_is_a_clear_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_feed(body, headers={"content-type": "application/json"})
    assert caught.value.kind == "not_a_feed"
    assert "JSON" in str(caught.value)


XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY % remote SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>Leak &xxe; here</title><link>https://x.example.com/a</link>
<description>&xxe;</description></item></channel></rss>"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>t</title>'
    + "<item><title>&lol9;</title><link>https://x.example.com/b</link></item></channel></rss>"
)


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "feedparser"])
def test_external_entities_never_bring_local_file_content(fast_path: bool) -> None:
    with open("/etc/passwd", encoding="utf-8") as handle:
        secret_line = handle.readline().strip()
    assert secret_line  # the file exists and has content to leak
    articles = _read(XXE, fast_path=fast_path)
    text = " ".join(f"{a.title} {a.summary} {a.body}" for a in articles)
    assert "root:" not in text
    assert secret_line not in text
    assert articles and articles[0].url == "https://x.example.com/a"


def test_billion_laughs_does_not_expand() -> None:
    articles = _read(BILLION_LAUGHS)
    assert all(len(a.title) < 1000 for a in articles)
    assert "lol" * 100 not in " ".join(a.title for a in articles)


def _big_feed(items: int, *, title: str = "", zoned: bool = True) -> bytes:
    zone = " +0530" if zoned else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>बड़ी फ़ीड</title>'
    ]
    for i in range(items):
        minute, hour = i % 60, (i // 60) % 24
        day = 1 + (i // 1440) % 28
        parts.append(
            f"<item><title>{title or 'ख़बर'} {i}</title>"
            f"<link>https://big.example.in/n/{i}</link>"
            f"<pubDate>{day:02d} Jan 2024 {hour:02d}:{minute:02d}:00{zone}</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def test_100k_items_are_cut_to_the_first_2000_and_keep_their_newest_500() -> None:
    """Either parser would hold all 100,000 items (~150 MB): the document is cut to its first
    ``DEFAULT_SCAN_ITEMS`` items (feeds list newest first), still well-formed, so the fast
    parser reads it; the newest ``max_items`` of those are kept."""
    body = _big_feed(100_000)
    started = time.monotonic()
    document = read_document(body, url="https://big.example.in/f")
    assert time.monotonic() - started < 60  # generous: a hang would be minutes
    assert document.parser == "fastfeedparser"
    articles = document.articles
    assert len(articles) == 500
    dates = [a.published_at for a in articles]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    # item 1999, the last one kept: 2 Jan 09:19 IST; items from 2000 on are never read
    assert articles[0].published_at == datetime(2024, 1, 2, 3, 49, tzinfo=UTC)
    assert [a.title for a in articles[:2]] == ["ख़बर 1999", "ख़बर 1998"]
    assert DEFAULT_SCAN_ITEMS == 2_000


def test_huge_feed_on_the_slow_parser_is_cut_not_hung() -> None:
    body = _big_feed(20_000, zoned=False)  # zone-less dates force feedparser
    document = read_document(
        body, url="https://big.example.in/f", options=ReadOptions(max_items=50)
    )
    assert document.parser == "feedparser"
    assert len(document.articles) == 50


def test_max_items_is_configurable() -> None:
    assert len(_read(_big_feed(30), max_items=7)) == 7


def test_a_one_megabyte_title_is_truncated() -> None:
    body = _big_feed(2, title="आ" * 1_000_000)
    articles = _read(body)
    assert len(articles) == 2
    assert all(len(a.title) <= 500 for a in articles)
    assert articles[0].title.endswith("…")


WINDOWS_1252 = (
    b'<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>c</title>'
    b"<item><title>Caf\xe9 owners \x93welcome\x94 GST cut</title>"
    b"<link>https://w.example.com/1</link></item></channel></rss>"
)


def test_windows_1252_declared_in_xml() -> None:
    [article] = _read(WINDOWS_1252)
    assert article.title == "Café owners “welcome” GST cut"


def test_utf8_feed_labelled_windows_1252_in_xml_is_still_read() -> None:
    mislabeled = HINDI_RSS.replace('encoding="UTF-8"', 'encoding="windows-1252"').encode()
    articles = _read(mislabeled)
    assert articles[0].title.startswith("टिकटॉक") or "Ã" not in articles[0].title


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_feeds(codec: str) -> None:
    text = HINDI_RSS.replace('encoding="UTF-8"', 'encoding="utf-16"')
    body = text.encode(codec)
    if codec != "utf-16":
        body = ("\ufeff" + text).encode(codec)
    articles = _read(body)
    assert articles[0].title == "टिकटॉक पर प्रतिबंध के बाद भारतीय ऐप्स की मांग बढ़ी"


def test_http_charset_wins_over_xml_declaration() -> None:
    body = WINDOWS_1252.replace(b'encoding="windows-1252"', b'encoding="utf-8"')
    [article] = _read(body, headers={"content-type": "application/rss+xml; charset=windows-1252"})
    assert article.title == "Café owners “welcome” GST cut"


def test_output_text_is_nfc() -> None:
    decomposed = "क़ानून में बदलाव"  # क + nukta as two code points
    assert not unicodedata.is_normalized("NFC", decomposed) or "\u0958" not in decomposed
    feed = HINDI_RSS.replace("रिज़र्व बैंक ने रेपो दर में कोई बदलाव नहीं किया", decomposed)
    titles = [a.title for a in _read(feed)]
    assert unicodedata.normalize("NFC", decomposed) in titles
    assert all(unicodedata.is_normalized("NFC", t) for t in titles)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"", "not_a_feed"),
        (b"   \n ", "not_a_feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_feed"),
        (b"just some words", "not_a_feed"),
        (b"<?xml version='1.0'?><note><to>Tove</to></note>", "not_a_feed"),
    ],
    ids=["empty", "blank", "png", "text", "other-xml"],
)
def test_documents_that_are_not_feeds(body: bytes, kind: str) -> None:
    with pytest.raises(ParseError) as caught:
        read_document(body, url="https://x.example.com/f")
    assert caught.value.kind == kind
    assert str(caught.value)


def test_entries_without_a_usable_link_are_skipped_not_fatal() -> None:
    feed = HINDI_RSS.replace(
        "<link>https://news.example.in/business/rbi-repo-rate</link>",
        "<link>javascript:alert(1)</link>",
    ).replace("<guid>https://news.example.in/business/rbi-repo-rate</guid>", "<guid>g-2</guid>")
    titles = [a.title for a in _read(feed, fast_path=False)]
    assert titles == ["टिकटॉक पर प्रतिबंध के बाद भारतीय ऐप्स की मांग बढ़ी"]


def test_feed_options_can_disable_the_fast_path() -> None:
    parsed = parse_feed(HINDI_RSS.encode(), options=FeedOptions(fast_path=False))
    assert parsed.parser == "feedparser"
    assert parsed.lang == "hi"
    assert len(parsed.entries) == 2
