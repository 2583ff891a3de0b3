"""Telegram alerts: escaped, balanced HTML within 4096 UTF-16 units, localised, with buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import regex
from render_checks import check_telegram_message, utf16

from bot.domain.cards import AlertCard, SubscriptionRef
from bot.domain.render.alert_actions import parse_alert_action
from bot.domain.render.telegram_html import render_alert

PUBLISHED = datetime(2020, 7, 4, 12, 23, tzinfo=UTC)
URL = "https://www.aajtak.in/technology/story/tiktok-ban-1234?ref=rss&src=feed"
FAMILY = "👨‍👩‍👧‍👦"


def card(**changes: object) -> AlertCard:
    values: dict[str, object] = {
        "title": "टिकटॉक पर फिर से प्रतिबंध की तैयारी",
        "url": URL,
        "source_name": "आज तक",
        "published_at": PUBLISHED,
        "snippet": "केंद्र सरकार ने टिकटॉक समेत 59 चीनी ऐप्स पर प्रतिबंध को स्थायी करने का फैसला किया है।",
        "matched_terms": ("टिकटॉक", "प्रतिबंध"),
        "subscriptions": (SubscriptionRef(3, "tiktok ban"),),
        "score": 0.87,
        "article_lang": "hi",
        "chat_lang": "hi",
        "subscription_id": 3,
    }
    values.update(changes)
    return AlertCard(**values)  # type: ignore[arg-type]


def test_hindi_alert_layout() -> None:
    message = render_alert(card())
    assert message.text == (
        '🔔 <b><a href="https://www.aajtak.in/technology/story/tiktok-ban-1234?ref=rss&amp;src=feed">'
        "टिकटॉक पर फिर से प्रतिबंध की तैयारी</a></b>\n"
        "🗞 आज तक · 4 जुलाई 2020, शाम 5:53\n"
        "\n"
        "केंद्र सरकार ने <b>टिकटॉक</b> समेत 59 चीनी ऐप्स पर <b>प्रतिबंध</b> को स्थायी करने का फैसला किया है।\n"
        "\n"
        "🎯 मिलान: टिकटॉक · प्रतिबंध\n"
        "🔎 ट्रैकिंग: <code>tiktok ban</code> · स्कोर 0.87 · हिन्दी में"
    )
    check_telegram_message(message)
    assert message.preview_url == URL
    assert not message.disable_notification
    labels = [[button.label for button in row] for row in message.buttons]
    assert labels == [["🔗 खबर खोलें"], ["🔕 8 घंटे म्यूट करें", "✖️ ट्रैकिंग बंद करें"]]


def test_english_alert_layout_and_buttons() -> None:
    message = render_alert(card(chat_lang="en"), mute_hours=24, silent=True)
    visible = check_telegram_message(message)
    assert "🗞 आज तक · 4 Jul 2020, 5:53 PM IST" in visible
    assert "🎯 Matched: टिकटॉक · प्रतिबंध" in visible
    assert visible.endswith("🔎 Tracking: tiktok ban · score 0.87 · in Hindi")
    assert message.disable_notification
    (open_button,), (mute, untrack) = message.buttons
    assert (open_button.label, open_button.url) == ("🔗 Open", URL)
    assert (mute.label, mute.callback_data) == ("🔕 Mute 24h", "mute:3:24h")
    assert (untrack.label, untrack.callback_data) == ("✖️ Untrack", "untrack:3")
    action = parse_alert_action(mute.callback_data)
    assert action is not None and (action.kind, action.subscription_id, action.hours) == (
        "mute",
        3,
        24,
    )


def test_several_subscriptions_are_named_briefly() -> None:
    subs = tuple(SubscriptionRef(i, f"query {i}") for i in range(1, 6))
    visible = check_telegram_message(render_alert(card(chat_lang="en", subscriptions=subs)))
    assert "Tracking: query 1, query 2, query 3 +2 more" in visible


HOSTILE_TITLES = [
    "<script>alert('x')</script> टिकटॉक",
    "Q&amp;A: what the &lt;ban&gt; means",
    "a < b & c > d",
    "</b></a> stray <i>tags <b>unclosed",
    '"quotes" & \'apostrophes\' <a href="javascript:alert(1)">x</a>',
    "🔥🔥 Breaking: TikTok ban 🇮🇳 " + FAMILY,
    "پاکستان میں ٹک ٹاک پر پابندی عائد",
    "حظر تيك توك في الهند",
    "&#0; &#x110000; &#55296; &bogus; &",
    "\u202eReversed\u202c title with \x00 nul and \ufeff bom",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_render_to_valid_html(title: str) -> None:
    for lang in ("hi", "en"):
        message = render_alert(
            card(
                title=title,
                source_name=title,
                snippet=title * 3,
                matched_terms=(title, "ban"),
                subscriptions=(SubscriptionRef(9, title),),
                chat_lang=lang,
            )
        )
        visible = check_telegram_message(message)
        first_line = visible.split("\n", 1)[0]
        assert "<b>" not in first_line or "<b>" in title  # tags show as text, never as markup


def test_feed_text_is_shown_as_written() -> None:
    message = render_alert(card(title="Q&amp;A: a < b & c > d", snippet=""))
    visible = check_telegram_message(message)
    assert visible.startswith("🔔 Q&amp;A: a < b & c > d\n")  # no double-decoding, no loss
    assert "&amp;amp;A" in message.text  # escaped once by us


def test_ten_kilobyte_hindi_lead_is_trimmed_first() -> None:
    lead = "केंद्र सरकार ने टिकटॉक समेत कई चीनी ऐप्स पर प्रतिबंध लगाया। " * 180
    assert len(lead.encode()) > 10_000
    message = render_alert(card(snippet=lead))
    visible = check_telegram_message(message)
    assert 3900 < utf16(visible) <= 4096
    assert visible.startswith("🔔 टिकटॉक पर फिर से प्रतिबंध की तैयारी\n")  # title intact
    assert "🎯 मिलान: टिकटॉक · प्रतिबंध" in visible  # tail intact
    snippet_line = visible.split("\n\n")[1]
    assert snippet_line.endswith("…")
    assert "<b>टिकटॉक</b>" in message.text


def test_ten_kilobyte_title_is_cut_at_the_title_limit_and_keeps_the_snippet() -> None:
    title = ("प्रतिबंध " * 1200).strip()
    message = render_alert(card(title=title))
    visible = check_telegram_message(message)
    first = visible.split("\n", 1)[0]
    assert utf16(first) <= 1024 + 3 and first.endswith("…")
    assert "केंद्र सरकार ने" in visible


def test_when_the_title_alone_is_too_long_the_snippet_goes_then_the_title_is_cut() -> None:
    title = "घोषणा " * 2000
    message = render_alert(card(title=title, snippet="बारिश " * 300), title_limit=10_000)
    visible = check_telegram_message(message)
    assert 4000 < utf16(visible) <= 4096
    assert "बारिश" not in visible  # the snippet went first
    assert visible.split("\n", 1)[0].endswith("…")
    assert "🔎 ट्रैकिंग" in visible


def test_escaping_heavy_text_stays_under_the_raw_byte_limit() -> None:
    message = render_alert(
        card(title="&<>" * 4000, snippet="& " * 6000, matched_terms=("&",)), title_limit=10_000
    )
    check_telegram_message(message)
    assert len(message.text.encode()) <= 32_000


def test_trimming_never_splits_emoji_sequences() -> None:
    title = (FAMILY + " 🇮🇳 ") * 600
    message = render_alert(card(title=title, snippet=title), title_limit=10_000)
    visible = check_telegram_message(message)
    for cluster in regex.findall(r"\X", visible):
        assert "\u200d" not in cluster or cluster == FAMILY
        assert not regex.fullmatch(r"\p{Regional_Indicator}", cluster)


def test_unsafe_links_are_not_linked_and_buttons_follow() -> None:
    message = render_alert(card(url="javascript:alert(1)", subscription_id=None))
    check_telegram_message(message)
    assert "<a " not in message.text
    assert message.preview_url is None
    assert message.buttons == ()


def test_empty_title_and_source_get_localised_placeholders() -> None:
    visible = check_telegram_message(render_alert(card(title="  ", source_name="", snippet="")))
    assert visible.startswith("🔔 बिना शीर्षक की खबर\n🗞 aajtak.in · ")
    visible = check_telegram_message(
        render_alert(card(title="", source_name="", url="not a url", chat_lang="en"))
    )
    assert visible.startswith("🔔 Untitled story\n🗞 Unknown source · ")


def test_highlighting_in_the_snippet_is_whole_word() -> None:
    message = render_alert(card(snippet="banner ban banned BAN", matched_terms=("ban",)))
    assert "banner <b>ban</b> banned <b>BAN</b>" in message.text
