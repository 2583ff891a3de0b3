"""Slack alerts, digests and folds: Block Kit within limits, mrkdwn escaped, localised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import regex
from render_checks import check_slack_message, utf16

from bot.domain.cards import (
    AlertCard,
    DigestEntry,
    DigestKind,
    SubscriptionRef,
    build_backlog_fold,
    build_digest_card,
)
from bot.domain.render.slack_blocks import render_alert, render_backlog_fold, render_digest

PUBLISHED = datetime(2020, 7, 4, 12, 23, tzinfo=UTC)
URL = "https://indianexpress.com/article/technology/tiktok-ban-india-6489214/?utm=rss&x=1"
FAMILY = "👨‍👩‍👧‍👦"


def card(**changes: object) -> AlertCard:
    values: dict[str, object] = {
        "title": "TikTok ban: Government makes it permanent",
        "url": URL,
        "source_name": "The Indian Express",
        "published_at": PUBLISHED,
        "snippet": "The Centre has decided to make the ban on TikTok and 58 other apps permanent.",
        "matched_terms": ("tiktok", "ban"),
        "subscriptions": (SubscriptionRef(12, "tiktok ban"),),
        "score": 3.5,
        "article_lang": "en",
        "chat_lang": "en",
        "subscription_id": 12,
    }
    values.update(changes)
    return AlertCard(**values)  # type: ignore[arg-type]


def test_english_alert_blocks() -> None:
    message = render_alert(card())
    check_slack_message(message)
    header, section, context, actions = message.blocks
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "🔔 TikTok ban: Government makes it permanent",
            "emoji": True,
        },
    }
    assert section["text"]["text"] == (
        "The Centre has decided to make the *ban* on *TikTok* and 58 other apps permanent."
    )
    assert [e["text"] for e in context["elements"]] == [
        "🗞 *<https://indianexpress.com/article/technology/tiktok-ban-india-6489214/?utm=rss&amp;x=1"
        "|The Indian Express>* · 4 Jul 2020, 5:53 PM IST",
        "🎯 Matched: tiktok · ban",
        "🔎 Tracking: “tiktok ban” · score 3.5 · in English",
    ]
    assert [
        (b["action_id"], b["text"]["text"], b.get("value"), b.get("url"))
        for b in actions["elements"]
    ] == [
        ("alert_open", "🔗 Open", None, URL),
        ("alert_mute", "🔕 Mute 8h", "mute:12:8h", None),
        ("alert_untrack", "✖️ Untrack", "untrack:12", None),
    ]
    assert message.text == "New story for “tiktok ban”: TikTok ban: Government makes it permanent"


def test_hindi_alert_labels_and_time() -> None:
    message = render_alert(card(chat_lang="hi"))
    check_slack_message(message)
    context = message.blocks[2]["elements"]
    assert context[0]["text"].endswith("· 4 जुलाई 2020, शाम 5:53")
    assert context[1]["text"] == "🎯 मिलान: tiktok · ban"
    assert context[2]["text"] == "🔎 ट्रैकिंग: “tiktok ban” · स्कोर 3.5 · अंग्रेज़ी में"
    labels = [b["text"]["text"] for b in message.blocks[3]["elements"]]
    assert labels == ["🔗 खबर खोलें", "🔕 8 घंटे म्यूट करें", "✖️ ट्रैकिंग बंद करें"]
    assert message.text == "“tiktok ban” से जुड़ी नई खबर: TikTok ban: Government makes it permanent"


def test_mrkdwn_escapes_only_the_three_control_characters() -> None:
    message = render_alert(
        card(
            title="Q&A: a < b > c | d",
            snippet='<!here> <@U123> Tom\'s "ban" & more',
            source_name="News | <Daily>",
        )
    )
    check_slack_message(message)
    section = message.blocks[1]["text"]["text"]
    assert section == '&lt;!here&gt; &lt;@U123&gt; Tom\'s "*ban*" &amp; more'
    assert "|News ¦ &lt;Daily&gt;>*" in message.blocks[2]["elements"][0]["text"]
    assert message.blocks[0]["text"]["text"] == "🔔 Q&A: a < b > c | d"  # plain_text: literal
    assert message.text == "New story for “tiktok ban”: Q&amp;A: a &lt; b &gt; c | d"


def test_long_title_is_cut_in_the_header_at_a_grapheme_and_linked_in_full_below() -> None:
    title = "TikTok " + (FAMILY + " प्रतिबंध ") * 40
    message = render_alert(card(title=title))
    check_slack_message(message)
    header = message.blocks[0]["text"]["text"]
    assert utf16(header) <= 150 and header.endswith("…")
    for cluster in regex.findall(r"\X", header):
        assert "\u200d" not in cluster or cluster == FAMILY
    section = message.blocks[1]["text"]["text"]
    assert section.startswith(f"*<{URL.replace('&', '&amp;')}|TikTok {FAMILY} प्रतिबंध")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "a < b & c > d",
        "&amp;&lt;",
        "پاکستان میں ٹک ٹاک پر پابندی",
        "*bold* _it_ ~s~ `c`",
        "x" * 10_000,
        "प्रतिबंध " * 1500,
        "&" * 10_000,
    ],
)
def test_hostile_text_keeps_block_kit_limits(hostile: str) -> None:
    for lang in ("en", "hi"):
        message = render_alert(
            card(
                title=hostile,
                snippet=hostile,
                source_name=hostile,
                matched_terms=(hostile, "ban"),
                chat_lang=lang,
                subscriptions=(SubscriptionRef(1, hostile),),
            )
        )
        check_slack_message(message)


def test_ten_kilobyte_hindi_lead_is_trimmed_to_the_section_limit() -> None:
    lead = "केंद्र सरकार ने टिकटॉक समेत कई चीनी ऐप्स पर प्रतिबंध लगाया। " * 180
    message = render_alert(card(snippet=lead, matched_terms=("टिकटॉक",), chat_lang="hi"))
    check_slack_message(message)
    section = message.blocks[1]["text"]["text"]
    assert 2800 < utf16(section) <= 3000 and section.endswith("…")
    assert "*टिकटॉक*" in section


def test_without_link_or_subscription_there_are_no_buttons() -> None:
    message = render_alert(card(url="ftp://example.com/x", subscription_id=None, subscriptions=()))
    check_slack_message(message)
    assert [block["type"] for block in message.blocks] == ["header", "section", "context"]
    assert message.text == "New story: TikTok ban: Government makes it permanent"
    assert "<ftp" not in message.blocks[2]["elements"][0]["text"]


END = datetime(2020, 7, 4, 3, 30, tzinfo=UTC)
LONG_HINDI = (
    "दिल्ली-एनसीआर में मूसलाधार बारिश से जगह-जगह जलभराव, कई इलाकों में घंटों लंबा जाम और "
    "बिजली गुल; मौसम विभाग ने अगले अड़तालीस घंटों के लिए ऑरेंज अलर्ट जारी किया"
)


def entry(n: int, group: str, title: str | None = None, other: int = 0) -> DigestEntry:
    return DigestEntry(
        title=title or f"खबर {n}",
        url=f"https://www.jagran.com/news-{n}.html",
        source_name="दैनिक जागरण",
        published_at=END - timedelta(hours=1),
        group=group,
        score=1 - n / 1000,
        other_sources=other,
    )


def test_small_digest_blocks() -> None:
    card_ = build_digest_card(
        [entry(1, "tiktok ban", "टिकटॉक पर प्रतिबंध", other=2), entry(2, "मौसम", "दिल्ली में बारिश")],
        kind=DigestKind.DAILY,
        period_start=END - timedelta(days=1),
        period_end=END,
        chat_lang="hi",
    )
    (message,) = render_digest(card_)
    check_slack_message(message)
    assert message.text == "आज की 2 खबरें · 4 जुलाई 2020"
    assert [block["type"] for block in message.blocks] == [
        "header",
        "section",
        "divider",
        "section",
    ]
    assert message.blocks[0]["text"]["text"] == "🗞 आज की 2 खबरें · 4 जुलाई 2020"
    assert message.blocks[1]["text"]["text"] == (
        "*🔎 tiktok ban*\n"
        "• *<https://www.jagran.com/news-1.html|टिकटॉक पर प्रतिबंध>*\n"
        "      _दैनिक जागरण · सुबह 8:00 · +2 और स्रोत_"
    )


def _entry_count(messages: list) -> int:  # type: ignore[type-arg]
    return sum(
        block["text"]["text"].count("\n• ") + block["text"]["text"].startswith("• ")
        for message in messages
        for block in message.blocks
        if block["type"] == "section"
    )


def test_big_digest_splits_into_a_thread_within_limits() -> None:
    entries = [entry(n, f"विषय {n % 4}", f"{n}. {LONG_HINDI}", other=n % 3) for n in range(150)]
    card_ = build_digest_card(
        entries,
        kind=DigestKind.WEEKLY,
        period_start=END - timedelta(days=7),
        period_end=END,
        chat_lang="hi",
        cap=150,
    )
    messages = render_digest(card_)
    assert len(messages) > 2
    for message in messages:
        check_slack_message(message)
    assert messages[0].blocks[0]["type"] == "header"
    total = len(messages)
    for number, message in enumerate(messages[1:], start=2):
        assert message.blocks[0]["elements"][0]["text"].endswith(f"भाग {number}/{total}")
        assert message.text.endswith(f"भाग {number}/{total}")
    assert _entry_count(messages) == 150


def test_many_small_groups_respect_the_block_count() -> None:
    entries = [entry(n, f"group {n}") for n in range(80)]
    card_ = build_digest_card(
        entries,
        kind=DigestKind.DAILY,
        period_start=END - timedelta(days=1),
        period_end=END,
        chat_lang="en",
        cap=80,
    )
    messages = render_digest(card_)
    assert len(messages) >= 2
    for message in messages:
        check_slack_message(message)
        assert message.blocks[-1]["type"] != "divider"
    assert _entry_count(messages) == 80


def test_digest_more_line_and_fold() -> None:
    card_ = build_digest_card(
        [entry(n, "g") for n in range(40)],
        kind=DigestKind.HOURLY,
        period_start=END - timedelta(hours=1),
        period_end=END,
        chat_lang="en",
        cap=10,
    )
    (message,) = render_digest(card_)
    check_slack_message(message)
    assert [e["text"] for e in message.blocks[-1]["elements"]] == [
        "➕ +30 more stories not shown here.",
        "Too many? Review what you track with /list",
    ]

    fold = build_backlog_fold(
        [entry(n, "tiktok ban", f"{n}. {LONG_HINDI}") for n in range(100)], chat_lang="hi", cap=100
    )
    folded = render_backlog_fold(fold)
    check_slack_message(folded)
    listed = _entry_count([folded])
    assert 10 < listed < 100
    assert folded.blocks[-1]["elements"][0]["text"] == f"…और {100 - listed} खबरें"
    assert folded.text == "आपकी ट्रैकिंग से जुड़ी 100 और खबरें"
