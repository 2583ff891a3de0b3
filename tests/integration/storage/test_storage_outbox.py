"""The outbox: idempotent enqueue (UNIQUE chat+story), claims that never hand one row to two
senders (tasks, engines, processes), lease expiry, the send/fail/retry/skip lifecycle, and
folding into digests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.domain.models import Article, MatchWhy, OutboxStatus, Platform
from bot.services.ports import OutboxEntry

T0 = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)
WHY = (
    MatchWhy(term="tiktok", found="टिकटॉक", field_name="title", via="phonetic"),
    MatchWhy(term="ban", found="प्रतिबंध", field_name="lead", via="lexicon"),
)


@pytest.fixture
async def article_ids(store) -> list[int]:
    items = [
        Article(url=f"https://www.livehindustan.com/tech/story-{n}.html", title=f"खबर {n}")
        for n in range(5)
    ]
    inserted = await store.articles.insert_new(None, items, fetched_at=T0)
    return sorted(a.id for a in inserted.new)


def entry(chat_id: int, story: str, article_id: int, **options) -> OutboxEntry:
    values = {"subscription_ids": (1,), "score": 0.9, "why": WHY} | options
    return OutboxEntry(chat_id=chat_id, story_id=story, article_id=article_id, **values)


async def test_enqueue_is_idempotent_per_chat_and_story(
    store, make_chat, article_ids, clock
) -> None:
    chat = await make_chat()
    other = await make_chat("-100777")
    a, b = article_ids[:2]
    assert await store.outbox.enqueue([entry(chat.id, "s1", a), entry(chat.id, "s2", b)]) == 2
    assert await store.outbox.enqueue([entry(chat.id, "s1", a), entry(chat.id, "s2", b)]) == 0
    # Same story found through another article (another feed) or query: still one row.
    assert await store.outbox.enqueue([entry(chat.id, "s1", b, subscription_ids=(2,))]) == 0
    # Same story for another chat is another alert.
    assert await store.outbox.enqueue([entry(other.id, "s1", a), entry(chat.id, "s3", a)]) == 2
    assert await store.outbox.queue_depth() == 4
    rows = await store.outbox.recent_for_chat(chat.id)
    first = next(row for row in rows if row.story_id == "s1")
    assert first.article_id == a and first.subscription_ids == (1,)
    assert first.why == WHY and first.status is OutboxStatus.PENDING
    assert first.created_at == clock.now and first.attempts == 0


async def test_enqueue_keeps_best_score_within_one_batch(store, make_chat, article_ids) -> None:
    chat = await make_chat()
    new = await store.outbox.enqueue(
        [
            entry(chat.id, "s1", article_ids[0], score=0.4, subscription_ids=(1,)),
            entry(chat.id, "s1", article_ids[1], score=0.95, subscription_ids=(2, 3)),
        ]
    )
    assert new == 1
    (row,) = await store.outbox.recent_for_chat(chat.id)
    assert (row.score, row.article_id, row.subscription_ids) == (0.95, article_ids[1], (2, 3))
    assert await store.outbox.enqueue([]) == 0
    with pytest.raises(ValueError, match="story_id"):
        await store.outbox.enqueue([entry(chat.id, "", article_ids[0])])


async def test_concurrent_enqueue_of_the_same_matches(
    backend, store, make_chat, article_ids, clock
) -> None:
    chats = [await make_chat(f"-100{n}") for n in range(4)]
    entries = [entry(c.id, f"s{n}", article_ids[n % 5]) for c in chats for n in range(25)]
    others = [backend.open_store(clock) for _ in range(2)]
    try:
        counts = await asyncio.gather(
            store.outbox.enqueue(entries),
            others[0].outbox.enqueue(entries[::-1]),
            others[1].outbox.enqueue(entries[50:] + entries[:50]),
        )
    finally:
        for other in others:
            await other.close()
    assert sum(counts) == 100
    assert await store.outbox.queue_depth() == 100


async def test_claim_pending_selects_only_sendable_rows(store, make_chat, article_ids) -> None:
    telegram = await make_chat("-1001")
    slack = await make_chat("C42", platform=Platform.SLACK, lang="en")
    blocked = await make_chat("-1002")
    paused = await make_chat("-1003")
    await store.chats.set_active(blocked.id, False)
    await store.chats.update_settings(paused.id, paused=True)
    a = article_ids[0]
    await store.outbox.enqueue(
        [
            entry(telegram.id, "ready", a),
            entry(telegram.id, "later", a, next_attempt_at=T0 + timedelta(minutes=10)),
            entry(telegram.id, "held", a, hold=True),
            entry(slack.id, "slack", a),
            entry(blocked.id, "blocked", a),
            entry(paused.id, "paused", a),
        ]
    )
    claimed = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=10, owner="sender-1", lease_s=3600
    )
    assert [row.story_id for row in claimed] == ["ready"]
    assert claimed[0].lease_owner == "sender-1"
    assert claimed[0].lease_until == T0 + timedelta(seconds=3600)
    later = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0 + timedelta(minutes=10), limit=10, owner="s", lease_s=30
    )
    assert [row.story_id for row in later] == ["later"]
    slack_rows = await store.outbox.claim_pending(
        platform=Platform.SLACK, now=T0, limit=10, owner="s", lease_s=30
    )
    assert [row.story_id for row in slack_rows] == ["slack"]
    with pytest.raises(ValueError):
        await store.outbox.claim_pending(
            platform=Platform.SLACK, now=T0, limit=0, owner="s", lease_s=1
        )


async def test_lease_expiry_makes_rows_claimable_again(store, make_chat, article_ids) -> None:
    chat = await make_chat()
    await store.outbox.enqueue([entry(chat.id, f"s{n}", article_ids[n]) for n in range(3)])
    first = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=2, owner="crashed", lease_s=60
    )
    assert [row.story_id for row in first] == ["s0", "s1"]  # oldest first
    during = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0 + timedelta(seconds=59), limit=10, owner="b", lease_s=60
    )
    assert [row.story_id for row in during] == ["s2"]
    after = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0 + timedelta(seconds=60), limit=10, owner="c", lease_s=60
    )
    assert [row.story_id for row in after] == ["s0", "s1"]
    assert {row.lease_owner for row in after} == {"c"}


async def test_send_lifecycle(store, make_chat, article_ids) -> None:
    chat = await make_chat()
    await store.outbox.enqueue([entry(chat.id, f"s{n}", article_ids[n]) for n in range(4)])
    rows = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=10, owner="w", lease_s=60
    )
    sent, bad, retry, released = rows
    await store.outbox.mark_sent(
        sent.id, platform_message_id="5501", sent_at=T0 + timedelta(seconds=1)
    )
    await store.outbox.mark_failed(
        bad.id, error="RejectedMessage: can't parse entities " + "x" * 3000
    )
    await store.outbox.reschedule(
        retry.id, next_attempt_at=T0 + timedelta(seconds=30), attempts=1, error="RetryLater: 429"
    )
    await store.outbox.release_lease(released.id)

    got = await store.outbox.get(sent.id)
    assert got is not None and got.status is OutboxStatus.SENT
    assert (got.platform_message_id, got.sent_at, got.lease_owner) == (
        "5501",
        T0 + timedelta(seconds=1),
        None,
    )
    failed = await store.outbox.get(bad.id)
    assert failed is not None and failed.status is OutboxStatus.FAILED
    assert (
        failed.error is not None
        and failed.error.startswith("RejectedMessage")
        and len(failed.error) <= 2001
    )
    again = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0 + timedelta(seconds=1), limit=10, owner="w", lease_s=60
    )
    assert [row.id for row in again] == [released.id]
    await store.outbox.release_lease(released.id)
    retried = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0 + timedelta(seconds=30), limit=10, owner="w", lease_s=60
    )
    assert [row.id for row in retried] == [retry.id, released.id]
    assert retried[0].attempts == 1 and retried[0].error == "RetryLater: 429"
    assert await store.outbox.get(99999) is None


async def test_unreachable_chat_rows_are_skipped(store, make_chat, article_ids) -> None:
    chat = await make_chat()
    other = await make_chat("-100555")
    await store.outbox.enqueue(
        [
            entry(chat.id, "s1", article_ids[0]),
            entry(chat.id, "s2", article_ids[1]),
            entry(other.id, "s1", article_ids[0]),
        ]
    )
    (sent,) = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=1, owner="w", lease_s=60
    )
    await store.outbox.mark_sent(sent.id, platform_message_id="1", sent_at=T0)
    assert (
        await store.outbox.mark_skipped_for_chat(chat.id, reason="ChatUnavailable: bot was blocked")
        == 1
    )
    statuses = {row.story_id: row.status for row in await store.outbox.recent_for_chat(chat.id)}
    assert statuses == {"s1": OutboxStatus.SENT, "s2": OutboxStatus.SKIPPED}
    assert await store.outbox.pending_counts() == {other.id: 1}


async def test_backlog_folds_into_the_digest(store, make_chat, article_ids, clock) -> None:
    chat = await make_chat()
    await store.outbox.enqueue([entry(chat.id, "early", article_ids[0], hold=True)])
    clock.advance(3600)
    await store.outbox.enqueue([entry(chat.id, f"s{n}", article_ids[n]) for n in range(1, 4)])
    assert await store.outbox.pending_counts() == {chat.id: 3}
    assert await store.outbox.hold_pending_for_chat(chat.id) == 3
    assert await store.outbox.pending_counts() == {}
    assert (
        await store.outbox.claim_pending(
            platform=Platform.TELEGRAM, now=clock.now, limit=10, owner="w", lease_s=60
        )
        == []
    )
    held = await store.outbox.held_for_digest(chat.id)
    assert [row.story_id for row in held] == ["early", "s1", "s2", "s3"]
    window = await store.outbox.held_for_digest(
        chat.id, since=T0 + timedelta(minutes=30), until=clock.now + timedelta(seconds=1)
    )
    assert [row.story_id for row in window] == ["s1", "s2", "s3"]
    assert [
        row.story_id
        for row in await store.outbox.held_for_digest(chat.id, until=T0 + timedelta(minutes=1))
    ] == ["early"]

    digest = await store.digests.claim(
        chat.id, period_start=T0, period_end=clock.now, now=clock.now
    )
    assert digest is not None
    done = await store.outbox.mark_digested(
        [row.id for row in held[:3]], digest_id=digest.id, at=clock.now
    )
    assert done == 3
    assert (
        await store.outbox.mark_digested(
            [row.id for row in held[:3]], digest_id=digest.id, at=clock.now
        )
        == 0
    )
    assert [row.story_id for row in await store.outbox.held_for_digest(chat.id)] == ["s3"]
    digested = await store.outbox.get(held[0].id)
    assert digested is not None and digested.status is OutboxStatus.DIGESTED
    assert digested.digest_id == digest.id and digested.sent_at == clock.now
    assert await store.outbox.queue_depth() == 1
    assert await store.outbox.queue_depth(platform=Platform.SLACK) == 0


async def test_release_all_on_shutdown(store, make_chat, article_ids) -> None:
    chat = await make_chat()
    await store.outbox.enqueue([entry(chat.id, f"s{n}", article_ids[n]) for n in range(3)])
    await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=2, owner="old", lease_s=600
    )
    await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=1, owner="other", lease_s=600
    )
    assert await store.outbox.release_all("old") == 2
    again = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=10, owner="new", lease_s=60
    )
    assert len(again) == 2


async def test_concurrent_claims_never_share_a_row(
    backend, store, make_chat, article_ids, clock
) -> None:
    """Tasks on one engine and on a second engine drain the queue together: every row is
    claimed exactly once."""
    chats = [await make_chat(f"-200{n}") for n in range(6)]
    await store.outbox.enqueue(
        [entry(c.id, f"story-{n}", article_ids[n % 5]) for c in chats for n in range(40)]
    )
    second = backend.open_store(clock)

    async def drain(target, owner: str) -> list[int]:
        got: list[int] = []
        while batch := await target.outbox.claim_pending(
            platform=Platform.TELEGRAM, now=T0, limit=7, owner=owner, lease_s=600
        ):
            got.extend(row.id for row in batch)
            assert {row.lease_owner for row in batch} == {owner}
        return got

    try:
        results = await asyncio.gather(
            *(
                drain(target, f"{name}-{n}")
                for n in range(3)
                for name, target in (("a", store), ("b", second))
            )
        )
    finally:
        await second.close()
    claimed = [row_id for result in results for row_id in result]
    assert len(claimed) == len(set(claimed)) == 240
    assert sum(1 for result in results if result) >= 2  # the work really was shared


@pytest.mark.postgres
async def test_claims_skip_rows_locked_by_another_transaction(
    postgres_backend, postgres_store, clock
) -> None:
    """FOR UPDATE SKIP LOCKED: while another connection holds some rows locked, a claim takes
    the others at once instead of waiting or taking the locked ones."""
    store = postgres_store
    chat, _ = await store.chats.get_or_create(Platform.TELEGRAM, "-300")
    inserted = await store.articles.insert_new(
        None, [Article(url=f"https://example.in/{n}", title="t") for n in range(6)], fetched_at=T0
    )
    await store.outbox.enqueue([entry(chat.id, f"s{n}", a.id) for n, a in enumerate(inserted.new)])
    ids = sorted(row.id for row in await store.outbox.recent_for_chat(chat.id))
    locker = postgres_backend.open_store(clock)
    try:
        async with locker.engine.connect() as connection, connection.begin():
            await connection.execute(
                text("SELECT id FROM outbox WHERE id = ANY(:ids) FOR UPDATE"), {"ids": ids[:3]}
            )
            claimed = await asyncio.wait_for(
                store.outbox.claim_pending(
                    platform=Platform.TELEGRAM, now=T0, limit=10, owner="w", lease_s=60
                ),
                timeout=10,
            )
            assert [row.id for row in claimed] == ids[3:]
    finally:
        await locker.close()
    rest = await store.outbox.claim_pending(
        platform=Platform.TELEGRAM, now=T0, limit=10, owner="w2", lease_s=60
    )
    assert [row.id for row in rest] == ids[:3]
