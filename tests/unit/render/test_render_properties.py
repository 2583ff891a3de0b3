"""Property tests: whatever a feed or a user sends, every renderer produces a valid message.

Titles, leads, source names, matched terms and queries are drawn from all of Unicode plus a
hostile alphabet (markup characters, Devanagari with its marks, RTL scripts, ZWJ emoji, bidi
controls, control characters), in sizes up to tens of kilobytes. Telegram output must be valid
HTML within 4096 UTF-16 units; Slack output must satisfy Block Kit; console text must be free of
control characters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_checks import check_slack_message, check_telegram_message

from bot.domain.cards import (
    AlertCard,
    DigestEntry,
    DigestKind,
    SubscriptionRef,
    build_backlog_fold,
    build_digest_card,
)
from bot.domain.render import console_text, slack_blocks, telegram_html

HOSTILE = [
    *"<>&\"';|*_~`#/\\ \n\t.,:-–…",
    *"टिकटॉकप्रतिबंधक्षत्रज्ञ़ंँःािीुूृेैोौ्",
    *"پاکستانمیںحظرתיק",
    *"\u200d\u200c\u202e\u2066\u2069\ufeff\x00\x1b\x7f",
    *"👨👩👧👦🔥🏽🇮🇳",
    *["&amp;", "&lt;", "<b>", "</a>", "<script>", "&#0;", "👨\u200d👩\u200d👧\u200d👦", "\ud800"],
]

short_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(HOSTILE), max_size=60).map("".join),
)
long_text = st.one_of(
    short_text,
    st.builds(lambda piece, times: piece * times, short_text, st.integers(1, 400)),
)
urls = st.one_of(
    st.just("https://www.aajtak.in/story/tiktok?x=1&y=2"),
    st.builds(lambda s: "https://x.example/" + s, short_text),
    st.builds(lambda s, n: "https://x.example/?q=" + s * n, short_text, st.integers(1, 60)),
    short_text,
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
zones = st.sampled_from(["Asia/Kolkata", "Europe/London", "America/New_York", "UTC", "bogus"])
langs = st.sampled_from(["hi", "en"])

alert_cards = st.builds(
    AlertCard,
    title=long_text,
    url=urls,
    source_name=long_text,
    published_at=moments,
    snippet=long_text,
    matched_terms=st.lists(short_text, max_size=6).map(tuple),
    subscriptions=st.lists(
        st.builds(SubscriptionRef, st.integers(0, 10**12), long_text), max_size=5
    ).map(tuple),
    score=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    article_lang=st.one_of(st.none(), st.sampled_from(["hi", "en", "ur", "xx"]), short_text),
    chat_lang=langs,
    chat_timezone=zones,
    subscription_id=st.one_of(st.none(), st.integers(0, 10**15)),
)

entries = st.builds(
    DigestEntry,
    title=long_text,
    url=urls,
    source_name=short_text,
    published_at=moments,
    group=st.sampled_from(["tiktok ban", "मौसम", "<b>x</b>", "", "پابندی"]),
    score=st.floats(min_value=0, max_value=10),
    other_sources=st.integers(0, 500),
)

_CONTROL = regex.compile(r"[\p{Cc}\p{Cs}--[\n]]", regex.V1)
PROPERTY_SETTINGS = settings(
    max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(card=alert_cards, title_limit=st.sampled_from([1024, 100_000]))
def test_any_alert_renders_for_every_platform(card: AlertCard, title_limit: int) -> None:
    check_telegram_message(telegram_html.render_alert(card, title_limit=title_limit))
    check_slack_message(slack_blocks.render_alert(card))
    text = console_text.render_alert(card).text
    assert _CONTROL.search(text) is None


@PROPERTY_SETTINGS
@given(
    items=st.lists(entries, max_size=40),
    kind=st.sampled_from(list(DigestKind)),
    lang=langs,
    zone=zones,
    end=moments,
    cap=st.integers(1, 40),
)
def test_any_digest_renders_for_every_platform(
    items: list[DigestEntry], kind: DigestKind, lang: str, zone: str, end: datetime, cap: int
) -> None:
    card = build_digest_card(
        items,
        kind=kind,
        period_start=end - timedelta(days=1),
        period_end=end,
        chat_lang=lang,
        chat_timezone=zone,
        cap=cap,
    )
    telegram = telegram_html.render_digest(card)
    for message in telegram:
        check_telegram_message(message)
    shown = sum(message.text.count("\n    <i>") for message in telegram)
    assert shown == card.shown  # every story made it, each entry whole in one message
    for slack_message in slack_blocks.render_digest(card):
        check_slack_message(slack_message)
    assert _CONTROL.search(console_text.render_digest(card).text) is None


@PROPERTY_SETTINGS
@given(items=st.lists(entries, max_size=40), lang=langs, cap=st.integers(1, 40))
def test_any_backlog_fold_renders_as_one_message(
    items: list[DigestEntry], lang: str, cap: int
) -> None:
    fold = build_backlog_fold(items, chat_lang=lang, cap=cap)
    check_telegram_message(telegram_html.render_backlog_fold(fold))
    check_slack_message(slack_blocks.render_backlog_fold(fold))
    assert _CONTROL.search(console_text.render_backlog_fold(fold).text) is None
