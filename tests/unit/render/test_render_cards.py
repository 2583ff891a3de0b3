"""Building cards: which subscription, which snippet, which time, which stories make a digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.cards import (
    AlertCard,
    DigestCard,
    DigestEntry,
    DigestKind,
    SubscriptionRef,
    build_alert_card,
    build_backlog_fold,
    build_digest_card,
    lead_snippet,
)
from bot.domain.models import Article, Match, MatchWhy

FOUND = datetime(2020, 7, 4, 12, 30, tzinfo=UTC)
ARTICLE = Article(
    url="https://www.bhaskar.com/national/news/tiktok-ban-127463.html",
    title="टिकटॉक समेत 59 चीनी ऐप्स पर प्रतिबंध स्थायी",
    summary="सरकार ने टिकटॉक समेत 59 चीनी ऐप्स पर लगा प्रतिबंध अब स्थायी कर दिया है।",
    published_at=datetime(2020, 7, 4, 12, 23, tzinfo=UTC),
    lang="hi",
    source_name="दैनिक भास्कर",
)
TIKTOK = MatchWhy("tiktok", "टिकटॉक", "title", "phonetic")
BAN = MatchWhy("ban", "प्रतिबंध", "lead", "lexicon")


def test_alert_card_takes_the_best_match_for_its_buttons() -> None:
    matches = [
        Match(7, 0.4, (MatchWhy("apps", "ऐप्स", "title"),)),
        Match(3, 0.9, (TIKTOK, BAN)),
        Match(7, 0.3, ()),
    ]
    card = build_alert_card(
        ARTICLE,
        matches,
        subscription_queries={3: "tiktok ban", 7: "chinese apps"},
        chat_lang="hi",
        found_at=FOUND,
    )
    assert card.subscription_id == 3
    assert card.score == 0.9
    assert card.subscriptions == (
        SubscriptionRef(3, "tiktok ban"),
        SubscriptionRef(7, "chinese apps"),
    )
    assert card.matched_terms == ("टिकटॉक", "प्रतिबंध", "ऐप्स")
    assert card.published_at == ARTICLE.published_at
    assert card.chat_timezone == "Asia/Kolkata"
    assert card.article_lang == "hi"
    assert card.snippet == ARTICLE.summary


def test_buttons_act_only_on_a_subscription_that_still_exists() -> None:
    """A match without a subscription (id 0) or whose subscription was deleted since gets no
    Mute/Untrack buttons: pressing them could only be refused."""
    gone = build_alert_card(
        ARTICLE,
        [Match(9, 0.9, (TIKTOK,)), Match(0, 0.5, (BAN,))],
        subscription_queries={},
        chat_lang="hi",
        found_at=FOUND,
    )
    assert gone.subscription_id is None
    assert gone.subscriptions == (SubscriptionRef(9, "#9"),)
    fallback = build_alert_card(
        ARTICLE,
        [Match(9, 0.9, (TIKTOK,)), Match(4, 0.5, (BAN,))],
        subscription_queries={4: "प्रतिबंध"},
        chat_lang="hi",
        found_at=FOUND,
    )
    assert fallback.subscription_id == 4


def test_terms_are_deduplicated_case_insensitively_and_fall_back_to_the_query_term() -> None:
    matches = [
        Match(
            1,
            1.0,
            (
                MatchWhy("ban", "Ban", "title"),
                MatchWhy("ban", "BAN", "lead"),
                MatchWhy("leak", "", "body"),
            ),
        )
    ]
    card = build_alert_card(
        ARTICLE, matches, subscription_queries={}, chat_lang="en", found_at=FOUND
    )
    assert card.matched_terms == ("Ban", "leak")
    assert card.subscriptions == (SubscriptionRef(1, "#1"),)


def test_missing_or_future_publication_time_uses_the_time_found() -> None:
    undated = Article(url="https://x.example/a", title="t")
    future = Article(url="https://x.example/b", title="t", published_at=FOUND + timedelta(hours=5))
    naive = Article(url="https://x.example/c", title="t", published_at=datetime(2020, 7, 4, 10, 0))
    for article, expected in [
        (undated, FOUND),
        (future, FOUND),
        (naive, datetime(2020, 7, 4, 10, 0, tzinfo=UTC)),
    ]:
        card = build_alert_card(
            article, [Match(1, 1.0)], subscription_queries={}, chat_lang="en", found_at=FOUND
        )
        assert card.published_at == expected


def test_an_alert_needs_a_match_and_aware_times() -> None:
    with pytest.raises(ValueError, match="at least one match"):
        build_alert_card(ARTICLE, [], subscription_queries={}, chat_lang="en", found_at=FOUND)
    with pytest.raises(ValueError, match="timezone-aware"):
        AlertCard(title="t", url="u", source_name="s", published_at=datetime(2020, 1, 1))


def test_snippet_is_the_lead_unless_only_the_body_mentions_the_term() -> None:
    body = ("प्रस्तावना " * 200) + "इसी बीच डेटा लीक की खबर ने सबको चौंका दिया। " + ("अंत " * 200)
    article = Article(
        url="https://x.example/a",
        title="मंत्रालय की बैठक",
        summary="मंत्रालय की बैठक में कई मुद्दों पर चर्चा हुई।",
        body=body,
    )
    snippet = lead_snippet(article, ["डेटा लीक"], limit=200)
    assert "डेटा लीक" in snippet
    assert snippet.startswith("…")
    assert len(snippet) <= 200
    # With a term in the lead, or no terms at all, the lead is the snippet.
    assert lead_snippet(article, ["बैठक"], limit=200) == article.summary
    assert lead_snippet(article, [], limit=200) == article.summary


def test_a_lead_that_repeats_the_title_is_skipped() -> None:
    article = Article(
        url="https://x.example/a",
        title="Rain in Delhi",
        summary="Rain in Delhi",
        body="Heavy rain lashed Delhi on Saturday, flooding several roads.",
    )
    assert lead_snippet(article, []) == article.body


def test_long_leads_are_trimmed_to_the_snippet_limit() -> None:
    article = Article(url="https://x.example/a", title="t", summary="बारिश " * 2000)
    snippet = lead_snippet(article, [], limit=600)
    assert 500 < len(snippet) <= 600 and snippet.endswith("…")


def entry(
    n: int, group: str, score: float, hours_ago: float = 1.0, url: str | None = None
) -> DigestEntry:
    return DigestEntry(
        title=f"खबर {n}",
        url=url or f"https://x.example/{n}",
        source_name="अमर उजाला",
        published_at=FOUND - timedelta(hours=hours_ago),
        group=group,
        score=score,
    )


def test_digest_keeps_the_best_stories_grouped_best_group_first() -> None:
    entries = [
        entry(1, "मौसम", 0.2),
        entry(2, "tiktok ban", 0.9),
        entry(3, "मौसम", 0.8),
        entry(4, "tiktok ban", 0.1),
        entry(5, "#privacy", 0.5),
        entry(6, "tiktok ban", 0.95, url="https://x.example/2"),  # same story link as 2
    ]
    card = build_digest_card(
        entries,
        kind=DigestKind.DAILY,
        period_start=FOUND - timedelta(days=1),
        period_end=FOUND,
        chat_lang="hi",
        cap=4,
    )
    assert card.total == 5
    assert card.shown == 4 and card.omitted == 1
    assert [group.name for group in card.groups] == ["tiktok ban", "मौसम", "#privacy"]
    assert [e.title for e in card.groups[0].entries] == ["खबर 6"]
    assert [e.title for e in card.groups[1].entries] == ["खबर 3", "खबर 1"]


def test_digest_validation() -> None:
    with pytest.raises(ValueError, match="cap"):
        build_digest_card(
            [],
            kind=DigestKind.DAILY,
            period_start=FOUND - timedelta(days=1),
            period_end=FOUND,
            chat_lang="en",
            cap=0,
        )
    with pytest.raises(ValueError, match="end after"):
        DigestCard(kind=DigestKind.DAILY, period_start=FOUND, period_end=FOUND, groups=(), total=0)
    with pytest.raises(ValueError, match="other_sources"):
        DigestEntry("t", "u", "s", FOUND, other_sources=-1)


def test_backlog_fold_lists_the_best_and_counts_the_rest() -> None:
    fold = build_backlog_fold([entry(n, "g", n / 10) for n in range(10)], chat_lang="en", cap=3)
    assert [e.title for e in fold.entries] == ["खबर 9", "खबर 8", "खबर 7"]
    assert fold.total == 10 and fold.unlisted == 7
