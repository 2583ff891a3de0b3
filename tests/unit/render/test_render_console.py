"""Console renderings: plain, readable, cleaned, in the chat's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.cards import (
    AlertCard,
    DigestEntry,
    DigestKind,
    SubscriptionRef,
    build_backlog_fold,
    build_digest_card,
)
from bot.domain.render.console_text import render_alert, render_backlog_fold, render_digest

PUBLISHED = datetime(2020, 7, 4, 12, 23, tzinfo=UTC)


def test_console_alert_in_hindi() -> None:
    card = AlertCard(
        title="टिकटॉक पर\x1b[31m प्रतिबंध",
        url="https://www.aajtak.in/tiktok",
        source_name="आज तक",
        published_at=PUBLISHED,
        snippet="सरकार ने <b>टिकटॉक</b> पर रोक लगाई।",
        matched_terms=("टिकटॉक",),
        subscriptions=(SubscriptionRef(3, "tiktok ban"),),
        score=0.5,
        article_lang="hi",
        chat_lang="hi",
        subscription_id=3,
    )
    assert render_alert(card).text == (
        "🔔 टिकटॉक पर [31m प्रतिबंध\n"
        "   स्रोत: आज तक · 4 जुलाई 2020, शाम 5:53\n"
        "   🔗 https://www.aajtak.in/tiktok\n"
        "   सरकार ने <b>टिकटॉक</b> पर रोक लगाई।\n"
        "   🎯 मिलान: टिकटॉक\n"
        "   🔎 ट्रैकिंग: “tiktok ban” · स्कोर 0.5 · हिन्दी में"
    )
    assert "/mute 3" not in render_alert(card).text  # ids are not /list numbers


def test_console_alert_without_subscription_or_snippet() -> None:
    card = AlertCard(title="Rain in Delhi", url="", source_name="PTI", published_at=PUBLISHED)
    assert render_alert(card).text == (
        "🔔 Rain in Delhi\n   Source: PTI · 4 Jul 2020, 5:53 PM IST\n   🔎 score 0"
    )


def test_console_digest_and_fold() -> None:
    end = datetime(2020, 7, 4, 3, 30, tzinfo=UTC)
    entries = [
        DigestEntry(
            f"Story {n}",
            f"https://x.example/{n}",
            "PTI",
            end - timedelta(hours=2),
            group="tiktok ban",
            score=1 - n / 10,
            other_sources=n,
        )
        for n in range(3)
    ]
    card = build_digest_card(
        entries,
        kind=DigestKind.DAILY,
        period_start=end - timedelta(days=1),
        period_end=end,
        chat_lang="en",
        cap=2,
    )
    assert render_digest(card).text == (
        "🗞 3 stories today · 4 Jul 2020\n"
        "\n"
        "🔎 tiktok ban\n"
        "   • Story 0\n"
        "     PTI · 7:00 AM\n"
        "     https://x.example/0\n"
        "   • Story 1\n"
        "     PTI · 7:00 AM · +1 more source\n"
        "     https://x.example/1\n"
        "\n"
        "➕ +1 more story not shown here.\n"
        "Too many? Review what you track with /list"
    )
    fold = build_backlog_fold(entries, chat_lang="hi", cap=1)
    assert render_backlog_fold(fold).text == (
        "📚 आपकी ट्रैकिंग से जुड़ी 3 और खबरें\n"
        "एक साथ कई खबरें आईं, इसलिए सब यहाँ एक साथ:\n"
        "\n"
        "   • Story 0\n"
        "     PTI · सुबह 7:00 · tiktok ban\n"
        "     https://x.example/0\n"
        "…और 2 खबरें"
    )
