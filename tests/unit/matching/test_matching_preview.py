"""The preview service behind ``khabardar preview``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lexicon import load_lexicon
from bot.domain.models import Article
from bot.domain.query import QueryError
from bot.services.preview import preview

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LEXICON = load_lexicon()


def articles() -> list[Article]:
    return [
        Article(
            url="https://www.amarujala.com/tiktok",
            title="भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी",
            summary="शॉर्ट वीडियो ऐप ने कहा कि भारतीय यूजर्स का डेटा कभी साझा नहीं किया गया।",
            published_at=NOW - timedelta(hours=3),
        ),
        Article(
            url="https://www.jagran.com/tiktok-copy",
            title="भारत में प्रतिबंध के बाद टिकटॉक ने चीन से बनाई दूरी",
            summary="शॉर्ट वीडियो ऐप ने कहा है कि भारतीय यूजर्स का डाटा कभी साझा नहीं हुआ।",
            published_at=NOW - timedelta(hours=2),
        ),
        Article(
            url="https://www.bhaskar.com/other",
            title="सड़क बन गई, लेकिन बिना नाली के बारिश में फिर डूबा मोहल्ला",
            published_at=NOW - timedelta(hours=1),
        ),
        Article(
            url="https://www.ndtv.com/lead-only",
            title="Short-video apps face new rules",
            summary="The rules follow the TikTok ban of 2020.",
            published_at=NOW,
        ),
    ]


def test_preview_lists_matches_best_first_with_terms_as_found() -> None:
    results = preview("tiktok ban", articles(), lexicon=LEXICON, now=NOW)
    assert [r.article.url for r in results][:2] == [
        "https://www.jagran.com/tiktok-copy",
        "https://www.amarujala.com/tiktok",
    ] or [r.article.url for r in results][:2] == [
        "https://www.amarujala.com/tiktok",
        "https://www.jagran.com/tiktok-copy",
    ]
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert "https://www.bhaskar.com/other" not in {r.article.url for r in results}
    first = next(r for r in results if r.article.url.endswith("/tiktok"))
    assert set(first.matched) == {"TikTok", "बैन"}
    assert first.why and all(w.field_name == "title" for w in first.why)


def test_copies_of_a_story_share_its_id() -> None:
    results = {r.article.url: r for r in preview("tiktok", articles(), lexicon=LEXICON, now=NOW)}
    assert results["https://www.amarujala.com/tiktok"].story_id == (
        results["https://www.jagran.com/tiktok-copy"].story_id
    )
    assert results["https://www.ndtv.com/lead-only"].story_id != (
        results["https://www.amarujala.com/tiktok"].story_id
    )


def test_json_line_has_the_documented_keys() -> None:
    [result, *_] = preview("tiktok ban", articles(), lexicon=LEXICON, now=NOW)
    line = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert {"url", "title", "score", "matched", "story_id"} <= set(line)
    assert line["matched"] and isinstance(line["score"], float)


def test_bad_query_raises_query_error_with_bilingual_text() -> None:
    with pytest.raises(QueryError) as caught:
        preview('tiktok "ban', articles(), lexicon=LEXICON, now=NOW)
    text = caught.value.bilingual()
    assert "उद्धरण" in text and "quote" in text


def test_threshold_can_be_lowered_to_see_weak_matches() -> None:
    body_only = Article(
        url="https://www.bbc.com/hindi/x",
        title="ग्लेशियर पिघल रहे हैं",
        body="वैज्ञानिकों ने चेताया. आप हमें फ़ेसबुक पर फ़ॉलो भी कर सकते हैं.",
        published_at=NOW,
    )
    assert preview("facebook", [body_only], lexicon=LEXICON, now=NOW) == []
    assert preview("facebook", [body_only], lexicon=LEXICON, now=NOW, threshold=0.5)
