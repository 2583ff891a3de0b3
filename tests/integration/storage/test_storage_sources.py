"""Sources: config upsert keeps polling state, claims lease due sources to one worker, leases
expire, results are recorded, and removal keeps the articles."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.domain.models import Article, SourceKind, SourceSpec

T0 = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)

BBC = SourceSpec(url="https://feeds.bbci.co.uk/hindi/rss.xml", name="BBC हिंदी", lang="hi")
NDTV = SourceSpec(url="https://feeds.feedburner.com/ndtvnews-top-stories", name="NDTV", lang="en")


async def test_upsert_from_config_inserts_then_updates_without_touching_state(store) -> None:
    rows = await store.sources.upsert_from_config([BBC, NDTV], default_interval_s=300, now=T0)
    assert [(r.url, r.name, r.interval_s, r.next_poll_at) for r in rows] == [
        (BBC.url, "BBC हिंदी", 300, T0),
        (NDTV.url, "NDTV", 300, T0),
    ]
    bbc = rows[0]
    await store.sources.record_success(
        bbc.id,
        etag='"abc"',
        last_modified="Mon, 10 Mar 2025 06:00:00 GMT",
        content_hash="h1",
        next_poll_at=T0 + timedelta(minutes=5),
        polled_at=T0,
    )
    renamed = SourceSpec(url=BBC.url, name="बीबीसी हिंदी", lang="hi", interval_s=900)
    rows = await store.sources.upsert_from_config(
        [renamed], default_interval_s=300, now=T0 + timedelta(hours=1)
    )
    assert len(rows) == 1
    updated = rows[0]
    assert (updated.id, updated.name, updated.interval_s) == (bbc.id, "बीबीसी हिंदी", 900)
    assert updated.etag == '"abc"' and updated.content_hash == "h1"
    assert updated.next_poll_at == T0 + timedelta(minutes=5)  # polling state untouched
    assert updated.last_ok_at == T0
    assert len(await store.sources.list_all()) == 2


async def test_upsert_last_duplicate_in_config_wins(store) -> None:
    first = SourceSpec(url=BBC.url, name="one")
    second = SourceSpec(url=BBC.url + "  ", name="two", kind=SourceKind.PAGE)
    rows = await store.sources.upsert_from_config([first, second], default_interval_s=60, now=T0)
    assert [(r.url, r.name, r.kind) for r in rows] == [(BBC.url, "two", SourceKind.PAGE)]


async def test_add_reports_duplicates(store, make_chat) -> None:
    chat = await make_chat()
    row, created = await store.sources.add(
        NDTV, default_interval_s=600, added_by_chat_id=chat.id, now=T0
    )
    assert created and row.added_by_chat_id == chat.id and row.interval_s == 600
    again, created = await store.sources.add(
        NDTV, default_interval_s=600, added_by_chat_id=None, now=T0
    )
    assert not created and again.id == row.id
    assert await store.sources.get_by_url(NDTV.url) == row


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SourceSpec(url="  "), "needs a URL"),
        (SourceSpec(url="https://x", interval_s=0), "positive"),
    ],
)
async def test_bad_specs_are_refused(store, spec: SourceSpec, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await store.sources.upsert_from_config([spec], default_interval_s=300, now=T0)


async def test_claim_due_leases_until_expiry(store) -> None:
    await store.sources.upsert_from_config([BBC, NDTV], default_interval_s=300, now=T0)
    first = await store.sources.claim_due(now=T0, limit=1, owner="poller-a", lease_s=120)
    assert len(first) == 1 and first[0].lease_owner == "poller-a"
    assert first[0].lease_until == T0 + timedelta(seconds=120)
    second = await store.sources.claim_due(now=T0, limit=10, owner="poller-b", lease_s=120)
    assert [s.id for s in second] != [first[0].id] and len(second) == 1
    assert (
        await store.sources.claim_due(
            now=T0 + timedelta(seconds=119), limit=10, owner="c", lease_s=120
        )
        == []
    )
    expired = await store.sources.claim_due(
        now=T0 + timedelta(seconds=120), limit=10, owner="poller-c", lease_s=120
    )
    assert {s.id for s in expired} == {first[0].id, second[0].id}
    assert {s.lease_owner for s in expired} == {"poller-c"}


async def test_not_due_and_paused_sources_are_not_claimed(store) -> None:
    bbc, ndtv = await store.sources.upsert_from_config([BBC, NDTV], default_interval_s=300, now=T0)
    await store.sources.record_failure(
        ndtv.id,
        error="http_status: 503",
        failures=9,
        next_poll_at=T0,
        paused=True,
        polled_at=T0,
    )
    await store.sources.record_success(
        bbc.id,
        etag=None,
        last_modified=None,
        content_hash=None,
        next_poll_at=T0 + timedelta(minutes=5),
        polled_at=T0,
    )
    assert (
        await store.sources.claim_due(
            now=T0 + timedelta(minutes=4), limit=10, owner="w", lease_s=60
        )
        == []
    )
    claimed = await store.sources.claim_due(
        now=T0 + timedelta(minutes=5), limit=10, owner="w", lease_s=60
    )
    assert [s.id for s in claimed] == [bbc.id]
    assert [s.id for s in await store.sources.list_all(include_paused=False)] == [bbc.id]

    resumed = await store.sources.set_paused(ndtv.id, False, now=T0 + timedelta(hours=1))
    assert resumed is not None and not resumed.paused and resumed.failures == 0
    assert resumed.last_error == "http_status: 503"  # the last error stays visible
    claimed = await store.sources.claim_due(
        now=T0 + timedelta(hours=1), limit=10, owner="w", lease_s=60
    )
    assert {s.id for s in claimed} == {bbc.id, ndtv.id}  # bbc's lease expired meanwhile


async def test_record_results_and_health(store) -> None:
    (bbc,) = await store.sources.upsert_from_config([BBC], default_interval_s=300, now=T0)
    await store.sources.claim_due(now=T0, limit=1, owner="w", lease_s=60)
    await store.sources.record_failure(
        bbc.id,
        error="timeout: read timed out",
        failures=1,
        next_poll_at=T0 + timedelta(minutes=2),
        paused=False,
        polled_at=T0,
    )
    failed = await store.sources.get(bbc.id)
    assert failed is not None
    assert (failed.failures, failed.last_error, failed.last_ok_at, failed.last_polled_at) == (
        1,
        "timeout: read timed out",
        None,
        T0,
    )
    assert failed.lease_owner is None and failed.lease_until is None
    later = T0 + timedelta(minutes=2)
    await store.sources.record_success(
        bbc.id,
        etag='W/"e2"',
        last_modified=None,
        content_hash="sha256:ab",
        next_poll_at=later + timedelta(minutes=5),
        polled_at=later,
    )
    ok = await store.sources.get(bbc.id)
    assert ok is not None
    assert (ok.failures, ok.last_error, ok.last_ok_at, ok.etag, ok.content_hash) == (
        0,
        None,
        later,
        'W/"e2"',
        "sha256:ab",
    )
    assert ok.spec == SourceSpec(url=BBC.url, name=BBC.name, lang="hi", interval_s=300)


async def test_release_and_release_all(store) -> None:
    bbc, ndtv = await store.sources.upsert_from_config([BBC, NDTV], default_interval_s=300, now=T0)
    await store.sources.claim_due(now=T0, limit=10, owner="dying-worker", lease_s=600)
    await store.sources.release(bbc.id)
    assert [
        s.id for s in await store.sources.claim_due(now=T0, limit=10, owner="x", lease_s=600)
    ] == [bbc.id]
    assert await store.sources.release_all("dying-worker") == 1
    assert [
        s.id for s in await store.sources.claim_due(now=T0, limit=10, owner="y", lease_s=600)
    ] == [ndtv.id]


async def test_claim_arguments_are_checked(store) -> None:
    with pytest.raises(ValueError):
        await store.sources.claim_due(now=T0, limit=0, owner="w", lease_s=60)
    with pytest.raises(ValueError):
        await store.sources.claim_due(now=T0, limit=1, owner="", lease_s=60)


async def test_remove_keeps_articles_detached(store) -> None:
    (bbc,) = await store.sources.upsert_from_config([BBC], default_interval_s=300, now=T0)
    inserted = await store.articles.insert_new(
        bbc.id, [Article(url="https://www.bbc.com/hindi/articles/c1", title="ख़बर")], fetched_at=T0
    )
    assert inserted.new[0].source_name == "BBC हिंदी"
    assert await store.sources.remove(bbc.id)
    assert not await store.sources.remove(bbc.id)
    article = await store.articles.get(inserted.new[0].id)
    assert article is not None and article.source_id is None and article.source_name == ""


async def test_concurrent_claims_share_sources_without_overlap(backend, store, clock) -> None:
    specs = [SourceSpec(url=f"https://news{i}.example.in/rss") for i in range(60)]
    await store.sources.upsert_from_config(specs, default_interval_s=300, now=T0)
    other = backend.open_store(clock)

    async def drain(target, owner: str) -> list[int]:
        got: list[int] = []
        while batch := await target.sources.claim_due(now=T0, limit=4, owner=owner, lease_s=600):
            got.extend(s.id for s in batch)
            await asyncio.sleep(0)
        return got

    try:
        results = await asyncio.gather(
            drain(store, "a"), drain(store, "b"), drain(other, "c"), drain(other, "d")
        )
    finally:
        await other.close()
    claimed = [source_id for result in results for source_id in result]
    assert len(claimed) == len(set(claimed)) == 60


@pytest.mark.postgres
async def test_claim_due_skips_sources_locked_elsewhere(
    postgres_backend, postgres_store, clock
) -> None:
    """FOR UPDATE SKIP LOCKED: a source locked by another connection is skipped, not awaited."""
    store = postgres_store
    rows = await store.sources.upsert_from_config([BBC, NDTV], default_interval_s=300, now=T0)
    locked, free = sorted(rows, key=lambda row: row.id)
    locker = postgres_backend.open_store(clock)
    try:
        async with locker.engine.connect() as connection, connection.begin():
            await connection.execute(
                text("SELECT id FROM sources WHERE id = :id FOR UPDATE"), {"id": locked.id}
            )
            claimed = await asyncio.wait_for(
                store.sources.claim_due(now=T0, limit=10, owner="w", lease_s=60), timeout=10
            )
            assert [row.id for row in claimed] == [free.id]
    finally:
        await locker.close()
    assert [
        row.id for row in await store.sources.claim_due(now=T0, limit=10, owner="w", lease_s=60)
    ] == [locked.id]
