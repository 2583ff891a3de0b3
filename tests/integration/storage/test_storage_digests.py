"""Digests: a (chat, period_start) is claimed exactly once across tasks and engines; sending,
failure, crash recovery of stale claims, and the last digest of a chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.ports import DigestStatus

DAY = datetime(2025, 3, 10, 3, 30, tzinfo=UTC)  # 09:00 in India
NEXT_DAY = DAY + timedelta(days=1)


async def test_claim_is_exactly_once(backend, store, make_chat, clock) -> None:
    chat = await make_chat()
    other = backend.open_store(clock)
    try:
        results = await asyncio.gather(
            *(
                target.digests.claim(chat.id, period_start=DAY, period_end=NEXT_DAY, now=DAY)
                for target in (store, other) * 5
            )
        )
    finally:
        await other.close()
    winners = [result for result in results if result is not None]
    assert len(winners) == 1
    won = winners[0]
    assert (won.chat_id, won.period_start, won.period_end, won.status) == (
        chat.id,
        DAY,
        NEXT_DAY,
        DigestStatus.CLAIMED,
    )
    assert won.message_ids == () and won.story_count == 0 and won.claimed_at == DAY
    # The next period, or the same period of another chat, is a new digest.
    assert await store.digests.claim(
        chat.id, period_start=NEXT_DAY, period_end=NEXT_DAY + timedelta(days=1), now=NEXT_DAY
    )
    other_chat = await make_chat("-100888")
    assert await store.digests.claim(other_chat.id, period_start=DAY, period_end=NEXT_DAY, now=DAY)


async def test_mark_sent_and_last_digest(store, make_chat) -> None:
    chat = await make_chat()
    assert await store.digests.last_digest(chat.id) is None
    first = await store.digests.claim(chat.id, period_start=DAY, period_end=NEXT_DAY, now=DAY)
    second = await store.digests.claim(
        chat.id, period_start=NEXT_DAY, period_end=NEXT_DAY + timedelta(days=1), now=NEXT_DAY
    )
    assert first is not None and second is not None
    await store.digests.mark_sent(
        first.id, message_ids=["701", "702"], story_count=14, sent_at=DAY + timedelta(minutes=1)
    )
    sent = await store.digests.get(first.id)
    assert sent is not None and sent.status is DigestStatus.SENT
    assert (sent.message_ids, sent.story_count, sent.sent_at) == (
        ("701", "702"),
        14,
        DAY + timedelta(minutes=1),
    )
    last = await store.digests.last_digest(chat.id)
    assert last is not None and last.id == second.id


async def test_crash_recovery_of_unsent_digests(backend, store, make_chat, clock) -> None:
    chat = await make_chat()
    stuck = await store.digests.claim(chat.id, period_start=DAY, period_end=NEXT_DAY, now=DAY)
    failed = await store.digests.claim(
        chat.id, period_start=NEXT_DAY, period_end=NEXT_DAY + timedelta(days=1), now=NEXT_DAY
    )
    done = await store.digests.claim(
        chat.id, period_start=DAY - timedelta(days=1), period_end=DAY, now=DAY
    )
    assert stuck and failed and done
    await store.digests.mark_failed(failed.id, error="TransientDeliveryError: 502")
    await store.digests.mark_sent(done.id, message_ids=["1"], story_count=1, sent_at=DAY)
    assert [d.id for d in await store.digests.list_unsent()] == [stuck.id, failed.id]
    assert [
        d.id for d in await store.digests.list_unsent(claimed_before=DAY + timedelta(hours=1))
    ] == [stuck.id]
    failed_row = await store.digests.get(failed.id)
    assert failed_row is not None and failed_row.error == "TransientDeliveryError: 502"

    later = NEXT_DAY + timedelta(hours=2)
    # Not stale yet: nobody may take it over.
    assert not await store.digests.retake_stale(stuck.id, now=later, stale_before=DAY)
    other = backend.open_store(clock)
    try:
        takes = await asyncio.gather(
            *(
                target.digests.retake_stale(
                    stuck.id, now=later, stale_before=later - timedelta(hours=1)
                )
                for target in (store, other) * 3
            )
        )
    finally:
        await other.close()
    assert sum(takes) == 1
    retaken = await store.digests.get(stuck.id)
    assert (
        retaken is not None
        and retaken.claimed_at == later
        and retaken.status is DigestStatus.CLAIMED
    )
    assert await store.digests.retake_stale(failed.id, now=later, stale_before=later)
    assert not await store.digests.retake_stale(done.id, now=later, stale_before=later)


async def test_bad_periods_are_refused(store, make_chat) -> None:
    chat = await make_chat()
    with pytest.raises(ValueError, match="end after"):
        await store.digests.claim(chat.id, period_start=DAY, period_end=DAY, now=DAY)
    with pytest.raises(ValueError, match="stale_before"):
        await store.digests.retake_stale(1, now=DAY, stale_before=NEXT_DAY)
    assert await store.digests.list_unsent() == []
