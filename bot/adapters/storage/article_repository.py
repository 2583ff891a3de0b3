"""Articles: what was fetched, deduplicated by canonical URL and by (source, GUID) in the
database itself, with story clusters and the "matched" mark used for crash recovery.

``insert_new`` is one ``INSERT … ON CONFLICT DO NOTHING … RETURNING``: the rows that come back
are exactly the articles never seen before, even when two pollers store the same item at once.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.engine import RowMapping

from bot.adapters.storage.database import Database
from bot.adapters.storage.schema import articles, sources
from bot.domain.models import Article
from bot.services.ports import ArticleInsert, StoredArticle, StoryFingerprint

logger = logging.getLogger(__name__)


def stored_article(row: RowMapping) -> StoredArticle:
    categories = row["categories"] or ()
    return StoredArticle(
        id=row["id"],
        source_id=row["source_id"],
        canonical_url=row["canonical_url"],
        guid=row["guid"],
        title=row["title"],
        summary=row["summary"],
        body=row["body"],
        lang=row["lang"],
        published_at=row["published_at"],
        fetched_at=row["fetched_at"],
        author=row["author"],
        categories=tuple(str(category) for category in categories),
        image_url=row["image_url"],
        story_id=row["story_id"],
        fingerprint=row["fingerprint"],
        matched_at=row["matched_at"],
        source_url=row["source_url"] or "",
        source_name=row["source_name"] or "",
    )


def _with_source() -> Select[Any]:
    return select(
        articles,
        sources.c.url.label("source_url"),
        sources.c.name.label("source_name"),
    ).select_from(articles.outerjoin(sources, articles.c.source_id == sources.c.id))


def _clean_guid(guid: str | None) -> str | None:
    if guid is None:
        return None
    guid = guid.strip()
    return guid or None


def _rows_for_insert(
    source_id: int | None, items: Sequence[Article], fetched_at: datetime
) -> list[dict[str, Any]]:
    """One row per distinct URL, first occurrence wins.

    A GUID shared by items with different URLs in the same fetch is not an identifier (some
    feeds put the site URL in every <guid>): it is dropped for those items rather than letting
    the (source, GUID) constraint swallow all but one of them.
    """
    urls_per_guid: dict[str, set[str]] = {}
    for item in items:
        guid = _clean_guid(item.guid)
        if guid is not None:
            urls_per_guid.setdefault(guid, set()).add(item.url.strip())
    unreliable = {guid for guid, urls in urls_per_guid.items() if len(urls) > 1}
    if unreliable:
        logger.info(
            "ignoring GUIDs shared by several items",
            extra={"source_id": source_id, "guids": len(unreliable)},
        )
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        url = item.url.strip()
        if not url:
            raise ValueError(f"article {item.title[:80]!r} has no URL")
        if url in rows:
            continue
        guid = _clean_guid(item.guid)
        rows[url] = {
            "source_id": source_id,
            "canonical_url": url,
            "guid": None if guid in unreliable else guid,
            "title": item.title,
            "summary": item.summary,
            "body": item.body,
            "lang": item.lang,
            "published_at": item.published_at,
            "fetched_at": fetched_at,
            "author": item.author,
            "categories": list(item.categories),
            "image_url": item.image_url,
        }
    return list(rows.values())


class SqlArticleRepository:
    """``ArticleRepository`` over SQLAlchemy Core."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def insert_new(
        self, source_id: int | None, items: Sequence[Article], *, fetched_at: datetime
    ) -> ArticleInsert:
        rows = _rows_for_insert(source_id, items, fetched_at)
        if not rows:
            return ArticleInsert(new=(), seen=len(items))
        statement = (
            self._db.insert(articles)
            .on_conflict_do_nothing()  # any unique: canonical_url or (source_id, guid)
            .returning(articles.c.id)
        )
        # Insert in URL order: concurrent batches then take their key locks in one order and
        # cannot deadlock on PostgreSQL.
        ordered = sorted(rows, key=lambda row: row["canonical_url"])
        async with self._db.writing("articles.insert_new") as connection:
            new_ids = [row.id for row in await connection.execute(statement, ordered)]
            stored: dict[int, StoredArticle] = {}
            if new_ids:
                result = await connection.execute(_with_source().where(articles.c.id.in_(new_ids)))
                stored = {row["id"]: stored_article(row) for row in result.mappings()}
        order = {row["canonical_url"]: index for index, row in enumerate(rows)}
        new = sorted(stored.values(), key=lambda article: order[article.canonical_url])
        return ArticleInsert(new=tuple(new), seen=len(items) - len(new))

    async def set_story(self, article_id: int, *, story_id: str, fingerprint: int | None) -> None:
        if not story_id:
            raise ValueError("story_id must not be empty")
        async with self._db.writing("articles.set_story") as connection:
            await connection.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(story_id=story_id, fingerprint=fingerprint)
            )

    async def mark_matched(self, article_ids: Collection[int], *, at: datetime) -> None:
        if not article_ids:
            return
        async with self._db.writing("articles.mark_matched") as connection:
            await connection.execute(
                update(articles).where(articles.c.id.in_(list(article_ids))).values(matched_at=at)
            )

    async def unmatched(self, *, limit: int) -> list[StoredArticle]:
        query = (
            _with_source()
            .where(articles.c.matched_at.is_(None))
            .order_by(articles.c.fetched_at, articles.c.id)
            .limit(limit)
        )
        return await self._select("articles.unmatched", query)

    async def get(self, article_id: int) -> StoredArticle | None:
        found = await self._select(
            "articles.get", _with_source().where(articles.c.id == article_id)
        )
        return found[0] if found else None

    async def get_many(self, article_ids: Collection[int]) -> dict[int, StoredArticle]:
        if not article_ids:
            return {}
        query = _with_source().where(articles.c.id.in_(list(article_ids)))
        return {article.id: article for article in await self._select("articles.get_many", query)}

    async def find_by_url(self, canonical_url: str) -> StoredArticle | None:
        query = _with_source().where(articles.c.canonical_url == canonical_url.strip())
        found = await self._select("articles.find_by_url", query)
        return found[0] if found else None

    async def recent(self, *, since: datetime, limit: int = 500) -> list[StoredArticle]:
        query = (
            _with_source()
            .where(articles.c.fetched_at >= since)
            .order_by(articles.c.fetched_at.desc(), articles.c.id.desc())
            .limit(limit)
        )
        return await self._select("articles.recent", query)

    async def recent_fingerprints(
        self, *, since: datetime, limit: int = 5000
    ) -> list[StoryFingerprint]:
        query = (
            select(
                articles.c.id,
                articles.c.story_id,
                articles.c.fingerprint,
                articles.c.fetched_at,
            )
            .where(
                articles.c.fetched_at >= since,
                articles.c.fingerprint.is_not(None),
                articles.c.story_id.is_not(None),
            )
            .order_by(articles.c.fetched_at.desc(), articles.c.id.desc())
            .limit(limit)
        )
        async with self._db.reading("articles.recent_fingerprints") as connection:
            result = await connection.execute(query)
            return [
                StoryFingerprint(
                    article_id=row.id,
                    story_id=row.story_id,
                    fingerprint=row.fingerprint,
                    fetched_at=row.fetched_at,
                )
                for row in result
            ]

    async def story_articles(self, story_id: str) -> list[StoredArticle]:
        query = (
            _with_source()
            .where(articles.c.story_id == story_id)
            .order_by(articles.c.fetched_at, articles.c.id)
        )
        return await self._select("articles.story_articles", query)

    async def count_by_source(self) -> dict[int, int]:
        """Stored articles per source id (admin health view)."""
        query = (
            select(articles.c.source_id, func.count())
            .where(articles.c.source_id.is_not(None))
            .group_by(articles.c.source_id)
        )
        async with self._db.reading("articles.count_by_source") as connection:
            return {row[0]: row[1] for row in await connection.execute(query)}

    async def _select(self, operation: str, query: Select[Any]) -> list[StoredArticle]:
        async with self._db.reading(operation) as connection:
            result = await connection.execute(query)
            return [stored_article(row) for row in result.mappings()]
