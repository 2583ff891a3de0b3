"""Chats: created once (also concurrently), settings updated selectively and validated,
deactivated, and migrated to a new platform id without losing anything."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.domain.models import (
    Article,
    ChatKind,
    DeliveryMode,
    MatchWhy,
    Platform,
    QuietHours,
    SourceSpec,
)
from bot.services.ports import ChatDefaults, NewSubscription, OutboxEntry

T0 = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)


async def test_get_or_create_creates_once_with_defaults(store, clock) -> None:
    defaults = ChatDefaults(kind=ChatKind.PRIVATE, title="राहुल", lang="hi", timezone="Asia/Kolkata")
    chat, created = await store.chats.get_or_create(Platform.TELEGRAM, "42", defaults=defaults)
    assert created
    assert (chat.platform, chat.platform_chat_id, chat.kind, chat.lang, chat.timezone) == (
        Platform.TELEGRAM,
        "42",
        ChatKind.PRIVATE,
        "hi",
        "Asia/Kolkata",
    )
    assert chat.mode is DeliveryMode.REALTIME and chat.digest_schedule == "off"
    assert chat.active and not chat.paused and chat.quiet_hours is None
    assert chat.created_at == chat.updated_at == clock.now
    clock.advance(60)
    again, created = await store.chats.get_or_create(
        Platform.TELEGRAM, "42", defaults=ChatDefaults(lang="en")
    )
    assert not created and again == chat  # defaults only apply to new chats
    slack, created = await store.chats.get_or_create(Platform.SLACK, "42")
    assert created and slack.id != chat.id and slack.lang == "en"
    assert chat.ref.chat_id == "42" and chat.ref.platform is Platform.TELEGRAM


async def test_concurrent_get_or_create_makes_one_row(backend, store, clock) -> None:
    other = backend.open_store(clock)
    try:
        results = await asyncio.gather(
            *(
                target.chats.get_or_create(Platform.SLACK, "C0123ABCD")
                for target in (store, other) * 5
            )
        )
    finally:
        await other.close()
    assert len({chat.id for chat, _ in results}) == 1
    assert sum(created for _, created in results) == 1


async def test_update_settings_changes_only_what_is_given(store, make_chat, clock) -> None:
    chat = await make_chat()
    clock.advance(3600)
    updated = await store.chats.update_settings(
        chat.id,
        mode=DeliveryMode.BOTH,
        digest_schedule="daily 09:00",
        quiet_hours=QuietHours(start_minute=22 * 60, end_minute=7 * 60, hold_for_digest=True),
        high_score=0.8,
    )
    assert updated.mode is DeliveryMode.BOTH and updated.digest_schedule == "daily 09:00"
    assert updated.quiet_hours == QuietHours(1320, 420, True)
    assert updated.high_score == 0.8
    assert (updated.lang, updated.timezone, updated.title) == (chat.lang, chat.timezone, chat.title)
    assert updated.updated_at == clock.now and updated.created_at == chat.created_at

    cleared = await store.chats.update_settings(
        chat.id, quiet_hours=None, high_score=None, lang="en"
    )
    assert cleared.quiet_hours is None and cleared.high_score is None and cleared.lang == "en"
    assert cleared.mode is DeliveryMode.BOTH
    assert await store.chats.get(chat.id) == cleared


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lang": "fr"}, "language"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"mode": "sometimes"}, "sometimes"),
        ({"quiet_hours": QuietHours(start_minute=1440, end_minute=0)}, "1440"),
        ({"digest_schedule": "  "}, "schedule"),
    ],
)
async def test_invalid_settings_are_refused(store, make_chat, change, message) -> None:
    chat = await make_chat()
    with pytest.raises(ValueError, match=message):
        await store.chats.update_settings(chat.id, **change)
    assert await store.chats.get(chat.id) == chat


async def test_unknown_chat(store) -> None:
    with pytest.raises(LookupError):
        await store.chats.update_settings(404, lang="hi")
    assert await store.chats.get(404) is None
    assert await store.chats.set_active(404, False) is None
    with pytest.raises(LookupError):
        await store.chats.migrate(404, "-100404")


async def test_set_active_and_list_active(store, make_chat) -> None:
    group = await make_chat("-100111")
    slack = await make_chat("C777", platform=Platform.SLACK, lang="en")
    gone = await store.chats.set_active(group.id, False)
    assert gone is not None and not gone.active
    assert [c.id for c in await store.chats.list_active()] == [slack.id]
    assert await store.chats.list_active(platform=Platform.TELEGRAM) == []
    await store.chats.set_active(group.id, True)
    assert [c.id for c in await store.chats.list_active(platform=Platform.TELEGRAM)] == [group.id]


async def _subscribe(store, chat_id: int, query: str) -> int:
    added = await store.subscriptions.add(
        NewSubscription(chat_id=chat_id, query_text=query, query_norm=query.lower())
    )
    return added.subscription.id


async def _article(store, url: str) -> int:
    inserted = await store.articles.insert_new(None, [Article(url=url, title="t")], fetched_at=T0)
    return inserted.new[0].id


async def test_migrate_keeps_id_subscriptions_and_outbox(store, make_chat) -> None:
    chat = await make_chat("-4001")
    sub_id = await _subscribe(store, chat.id, "टिकटॉक बैन")
    article_id = await _article(store, "https://example.in/a")
    await store.outbox.enqueue(
        [
            OutboxEntry(
                chat_id=chat.id,
                story_id="s1",
                article_id=article_id,
                subscription_ids=(sub_id,),
                score=1.0,
            )
        ]
    )
    moved = await store.chats.migrate(chat.id, "-1001234567890")
    assert moved.id == chat.id and moved.platform_chat_id == "-1001234567890" and moved.active
    assert [s.id for s in await store.subscriptions.list_for_chat(chat.id)] == [sub_id]
    assert await store.outbox.queue_depth() == 1

    # Late updates from the old id find the migrated chat, not a new empty one.
    found, created = await store.chats.get_or_create(Platform.TELEGRAM, "-4001")
    assert not created and found.id == chat.id
    tombstone_target = await store.chats.get_by_platform_id(Platform.TELEGRAM, "-4001")
    assert tombstone_target is not None and tombstone_target.id == chat.id
    assert [c.id for c in await store.chats.list_active()] == [chat.id]
    # Migrating to the id it already has changes nothing.
    assert await store.chats.migrate(chat.id, "-1001234567890") == moved


async def test_migrate_merges_into_an_already_known_new_id(store, make_chat) -> None:
    old = await make_chat("-4002")
    new = await make_chat("-1009999")  # the supergroup spoke before the migration was seen
    shared = await _subscribe(store, old.id, "data leak")
    only_old = await _subscribe(store, old.id, "pubg")
    await _subscribe(store, new.id, "data leak")  # duplicate: the old chat's one is kept
    only_new = await _subscribe(store, new.id, "whatsapp")
    a1 = await _article(store, "https://example.in/1")
    a2 = await _article(store, "https://example.in/2")
    why = (MatchWhy(term="leak", found="लीक", field_name="title", via="lexicon"),)
    await store.outbox.enqueue(
        [
            OutboxEntry(
                chat_id=old.id,
                story_id="s1",
                article_id=a1,
                subscription_ids=(shared,),
                score=1,
                why=why,
            ),
            OutboxEntry(
                chat_id=new.id, story_id="s1", article_id=a1, subscription_ids=(shared,), score=1
            ),
            OutboxEntry(
                chat_id=new.id, story_id="s2", article_id=a2, subscription_ids=(only_new,), score=1
            ),
        ]
    )
    source, _ = await store.sources.add(
        SourceSpec(url="https://example.in/rss"),
        default_interval_s=300,
        added_by_chat_id=new.id,
        now=T0,
    )
    merged = await store.chats.migrate(old.id, "-1009999")
    assert merged.id == old.id and merged.platform_chat_id == "-1009999"
    assert await store.chats.get(new.id) is None
    queries = sorted(s.query_norm for s in await store.subscriptions.list_for_chat(old.id))
    assert queries == ["data leak", "pubg", "whatsapp"]
    assert {s.id for s in await store.subscriptions.list_for_chat(old.id)} >= {
        shared,
        only_old,
        only_new,
    }
    assert await store.outbox.pending_counts() == {old.id: 2}
    kept = await store.outbox.recent_for_chat(old.id)
    assert {row.story_id for row in kept} == {"s1", "s2"}
    assert next(row for row in kept if row.story_id == "s1").why == why
    moved_source = await store.sources.get(source.id)
    assert moved_source is not None and moved_source.added_by_chat_id == old.id


async def test_concurrent_migrations_of_one_chat_agree(backend, store, make_chat, clock) -> None:
    """Telegram reports a migration to every worker: handling it twice at once is harmless."""
    chat = await make_chat("-4003")
    sub_id = await _subscribe(store, chat.id, "हैकिंग")
    other = backend.open_store(clock)
    try:
        results = await asyncio.gather(
            *(target.chats.migrate(chat.id, "-100424242") for target in (store, other) * 3)
        )
    finally:
        await other.close()
    assert {(row.id, row.platform_chat_id) for row in results} == {(chat.id, "-100424242")}
    assert [c.id for c in await store.chats.list_active()] == [chat.id]
    assert [s.id for s in await store.subscriptions.list_for_chat(chat.id)] == [sub_id]
    old = await store.chats.get_by_platform_id(Platform.TELEGRAM, "-4003")
    assert old is not None and old.id == chat.id
