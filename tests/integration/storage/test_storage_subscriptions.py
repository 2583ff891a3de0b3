"""Subscriptions: one active copy per (chat, thread, normalised query), removal keeps history
and allows re-adding, the match index gets only what is live, muting and alert stamps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.models import Platform
from bot.errors import StorageError
from bot.services.ports import NewSubscription

T0 = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)
PARSED = {"op": "and", "terms": [{"word": "tiktok"}, {"topic": "ban"}]}


def tiktok_ban(chat_id: int, **options) -> NewSubscription:
    return NewSubscription(
        chat_id=chat_id,
        query_text="TikTok #ban",
        query_norm="tiktok #ban",
        parsed=PARSED,
        created_by="telegram:42",
        **options,
    )


async def test_add_and_duplicate(store, make_chat, clock) -> None:
    chat = await make_chat()
    added = await store.subscriptions.add(tiktok_ban(chat.id))
    assert added.created
    row = added.subscription
    assert (row.chat_id, row.thread_id, row.query_text, row.parsed, row.created_by) == (
        chat.id,
        None,
        "TikTok #ban",
        PARSED,
        "telegram:42",
    )
    assert row.active and row.created_at == clock.now
    again = await store.subscriptions.add(
        NewSubscription(chat_id=chat.id, query_text="tiktok  #BAN", query_norm="tiktok #ban")
    )
    assert not again.created and again.subscription == row
    assert await store.subscriptions.count_for_chat(chat.id) == 1


async def test_threads_are_separate_targets(store, make_chat) -> None:
    chat = await make_chat()
    main = await store.subscriptions.add(tiktok_ban(chat.id))
    topic = await store.subscriptions.add(tiktok_ban(chat.id, thread_id="17"))
    assert topic.created and topic.subscription.thread_id == "17"
    assert topic.subscription.id != main.subscription.id
    assert not (await store.subscriptions.add(tiktok_ban(chat.id, thread_id="17"))).created


async def test_concurrent_duplicate_adds_create_one(backend, store, make_chat, clock) -> None:
    chat = await make_chat()
    other = backend.open_store(clock)
    try:
        results = await asyncio.gather(
            *(target.subscriptions.add(tiktok_ban(chat.id)) for target in (store, other) * 4)
        )
    finally:
        await other.close()
    assert sum(result.created for result in results) == 1
    assert len({result.subscription.id for result in results}) == 1


async def test_remove_keeps_history_and_allows_re_adding(store, make_chat) -> None:
    chat = await make_chat()
    stranger = await make_chat("-100999")
    sub = (await store.subscriptions.add(tiktok_ban(chat.id))).subscription
    assert await store.subscriptions.remove(sub.id, chat_id=stranger.id) is None
    removed = await store.subscriptions.remove(sub.id, chat_id=chat.id)
    assert removed is not None and removed.id == sub.id and not removed.active
    assert await store.subscriptions.remove(sub.id) is None  # already removed
    assert await store.subscriptions.list_for_chat(chat.id) == []
    history = await store.subscriptions.list_for_chat(chat.id, include_inactive=True)
    assert [s.id for s in history] == [sub.id]
    readded = await store.subscriptions.add(tiktok_ban(chat.id))
    assert readded.created and readded.subscription.id != sub.id
    old = await store.subscriptions.get(sub.id)
    assert old is not None and not old.active


async def test_list_all_active_is_what_the_index_needs(store, make_chat) -> None:
    hindi = await make_chat("-1001")
    english = await make_chat("C01", platform=Platform.SLACK, lang="en")
    a = await store.subscriptions.add(
        NewSubscription(chat_id=hindi.id, query_text="डेटा लीक", query_norm="डेटा लीक")
    )
    b = await store.subscriptions.add(tiktok_ban(english.id))
    c = await store.subscriptions.add(
        NewSubscription(chat_id=english.id, query_text="pubg", query_norm="pubg")
    )
    await store.subscriptions.remove(c.subscription.id)
    ids = [s.id for s in await store.subscriptions.list_all_active()]
    assert ids == [a.subscription.id, b.subscription.id]
    await store.chats.set_active(hindi.id, False)
    assert [s.id for s in await store.subscriptions.list_all_active()] == [b.subscription.id]
    everything = await store.subscriptions.list_all_active(only_active_chats=False)
    assert [s.id for s in everything] == [a.subscription.id, b.subscription.id]
    assert (await store.subscriptions.get(a.subscription.id)).query_text == "डेटा लीक"
    many = await store.subscriptions.get_many([a.subscription.id, b.subscription.id, 999])
    assert set(many) == {a.subscription.id, b.subscription.id}


async def test_remove_all_for_chat(store, make_chat) -> None:
    chat = await make_chat()
    await store.subscriptions.add(tiktok_ban(chat.id))
    await store.subscriptions.add(
        NewSubscription(chat_id=chat.id, query_text="हैक", query_norm="हैक")
    )
    assert await store.subscriptions.remove_all_for_chat(chat.id) == 2
    assert await store.subscriptions.count_for_chat(chat.id) == 0


async def test_mute_unmute_and_touch(store, make_chat) -> None:
    chat = await make_chat()
    sub = (await store.subscriptions.add(tiktok_ban(chat.id))).subscription
    assert not sub.is_muted(T0)
    muted = await store.subscriptions.mute(sub.id, until=T0 + timedelta(hours=8))
    assert muted is not None and muted.is_muted(T0) and not muted.is_muted(T0 + timedelta(hours=8))
    unmuted = await store.subscriptions.unmute(sub.id)
    assert unmuted is not None and unmuted.muted_until is None
    await store.subscriptions.touch_alerted([sub.id], at=T0)
    touched = await store.subscriptions.get(sub.id)
    assert touched is not None and touched.last_alert_at == T0
    assert await store.subscriptions.mute(12345, until=T0) is None


async def test_bad_input_is_refused(store, make_chat) -> None:
    chat = await make_chat()
    with pytest.raises(ValueError, match="query"):
        await store.subscriptions.add(
            NewSubscription(chat_id=chat.id, query_text=" ", query_norm="x")
        )
    with pytest.raises(ValueError, match="thread"):
        await store.subscriptions.add(tiktok_ban(chat.id, thread_id="9" * 200))
    with pytest.raises(StorageError):
        await store.subscriptions.add(tiktok_ban(4040))  # no such chat
    assert await store.subscriptions.list_all_active(only_active_chats=False) == []


async def test_renormalise_rewrites_forms_and_retires_twins(store, make_chat) -> None:
    chat = await make_chat()
    other = await make_chat("-1002")

    def sub(chat_id: int, text: str, norm: str) -> NewSubscription:
        return NewSubscription(chat_id=chat_id, query_text=text, query_norm=norm)

    # Stored by an older version: `ban-tiktok` normalised like `tiktok ban`.
    old = (await store.subscriptions.add(sub(chat.id, "ban-tiktok", "ban tiktok"))).subscription
    # The same query tracked again later, under the new form: a twin of `old` once rewritten.
    twin_old = (
        await store.subscriptions.add(sub(other.id, "ban-tiktok", "ban tiktok"))
    ).subscription
    twin_new = (
        await store.subscriptions.add(sub(other.id, "ban-tiktok", '"ban tiktok"'))
    ).subscription
    removed = (await store.subscriptions.add(sub(chat.id, "डेटा-लीक", "डेटा लीक"))).subscription
    await store.subscriptions.remove(removed.id)

    norms = {old.id: '"ban tiktok"', twin_old.id: '"ban tiktok"', removed.id: '"डेटा लीक"'}
    assert await store.subscriptions.renormalise(norms) == (1, 1)

    assert (await store.subscriptions.get(old.id)).query_norm == '"ban tiktok"'
    retired = await store.subscriptions.get(twin_old.id)
    assert not retired.active and retired.query_norm == "ban tiktok"
    assert (await store.subscriptions.get(twin_new.id)).active
    assert (await store.subscriptions.get(removed.id)).query_norm == "डेटा लीक"  # inactive: kept
    # `tiktok ban` is now a different query from the stored `ban-tiktok`.
    assert (await store.subscriptions.add(sub(chat.id, "tiktok ban", "ban tiktok"))).created
    assert await store.subscriptions.renormalise({}) == (0, 0)
