"""Digests: one row per (chat, period_start), claimed before it is built and sent.

The claim is ``INSERT … ON CONFLICT DO NOTHING`` against ``UNIQUE(chat_id, period_start)``:
whichever worker (task or process) inserts first owns the period, every other claim gets None,
so a digest window is sent once even across restarts and scale-out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.engine import RowMapping

from bot.adapters.storage.database import Database
from bot.adapters.storage.schema import digests
from bot.services.ports import DigestRow, DigestStatus

logger = logging.getLogger(__name__)

_MAX_ERROR = 2000


def digest_row(row: RowMapping) -> DigestRow:
    return DigestRow(
        id=row["id"],
        chat_id=row["chat_id"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        status=DigestStatus(row["status"]),
        claimed_at=row["claimed_at"],
        sent_at=row["sent_at"],
        message_ids=tuple(str(i) for i in row["message_ids"] or ()),
        story_count=row["story_count"],
        error=row["error"],
    )


class SqlDigestRepository:
    """``DigestRepository`` over SQLAlchemy Core."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(
        self,
        chat_id: int,
        *,
        period_start: datetime,
        period_end: datetime,
        now: datetime,
        owner: str | None = None,
    ) -> DigestRow | None:
        if period_end <= period_start:
            raise ValueError("a digest period must end after it starts")
        statement = (
            self._db.insert(digests)
            .values(
                chat_id=chat_id,
                period_start=period_start,
                period_end=period_end,
                status=DigestStatus.CLAIMED.value,
                claimed_at=now,
                claimed_by=owner,
                story_count=0,
            )
            .on_conflict_do_nothing(index_elements=[digests.c.chat_id, digests.c.period_start])
            .returning(*digests.c)
        )
        async with self._db.writing("digests.claim") as connection:
            row = (await connection.execute(statement)).mappings().first()
        if row is None:
            return None
        logger.debug("digest claimed", extra={"chat": chat_id, "digest": row["id"]})
        return digest_row(row)

    async def mark_sent(
        self,
        digest_id: int,
        *,
        message_ids: Sequence[str],
        story_count: int,
        sent_at: datetime,
    ) -> None:
        await self._update(
            "digests.mark_sent",
            digest_id,
            {
                "status": DigestStatus.SENT.value,
                "message_ids": [str(i) for i in message_ids],
                "story_count": story_count,
                "sent_at": sent_at,
                "error": None,
            },
        )

    async def mark_failed(self, digest_id: int, *, error: str) -> None:
        text = error if len(error) <= _MAX_ERROR else error[:_MAX_ERROR] + "…"
        await self._update(
            "digests.mark_failed", digest_id, {"status": DigestStatus.FAILED.value, "error": text}
        )

    async def retake_stale(
        self, digest_id: int, *, now: datetime, stale_before: datetime, owner: str | None = None
    ) -> bool:
        if now < stale_before:
            raise ValueError("stale_before must not be later than now")
        statement = (
            update(digests)
            .where(
                digests.c.id == digest_id,
                digests.c.status.in_([DigestStatus.CLAIMED.value, DigestStatus.FAILED.value]),
                digests.c.claimed_at < stale_before,
            )
            .values(status=DigestStatus.CLAIMED.value, claimed_at=now, claimed_by=owner, error=None)
        )
        async with self._db.writing("digests.retake_stale") as connection:
            return (await connection.execute(statement)).rowcount == 1

    async def get(self, digest_id: int) -> DigestRow | None:
        found = await self._select("digests.get", select(digests).where(digests.c.id == digest_id))
        return found[0] if found else None

    async def last_digest(self, chat_id: int) -> DigestRow | None:
        query = (
            select(digests)
            .where(digests.c.chat_id == chat_id)
            .order_by(digests.c.period_start.desc())
            .limit(1)
        )
        found = await self._select("digests.last_digest", query)
        return found[0] if found else None

    async def list_unsent(self, *, claimed_before: datetime | None = None) -> list[DigestRow]:
        query = select(digests).where(digests.c.status != DigestStatus.SENT.value)
        if claimed_before is not None:
            query = query.where(digests.c.claimed_at < claimed_before)
        return await self._select(
            "digests.list_unsent", query.order_by(digests.c.claimed_at, digests.c.id)
        )

    async def _update(self, operation: str, digest_id: int, values: dict[str, Any]) -> None:
        async with self._db.writing(operation) as connection:
            await connection.execute(
                update(digests).where(digests.c.id == digest_id).values(values)
            )

    async def _select(self, operation: str, query: Select[Any]) -> list[DigestRow]:
        async with self._db.reading(operation) as connection:
            result = await connection.execute(query)
            return [digest_row(row) for row in result.mappings()]
