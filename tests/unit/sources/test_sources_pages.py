"""HTML article pages: the Amar Ujala kind of page (visible "Published :" line and a "सार" block),
schema.org metadata, charsets and feed discovery."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.sources.dates import zone
from bot.adapters.sources.fetcher import FetchResult
from bot.adapters.sources.pages import decode_html, discover_feeds, parse_html_tree, parse_page
from bot.adapters.sources.reader import ReadOptions, parse, read_document, sniff
from bot.errors import ParseError

KOLKATA = zone("Asia/Kolkata")

AMAR_UJALA_LIKE = """<!DOCTYPE html>
<html lang="hi">
<head>
<meta charset="utf-8">
<title>टिकटॉक पर पाबंदी के बाद देसी ऐप्स की चांदी - Amar Ujala Hindi News Live</title>
<link rel="alternate" type="application/rss+xml" title="टेक्नोलॉजी" href="/rss/technology.xml">
<link rel="canonical" href="https://www.amarujala.com/technology/apps/desi-apps-after-tiktok-ban">
<meta property="og:image" content="https://spiderimg.amarujala.com/assets/images/2020/07/04/apps.jpg">
<script>var pageType = "article"; document.write("Published : Jan 01, 1999, 01:00 AM IST");</script>
</head>
<body>
<nav><a href="/">होम</a> <a href="/technology">टेक्नोलॉजी</a></nav>
<div class="article-desc">
  <h1>टिकटॉक पर पाबंदी के बाद देसी ऐप्स की चांदी, एक हफ़्ते में करोड़ों डाउनलोड</h1>
  <div class="auther-sec">
    <span>टेक डेस्क, अमर उजाला, नई दिल्ली</span>
    <span>Published by: प्रदीप पाण्डेय</span>
    <span>Published : Jul 04, 2020, 05:53 PM IST</span>
  </div>
  <div class="desc-sar">
    <h2>सार</h2>
    <ul><li>चिंगारी और रोपोसो जैसे भारतीय ऐप्स के डाउनलोड कई गुना बढ़े</li><li>सरकार ने 29 जून
    को 59 चीनी ऐप्स पर प्रतिबंध लगाया था</li></ul>
  </div>
  <h2>विस्तार</h2>
  <p>केंद्र सरकार द्वारा टिकटॉक समेत 59 चीनी ऐप्स पर प्रतिबंध लगाए जाने के बाद भारतीय शॉर्ट
  वीडियो ऐप्स की मांग अचानक बढ़ गई है। कंपनियों के मुताबिक पिछले एक हफ़्ते में इनके डाउनलोड
  करोड़ों में पहुंच गए हैं और सर्वर पर दबाव बढ़ने से कई ऐप्स को नई क्षमता जोड़नी पड़ी है।</p>
  <p>विशेषज्ञों का कहना है कि उपयोगकर्ताओं को बनाए रखना इन ऐप्स के लिए असली चुनौती होगी, क्योंकि
  टिकटॉक के पास रचनाकारों का बड़ा समुदाय था और उसकी सिफ़ारिश प्रणाली बहुत मज़बूत मानी जाती थी।</p>
  <p>डेटा सुरक्षा को लेकर भी सवाल उठ रहे हैं, इसलिए सरकार ने ऐप कंपनियों से निजता नीति साफ़
  करने को कहा है। आने वाले दिनों में इस क्षेत्र में और निवेश आने की उम्मीद जताई जा रही है।</p>
</div>
<footer>© अमर उजाला</footer>
</body>
</html>
"""


def _page(html: str = AMAR_UJALA_LIKE, url: str = "https://www.amarujala.com/technology/x"):  # type: ignore[no-untyped-def]
    return parse_page(html.encode(), url=url, local=KOLKATA)


def test_visible_published_line_and_saar_block_are_captured() -> None:
    page = _page()
    assert page.is_article
    assert page.published_at == datetime(2020, 7, 4, 12, 23, tzinfo=UTC)
    assert page.summary == (
        "चिंगारी और रोपोसो जैसे भारतीय ऐप्स के डाउनलोड कई गुना बढ़े "
        "सरकार ने 29 जून को 59 चीनी ऐप्स पर प्रतिबंध लगाया था"
    )
    assert "विशेषज्ञों का कहना है" in page.body
    assert page.url == "https://www.amarujala.com/technology/apps/desi-apps-after-tiktok-ban"
    assert page.image_url == "https://spiderimg.amarujala.com/assets/images/2020/07/04/apps.jpg"
    assert page.feed_links == ("https://www.amarujala.com/rss/technology.xml",)
    assert "hi" in page.lang_hints


def test_the_page_becomes_one_article() -> None:
    document = read_document(
        AMAR_UJALA_LIKE.encode(),
        url="https://www.amarujala.com/technology/x?utm_source=whatsapp",
        headers={"content-type": "text/html; charset=utf-8"},
    )
    assert document.kind == "page"
    [article] = document.articles
    assert article.url == "https://www.amarujala.com/technology/apps/desi-apps-after-tiktok-ban"
    assert article.title.startswith("टिकटॉक पर पाबंदी के बाद देसी ऐप्स की चांदी")
    assert article.summary.startswith("चिंगारी और रोपोसो")
    assert article.published_at == datetime(2020, 7, 4, 12, 23, tzinfo=UTC)
    assert article.lang == "hi"


def test_schema_org_metadata_wins_over_visible_text() -> None:
    html = AMAR_UJALA_LIKE.replace(
        "</head>",
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":'
        '"NewsArticle","headline":"देसी ऐप्स की चांदी","datePublished":"2020-07-04T17:40:00+05:30",'
        '"author":[{"@type":"Person","name":"प्रदीप पाण्डेय"}],"articleSection":"टेक्नोलॉजी"}]}'
        "</script></head>",
    )
    page = _page(html)
    assert page.title == "देसी ऐप्स की चांदी"
    assert page.published_at == datetime(2020, 7, 4, 12, 10, tzinfo=UTC)
    assert page.author == "प्रदीप पाण्डेय"
    assert "टेक्नोलॉजी" in page.categories


def test_saar_label_inline_with_its_text() -> None:
    html = "<html><body><h1>शीर्षक</h1><p><strong>सार:</strong> संक्षेप में पूरी बात।</p></body></html>"
    assert _page(html).summary == "संक्षेप में पूरी बात।"


def test_updated_line_is_used_when_there_is_no_published_line() -> None:
    html = AMAR_UJALA_LIKE.replace(
        "Published : Jul 04, 2020, 05:53 PM IST", "Updated Sat, 04 Jul 2020 06:10 PM IST"
    )
    assert _page(html).published_at == datetime(2020, 7, 4, 12, 40, tzinfo=UTC)


def test_a_homepage_is_not_an_article_and_offers_its_feeds() -> None:
    home = """<html><head><base href="https://news.example.in/hi/">
    <link rel="alternate" type="application/rss+xml" href="rss/desh.xml">
    <link rel="alternate" type="application/atom+xml" href="https://news.example.in/atom.xml">
    <link rel="alternate" type="application/feed+json" href="/feed.json">
    <link rel="alternate" hreflang="en" type="text/html" href="/en/">
    <link rel="stylesheet" type="text/css" href="/s.css"></head>
    <body><ul><li><a href="/a">ख़बर एक</a></li><li><a href="/b">ख़बर दो</a></li></ul></body></html>"""
    page = _page(home, url="https://news.example.in/")
    assert not page.is_article
    assert page.feed_links == (
        "https://news.example.in/hi/rss/desh.xml",
        "https://news.example.in/atom.xml",
        "https://news.example.in/feed.json",
    )
    result = FetchResult(
        url="https://news.example.in/",
        final_url="https://news.example.in/",
        status=200,
        body=home.encode(),
        headers={"content-type": "text/html"},
    )
    with pytest.raises(ParseError) as caught:
        parse(result)
    assert caught.value.kind == "not_a_feed"
    assert "https://news.example.in/hi/rss/desh.xml" in str(caught.value)


def test_discover_feeds_on_a_bare_tree() -> None:
    tree = parse_html_tree('<link rel="Alternate" type="application/RSS+XML" href="/f.xml">')
    assert discover_feeds(tree, base_url="https://x.example.com/p") == (
        "https://x.example.com/f.xml",
    )


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("नमस्ते".encode(), "text/html; charset=utf-8", "नमस्ते"),
        ("नमस्ते".encode(), "text/html; charset=ISO-8859-1", "नमस्ते"),  # mislabelled UTF-8
        ("Café".encode("cp1252"), "text/html; charset=windows-1252", "Café"),
        (
            '<meta charset="windows-1252">Caf\xe9'.encode("cp1252"),
            "",
            '<meta charset="windows-1252">Café',
        ),
        ("\ufeffनमस्ते".encode(), "text/html; charset=iso-8859-1", "नमस्ते"),  # BOM wins
        ("नमस्ते".encode("utf-16"), "", "नमस्ते"),
        ("नमस्ते".encode(), "text/html; charset=bogus-charset", "नमस्ते"),
    ],
)
def test_decode_html(body: bytes, content_type: str, expected: str) -> None:
    assert decode_html(body, content_type) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<?xml version='1.0'?><rss version='2.0'></rss>", "xml"),
        (b"<!-- <html> in a comment --><feed xmlns='http://www.w3.org/2005/Atom'/>", "xml"),
        (b"<rdf:RDF xmlns:rdf='x'/>", "xml"),
        (b"<!-- one --><!-- <html> two --><rss version='2.0'></rss>", "xml"),
        (b"<!-- <feed> --> <html><body>x</body></html>", "html"),
        (b"<!-- never closed <html><body>x</body></html>", "html"),
        (b"<!--" * 16_000 + b"<rss version='2.0'></rss>", "xml"),  # read in one pass
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"<?xml version='1.0'?><!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'><html/>", "html"),
        (b"  <div class='story'>fragment</div>", "html"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "json"),
        (b"", "empty"),
    ],
)
def test_sniff(body: bytes, expected: str) -> None:
    assert sniff(body) == expected


def test_options_reach_page_articles() -> None:
    document = read_document(
        AMAR_UJALA_LIKE.encode(),
        url="https://www.amarujala.com/x",
        options=ReadOptions(source_name="अमर उजाला", lang="hi"),
    )
    assert document.articles[0].source_name == "अमर उजाला"


def test_character_references_lxml_will_not_write_back_do_not_break_a_page() -> None:
    """&#65534; decodes to U+FFFE, which lxml's parser accepts but refuses when dropping a
    script re-sets the neighbouring text (found by the feed-parser fuzzing)."""
    paragraph = (
        "<p>बैंक ने कहा है कि ग्राहकों के खातों से कोई रकम नहीं निकली, लेकिन साइबर पुलिस ने "
        "सर्वर की जांच शुरू कर दी है और ग्राहकों से अपने पासवर्ड तुरंत बदलने को कहा है।</p>"
    )
    body = (
        "<html><head><title>बैंक से डेटा लीक की जांच</title>"
        '<meta property="og:type" content="article"></head><body><article>'
        "<h1>बैंक से डेटा लीक की जांच</h1>"
        "<p>पहली जानकारी &#65534; के मुताबिक<script>track()</script> मामला गंभीर &#65535; है।</p>"
        + paragraph * 4
        + "<div>साइबर पुलिस &#1;<style>p{}</style> जांच कर रही है।</div></article></body></html>"
    ).encode()
    page = parse_page(body, url="https://hindi-news.example/leak", local=UTC)
    assert page.is_article
    assert "track()" not in page.body and "p{}" not in page.body
    assert "\ufffe" not in page.body and "\uffff" not in page.body
    assert "पासवर्ड तुरंत बदलने" in page.body
