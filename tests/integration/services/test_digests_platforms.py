"""A channel's digest with 30 stories in Hindi and English, through the real python-telegram-bot
and slack-sdk clients against the fake Telegram and Slack servers.

Telegram: split into as few messages as fit (each ≤ 4096 after parsing, which the fake checks
with Telegram's own rules), no story lost or repeated. Slack: one main message within Block Kit
limits (the fake validates them), the rest in its thread.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.adapters.outlets.platforms import SlackOutlet, TelegramOutlet
from bot.adapters.slack.sender import SlackSender
from bot.adapters.storage.store import Store
from bot.adapters.telegram.sender import TelegramSender
from bot.domain.models import Article, ChatKind, DeliveryMode, Platform
from bot.services.digests import DigestService
from bot.services.ports import ChatDefaults, ChatRow, NewSubscription, OutboxEntry
from tests.fakes.slack_server import FakeSlack
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram

HINDI = [
    "सरकार ने {n} चीनी ऐप्स पर लगाया प्रतिबंध, टिकटॉक जैसे शॉर्ट वीडियो ऐप्स भी सूची में शामिल",
    "साइबर हमले के बाद अस्पताल की ऑनलाइन सेवाएं {n} घंटे तक ठप रहीं, मरीज परेशान",
    "बैंक ग्राहकों का डेटा लीक होने का दावा, {n} लाख खातों की जानकारी डार्क वेब पर बिकने का आरोप",
]
ENGLISH = [
    "Government blocks {n} more China-linked apps citing data security concerns",
    "Ransomware attack on a state power utility disrupts billing for {n} hours",
    "Data leak at e-commerce start-up exposes {n} lakh customer addresses",
]


async def _channel_with_30_stories(
    store: Store, platform: Platform, chat_id: str, clock
) -> ChatRow:  # type: ignore[no-untyped-def]
    chat, _ = await store.chats.get_or_create(
        platform,
        chat_id,
        defaults=ChatDefaults(
            kind=ChatKind.CHANNEL,
            lang="hi",
            timezone="Asia/Kolkata",
            mode=DeliveryMode.DIGEST,
            digest_schedule="daily 09:00",
        ),
    )
    subs = []
    for query in ("tiktok ban", "#hack", '"data leak"'):
        added = await store.subscriptions.add(
            NewSubscription(chat_id=chat.id, query_text=query, query_norm=query)
        )
        subs.append(added.subscription.id)
    articles = []
    for n in range(30):
        template = (HINDI if n % 2 else ENGLISH)[n % 3]
        articles.append(
            Article(
                url=f"https://news.example/{platform}/{n}",
                title=template.format(n=n + 11),
                source_name="खबर संवाद" if n % 2 else "Daily Ledger",
                published_at=clock() - timedelta(minutes=5 * n),
                lang="hi" if n % 2 else "en",
            )
        )
    stored = await store.articles.insert_new(None, articles, fetched_at=clock())
    await store.outbox.enqueue(
        [
            OutboxEntry(
                chat_id=chat.id,
                story_id=f"{platform}-{a.id}",
                article_id=a.id,
                subscription_ids=(subs[i % 3],),
                score=5.0 - i / 10,
                hold=True,
            )
            for i, a in enumerate(stored.new)
        ]
    )
    return chat


async def test_thirty_story_digest_through_telegram(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    chat = await _channel_with_30_stories(store, Platform.TELEGRAM, "-1001234", clock)
    async with FakeTelegram() as telegram:
        telegram.add_chat(-1001234, type="channel", title="खबरदार चैनल", bot_is_admin=True)
        async with TelegramSender(DEFAULT_TOKEN, telegram.base_url) as sender:
            service = DigestService(
                storage=store,
                outlets={Platform.TELEGRAM: TelegramOutlet(sender)},
                clock=clock,
                cap=30,
            )
            clock.now = datetime(2026, 11, 28, 3, 31, tzinfo=UTC)
            assert await service.run_scheduled(chat.id) == 30
            assert await service.run_scheduled(chat.id) == 0  # exactly once
        messages = telegram.messages(-1001234)
    assert 1 <= len(messages) <= 4  # as few as fit, never one per story
    # every message is within Telegram's limit (the fake refuses longer ones) and no message
    # but the last was split off while it still had plenty of room
    assert all(len(m.plain_text.encode("utf-16-le")) // 2 <= 4096 for m in messages)
    assert all(len(m.plain_text) > 2000 for m in messages[:-1])
    text = "\n".join(m.plain_text for m in messages)
    assert "आज की 30 खबरें" in messages[0].plain_text
    for n in range(30):
        template = (HINDI if n % 2 else ENGLISH)[n % 3]
        assert text.count(template.format(n=n + 11)) == 1  # every story, once
    assert all(m.parse_mode == "HTML" for m in messages)


async def test_thirty_story_digest_through_slack(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    chat = await _channel_with_30_stories(store, Platform.SLACK, "C0NEWS", clock)
    async with FakeSlack() as slack:
        slack.add_channel("C0NEWS", name="khabar")
        async with SlackSender(slack.token, slack.api_url) as sender:
            service = DigestService(
                storage=store, outlets={Platform.SLACK: SlackOutlet(sender)}, clock=clock, cap=30
            )
            clock.now = datetime(2026, 11, 28, 3, 31, tzinfo=UTC)
            assert await service.run_scheduled(chat.id) == 30
        posted = slack.messages("C0NEWS")
    main, *thread = posted
    assert main.thread_ts is None and all(m.thread_ts == main.ts for m in thread)
    assert all(len(m.blocks) <= 50 for m in posted)
    shown = "\n".join(str(b) for m in posted for b in m.blocks)
    for n in range(30):
        template = (HINDI if n % 2 else ENGLISH)[n % 3]
        assert template.format(n=n + 11)[:40] in shown
