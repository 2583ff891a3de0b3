"""/track, /untrack, /list, /mute, /unmute in a private chat, on the real store and matcher."""

from __future__ import annotations

from datetime import timedelta

from commands_harness import (
    Bot,
    BotFactory,
    match_and_queue,
    private,
    spans,
    store_articles,
    text_of,
)

from bot.domain.models import Article, DeliveryMode
from bot.domain.query import ParsedQuery

TIKTOK_EN = "India bans TikTok and 58 other Chinese apps over data security"
TIKTOK_HI = "भारत में टिकटॉक पर प्रतिबंध, 59 चीनी ऐप बंद करने का फ़ैसला"
TIKTOK_HI_AGAIN = "टिकटॉक समेत 59 चीनी ऐप पर प्रतिबंध, सरकार ने सुरक्षा को बताया वजह"
CRICKET = "India win the cricket series against Australia"


def _tiktok_article(bot: Bot) -> Article:
    return Article(
        url="https://fresh.example/tiktok",
        title="सरकार ने टिकटॉक पर प्रतिबंध लगाया",
        lang="hi",
        published_at=bot.clock() - timedelta(minutes=1),
    )


async def test_track_stores_the_query_updates_the_index_and_explains_it(bot: Bot) -> None:
    ctx = private()
    assert bot.tracking.match(_tiktok_article(bot), now=bot.clock()) == []

    replies = await bot.say(ctx, '/track tiktok ban -"फ़िल्म"')

    text = text_of(replies)
    assert "Tracking #1" in text
    assert "टिकटॉक" in text and "प्रतिबंध" in text  # the explanation shows the Hindi forms
    assert not replies[0].public  # a private chat: nothing to announce
    chat = await bot.chat(ctx)
    [row] = await bot.store.subscriptions.list_for_chat(chat.id)
    assert row.query_text == 'tiktok ban -"फ़िल्म"'
    parsed = ParsedQuery.from_json(row.parsed or {})
    assert row.query_norm == parsed.canonical()
    assert row.created_by == "501" and row.thread_id is None
    # the live index knows it at once: a Hindi article about the ban matches now
    [match] = bot.tracking.match(_tiktok_article(bot), now=bot.clock())
    assert match.subscription_id == row.id


async def test_track_back_tests_the_last_48_hours_and_links_the_top_stories(bot: Bot) -> None:
    await store_articles(
        bot,
        [
            ("https://en.example/tiktok", TIKTOK_EN, "en"),
            ("https://hi.example/tiktok", TIKTOK_HI, "hi"),
            ("https://hi.example/tiktok-2", TIKTOK_HI_AGAIN, "hi"),
            ("https://en.example/cricket", CRICKET, "en"),
        ],
        minutes_ago=60,
    )
    await store_articles(
        bot,
        [("https://old.example/tiktok", "TikTok ban: three days on", "en")],
        minutes_ago=50 * 60,
    )

    replies = await bot.say(private(), "/track tiktok ban")

    text = text_of(replies)
    assert "3 articles from the last 48 hours would have matched" in text
    links = {span.url: span.text for span in spans(replies) if span.url}
    assert set(links) == {
        "https://en.example/tiktok",
        "https://hi.example/tiktok",
        "https://hi.example/tiktok-2",
    }
    assert "https://old.example/tiktok" not in text and CRICKET not in text


async def test_track_examples_show_one_article_per_story(bot: Bot) -> None:
    articles = await store_articles(
        bot,
        [
            ("https://a.example/1", TIKTOK_EN, "en"),
            ("https://b.example/1", TIKTOK_EN + " — full list", "en"),
        ],
    )
    assert len(articles) == 2
    replies = await bot.say(private(), "/track tiktok ban")
    assert "2 articles from the last 48 hours" in text_of(replies)
    # the preview clusters the two near-identical reports into one story: one example link
    assert len([span for span in spans(replies) if span.url]) == 1


async def test_track_in_hindi_answers_in_hindi_with_no_matches_yet(bot: Bot) -> None:
    replies = await bot.say(private("502", language="hi"), "/track व्हाट्सऐप डेटा लीक")
    text = text_of(replies)
    assert "ट्रैकिंग #1 शुरू" in text
    assert "पिछले 48 घंटों की कोई खबर इससे मेल नहीं खाती" in text


async def test_track_refuses_duplicates_bad_queries_long_queries_and_the_cap(
    make_bot: BotFactory,
) -> None:
    bot = make_bot(max_subscriptions=2, max_query_length=40)
    ctx = private()
    assert "Tracking #1" in await bot.said(ctx, "/track tiktok ban")
    assert "already tracking this as #1" in await bot.said(ctx, "/track Ban   TikTok")

    bad = await bot.said(ctx, "/track tiktok (ban")
    assert "character 8" in bad and "Usage: /track" in bad

    long_query = "/track " + " ".join(["word"] * 12)
    assert "too long (59 characters; at most 40)" in await bot.said(ctx, long_query)

    assert "Tracking #2" in await bot.said(ctx, "/track pubg")
    assert "already tracks 2 queries" in await bot.said(ctx, "/track whatsapp leak")

    chat = await bot.chat(ctx)
    assert [r.query_text for r in await bot.store.subscriptions.list_for_chat(chat.id)] == [
        "tiktok ban",
        "pubg",
    ]
    assert len(bot.tracking) == 2


async def test_track_error_in_hindi_names_the_position(bot: Bot) -> None:
    text = await bot.said(private(language="hi-IN"), "/track #नहींहै")
    assert "अक्षर 1" in text and "ऐसे लिखें: /track" in text
    assert await bot.store.subscriptions.list_all_active() == []


async def test_list_numbers_subscriptions_with_mode_mute_state_and_last_alert(bot: Bot) -> None:
    ctx = private()
    for query in ("tiktok ban", "data leak", "pubg"):
        await bot.say(ctx, f"/track {query}")
    chat = await bot.chat(ctx)
    rows = await bot.store.subscriptions.list_for_chat(chat.id)
    await bot.store.subscriptions.touch_alerted([rows[1].id], at=bot.clock() - timedelta(hours=2))
    await bot.say(ctx, "/mute 3 1d")

    text = await bot.said(ctx, "/list")

    lines = text.splitlines()
    assert lines[0] == "📋 Tracked in this chat (3):"
    assert lines[1] == "1. tiktok ban · instant alerts · 🔔 on · no alerts yet"
    # 01:00 UTC is 6:30 AM in India (the chat's default timezone)
    assert lines[2] == "2. data leak · instant alerts · 🔔 on · last alert 28 Nov 2026, 6:30 AM IST"
    assert lines[3].startswith("3. pubg · instant alerts · 🔕 muted until 29 Nov 2026, 8:30 AM IST")


async def test_list_in_hindi_and_when_empty(bot: Bot) -> None:
    ctx = private(language="hi")
    assert "यहाँ अभी कुछ ट्रैक नहीं हो रहा" in await bot.said(ctx, "/list")
    await bot.say(ctx, "/track टिकटॉक बैन")
    text = await bot.said(ctx, "/list")
    assert "1. टिकटॉक बैन · तुरंत अलर्ट · 🔔 चालू · अभी तक कोई अलर्ट नहीं" in text


async def test_untrack_by_number_and_by_query_updates_store_and_index(bot: Bot) -> None:
    ctx = private()
    for query in ("tiktok ban", "data leak", "pubg"):
        await bot.say(ctx, f"/track {query}")
    chat = await bot.chat(ctx)
    first, second, third = await bot.store.subscriptions.list_for_chat(chat.id)

    assert "Stopped tracking #2: data leak" in await bot.said(ctx, "/untrack 2")
    assert bot.tracking.owner(second.id) is None
    # numbers follow creation order among what is left: pubg is #2 now
    assert "Stopped tracking #2: pubg" in await bot.said(ctx, "/untrack PUBG")
    assert bot.tracking.owner(third.id) is None
    # same meaning, other word order
    assert "Stopped tracking #1: tiktok ban" in await bot.said(ctx, "/untrack Ban TikTok")
    assert len(bot.tracking) == 0
    assert await bot.store.subscriptions.list_for_chat(chat.id) == []
    assert first.id != second.id


async def test_untrack_not_found_and_nothing_to_untrack(bot: Bot) -> None:
    ctx = private()
    assert "doesn't track anything yet" in await bot.said(ctx, "/untrack 1")
    await bot.say(ctx, "/track tiktok ban")
    assert "There's no #4 in this chat" in await bot.said(ctx, "/untrack 4")
    assert "doesn't track “cricket”" in await bot.said(ctx, "/untrack cricket")
    assert "Usage: /untrack" in await bot.said(ctx, "/untrack")
    assert len(bot.tracking) == 1


async def test_untrack_all_asks_for_confirmation_with_buttons(bot: Bot) -> None:
    ctx = private()
    assert "nothing to remove" in await bot.said(ctx, "/untrack all")
    await bot.say(ctx, "/track tiktok ban")
    await bot.say(ctx, "/track data leak")

    [confirm] = await bot.say(ctx, "/untrack all")

    assert "Remove all 2 subscriptions" in confirm.plain_text()
    [[yes, cancel]] = confirm.buttons
    assert (yes.callback_data, cancel.callback_data) == ("untrack_all", "cancel")
    assert len(bot.tracking) == 2  # nothing removed before the button is pressed

    answer = await bot.service.handle_callback(ctx, "cancel")
    assert answer.toast == "OK, nothing was removed."
    assert len(bot.tracking) == 2

    answer = await bot.service.handle_callback(ctx, yes.callback_data or "")
    assert answer.toast.startswith("🗑 Removed all 2 subscriptions")
    assert answer.updated is not None and "Removed all 2" in answer.updated.plain_text()
    assert len(bot.tracking) == 0
    chat = await bot.chat(ctx)
    assert await bot.store.subscriptions.count_for_chat(chat.id) == 0
    # pressing it again is harmless
    again = await bot.service.handle_callback(ctx, "untrack_all")
    assert again.toast == "There was nothing to remove."


async def test_mute_and_unmute_store_the_time_and_reach_the_index(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    chat = await bot.chat(ctx)
    [row] = await bot.store.subscriptions.list_for_chat(chat.id)

    text = await bot.said(ctx, "/mute 1 2 घंटे")

    assert "#1 is muted until 28 Nov 2026, 10:30 AM IST" in text
    stored = await bot.store.subscriptions.get(row.id)
    assert stored is not None and stored.muted_until == bot.clock() + timedelta(hours=2)
    owner = bot.tracking.owner(row.id)
    assert owner is not None and owner.is_muted(bot.clock())

    assert "#1 is back on" in await bot.said(ctx, "/unmute 1")
    owner = bot.tracking.owner(row.id)
    assert owner is not None and not owner.is_muted(bot.clock())
    assert "#1 isn't muted" in await bot.said(ctx, "/unmute #1")


async def test_mute_without_duration_mutes_for_eight_hours_and_bad_input_shows_usage(
    bot: Bot,
) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    assert "until 28 Nov 2026, 4:30 PM IST" in await bot.said(ctx, "/mute 1")
    no_such = await bot.said(ctx, "/mute 7 1h")
    assert "There's no #7 in this chat" in no_such and "Usage: /mute" in no_such
    assert "Add a unit" in await bot.said(ctx, "/mute 1 90")
    assert "Usage: /unmute" in await bot.said(ctx, "/unmute two")


async def test_a_muted_subscription_holds_its_matches_for_the_digest(bot: Bot) -> None:
    """The index sees the mute at once: the real pipeline holds the alert."""
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    await bot.say(ctx, "/mute 1 8h")
    [article] = await store_articles(bot, [("https://hi.example/t", TIKTOK_HI, "hi")])
    assert await match_and_queue(bot, [article]) == 1
    chat = await bot.chat(ctx)
    [row] = await bot.store.outbox.recent_for_chat(chat.id)
    assert row.hold is True
    assert chat.mode is DeliveryMode.REALTIME
