"""Poll → store → match → outbox → delivery, on the real SQLite store and the real matcher.

The source reader and the platform outlet are in-memory implementations of their ports (the
real HTTP fetcher and the real Telegram/Slack senders are tested against real servers elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.adapters.storage.store import Store
from bot.domain.lexicon import Lexicon
from bot.domain.matcher import MatchIndex
from bot.domain.models import Article, ChatKind, OutboxStatus, Platform, SourceSpec
from bot.domain.outgoing import SentMessage
from bot.domain.query import ParsedQuery, parse_query
from bot.errors import (
    ChatMigrated,
    ChatUnavailable,
    DeliveryError,
    FetchError,
    RejectedMessage,
    RetryLater,
    TransientDeliveryError,
)
from bot.services.alerting import AlertPipeline
from bot.services.delivery import AlertDelivery, DeliveryPolicy, DeliveryWorker
from bot.services.pacing import PlatformLimits, SendPacer
from bot.services.polling import PollService, ReadOutcome
from bot.services.ports import ChatDefaults, ChatRow, NewSubscription, SourceRow, StoryFingerprint
from bot.services.tracking import TrackingIndex

TIKTOK_HI = "भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी, डाटा लीक की बात से किया इनकार"


class ScriptedReader:
    """Returns, per source URL, the articles the test puts there (or raises)."""

    def __init__(self) -> None:
        self.articles: dict[str, list[Article]] = {}
        self.failures: dict[str, Exception] = {}
        self.reads = 0

    async def read(self, source: SourceRow) -> ReadOutcome:
        self.reads += 1
        if source.url in self.failures:
            raise self.failures[source.url]
        return ReadOutcome(unchanged=False, articles=tuple(self.articles.get(source.url, [])))


class TitleStories:
    """Same normalised title = same story (the real near-duplicate clusterer is unit-tested)."""

    def assign(self, article, recent: list[StoryFingerprint]) -> tuple[str, int | None]:  # type: ignore[no-untyped-def]
        key = " ".join(article.title.split()).casefold()
        return f"t:{key}", None


class RecordingOutlet:
    platform = Platform.TELEGRAM

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (platform chat id, title)
        self.folds: list[tuple[str, int]] = []
        self.script: dict[str, list[DeliveryError]] = {}  # chat id → errors to raise first

    async def send_alert(self, delivery: AlertDelivery) -> SentMessage:
        errors = self.script.get(delivery.chat.platform_chat_id)
        if errors:
            raise errors.pop(0)
        self.sent.append((delivery.chat.platform_chat_id, delivery.article.title))
        return SentMessage(platform_message_id=str(len(self.sent)))

    async def send_fold(self, chat: ChatRow, deliveries: Sequence[AlertDelivery]) -> SentMessage:
        self.folds.append((chat.platform_chat_id, len(deliveries)))
        return SentMessage(platform_message_id=f"fold{len(self.folds)}")


def _article(url: str, title: str, clock, minutes_ago: int = 5, summary: str = "") -> Article:  # type: ignore[no-untyped-def]
    return Article(
        url=url,
        title=title,
        summary=summary,
        published_at=clock() - timedelta(minutes=minutes_ago),
        lang="hi",
        source_name="Test",
    )


async def _setup(store: Store, lexicon: Lexicon, clock, queries: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    index = TrackingIndex(
        MatchIndex(lexicon),
        lambda text, parsed: ParsedQuery.from_json(parsed) if parsed else parse_query(text),
    )
    chats = {}
    for chat_id, chat_queries in queries.items():
        kind = ChatKind.CHANNEL if chat_id.startswith("-") else ChatKind.PRIVATE
        chat, _ = await store.chats.get_or_create(
            Platform.TELEGRAM, chat_id, defaults=ChatDefaults(kind=kind, lang="hi")
        )
        chats[chat_id] = chat
        for text in chat_queries:
            parsed = parse_query(text, lexicon=lexicon)
            added = await store.subscriptions.add(
                NewSubscription(
                    chat_id=chat.id,
                    query_text=text,
                    query_norm=parsed.canonical(),
                    parsed=parsed.to_json(),
                )
            )
            index.put(added.subscription)
    pipeline = AlertPipeline(storage=store, tracking=index, stories=TitleStories(), clock=clock)
    return index, pipeline, chats


def _worker(store: Store, outlet: RecordingOutlet, clock, **policy) -> DeliveryWorker:  # type: ignore[no-untyped-def]
    return DeliveryWorker(
        storage=store,
        outlet=outlet,
        pacer=SendPacer(
            PlatformLimits.telegram(private_per_s=1000, group_per_min=1000, overall_per_s=1000)
        ),
        clock=clock,
        owner="test",
        policy=DeliveryPolicy(**policy),
    )


async def test_new_article_alerts_once_and_backlog_of_a_new_source_does_not(
    store: Store, lexicon: Lexicon, clock
) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, _ = await _setup(store, lexicon, clock, {"111": ["tiktok ban"]})
    await store.sources.upsert_from_config(
        [SourceSpec(url="https://hindi.example/rss")], default_interval_s=300, now=clock()
    )
    reader = ScriptedReader()
    reader.articles["https://hindi.example/rss"] = [
        _article("https://hindi.example/old", "टिकटॉक पर प्रतिबंध की पुरानी खबर", clock, 30)
    ]
    poll = PollService(storage=store, reader=reader, sink=pipeline, clock=clock, owner="t")
    first = await poll.poll_due()
    assert (first.polled, first.new_articles, first.alerts) == (1, 1, 0)  # backfill = 0

    clock.advance(minutes=6)
    reader.articles["https://hindi.example/rss"].insert(
        0, _article("https://hindi.example/tiktok", TIKTOK_HI, clock)
    )
    second = await poll.poll_due()
    assert (second.new_articles, second.alerts) == (1, 1)

    outlet = RecordingOutlet()
    worker = _worker(store, outlet, clock)
    assert await worker.drain_once() == 1
    assert outlet.sent == [("111", TIKTOK_HI)]
    assert await worker.drain_once() == 0  # sent exactly once

    clock.advance(minutes=6)  # the same item seen again is not new
    third = await poll.poll_due()
    assert third.new_articles == 0 and await worker.drain_once() == 0


async def test_a_story_reaches_a_chat_once_whichever_source_or_query_found_it(
    store: Store, lexicon: Lexicon, clock
) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, chats = await _setup(
        store, lexicon, clock, {"111": ["tiktok ban", "टिकटॉक"], "222": ["data leak"]}
    )
    stored_a = await store.articles.insert_new(
        None, [_article("https://a.example/1", TIKTOK_HI, clock)], fetched_at=clock()
    )
    stored_b = await store.articles.insert_new(
        None, [_article("https://b.example/9", TIKTOK_HI, clock)], fetched_at=clock()
    )
    created = await pipeline.process([*stored_a.new, *stored_b.new])
    assert created == 2  # one row for chat 111 (two queries, two sources), one for 222
    outlet = RecordingOutlet()
    await _worker(store, outlet, clock).drain_once()
    assert sorted(chat for chat, _ in outlet.sent) == ["111", "222"]
    rows = await store.outbox.recent_for_chat(chats["111"].id)
    assert len(rows) == 1 and len(rows[0].subscription_ids) == 2


async def test_failing_source_backs_off_and_is_paused_with_a_notice(
    store: Store, lexicon: Lexicon, clock
) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, _ = await _setup(store, lexicon, clock, {})
    await store.sources.upsert_from_config(
        [SourceSpec(url="https://down.example/rss")], default_interval_s=60, now=clock()
    )
    reader = ScriptedReader()
    reader.failures["https://down.example/rss"] = FetchError("connection refused", kind="connect")
    paused: list[str] = []

    class Notifier:
        async def source_paused(self, source: SourceRow, error: str) -> None:
            paused.append(f"{source.url} {error}")

    poll = PollService(
        storage=store,
        reader=reader,
        sink=pipeline,
        clock=clock,
        owner="t",
        notifier=Notifier(),
        pause_after_failures=3,
    )
    waits = []
    for _ in range(3):
        await poll.poll_due()
        (row,) = await store.sources.list_all()
        waits.append((row.next_poll_at - clock()).total_seconds())
        clock.now = row.next_poll_at
    (row,) = await store.sources.list_all()
    assert row.failures == 3 and row.paused and row.last_error.startswith("connect:")
    assert waits[1] > waits[0] * 1.4  # exponential backoff (with jitter)
    assert paused == ["https://down.example/rss connect: connection refused"]
    clock.advance(days=1)
    assert (await poll.poll_due()).polled == 0  # paused sources are not polled


async def _enqueue_titles(store: Store, pipeline: AlertPipeline, clock, titles: list[str]) -> None:  # type: ignore[no-untyped-def]
    arts = [_article(f"https://n.example/{i}", t, clock) for i, t in enumerate(titles)]
    stored = await store.articles.insert_new(None, arts, fetched_at=clock())
    await pipeline.process(stored.new)


async def test_platform_errors_are_mapped_to_the_right_outcome(
    store: Store, lexicon: Lexicon, clock
) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, chats = await _setup(
        store,
        lexicon,
        clock,
        {"1": ["tiktok"], "2": ["tiktok"], "3": ["tiktok"], "4": ["tiktok"], "5": ["tiktok"]},
    )
    await _enqueue_titles(store, pipeline, clock, [TIKTOK_HI])
    outlet = RecordingOutlet()
    outlet.script = {
        "1": [RetryLater("slow down", retry_after=0.05)],
        "2": [ChatUnavailable("Forbidden: bot was blocked by the user")],
        "3": [ChatMigrated("upgraded", new_chat_id="-1009")],
        "4": [RejectedMessage("Bad Request: can't parse entities")],
        "5": [TransientDeliveryError("502 Bad Gateway")],
    }
    await _worker(store, outlet, clock).drain_once()
    assert ("1", TIKTOK_HI) in outlet.sent  # retried after retry_after, same drain
    assert ("-1009", TIKTOK_HI) in outlet.sent  # resent to the migrated id
    chat2 = await store.chats.get(chats["2"].id)
    assert chat2 is not None and chat2.active is False
    (row2,) = await store.outbox.recent_for_chat(chats["2"].id)
    assert row2.status is OutboxStatus.SKIPPED
    (row4,) = await store.outbox.recent_for_chat(chats["4"].id)
    assert row4.status is OutboxStatus.FAILED and "parse entities" in (row4.error or "")
    (row5,) = await store.outbox.recent_for_chat(chats["5"].id)
    assert row5.status is OutboxStatus.PENDING and row5.attempts == 1
    assert row5.next_attempt_at is not None and row5.next_attempt_at > clock()
    clock.now = row5.next_attempt_at
    await _worker(store, outlet, clock).drain_once()
    assert ("5", TIKTOK_HI) in outlet.sent


async def test_transient_failures_give_up_after_the_attempt_limit(
    store: Store, lexicon: Lexicon, clock
) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, chats = await _setup(store, lexicon, clock, {"7": ["tiktok"]})
    await _enqueue_titles(store, pipeline, clock, [TIKTOK_HI])
    outlet = RecordingOutlet()
    outlet.script = {"7": [TransientDeliveryError("timeout") for _ in range(5)]}
    worker = _worker(store, outlet, clock, max_attempts=3)
    for _ in range(4):
        await worker.drain_once()
        (row,) = await store.outbox.recent_for_chat(chats["7"].id)
        if row.next_attempt_at:
            clock.now = max(clock.now, row.next_attempt_at)
    (row,) = await store.outbox.recent_for_chat(chats["7"].id)
    assert row.status is OutboxStatus.FAILED and "gave up after 3" in (row.error or "")
    assert outlet.sent == []


async def test_backlog_folds_into_one_message(store: Store, lexicon: Lexicon, clock) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, _ = await _setup(store, lexicon, clock, {"41": ["tiktok"], "42": ["tiktok"]})
    titles = [f"टिकटॉक खबर नंबर {n}: ऐप पर नई बहस" for n in range(25)]
    await _enqueue_titles(store, pipeline, clock, titles)
    outlet = RecordingOutlet()
    await _worker(store, outlet, clock, backlog_limit=5).drain_once()
    per_chat = {c: [t for chat, t in outlet.sent if chat == c] for c in ("41", "42")}
    assert len(per_chat["41"]) == 4 and len(per_chat["42"]) == 4
    assert sorted(outlet.folds) == [("41", 21), ("42", 21)]
    assert await _worker(store, outlet, clock).drain_once() == 0  # nothing left behind


async def test_a_busy_chat_does_not_starve_a_quiet_one(
    store: Store, lexicon: Lexicon, clock
) -> None:  # type: ignore[no-untyped-def]
    _, pipeline, _ = await _setup(
        store, lexicon, clock, {"busy": ["tiktok"], "quiet": ["whatsapp"]}
    )
    titles = [f"टिकटॉक खबर नंबर {n}: ऐप पर नई बहस" for n in range(8)]
    titles.append("व्हाट्सऐप ने भारत में नई प्राइवेसी सेटिंग जारी की")
    await _enqueue_titles(store, pipeline, clock, titles)
    outlet = RecordingOutlet()
    await _worker(store, outlet, clock, backlog_limit=50).drain_once()
    chats = [chat for chat, _ in outlet.sent]
    assert chats.count("busy") == 8 and chats.count("quiet") == 1
    assert chats.index("quiet") <= 1  # served in the first round, not after the busy chat


@pytest.mark.parametrize("mode", ["digest", "muted"])
async def test_digest_mode_and_muted_subscriptions_hold_alerts(
    store: Store, lexicon: Lexicon, clock, mode: str
) -> None:  # type: ignore[no-untyped-def]
    from bot.domain.models import DeliveryMode

    index, pipeline, chats = await _setup(store, lexicon, clock, {"9": ["tiktok"]})
    chat = chats["9"]
    if mode == "digest":
        await store.chats.update_settings(chat.id, mode=DeliveryMode.DIGEST)
    else:
        (sub,) = await store.subscriptions.list_for_chat(chat.id)
        muted = await store.subscriptions.mute(sub.id, until=clock() + timedelta(hours=8))
        assert muted is not None
        index.put(muted)
    await _enqueue_titles(store, pipeline, clock, [TIKTOK_HI])
    outlet = RecordingOutlet()
    assert await _worker(store, outlet, clock).drain_once() == 0
    held = await store.outbox.held_for_digest(chat.id)
    assert len(held) == 1 and outlet.sent == []


@pytest.mark.parametrize("hold", [False, True])
async def test_quiet_hours_send_silently_or_hold_for_the_digest(
    store: Store, lexicon: Lexicon, clock, hold: bool
) -> None:  # type: ignore[no-untyped-def]
    from bot.domain.models import QuietHours

    _, pipeline, chats = await _setup(store, lexicon, clock, {"77": ["tiktok"]})
    chat = chats["77"]
    # clock is 03:00 UTC = 08:30 IST: inside 08:00-09:00 local quiet hours
    quiet = QuietHours(start_minute=8 * 60, end_minute=9 * 60, hold_for_digest=hold)
    await store.chats.update_settings(chat.id, timezone="Asia/Kolkata", quiet_hours=quiet)
    await _enqueue_titles(store, pipeline, clock, [TIKTOK_HI])
    (row,) = await store.outbox.recent_for_chat(chat.id)
    assert (row.hold, row.silent) == ((True, False) if hold else (False, True))
    await store.chats.update_settings(chat.id, quiet_hours=None)
    await _enqueue_titles(store, pipeline, clock, ["टिकटॉक ने नई नीति जारी की, यूज़र्स नाराज़"])
    rows = await store.outbox.recent_for_chat(chat.id)
    assert sum(r.silent for r in rows) == (0 if hold else 1)  # outside quiet hours: normal
