"""Values round-trip identically on both backends: tz-aware UTC datetimes (whatever offset went
in), unsigned 64-bit fingerprints, Hindi text and JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import Article, SourceSpec

IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")

MOMENTS = [
    datetime(2025, 3, 10, 6, 30, tzinfo=UTC),
    datetime(2025, 3, 10, 12, 0, 0, 123456, tzinfo=IST),  # +05:30, microseconds
    datetime(2025, 3, 9, 1, 59, tzinfo=NEW_YORK),  # either side of the US spring-forward gap
    datetime(2025, 3, 9, 3, 0, tzinfo=NEW_YORK),
    datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-3))),
    datetime(1999, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime(2100, 2, 28, 18, 29, 59, tzinfo=IST),
]


async def test_datetimes_come_back_aware_utc_and_equal(store) -> None:
    for index, moment in enumerate(MOMENTS):
        row, _ = await store.sources.add(
            SourceSpec(url=f"https://example.in/{index}.xml"),
            default_interval_s=300,
            added_by_chat_id=None,
            now=moment,
        )
        again = await store.sources.get(row.id)
        assert again is not None
        for value in (row.next_poll_at, again.next_poll_at):
            assert value == moment
            assert value.utcoffset() == timedelta(0)
            assert value.tzinfo is not None


async def test_sql_comparisons_use_the_instant_not_the_wall_clock(store) -> None:
    """11:00 IST is 05:30 UTC: due before 06:00 UTC although its wall clock reads later."""
    early_ist = datetime(2025, 3, 10, 11, 0, tzinfo=IST)  # 05:30 UTC
    late_utc = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
    for url, due in (("https://a.example/late", late_utc), ("https://b.example/early", early_ist)):
        await store.sources.add(
            SourceSpec(url=url), default_interval_s=300, added_by_chat_id=None, now=due
        )
    claimed = await store.sources.claim_due(
        now=datetime(2025, 3, 10, 5, 45, tzinfo=UTC), limit=10, owner="w", lease_s=3600
    )
    assert [row.url for row in claimed] == ["https://b.example/early"]
    claimed = await store.sources.claim_due(
        now=datetime(2025, 3, 10, 11, 40, tzinfo=IST), limit=10, owner="w", lease_s=3600
    )
    assert [row.url for row in claimed] == ["https://a.example/late"]


async def test_naive_datetimes_are_refused(store) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        await store.sources.add(
            SourceSpec(url="https://example.in/naive.xml"),
            default_interval_s=300,
            added_by_chat_id=None,
            now=datetime(2025, 3, 10, 6, 30),
        )
    assert await store.sources.list_all() == []


@pytest.mark.parametrize("fingerprint", [0, 1, 2**63 - 1, 2**63, 2**64 - 1, 0xDEADBEEFCAFEBABE])
async def test_unsigned_64_bit_fingerprints_round_trip(store, fingerprint: int) -> None:
    inserted = await store.articles.insert_new(
        None,
        [Article(url=f"https://example.in/{fingerprint}", title="t")],
        fetched_at=datetime(2025, 3, 10, tzinfo=UTC),
    )
    article_id = inserted.new[0].id
    await store.articles.set_story(article_id, story_id="s1", fingerprint=fingerprint)
    stored = await store.articles.get(article_id)
    assert stored is not None and stored.fingerprint == fingerprint
    recent = await store.articles.recent_fingerprints(since=datetime(2025, 1, 1, tzinfo=UTC))
    assert [item.fingerprint for item in recent] == [fingerprint]


@pytest.mark.parametrize("bad", [-1, 2**64])
async def test_out_of_range_fingerprints_are_refused(store, bad: int) -> None:
    inserted = await store.articles.insert_new(
        None,
        [Article(url="https://example.in/x", title="t")],
        fetched_at=datetime(2025, 3, 10, tzinfo=UTC),
    )
    with pytest.raises(ValueError, match="unsigned 64-bit"):
        await store.articles.set_story(inserted.new[0].id, story_id="s1", fingerprint=bad)


async def test_hindi_text_and_json_round_trip(store) -> None:
    article = Article(
        url="https://www.bhaskar.com/national/news/tiktok-ban-123.html",
        title="भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी, डाटा लीक की बात से किया इनकार",
        summary="कंपनी का कहना है कि भारतीय यूज़र्स का डेटा सिंगापुर के सर्वर पर रखा जाता है।",
        categories=("टेक्नोलॉजी", "देश"),
        lang="hi",
        author="संवाददाता",
    )
    inserted = await store.articles.insert_new(
        None, [article], fetched_at=datetime(2025, 3, 10, tzinfo=UTC)
    )
    stored = await store.articles.get(inserted.new[0].id)
    assert stored is not None
    assert stored.article == article
