"""Matching on real text from ../shared/corpus (read at test time, never copied).

* BBC Hindi bodies end with a footer promoting the Android app, Facebook and Twitter; when
  that footer is an article's only mention, ``app``/``facebook``/``twitter`` must not alert.
* BBC Hindi "most read" headlines (19 June 2023), labelled here by their ids: the film-ban
  headlines fire ``ban``; "बन रही", "बना दिया", "बनकर", "आप मिस कर गए" fire nothing.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.lexicon import Lexicon, load_lexicon
from bot.domain.matcher import MatchIndex
from bot.domain.models import Article
from bot.domain.query import parse_query

NOW = datetime(2023, 6, 19, 15, 0, tzinfo=UTC)
FOOTER_START = "(बीबीसी हिन्दी के"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def _sentences(text: str) -> list[str]:
    parts = [" ".join(p.split()) for p in text.replace("।", ".").split(".")]
    return [p for p in parts if p]


def test_bbc_footer_alone_never_alerts(shared_dir: Path, lexicon: Lexicon) -> None:
    path = shared_dir / "corpus" / "datasets" / "bbc_hindi_news_classification_test.csv"
    if not path.exists():
        pytest.skip("BBC Hindi dataset not in the corpus")
    with path.open(encoding="utf-8") as handle:
        rows = [row[1] for row in csv.reader(handle) if len(row) > 1][1:]
    queries = ("app", "facebook", "twitter")
    index = MatchIndex(lexicon)
    probe = MatchIndex(lexicon, threshold=0.0)  # is the word anywhere before the footer?
    for number, query in enumerate(queries):
        index.add(number, parse_query(query, lexicon=lexicon))
        probe.add(number, parse_query(query, lexicon=lexicon))
    checked = alerts = 0
    for text in rows:
        if FOOTER_START not in text:
            continue
        story, footer = text.split(FOOTER_START, 1)
        sentences = _sentences(story)
        if len(sentences) < 3:
            continue
        article = Article(
            url="https://www.bbc.com/hindi/x",
            title=sentences[0],
            summary=sentences[1],
            body=". ".join(sentences[2:]) + ". " + FOOTER_START + footer,
            published_at=NOW,
            lang="hi",
        )
        story_only = Article(url=article.url, title=sentences[0], summary=". ".join(sentences[1:]))
        mentioned = {m.subscription_id for m in probe.match(story_only, now=NOW)}
        for match in index.match(article, now=NOW):
            if match.subscription_id not in mentioned:
                alerts += 1
        checked += 1
    print(f"\nBBC Hindi articles with the footer: {checked}, footer-only alerts: {alerts}")
    assert checked >= 100
    assert alerts == 0


MOST_READ_LABELS = {
    "ckdky4gjldpo": {"ban", "film"},  # … सभी भारतीय फ़िल्मों पर रोक
    "cy970q8g27yo": {"ban"},  # … ट्रोलिंग और बैन की मांग के बीच …
    "cml11ylwlzgo": {"government"},  # … पता लगाने पहुंची सरकारी टीम
    "clwd9ew307po": {"government", "court"},  # बिहार सरकार ने कोर्ट की चेतावनी के बावजूद …
    "c729jjk9ekko": set(),  # … के सहयोग से बन रही रिफाइनरी …
    "cye7yx8zlrlo": set(),  # … मामला बना दिया गया
    "ckdkyg7eld9o": set(),  # … इतिहास बनकर ना रह जाएं
    "a3faa70ae9fc": set(),  # … जो शायद आप मिस कर गए
    "cyxgqx53ledo": set(),  # … इन मिथकों पर आप भी तो यक़ीन नहीं करते!
    "f11c8861feb2": {"china"},  # … जिन्होंने चीन और पाकिस्तान से लड़ाई की …
}


def test_bbc_most_read_headlines(shared_dir: Path, lexicon: Lexicon) -> None:
    path = shared_dir / "corpus" / "datasets" / "bbc_simorgh_hindi_mostread_2023-06-19.json"
    if not path.exists():
        pytest.skip("BBC most-read fixture not in the corpus")
    items = {
        item["id"].rsplit(":", 1)[-1].rsplit("-", 1)[-1]: item
        for item in json.loads(path.read_text("utf-8"))["items"]
    }
    queries = ["ban", "film", "government", "court", "china", "app", "data leak", "tiktok"]
    index = MatchIndex(lexicon)
    for number, query in enumerate(queries):
        index.add(number, parse_query(query, lexicon=lexicon))
    for item_id, expected in MOST_READ_LABELS.items():
        item = items[item_id]
        article = Article(url=item["href"], title=item["title"], published_at=NOW, lang="hi")
        fired = {queries[m.subscription_id] for m in index.match(article, now=NOW)}
        assert fired == expected, (item["title"], fired)
