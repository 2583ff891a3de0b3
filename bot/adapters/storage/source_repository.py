"""Sources: configured and chat-added feeds/pages, their polling state, health and leases.

``claim_due`` is how several pollers share the work: on PostgreSQL the due rows are picked with
``FOR UPDATE SKIP LOCKED`` inside the claiming UPDATE, so two processes never lease the same
source; on SQLite the UPDATE runs under ``BEGIN IMMEDIATE`` (one writer at a time).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, false, or_, select, update
from sqlalchemy.engine import RowMapping

from bot.adapters.storage.database import Database
from bot.adapters.storage.schema import sources
from bot.domain.models import SourceKind, SourceSpec
from bot.services.ports import SourceRow

logger = logging.getLogger(__name__)


def source_row(row: RowMapping) -> SourceRow:
    return SourceRow(
        id=row["id"],
        url=row["url"],
        kind=SourceKind(row["kind"]),
        name=row["name"],
        lang=row["lang"],
        interval_s=row["interval_s"],
        timezone=row["timezone"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        content_hash=row["content_hash"],
        next_poll_at=row["next_poll_at"],
        failures=row["failures"],
        last_error=row["last_error"],
        last_ok_at=row["last_ok_at"],
        last_polled_at=row["last_polled_at"],
        paused=bool(row["paused"]),
        added_by_chat_id=row["added_by_chat_id"],
        created_at=row["created_at"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
    )


def _spec_values(spec: SourceSpec, *, default_interval_s: int) -> dict[str, Any]:
    url = spec.url.strip()
    if not url:
        raise ValueError("a source needs a URL")
    interval_s = spec.interval_s if spec.interval_s is not None else default_interval_s
    if interval_s <= 0:
        raise ValueError(f"source {url}: interval must be a positive number of seconds")
    return {
        "url": url,
        "kind": SourceKind(spec.kind).value,
        "name": spec.name,
        "lang": spec.lang,
        "interval_s": interval_s,
        "timezone": spec.timezone,
    }


def _lease_free(now: datetime) -> Any:
    return or_(sources.c.lease_until.is_(None), sources.c.lease_until <= now)


def _check_lease(limit: int, lease_s: float, owner: str) -> None:
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if lease_s <= 0:
        raise ValueError("lease_s must be positive")
    if not owner:
        raise ValueError("owner must name the claiming worker")


class SqlSourceRepository:
    """``SourceRepository`` over SQLAlchemy Core."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def upsert_from_config(
        self, specs: Sequence[SourceSpec], *, default_interval_s: int, now: datetime
    ) -> list[SourceRow]:
        by_url: dict[str, dict[str, Any]] = {}
        for spec in specs:  # the last entry for a URL wins, like a config file read top-down
            values = _spec_values(spec, default_interval_s=default_interval_s)
            by_url[values["url"]] = values
        if not by_url:
            return []
        created_at = self._db.now()
        rows = [
            {**values, "next_poll_at": now, "created_at": created_at, "failures": 0}
            for _, values in sorted(by_url.items())  # one key order: no deadlock between upserts
        ]
        statement = self._db.insert(sources)
        statement = statement.on_conflict_do_update(
            index_elements=[sources.c.url],
            set_={
                name: statement.excluded[name]
                for name in ("kind", "name", "lang", "interval_s", "timezone")
            },
        )
        async with self._db.writing("sources.upsert_from_config") as connection:
            await connection.execute(statement, rows)
            result = await connection.execute(
                select(sources).where(sources.c.url.in_(list(by_url)))
            )
            stored = {row["url"]: source_row(row) for row in result.mappings()}
        return [stored[url] for url in by_url]

    async def add(
        self,
        spec: SourceSpec,
        *,
        default_interval_s: int,
        added_by_chat_id: int | None,
        now: datetime,
    ) -> tuple[SourceRow, bool]:
        values = _spec_values(spec, default_interval_s=default_interval_s)
        values.update(
            next_poll_at=now,
            created_at=self._db.now(),
            failures=0,
            added_by_chat_id=added_by_chat_id,
        )
        statement = (
            self._db.insert(sources)
            .values(values)
            .on_conflict_do_nothing(index_elements=[sources.c.url])
            .returning(*sources.c)
        )
        async with self._db.writing("sources.add") as connection:
            inserted = (await connection.execute(statement)).mappings().first()
            if inserted is not None:
                return source_row(inserted), True
            existing = (
                (await connection.execute(select(sources).where(sources.c.url == values["url"])))
                .mappings()
                .one()
            )
        return source_row(existing), False

    async def get(self, source_id: int) -> SourceRow | None:
        async with self._db.reading("sources.get") as connection:
            row = (
                (await connection.execute(select(sources).where(sources.c.id == source_id)))
                .mappings()
                .first()
            )
        return source_row(row) if row is not None else None

    async def get_by_url(self, url: str) -> SourceRow | None:
        async with self._db.reading("sources.get_by_url") as connection:
            row = (
                (await connection.execute(select(sources).where(sources.c.url == url.strip())))
                .mappings()
                .first()
            )
        return source_row(row) if row is not None else None

    async def list_all(self, *, include_paused: bool = True) -> list[SourceRow]:
        query = select(sources).order_by(sources.c.id)
        if not include_paused:
            query = query.where(sources.c.paused == false())
        async with self._db.reading("sources.list_all") as connection:
            result = await connection.execute(query)
            return [source_row(row) for row in result.mappings()]

    async def remove(self, source_id: int) -> bool:
        async with self._db.writing("sources.remove") as connection:
            result = await connection.execute(
                delete(sources).where(sources.c.id == source_id).returning(sources.c.id)
            )
            return result.first() is not None

    async def set_paused(self, source_id: int, paused: bool, *, now: datetime) -> SourceRow | None:
        values: dict[str, Any] = {"paused": paused}
        if not paused:
            values.update(failures=0, next_poll_at=now)
        return await self._update_returning("sources.set_paused", source_id, values)

    async def claim_due(
        self, *, now: datetime, limit: int, owner: str, lease_s: float
    ) -> list[SourceRow]:
        _check_lease(limit, lease_s, owner)
        due = (
            select(sources.c.id)
            .where(sources.c.paused == false(), sources.c.next_poll_at <= now, _lease_free(now))
            .order_by(sources.c.next_poll_at, sources.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("due_sources")
        )
        statement = (
            update(sources)
            .where(sources.c.id == due.c.id)
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
            .returning(*sources.c)
        )
        async with self._db.writing("sources.claim_due") as connection:
            result = await connection.execute(statement)
            claimed = [source_row(row) for row in result.mappings()]
        claimed.sort(key=lambda row: (row.next_poll_at, row.id))
        return claimed

    async def record_success(
        self,
        source_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        content_hash: str | None,
        next_poll_at: datetime,
        polled_at: datetime,
    ) -> None:
        await self._update(
            "sources.record_success",
            source_id,
            {
                "etag": etag,
                "last_modified": last_modified,
                "content_hash": content_hash,
                "next_poll_at": next_poll_at,
                "failures": 0,
                "last_error": None,
                "last_ok_at": polled_at,
                "last_polled_at": polled_at,
                "lease_owner": None,
                "lease_until": None,
            },
        )

    async def record_failure(
        self,
        source_id: int,
        *,
        error: str,
        failures: int,
        next_poll_at: datetime,
        paused: bool,
        polled_at: datetime,
    ) -> None:
        await self._update(
            "sources.record_failure",
            source_id,
            {
                "last_error": error,
                "failures": failures,
                "next_poll_at": next_poll_at,
                "paused": paused,
                "last_polled_at": polled_at,
                "lease_owner": None,
                "lease_until": None,
            },
        )

    async def release(self, source_id: int) -> None:
        await self._update("sources.release", source_id, {"lease_owner": None, "lease_until": None})

    async def release_all(self, owner: str) -> int:
        async with self._db.writing("sources.release_all") as connection:
            result = await connection.execute(
                update(sources)
                .where(sources.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )
            return result.rowcount

    async def _update(self, operation: str, source_id: int, values: dict[str, Any]) -> None:
        async with self._db.writing(operation) as connection:
            await connection.execute(
                update(sources).where(sources.c.id == source_id).values(values)
            )

    async def _update_returning(
        self, operation: str, source_id: int, values: dict[str, Any]
    ) -> SourceRow | None:
        async with self._db.writing(operation) as connection:
            row = (
                (
                    await connection.execute(
                        update(sources)
                        .where(sources.c.id == source_id)
                        .values(values)
                        .returning(*sources.c)
                    )
                )
                .mappings()
                .first()
            )
        return source_row(row) if row is not None else None
