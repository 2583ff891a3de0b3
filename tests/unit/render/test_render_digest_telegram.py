"""Telegram digests and the backlog fold: grouped, localised, split only between entries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from render_checks import check_telegram_message, utf16

from bot.domain.cards import (
    DigestEntry,
    DigestKind,
    build_backlog_fold,
    build_digest_card,
)
from bot.domain.render.telegram_html import render_backlog_fold, render_digest

END = datetime(2020, 7, 4, 3, 30, tzinfo=UTC)  # 09:00 IST
LONG_HINDI = (
    "दिल्ली-एनसीआर में मूसलाधार बारिश से जगह-जगह जलभराव, कई इलाकों में घंटों लंबा जाम और "
    "बिजली गुल; मौसम विभाग ने अगले अड़तालीस घंटों के लिए ऑरेंज अलर्ट जारी किया, स्कूल बंद रखने "
    "की सलाह, यातायात पुलिस ने वैकल्पिक रास्तों की सूची जारी की और लोगों से घर से कम निकलने को कहा"
)


def entry(
    n: int,
    group: str = "मौसम",
    *,
    title: str | None = None,
    hours_ago: float = 1,
    score: float | None = None,
    other: int = 0,
) -> DigestEntry:
    return DigestEntry(
        title=title or f"खबर {n}",
        url=f"https://www.amarujala.com/delhi/news-{n}?utm_source=rss&n={n}",
        source_name="अमर उजाला",
        published_at=END - timedelta(hours=hours_ago),
        group=group,
        score=score if score is not None else 1 - n / 1000,
        other_sources=other,
    )


def daily(entries: list[DigestEntry], lang: str = "hi", cap: int = 30):  # type: ignore[no-untyped-def]
    return build_digest_card(
        entries,
        kind=DigestKind.DAILY,
        period_start=END - timedelta(days=1),
        period_end=END,
        chat_lang=lang,
        cap=cap,
    )


def href(n: int) -> str:
    return f"https://www.amarujala.com/delhi/news-{n}?utm_source=rss&amp;n={n}"


def test_small_hindi_digest_layout() -> None:
    card = daily(
        [
            entry(1, "tiktok ban", title="टिकटॉक पर प्रतिबंध स्थायी", other=3),
            entry(2, "मौसम", title="दिल्ली में भारी बारिश", hours_ago=20),
            entry(3, "tiktok ban", title="ऐप कंपनियों ने कहा: हम नियम मानेंगे"),
        ]
    )
    (message,) = render_digest(card)
    assert message.text == (
        "🗞 <b>आज की 3 खबरें · 4 जुलाई 2020</b>\n"
        "\n"
        "🔎 <b>tiktok ban</b>\n"
        f'• <a href="{href(1)}">टिकटॉक पर प्रतिबंध स्थायी</a>\n'
        "    <i>अमर उजाला · सुबह 8:00 · +3 और स्रोत</i>\n"
        f'• <a href="{href(3)}">ऐप कंपनियों ने कहा: हम नियम मानेंगे</a>\n'
        "    <i>अमर उजाला · सुबह 8:00</i>\n"
        "\n"
        "🔎 <b>मौसम</b>\n"
        f'• <a href="{href(2)}">दिल्ली में भारी बारिश</a>\n'
        "    <i>अमर उजाला · 3 जुलाई, दोपहर 1:00</i>"
    )
    check_telegram_message(message)
    assert message.preview_url is None


@pytest.mark.parametrize(
    ("kind", "lang", "count", "expected"),
    [
        (DigestKind.DAILY, "hi", 12, "आज की 12 खबरें · 4 जुलाई 2020"),
        (DigestKind.DAILY, "en", 12, "12 stories today · 4 Jul 2020"),
        (DigestKind.DAILY, "hi", 1, "आज की 1 खबर · 4 जुलाई 2020"),
        (DigestKind.DAILY, "en", 1, "1 story today · 4 Jul 2020"),
        (DigestKind.HOURLY, "en", 5, "5 stories in the last hour · 4 Jul 2020, 8:00–9:00 AM IST"),
        (DigestKind.HOURLY, "hi", 5, "पिछले घंटे की 5 खबरें · 4 जुलाई 2020, सुबह 8:00–9:00"),
        (DigestKind.WEEKLY, "hi", 30, "इस हफ़्ते की 30 खबरें · 27 जून – 4 जुलाई 2020"),
        (DigestKind.WEEKLY, "en", 30, "30 stories this week · 27 Jun – 4 Jul 2020"),
        (DigestKind.DAILY, "hi", 0, "आज कोई नई खबर नहीं आई · 4 जुलाई 2020"),
        (DigestKind.WEEKLY, "en", 0, "Nothing new this week · 27 Jun – 4 Jul 2020"),
    ],
)
def test_headers(kind: DigestKind, lang: str, count: int, expected: str) -> None:
    length = {
        DigestKind.HOURLY: timedelta(hours=1),
        DigestKind.DAILY: timedelta(days=1),
        DigestKind.WEEKLY: timedelta(days=7),
    }[kind]
    card = build_digest_card(
        [entry(n) for n in range(count)],
        kind=kind,
        period_start=END - length,
        period_end=END,
        chat_lang=lang,
        cap=50,
    )
    messages = render_digest(card)
    visible = check_telegram_message(messages[0])
    assert visible.split("\n", 1)[0] == "🗞 " + expected


def _entries_of(visible: str) -> list[str]:
    """Each entry's two lines ("• title", "    meta") from a digest's visible text."""
    lines = visible.split("\n")
    return [f"{line}\n{lines[i + 1]}" for i, line in enumerate(lines) if line.startswith("• ")]


def test_long_hindi_digest_splits_between_entries_into_as_few_messages_as_fit() -> None:
    groups = ["मौसम", "tiktok ban", "#privacy"]
    entries = [entry(n, groups[n % 3], title=f"{n}. {LONG_HINDI}", other=n % 5) for n in range(90)]
    card = daily(entries, cap=90)
    messages = render_digest(card)
    visibles = [check_telegram_message(message) for message in messages]
    assert len(messages) >= 3
    assert all(utf16(v) > 3000 for v in visibles[:-1])  # pages are filled
    # Every entry appears exactly once, whole, in best-first order within its group.
    seen = [e for v in visibles for e in _entries_of(v)]
    assert len(seen) == 90
    for v, message in zip(visibles, messages, strict=True):
        assert message.text.count("<a href=") == len(_entries_of(v))  # link and meta together
    # As few messages as possible: the next message's first entry would not have fitted.
    for before, after in itertools.pairwise(visibles):
        assert utf16(before) + 2 + utf16(_entries_of(after)[0]) > 4096
    # A group continuing into the next message repeats its heading, marked as continued.
    assert any(v.startswith("🔎 ") and "(जारी)" in v.split("\n", 1)[0] for v in visibles[1:])
    assert visibles[0].startswith("🗞 आज की 90 खबरें")


def test_cap_adds_more_line_with_list_pointer() -> None:
    card = daily([entry(n) for n in range(40)], lang="en", cap=25)
    messages = render_digest(card)
    visible = check_telegram_message(messages[-1])
    assert visible.endswith(
        "➕ +15 more stories not shown here.\nToo many? Review what you track with /list"
    )
    assert check_telegram_message(messages[0]).startswith("🗞 40 stories today")


def test_hostile_titles_in_a_digest() -> None:
    titles = [
        "<script>x</script>",
        "a < b & c > d",
        "&amp; &lt;",
        "پاکستان میں پابندی",
        "x" * 10_000,
    ]
    card = daily([entry(n, "<b>group</b>", title=t) for n, t in enumerate(titles)], lang="en")
    for message in render_digest(card):
        visible = check_telegram_message(message)
        assert "🔎 <b>group</b>" in visible


def test_backlog_fold_fits_one_message_and_counts_the_rest() -> None:
    entries = [entry(n, "tiktok ban", title=f"{n}. {LONG_HINDI}") for n in range(60)]
    fold = build_backlog_fold(entries, chat_lang="hi", cap=60)
    message = render_backlog_fold(fold)
    visible = check_telegram_message(message)
    listed = len(_entries_of(visible))
    assert 5 < listed < 60
    assert visible.startswith("📚 आपकी ट्रैकिंग से जुड़ी 60 और खबरें\n")
    assert visible.endswith(f"…और {60 - listed} खबरें")
    assert "tiktok ban" in visible  # each listed story names its subscription


def test_small_backlog_fold_in_english() -> None:
    fold = build_backlog_fold(
        [entry(1, "tiktok ban", title="TikTok ban made permanent")], chat_lang="en"
    )
    visible = check_telegram_message(render_backlog_fold(fold, silent=True))
    assert visible == (
        "📚 +1 more story for your subscriptions\n"
        "A lot came in at once, so here they are together:\n"
        "\n"
        "• TikTok ban made permanent\n"
        "    अमर उजाला · 8:00 AM · tiktok ban"
    )
