"""The outbox: every alert is a row here before anything is sent, and is marked sent only after
the platform said ok — a restart resumes from it and nothing matched is lost.

``UNIQUE(chat_id, story_id)`` makes ``enqueue`` idempotent (``ON CONFLICT DO NOTHING``): one
story reaches a chat once, whichever feed or query found it, however often it is re-matched.
``claim_pending`` leases rows to one sender: on PostgreSQL the candidates are locked with
``FOR UPDATE OF outbox SKIP LOCKED`` inside the claiming UPDATE, so concurrent senders (tasks
or processes) never get the same row; a lease that expires makes the row claimable again.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.engine import RowMapping

from bot.adapters.storage.database import Database
from bot.adapters.storage.schema import chats, outbox
from bot.domain.models import MatchWhy, OutboxStatus, Platform
from bot.services.ports import OutboxEntry, OutboxRow

logger = logging.getLogger(__name__)

_PENDING = OutboxStatus.PENDING.value
_MAX_ERROR = 2000


def why_to_json(why: Sequence[MatchWhy]) -> list[dict[str, str]]:
    return [
        {"term": item.term, "found": item.found, "field": item.field_name, "via": item.via}
        for item in why
    ]


def why_from_json(value: Any) -> tuple[MatchWhy, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        MatchWhy(
            term=str(item.get("term", "")),
            found=str(item.get("found", "")),
            field_name=str(item.get("field", "")),
            via=str(item.get("via", "exact")),
        )
        for item in value
        if isinstance(item, Mapping)
    )


def outbox_row(row: RowMapping) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        chat_id=row["chat_id"],
        thread_id=row["thread_id"],
        story_id=row["story_id"],
        article_id=row["article_id"],
        subscription_ids=tuple(int(i) for i in row["subscription_ids"] or ()),
        score=row["score"],
        why=why_from_json(row["why"]),
        status=OutboxStatus(row["status"]),
        hold=bool(row["hold"]),
        silent=bool(row["silent"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        platform_message_id=row["platform_message_id"],
        error=row["error"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
        digest_id=row["digest_id"],
    )


def _error_text(error: str | None) -> str | None:
    if error is None:
        return None
    return error if len(error) <= _MAX_ERROR else error[:_MAX_ERROR] + "…"


def _entry_values(entry: OutboxEntry, created_at: datetime) -> dict[str, Any]:
    if not entry.story_id:
        raise ValueError("an outbox entry needs a story_id")
    return {
        "chat_id": entry.chat_id,
        "thread_id": entry.thread_id,
        "story_id": entry.story_id,
        "article_id": entry.article_id,
        "subscription_ids": [int(i) for i in entry.subscription_ids],
        "score": float(entry.score),
        "why": why_to_json(entry.why),
        "status": _PENDING,
        "hold": entry.hold,
        "silent": entry.silent,
        "attempts": 0,
        "next_attempt_at": entry.next_attempt_at,
        "created_at": created_at,
    }


_NO_LEASE = {"lease_owner": None, "lease_until": None}


class SqlOutboxRepository:
    """``OutboxRepository`` over SQLAlchemy Core."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def enqueue(self, entries: Sequence[OutboxEntry]) -> int:
        # Within one batch keep the best-scoring entry per (chat, story), like the DB would
        # keep the first one across batches.
        best: dict[tuple[int, str], OutboxEntry] = {}
        for entry in entries:
            key = (entry.chat_id, entry.story_id)
            if key not in best or entry.score > best[key].score:
                best[key] = entry
        if not best:
            return 0
        created_at = self._db.now()
        # Sorted by the unique key: concurrent enqueues lock keys in one order (no deadlock).
        rows = [_entry_values(best[key], created_at) for key in sorted(best)]
        statement = (
            self._db.insert(outbox)
            .on_conflict_do_nothing(index_elements=[outbox.c.chat_id, outbox.c.story_id])
            .returning(outbox.c.id)
        )
        async with self._db.writing("outbox.enqueue") as connection:
            new = len((await connection.execute(statement, rows)).all())
        logger.debug("outbox enqueued", extra={"offered": len(entries), "new": new})
        return new

    async def get(self, outbox_id: int) -> OutboxRow | None:
        found = await self._select("outbox.get", select(outbox).where(outbox.c.id == outbox_id))
        return found[0] if found else None

    async def claim_pending(
        self,
        *,
        platform: Platform,
        now: datetime,
        limit: int,
        owner: str,
        lease_s: float,
    ) -> list[OutboxRow]:
        if limit < 1 or lease_s <= 0 or not owner:
            raise ValueError("claim needs limit ≥ 1, a positive lease_s and an owner name")
        candidates = (
            select(outbox.c.id)
            .join(chats, chats.c.id == outbox.c.chat_id)
            .where(
                outbox.c.status == _PENDING,
                outbox.c.hold == false(),
                or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
                or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now),
                chats.c.platform == Platform(platform).value,
                chats.c.active.is_(True),
                chats.c.paused == false(),
            )
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(of=outbox, skip_locked=True)
            .cte("claimable_outbox")
        )
        statement = (
            update(outbox)
            .where(outbox.c.id == candidates.c.id)
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
            .returning(*outbox.c)
        )
        async with self._db.writing("outbox.claim_pending") as connection:
            result = await connection.execute(statement)
            claimed = [outbox_row(row) for row in result.mappings()]
        claimed.sort(key=lambda row: row.id)
        return claimed

    async def mark_sent(
        self, outbox_id: int, *, platform_message_id: str | None, sent_at: datetime
    ) -> None:
        await self._update(
            "outbox.mark_sent",
            outbox_id,
            {
                "status": OutboxStatus.SENT.value,
                "sent_at": sent_at,
                "platform_message_id": platform_message_id,
                "error": None,
                **_NO_LEASE,
            },
        )

    async def mark_failed(self, outbox_id: int, *, error: str) -> None:
        await self._update(
            "outbox.mark_failed",
            outbox_id,
            {"status": OutboxStatus.FAILED.value, "error": _error_text(error), **_NO_LEASE},
        )

    async def mark_skipped_for_chat(self, chat_id: int, *, reason: str) -> int:
        async with self._db.writing("outbox.mark_skipped_for_chat") as connection:
            result = await connection.execute(
                update(outbox)
                .where(outbox.c.chat_id == chat_id, outbox.c.status == _PENDING)
                .values(status=OutboxStatus.SKIPPED.value, error=_error_text(reason), **_NO_LEASE)
            )
            return result.rowcount

    async def reschedule(
        self, outbox_id: int, *, next_attempt_at: datetime, attempts: int, error: str | None
    ) -> None:
        await self._update(
            "outbox.reschedule",
            outbox_id,
            {
                "next_attempt_at": next_attempt_at,
                "attempts": attempts,
                "error": _error_text(error),
                **_NO_LEASE,
            },
        )

    async def release_lease(self, outbox_id: int) -> None:
        await self._update("outbox.release_lease", outbox_id, dict(_NO_LEASE))

    async def release_all(self, owner: str) -> int:
        async with self._db.writing("outbox.release_all") as connection:
            result = await connection.execute(
                update(outbox).where(outbox.c.lease_owner == owner).values(**_NO_LEASE)
            )
            return result.rowcount

    async def hold_pending_for_chat(self, chat_id: int) -> int:
        async with self._db.writing("outbox.hold_pending_for_chat") as connection:
            result = await connection.execute(
                update(outbox)
                .where(
                    outbox.c.chat_id == chat_id,
                    outbox.c.status == _PENDING,
                    outbox.c.hold == false(),
                )
                .values(hold=True)
            )
            return result.rowcount

    async def held_for_digest(
        self, chat_id: int, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[OutboxRow]:
        query = select(outbox).where(
            outbox.c.chat_id == chat_id,
            outbox.c.status == _PENDING,
            outbox.c.hold.is_(True),
        )
        if since is not None:
            query = query.where(outbox.c.created_at >= since)
        if until is not None:
            query = query.where(outbox.c.created_at < until)
        return await self._select(
            "outbox.held_for_digest", query.order_by(outbox.c.created_at, outbox.c.id)
        )

    async def mark_digested(
        self, outbox_ids: Collection[int], *, digest_id: int | None, at: datetime
    ) -> int:
        if not outbox_ids:
            return 0
        async with self._db.writing("outbox.mark_digested") as connection:
            result = await connection.execute(
                update(outbox)
                .where(outbox.c.id.in_(list(outbox_ids)), outbox.c.status == _PENDING)
                .values(
                    status=OutboxStatus.DIGESTED.value,
                    sent_at=at,
                    digest_id=digest_id,
                    **_NO_LEASE,
                )
            )
            return result.rowcount

    async def pending_counts(self) -> dict[int, int]:
        query = (
            select(outbox.c.chat_id, func.count())
            .where(outbox.c.status == _PENDING, outbox.c.hold == false())
            .group_by(outbox.c.chat_id)
        )
        async with self._db.reading("outbox.pending_counts") as connection:
            return {row[0]: row[1] for row in await connection.execute(query)}

    async def queue_depth(self, *, platform: Platform | None = None) -> int:
        query = select(func.count()).select_from(outbox).where(outbox.c.status == _PENDING)
        if platform is not None:
            query = query.join(chats, chats.c.id == outbox.c.chat_id).where(
                chats.c.platform == Platform(platform).value
            )
        async with self._db.reading("outbox.queue_depth") as connection:
            return int((await connection.execute(query)).scalar_one())

    async def recent_for_chat(self, chat_id: int, *, limit: int = 20) -> list[OutboxRow]:
        query = (
            select(outbox)
            .where(outbox.c.chat_id == chat_id)
            .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())
            .limit(limit)
        )
        return await self._select("outbox.recent_for_chat", query)

    async def _update(self, operation: str, outbox_id: int, values: dict[str, Any]) -> None:
        async with self._db.writing(operation) as connection:
            await connection.execute(update(outbox).where(outbox.c.id == outbox_id).values(values))

    async def _select(self, operation: str, query: Select[Any]) -> list[OutboxRow]:
        async with self._db.reading(operation) as connection:
            result = await connection.execute(query)
            return [outbox_row(row) for row in result.mappings()]
