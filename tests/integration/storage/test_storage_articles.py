"""Articles: only never-seen items come back from insert_new (by canonical URL and by source
GUID), even under concurrent inserts; stories, fingerprints, recency and crash recovery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.models import Article, SourceSpec

T0 = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)

TIKTOK = Article(
    url="https://www.amarujala.com/technology/tiktok-ban-india",
    title="भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी",
    summary="डाटा लीक की बात से कंपनी ने किया इनकार",
    guid="amar-1001",
    lang="hi",
    published_at=datetime(2025, 3, 10, 11, 0, tzinfo=UTC),
)
PUBG = Article(
    url="https://www.amarujala.com/technology/pubg-return",
    title="पबजी की वापसी पर सरकार सख्त, कंपनी से मांगा जवाब",
    guid="amar-1002",
    lang="hi",
)
WHATSAPP = Article(
    url="https://indianexpress.com/article/technology/whatsapp-privacy-policy/",
    title="WhatsApp privacy policy: what changes for Indian users",
    guid=None,
    lang="en",
)


@pytest.fixture
async def source_id(store) -> int:
    row, _ = await store.sources.add(
        SourceSpec(url="https://www.amarujala.com/rss/technology.xml", name="अमर उजाला"),
        default_interval_s=300,
        added_by_chat_id=None,
        now=T0,
    )
    return row.id


async def test_insert_new_returns_only_unseen_articles(store, source_id: int) -> None:
    first = await store.articles.insert_new(source_id, [TIKTOK, PUBG], fetched_at=T0)
    assert [a.canonical_url for a in first.new] == [TIKTOK.url, PUBG.url]
    assert first.seen == 0
    assert first.new[0].source_name == "अमर उजाला" and first.new[0].matched_at is None

    second = await store.articles.insert_new(
        source_id, [PUBG, WHATSAPP, TIKTOK], fetched_at=T0 + timedelta(minutes=5)
    )
    assert [a.canonical_url for a in second.new] == [WHATSAPP.url]
    assert second.seen == 2


async def test_same_guid_with_a_new_url_is_seen(store, source_id: int) -> None:
    await store.articles.insert_new(source_id, [TIKTOK], fetched_at=T0)
    moved = Article(url=TIKTOK.url + "?amp=1", title=TIKTOK.title, guid=TIKTOK.guid)
    again = await store.articles.insert_new(source_id, [moved], fetched_at=T0)
    assert again.new == () and again.seen == 1
    # The same GUID from another source is another article.
    other, _ = await store.sources.add(
        SourceSpec(url="https://other.example/rss"),
        default_interval_s=300,
        added_by_chat_id=None,
        now=T0,
    )
    elsewhere = await store.articles.insert_new(other.id, [moved], fetched_at=T0)
    assert [a.canonical_url for a in elsewhere.new] == [moved.url]


async def test_a_guid_shared_by_different_urls_is_not_trusted(store, source_id: int) -> None:
    """Some feeds put one site-wide value in every <guid>: all items must still be stored."""
    items = [
        Article(
            url=f"https://hostile.example/story/{n}",
            title=f"खबर {n}",
            guid="https://hostile.example/",
        )
        for n in range(3)
    ]
    inserted = await store.articles.insert_new(source_id, items, fetched_at=T0)
    assert len(inserted.new) == 3
    assert {a.guid for a in inserted.new} == {None}


async def test_duplicates_inside_one_batch_are_stored_once(store, source_id: int) -> None:
    inserted = await store.articles.insert_new(source_id, [TIKTOK, TIKTOK, PUBG], fetched_at=T0)
    assert len(inserted.new) == 2 and inserted.seen == 1


async def test_empty_guid_counts_as_none_and_urls_must_exist(store, source_id: int) -> None:
    blank = Article(url="https://x.example/1", title="t", guid="   ")
    inserted = await store.articles.insert_new(source_id, [blank], fetched_at=T0)
    assert inserted.new[0].guid is None
    with pytest.raises(ValueError, match="no URL"):
        await store.articles.insert_new(
            source_id, [Article(url=" ", title="बिना लिंक")], fetched_at=T0
        )
    assert await store.articles.insert_new(source_id, [], fetched_at=T0) == type(inserted)()


async def test_concurrent_inserts_of_the_same_items_store_each_once(
    backend, store, source_id, clock
) -> None:
    """Four pollers on four connections store overlapping batches in opposite orders at once:
    each article is reported new exactly once, and nothing fails."""
    items = [
        Article(url=f"https://www.jagran.com/news/{n:03}.html", title=f"समाचार {n}", guid=f"g{n}")
        for n in range(200)
    ]
    others = [backend.open_store(clock) for _ in range(3)]
    batches = [items, items[::-1], items[100:] + items[:100], items[::-1][50:] + items[::-1][:50]]
    try:
        results = await asyncio.gather(
            *(
                target.articles.insert_new(source_id, batch, fetched_at=T0)
                for target, batch in zip([store, *others], batches, strict=True)
            )
        )
    finally:
        for other in others:
            await other.close()
    new_urls = [a.canonical_url for result in results for a in result.new]
    assert len(new_urls) == len(set(new_urls)) == 200
    assert sum(result.seen for result in results) == 3 * 200


async def test_story_assignment_and_recent_fingerprints(store, source_id: int) -> None:
    inserted = await store.articles.insert_new(source_id, [TIKTOK, PUBG, WHATSAPP], fetched_at=T0)
    tiktok, pubg, whatsapp = inserted.new
    await store.articles.set_story(tiktok.id, story_id="story-7", fingerprint=0xABCDEF)
    await store.articles.set_story(pubg.id, story_id="story-7", fingerprint=0xABCDEE)
    assert {a.id for a in await store.articles.story_articles("story-7")} == {tiktok.id, pubg.id}
    recent = await store.articles.recent_fingerprints(since=T0 - timedelta(hours=1))
    assert {(r.article_id, r.story_id, r.fingerprint) for r in recent} == {
        (tiktok.id, "story-7", 0xABCDEF),
        (pubg.id, "story-7", 0xABCDEE),
    }
    assert await store.articles.recent_fingerprints(since=T0 + timedelta(seconds=1)) == []
    with pytest.raises(ValueError):
        await store.articles.set_story(whatsapp.id, story_id="", fingerprint=None)


async def test_recent_find_and_get_many(store, source_id: int) -> None:
    await store.articles.insert_new(source_id, [TIKTOK], fetched_at=T0)
    await store.articles.insert_new(source_id, [PUBG], fetched_at=T0 + timedelta(hours=2))
    await store.articles.insert_new(source_id, [WHATSAPP], fetched_at=T0 + timedelta(hours=4))
    recent = await store.articles.recent(since=T0 + timedelta(hours=1))
    assert [a.canonical_url for a in recent] == [WHATSAPP.url, PUBG.url]  # newest first
    assert [a.canonical_url for a in await store.articles.recent(since=T0, limit=1)] == [
        WHATSAPP.url
    ]
    found = await store.articles.find_by_url(TIKTOK.url)
    assert found is not None and found.title == TIKTOK.title
    assert await store.articles.find_by_url("https://nowhere.example/") is None
    many = await store.articles.get_many([found.id, 12345])
    assert list(many) == [found.id]
    assert await store.articles.count_by_source() == {source_id: 3}


async def test_unmatched_articles_survive_until_marked(store, source_id: int) -> None:
    inserted = await store.articles.insert_new(source_id, [TIKTOK, PUBG, WHATSAPP], fetched_at=T0)
    unmatched = await store.articles.unmatched(limit=10)
    assert sorted(a.id for a in unmatched) == sorted(a.id for a in inserted.new)
    await store.articles.mark_matched([inserted.new[0].id, inserted.new[2].id], at=T0)
    left = await store.articles.unmatched(limit=10)
    assert [a.id for a in left] == [inserted.new[1].id]
    marked = await store.articles.get(inserted.new[0].id)
    assert marked is not None and marked.matched_at == T0
