"""/why: the latest alerts, why one was sent, and why an article did not reach the chat.

Alerts are made by the real alert pipeline (matcher, outbox) over articles in the real store.
"""

from __future__ import annotations

from commands_harness import Bot, group, match_and_queue, private, spans, store_articles

from bot.domain.models import DeliveryMode

TIKTOK_HI = "भारत में टिकटॉक पर प्रतिबंध, 59 चीनी ऐप बंद करने का फ़ैसला"
TIKTOK_EN = "TikTok ban: India blocks 59 Chinese apps"
LEAK_EN = "WhatsApp data leak exposes phone numbers of 50 lakh users"
CRICKET = "India win the cricket series against Australia"


async def _alerted(bot: Bot, ctx, queries: list[str], items):  # type: ignore[no-untyped-def]
    for query in queries:
        await bot.say(ctx, f"/track {query}")
    articles = await store_articles(bot, items)
    await match_and_queue(bot, articles)
    return articles


async def test_bare_why_lists_the_latest_alerts_newest_first(bot: Bot) -> None:
    ctx = private()
    assert "No alerts in this chat yet" in await bot.said(ctx, "/why")
    await _alerted(bot, ctx, ["tiktok ban"], [("https://hi.example/1", TIKTOK_HI, "hi")])
    bot.clock.advance(minutes=5)
    await _alerted(bot, ctx, ["data leak"], [("https://en.example/2", LEAK_EN, "en")])
    chat = await bot.chat(ctx)
    newest, oldest = await bot.store.outbox.recent_for_chat(chat.id)
    await bot.store.outbox.mark_sent(oldest.id, platform_message_id="9", sent_at=bot.clock())

    replies = await bot.say(ctx, "/why")

    lines = replies[0].plain_text().splitlines()
    assert lines[0].startswith("🔎 Latest alerts in this chat")
    assert lines[1] == f"1. {LEAK_EN} (https://en.example/2) · about to be sent"
    assert lines[2] == f"2. {TIKTOK_HI} (https://hi.example/1) · sent 28 Nov 2026, 8:35 AM IST"
    assert newest.article_id != oldest.article_id


async def test_why_n_explains_a_sent_alert_with_terms_fields_and_score(bot: Bot) -> None:
    ctx = private()
    await _alerted(bot, ctx, ["pubg", "tiktok ban"], [("https://hi.example/1", TIKTOK_HI, "hi")])
    chat = await bot.chat(ctx)
    [row] = await bot.store.outbox.recent_for_chat(chat.id)
    await bot.store.outbox.mark_sent(row.id, platform_message_id="1", sent_at=bot.clock())

    replies = await bot.say(ctx, "/why 1")

    text = replies[0].plain_text()
    assert text.startswith(f"Why I sent “{TIKTOK_HI} (https://hi.example/1)”:")
    assert f"• it matches #2 “tiktok ban” (score {row.score:g})" in text
    assert "“tiktok” found as “टिकटॉक” in the title" in text
    assert "“ban” found as “प्रतिबंध” in the title" in text
    assert "Sent 28 Nov 2026, 8:30 AM IST." in text
    assert await bot.said(ctx, "/why 2") == "There's no alert #2 in this chat."


async def test_why_names_every_subscription_an_alert_matched(bot: Bot) -> None:
    ctx = private()
    await _alerted(bot, ctx, ["tiktok", "tiktok ban"], [("https://en.example/1", TIKTOK_EN, "en")])
    text = await bot.said(ctx, "/why 1")
    assert "#1 “tiktok”" in text and "#2 “tiktok ban”" in text


async def test_why_in_hindi(bot: Bot) -> None:
    ctx = private(language="hi")
    await _alerted(bot, ctx, ["टिकटॉक बैन"], [("https://en.example/1", TIKTOK_EN, "en")])
    text = await bot.said(ctx, "/why 1")
    assert "इस चैट में क्यों नहीं आई" in text  # still queued: not sent yet
    assert "यह कतार में है" in text
    assert "#1 “टिकटॉक बैन” से मेल खाती है" in text
    assert "शीर्षक में" in text


async def test_why_held_alerts_say_why_they_wait(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    await bot.say(ctx, "/pause")
    articles = await store_articles(bot, [("https://hi.example/1", TIKTOK_HI, "hi")])
    await match_and_queue(bot, articles)
    assert "• alerts in this chat were paused." in await bot.said(ctx, "/why 1")

    await bot.say(ctx, "/resume")
    await bot.say(ctx, "/mute 1 3h")
    articles = await store_articles(bot, [("https://en.example/2", TIKTOK_EN, "en")])
    await match_and_queue(bot, articles)
    assert "• #1 was muted (until 28 Nov 2026, 11:30 AM IST)." in await bot.said(ctx, "/why 1")

    await bot.say(ctx, "/unmute 1")
    chat = await bot.chat(ctx)
    await bot.store.chats.update_settings(chat.id, mode=DeliveryMode.DIGEST)
    articles = await store_articles(
        bot, [("https://en.example/3", "Ban on TikTok to stay, says minister", "en")]
    )
    await match_and_queue(bot, articles)
    assert "gets its news as a digest" in await bot.said(ctx, "/why 1")


async def test_why_below_the_realtime_bar_in_both_mode(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    chat = await bot.chat(ctx)
    await bot.store.chats.update_settings(chat.id, mode=DeliveryMode.BOTH, high_score=9.0)
    articles = await store_articles(bot, [("https://hi.example/1", TIKTOK_HI, "hi")])
    await match_and_queue(bot, articles)
    text = await bot.said(ctx, "/why 1")
    assert "below this chat's bar for instant alerts (9)" in text


async def test_why_url_of_an_unknown_article(bot: Bot) -> None:
    assert (
        await bot.said(private(), "/why https://nowhere.example/story")
        == "I haven't seen that article in any of my sources."
    )
    assert "Usage: /why" in await bot.said(private(), "/why yesterday's news")


async def test_why_url_finds_the_article_by_its_canonical_url(bot: Bot) -> None:
    ctx = private()
    await _alerted(bot, ctx, ["tiktok ban"], [("https://hi.example/story/1", TIKTOK_HI, "hi")])
    text = await bot.said(ctx, "/why https://HI.example/story/1?utm_source=twitter#top")
    assert "it matches #1 “tiktok ban”" in text


async def test_why_url_when_no_subscription_matches(bot: Bot) -> None:
    ctx = private()
    await _alerted(bot, ctx, ["tiktok ban"], [("https://en.example/c", CRICKET, "en")])
    replies = await bot.say(ctx, "/why https://en.example/c")
    text = replies[0].plain_text()
    assert text.splitlines() == [
        f"Why “{CRICKET} (https://en.example/c)” didn't reach this chat:",
        "• none of this chat's subscriptions matches it.",
    ]
    assert [span.url for span in spans(replies) if span.url] == ["https://en.example/c"]


async def test_why_url_when_the_match_is_below_the_threshold(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track whatsapp")
    articles = await store_articles(
        bot,
        [("https://en.example/markets", "Markets close higher on Friday", "en")],
        body="Shares of telecom companies rose. Follow us on WhatsApp for more updates.",
    )
    await match_and_queue(bot, articles)
    text = await bot.said(ctx, "/why https://en.example/markets")
    assert "• #1 matched only weakly (score 1, needs 1.5)." in text
    assert "“whatsapp” found as “WhatsApp” in the text" in text


async def test_why_url_for_a_story_that_came_from_another_source(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    first, second = await store_articles(
        bot,
        [("https://en.example/1", TIKTOK_EN, "en"), ("https://hi.example/1", TIKTOK_HI, "hi")],
    )
    same = {"https://en.example/1": "tiktok", "https://hi.example/1": "tiktok"}
    await match_and_queue(bot, [first, second], same_story=same)
    replies = await bot.say(ctx, "/why https://hi.example/1")
    text = replies[0].plain_text()
    assert f"• the same story already reached you from another source: {TIKTOK_EN}" in text
    assert "https://en.example/1" in [span.url for span in spans(replies)]


async def test_why_url_for_an_article_older_than_the_subscription(bot: Bot) -> None:
    ctx = group(admin=True)
    articles = await store_articles(bot, [("https://hi.example/1", TIKTOK_HI, "hi")])
    await match_and_queue(bot, articles)  # matched before anyone tracked it
    bot.clock.advance(minutes=10)
    await bot.say(ctx, "/track tiktok ban")
    text = await bot.said(ctx, "/why https://hi.example/1")
    assert "#1 matches it, but was created after the article arrived" in text


async def test_why_url_for_an_article_not_matched_yet(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    await store_articles(bot, [("https://hi.example/1", TIKTOK_HI, "hi")])
    assert "• it's queued and will be sent shortly." in await bot.said(
        ctx, "/why https://hi.example/1"
    )
