"""Digests on the real SQLite store: exactly once per period, crash recovery, missed digests."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from bot.adapters.console.chat import ConsoleOutput
from bot.adapters.outlets.platforms import ConsoleOutlet
from bot.adapters.storage.store import Store
from bot.domain.cards import DigestCard
from bot.domain.models import Article, ChatKind, DeliveryMode, Platform
from bot.services.digests import DigestService
from bot.services.ports import ChatDefaults, ChatRow, NewSubscription, OutboxEntry

TITLES = [
    "टिकटॉक पर प्रतिबंध के बाद कंपनी ने भारत में कर्मचारियों की छंटनी की",
    "सरकार ने 59 चीनी ऐप्स पर लगाया बैन, टिकटॉक भी शामिल",
    "TikTok ban: ByteDance says user data never left India",
]


class RecordingDigests:
    platform = Platform.CONSOLE

    def __init__(self) -> None:
        self.cards: list[DigestCard] = []

    async def send_digest(self, chat: ChatRow, card: DigestCard) -> list[str]:
        self.cards.append(card)
        return [f"d{len(self.cards)}"]


async def _chat_with_held_stories(store: Store, clock, schedule: str = "daily 09:00") -> ChatRow:  # type: ignore[no-untyped-def]
    chat, _ = await store.chats.get_or_create(
        Platform.CONSOLE,
        "news-room",
        defaults=ChatDefaults(
            kind=ChatKind.CHANNEL,
            lang="hi",
            timezone="Asia/Kolkata",
            mode=DeliveryMode.DIGEST,
            digest_schedule=schedule,
        ),
    )
    added = await store.subscriptions.add(
        NewSubscription(chat_id=chat.id, query_text="tiktok ban", query_norm="tiktok ban")
    )
    stored = await store.articles.insert_new(
        None,
        [
            Article(
                url=f"https://n.example/{i}",
                title=t,
                source_name="खबर",
                published_at=clock() - timedelta(hours=1),
            )
            for i, t in enumerate(TITLES)
        ],
        fetched_at=clock(),
    )
    await store.outbox.enqueue(
        [
            OutboxEntry(
                chat_id=chat.id,
                story_id=f"s{a.id}",
                article_id=a.id,
                subscription_ids=(added.subscription.id,),
                score=3.0 - i,
                hold=True,
            )
            for i, a in enumerate(stored.new)
        ]
    )
    return chat


async def test_a_scheduled_digest_is_sent_exactly_once_per_period(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 08:30 IST: stories come in
    chat = await _chat_with_held_stories(store, clock)
    clock.now = datetime(2026, 11, 28, 3, 31, tzinfo=UTC)  # 09:01 IST
    outlet = RecordingDigests()
    service = DigestService(storage=store, outlets={Platform.CONSOLE: outlet}, clock=clock)
    assert await service.run_scheduled(chat.id) == 3
    assert await service.run_scheduled(chat.id) == 0  # same period: already taken
    (card,) = outlet.cards
    assert card.period_end == datetime(2026, 11, 28, 3, 30, tzinfo=UTC)  # 09:00 IST
    assert card.period_start == datetime(2026, 11, 27, 3, 30, tzinfo=UTC)
    assert [e.title for g in card.groups for e in g.entries] == TITLES  # best first
    assert await store.outbox.held_for_digest(chat.id) == []


async def test_a_digest_claimed_by_a_crashed_run_is_recovered_once(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    chat = await _chat_with_held_stories(store, clock)
    clock.now = datetime(2026, 11, 28, 3, 31, tzinfo=UTC)
    crashed = await store.digests.claim(
        chat.id,
        period_start=datetime(2026, 11, 27, 3, 30, tzinfo=UTC),
        period_end=datetime(2026, 11, 28, 3, 30, tzinfo=UTC),
        now=clock(),
    )
    assert crashed is not None  # the process died right after claiming
    outlet = RecordingDigests()
    service = DigestService(storage=store, outlets={Platform.CONSOLE: outlet}, clock=clock)
    assert await service.run_scheduled(chat.id) == 0  # the period is taken
    assert await service.recover() == 0  # not stale yet
    clock.advance(minutes=11)
    assert await service.recover() == 1
    assert await service.recover() == 0
    assert len(outlet.cards) == 1 and outlet.cards[0].total == 3


async def test_missed_digest_is_sent_on_start_within_grace_only(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    chat = await _chat_with_held_stories(store, clock)
    clock.now = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # 10:30 IST: 09:00 missed 1.5 h ago
    outlet = RecordingDigests()
    late = DigestService(
        storage=store, outlets={Platform.CONSOLE: outlet}, clock=clock, grace=timedelta(hours=1)
    )
    await late.start()
    assert outlet.cards == []  # too late: the stories wait for the next digest
    assert len(await store.outbox.held_for_digest(chat.id)) == 3
    lenient = DigestService(
        storage=store, outlets={Platform.CONSOLE: outlet}, clock=clock, grace=timedelta(hours=2)
    )
    await lenient.start()
    assert len(outlet.cards) == 1 and outlet.cards[0].total == 3


async def test_digest_now_renders_in_hindi_on_the_console(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    chat = await _chat_with_held_stories(store, clock)
    stream = io.StringIO()
    service = DigestService(
        storage=store,
        outlets={Platform.CONSOLE: ConsoleOutlet(ConsoleOutput(stream))},
        clock=clock,
    )
    assert await service.send_now(chat) == 3
    text = stream.getvalue()
    for title in TITLES:
        assert title[:30] in text
    assert "आज की 3 खबरें" in text
    before = stream.getvalue()
    clock.advance(minutes=5)
    assert await service.send_now(chat) == 0  # nothing new: a short notice, no stories
    assert stream.getvalue() != before
