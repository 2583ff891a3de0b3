"""Chats and people: permissions, groups, forum topics, channels, Slack, joining and leaving,
unknown commands, the rate limit, App Home, and failures that must not escape."""

from __future__ import annotations

from pathlib import Path

from commands_harness import (
    Bot,
    BotFactory,
    channel,
    group,
    match_and_queue,
    private,
    slack_channel,
    store_articles,
    text_of,
)

from bot.domain.models import ChatKind, OutboxStatus, Platform
from bot.services.conversation import ChatContext, Conversation
from bot.services.pacing import WindowLimit

NOT_ADMIN = "Sorry, only this chat's admins can change that. Anyone can see /list."
CHANGING = [
    "/track tiktok ban",
    "/untrack 1",
    "/lang hi",
    "/tz UTC",
    "/quiet 22:00-07:00",
    "/mute 1 1h",
    "/unmute 1",
    "/pause",
    "/resume",
    "/digest daily 09:00",
    "/addsource https://feeds.example/rss",
    "/removesource 1",
]


def test_the_service_is_a_conversation(bot: Bot) -> None:
    conversation: Conversation = bot.service
    assert callable(conversation.handle_text)


async def test_in_groups_only_admins_change_things_but_anyone_may_look(bot: Bot) -> None:
    member, unknown = group(admin=False), group(admin=None, user="602")
    for line in CHANGING:
        assert await bot.said(member, line) == NOT_ADMIN, line
    assert await bot.said(unknown, "/track tiktok ban") == NOT_ADMIN
    chat = await bot.chat(member)
    assert await bot.store.subscriptions.count_for_chat(chat.id) == 0
    assert (chat.lang, chat.timezone, chat.paused) == ("en", "Asia/Kolkata", False)
    assert bot.probe.probed == []
    assert "Nothing is tracked here yet" in await bot.said(member, "/list")
    assert "What I can do" in await bot.said(member, "/help")
    assert "No alerts in this chat yet" in await bot.said(member, "/why")
    assert "No news sources" in await bot.said(member, "/sources")
    assert "I'm Khabardar" in await bot.said(member, "/start")


async def test_group_admins_change_things_and_confirmations_are_public(bot: Bot) -> None:
    admin = group(admin=True)
    [reply] = await bot.say(admin, "/track tiktok ban")
    assert "Tracking #1" in reply.plain_text() and reply.public
    [listing] = await bot.say(group(admin=False), "/list")
    assert "1. tiktok ban" in listing.plain_text() and not listing.public
    chat = await bot.chat(admin)
    assert (chat.kind, chat.title) == (ChatKind.SUPERGROUP, "Newsroom")


async def test_forum_topics_keep_their_thread(bot: Bot) -> None:
    in_topic = group(admin=True, thread_id="77")
    text = await bot.said(in_topic, "/track data leak")
    assert "alerts will arrive here, in this thread" in text
    assert "Tracking #2" in await bot.said(group(admin=True, thread_id="78"), "/track data leak")
    assert "already tracking this as #1" in await bot.said(in_topic, "/track Data Leak")
    chat = await bot.chat(in_topic)
    rows = await bot.store.subscriptions.list_for_chat(chat.id)
    assert [(r.thread_id, r.created_by) for r in rows] == [("77", "601"), ("78", "601")]
    # an alert for the topic's subscription is queued for that topic
    [article] = await store_articles(
        bot, [("https://en.example/leak", "Huge data leak at Indian bank", "en")]
    )
    await bot.say(group(admin=True, thread_id="78"), "/untrack 2")
    await match_and_queue(bot, [article])
    [row] = await bot.store.outbox.recent_for_chat(chat.id)
    assert row.thread_id == "77"


async def test_channel_posts_work_without_a_user(bot: Bot) -> None:
    ctx = channel(language=None)
    [reply] = await bot.say(ctx, "/track टिकटॉक बैन")
    assert "Tracking #1" in reply.plain_text() and reply.public
    chat = await bot.chat(ctx)
    [row] = await bot.store.subscriptions.list_for_chat(chat.id)
    assert row.created_by is None and chat.kind is ChatKind.CHANNEL


async def test_slack_slash_commands_and_channel_confirmations(bot: Bot) -> None:
    ctx = slack_channel()
    replies = await bot.service.handle_command(ctx, "/track", '"data leak" OR breach')
    assert "Tracking #1" in text_of(replies) and replies[0].public
    replies = await bot.service.handle_command(ctx, "/untrack", "1")
    assert "Stopped tracking #1" in text_of(replies)
    refused = ChatContext(
        platform=Platform.SLACK,
        chat_id="C777",
        kind=ChatKind.CHANNEL,
        user_id="U9",
        user_is_admin=False,
    )
    assert text_of(await bot.service.handle_command(refused, "/track", "pubg")) == NOT_ADMIN
    unknown = await bot.service.handle_command(ctx, "/bogus!", "x")
    assert text_of(unknown) == "I don't know /bogus!. /help lists what I can do."


async def test_unknown_commands_get_a_suggestion_and_text_gets_a_hint_in_private(
    bot: Bot,
) -> None:
    ctx = private()
    assert await bot.said(ctx, "/trak tiktok") == (
        "I don't know /trak. Did you mean /track? (/help lists everything.)"
    )
    assert await bot.said(ctx, "/subscribe x") == (
        "I don't know /subscribe. Did you mean /track? (/help lists everything.)"
    )
    assert await bot.said(ctx, "/zzzqqq") == "I don't know /zzzqqq. /help lists what I can do."
    hindi = await bot.said(private("8", language="hi"), "/सूचि")
    assert "क्या आप /list लिखना चाहते थे?" in hindi
    hint = await bot.said(ctx, "टिकटॉक बैन")
    assert hint.endswith("/track टिकटॉक बैन")
    assert await bot.say(group(admin=True), "good morning everyone") == []
    assert await bot.say(ctx, "   ") == []


async def test_bot_added_welcomes_and_bot_removed_stops_everything(bot: Bot) -> None:
    ctx = group(admin=True, language="hi")
    welcome = text_of(await bot.service.chat_joined(ctx))
    assert "नमस्ते! मैं खबरदार हूँ" in welcome
    await bot.say(ctx, "/track tiktok ban")
    [article] = await store_articles(bot, [("https://hi.example/1", "टिकटॉक पर प्रतिबंध", "hi")])
    assert await match_and_queue(bot, [article]) == 1
    chat = await bot.chat(ctx)

    await bot.service.chat_left(ctx)

    left = await bot.chat(ctx)
    assert not left.active
    [row] = await bot.store.outbox.recent_for_chat(chat.id)
    assert row.status is OutboxStatus.SKIPPED
    assert bot.digests.rescheduled[-1].active is False
    assert await bot.store.subscriptions.count_for_chat(chat.id) == 1  # kept for a return

    await bot.service.chat_joined(ctx)
    back = await bot.chat(ctx)
    assert back.active and back.id == chat.id
    assert bot.digests.rescheduled[-1].active is True
    # leaving a chat the bot never knew is a no-op
    await bot.service.chat_left(private("never-seen"))
    assert await bot.store.chats.get_by_platform_id(Platform.TELEGRAM, "never-seen") is None


async def test_a_command_in_a_chat_the_bot_had_left_reactivates_it(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/start")
    await bot.service.chat_left(ctx)
    assert not (await bot.chat(ctx)).active
    await bot.say(ctx, "/list")
    assert (await bot.chat(ctx)).active


async def test_the_rate_limit_explains_once_then_stays_quiet(make_bot: BotFactory) -> None:
    bot = make_bot(rate_limit=WindowLimit(count=3, seconds=60.0))
    ctx = private()
    for _ in range(3):
        assert "Nothing is tracked" in await bot.said(ctx, "/list")
    bot.clock.advance(seconds=20)
    assert await bot.said(ctx, "/list") == (
        "That's a lot of commands at once — please try again in 40 s."
    )
    assert await bot.say(ctx, "/list") == []
    answer = await bot.service.handle_callback(ctx, "cancel")
    assert "try again in 40 s" in answer.toast
    # other people are not affected
    assert "Nothing is tracked" in await bot.said(private("other"), "/list")
    bot.clock.advance(seconds=41)
    assert "Nothing is tracked" in await bot.said(ctx, "/list")


async def test_storage_failure_is_answered_not_raised(bot: Bot) -> None:
    ctx = private()
    await bot.say(ctx, "/track tiktok ban")
    database = bot.store.engine.url.database
    assert database is not None
    await bot.store.close()
    Path(database).unlink()  # the next connection opens an empty file: every query fails

    internal = "😔 Sorry, something went wrong on my side."
    assert (await bot.said(ctx, "/list")).startswith(internal)
    assert (await bot.said(ctx, "/track pubg")).startswith(internal)
    assert text_of(await bot.service.handle_command(ctx, "/why", "1")).startswith(internal)
    assert text_of(await bot.service.chat_joined(ctx)).startswith(internal)
    answer = await bot.service.handle_callback(ctx, "untrack:1")
    assert answer.toast.startswith(internal) and answer.updated is None
    assert (await bot.service.home_view(Platform.SLACK, "U1")).plain_text().startswith(internal)
    await bot.service.chat_left(ctx)  # logged, not raised
    hindi = await bot.said(private(language="hi"), "/list")
    assert hindi.startswith("😔 माफ़ कीजिए")


async def test_home_view_shows_the_users_chats_and_their_subscriptions(bot: Bot) -> None:
    desk = slack_channel(user="U1", chat_id="C1")
    direct = ChatContext(platform=Platform.SLACK, chat_id="D1", kind=ChatKind.PRIVATE, user_id="U1")
    elsewhere = slack_channel(user="U2", chat_id="C2")
    await bot.service.handle_command(desk, "/track", "tiktok ban")
    await bot.service.handle_command(slack_channel(user="U2", chat_id="C1"), "/track", "pubg")
    await bot.service.handle_command(direct, "/track", "data leak")
    await bot.service.handle_command(direct, "/mute", "1 2h")
    await bot.service.handle_command(elsewhere, "/track", "cricket")

    home = (await bot.service.home_view(Platform.SLACK, "U1")).plain_text().splitlines()

    assert home == [
        "📋 Your subscriptions on Khabardar",
        "",
        "💬 Direct messages with me",
        "1. data leak · 🔕 muted until 28 Nov 2026, 10:30 AM IST",
        "",
        "💬 Chat news-desk",
        "1. tiktok ban · 🔔 on",
        "2. pubg · 🔔 on",
    ]
    empty = (await bot.service.home_view(Platform.SLACK, "U3")).plain_text()
    assert "You don't track anything yet" in empty
    # Telegram chats never show in a Slack home
    telegram_home = (await bot.service.home_view(Platform.TELEGRAM, "U1")).plain_text()
    assert "You don't track anything yet" in telegram_home
