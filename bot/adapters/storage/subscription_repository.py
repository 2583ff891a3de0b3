"""Subscriptions: the queries chats track, unique per (chat, thread, normalised query) among
active ones — enforced by a partial unique index, so a double-sent /track cannot add twice.

Removing deactivates rather than deletes: outbox rows keep pointing at the subscription that
found them, which /why explains.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.engine import RowMapping

from bot.adapters.storage.database import Database
from bot.adapters.storage.schema import chats, subscriptions
from bot.services.ports import AddedSubscription, NewSubscription, SubscriptionRow

logger = logging.getLogger(__name__)

_MAX_THREAD = 128
_ADD_ATTEMPTS = 3


def subscription_row(row: RowMapping) -> SubscriptionRow:
    parsed = row["parsed"]
    return SubscriptionRow(
        id=row["id"],
        chat_id=row["chat_id"],
        thread_id=row["thread_key"] or None,
        query_text=row["query_text"],
        query_norm=row["query_norm"],
        parsed=parsed if isinstance(parsed, Mapping) else None,
        created_by=row["created_by"],
        created_at=row["created_at"],
        muted_until=row["muted_until"],
        last_alert_at=row["last_alert_at"],
        active=bool(row["active"]),
    )


def thread_key(thread_id: str | None) -> str:
    """The non-null key stored for a thread: '' means the chat itself."""
    key = "" if thread_id is None else str(thread_id).strip()
    if len(key) > _MAX_THREAD:
        raise ValueError(f"thread id longer than {_MAX_THREAD} characters")
    return key


def _active_duplicate(chat_id: int, key: str, query_norm: str) -> Select[Any]:
    return select(subscriptions).where(
        subscriptions.c.chat_id == chat_id,
        subscriptions.c.thread_key == key,
        subscriptions.c.query_norm == query_norm,
        subscriptions.c.active.is_(True),
    )


class SqlSubscriptionRepository:
    """``SubscriptionRepository`` over SQLAlchemy Core."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, subscription: NewSubscription) -> AddedSubscription:
        query_text = subscription.query_text.strip()
        query_norm = subscription.query_norm.strip()
        if not query_text or not query_norm:
            raise ValueError("a subscription needs a query text and its normalised form")
        key = thread_key(subscription.thread_id)
        values = {
            "chat_id": subscription.chat_id,
            "thread_key": key,
            "query_text": query_text,
            "query_norm": query_norm,
            "parsed": dict(subscription.parsed) if subscription.parsed is not None else None,
            "created_by": subscription.created_by,
            "created_at": self._db.now(),
            "active": True,
        }
        statement = (
            self._db.insert(subscriptions)
            .values(values)
            .on_conflict_do_nothing()  # the partial unique index on active queries
            .returning(*subscriptions.c)
        )
        for _ in range(_ADD_ATTEMPTS):
            async with self._db.writing("subscriptions.add") as connection:
                inserted = (await connection.execute(statement)).mappings().first()
                if inserted is not None:
                    return AddedSubscription(subscription=subscription_row(inserted), created=True)
                duplicate = (
                    (
                        await connection.execute(
                            _active_duplicate(subscription.chat_id, key, query_norm)
                        )
                    )
                    .mappings()
                    .first()
                )
            if duplicate is not None:
                return AddedSubscription(subscription=subscription_row(duplicate), created=False)
            # The duplicate was removed between our insert and our read: try again.
        raise RuntimeError("subscription kept conflicting without a visible duplicate")

    async def get(self, subscription_id: int) -> SubscriptionRow | None:
        found = await self._select(
            "subscriptions.get", select(subscriptions).where(subscriptions.c.id == subscription_id)
        )
        return found[0] if found else None

    async def get_many(self, subscription_ids: Collection[int]) -> dict[int, SubscriptionRow]:
        if not subscription_ids:
            return {}
        query = select(subscriptions).where(subscriptions.c.id.in_(list(subscription_ids)))
        return {row.id: row for row in await self._select("subscriptions.get_many", query)}

    async def remove(
        self, subscription_id: int, *, chat_id: int | None = None
    ) -> SubscriptionRow | None:
        statement = (
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id, subscriptions.c.active.is_(True))
            .values(active=False)
            .returning(*subscriptions.c)
        )
        if chat_id is not None:
            statement = statement.where(subscriptions.c.chat_id == chat_id)
        async with self._db.writing("subscriptions.remove") as connection:
            row = (await connection.execute(statement)).mappings().first()
        return subscription_row(row) if row is not None else None

    async def remove_all_for_chat(self, chat_id: int) -> int:
        async with self._db.writing("subscriptions.remove_all_for_chat") as connection:
            result = await connection.execute(
                update(subscriptions)
                .where(subscriptions.c.chat_id == chat_id, subscriptions.c.active.is_(True))
                .values(active=False)
            )
            return result.rowcount

    async def list_for_chat(
        self, chat_id: int, *, include_inactive: bool = False
    ) -> list[SubscriptionRow]:
        query = (
            select(subscriptions)
            .where(subscriptions.c.chat_id == chat_id)
            .order_by(subscriptions.c.id)
        )
        if not include_inactive:
            query = query.where(subscriptions.c.active.is_(True))
        return await self._select("subscriptions.list_for_chat", query)

    async def count_for_chat(self, chat_id: int) -> int:
        query = select(func.count()).where(
            subscriptions.c.chat_id == chat_id, subscriptions.c.active.is_(True)
        )
        async with self._db.reading("subscriptions.count_for_chat") as connection:
            return int((await connection.execute(query)).scalar_one())

    async def list_all_active(self, *, only_active_chats: bool = True) -> list[SubscriptionRow]:
        query = select(subscriptions).where(subscriptions.c.active.is_(True))
        if only_active_chats:
            query = query.join(chats, chats.c.id == subscriptions.c.chat_id).where(
                chats.c.active.is_(True)
            )
        return await self._select(
            "subscriptions.list_all_active", query.order_by(subscriptions.c.id)
        )

    async def mute(self, subscription_id: int, *, until: datetime) -> SubscriptionRow | None:
        return await self._set_muted_until("subscriptions.mute", subscription_id, until)

    async def unmute(self, subscription_id: int) -> SubscriptionRow | None:
        return await self._set_muted_until("subscriptions.unmute", subscription_id, None)

    async def touch_alerted(self, subscription_ids: Collection[int], *, at: datetime) -> None:
        if not subscription_ids:
            return
        async with self._db.writing("subscriptions.touch_alerted") as connection:
            await connection.execute(
                update(subscriptions)
                .where(subscriptions.c.id.in_(list(subscription_ids)))
                .values(last_alert_at=at)
            )

    async def renormalise(self, norms: Mapping[int, str]) -> tuple[int, int]:
        """Store new normalised forms (subscription id → form) for active subscriptions whose
        form an older version computed differently; returns (rewritten, retired).

        A subscription whose new form is already tracked by an active twin in the same chat and
        thread is the same query twice: it is deactivated instead (the unique index allows one).
        """
        twin = subscriptions.alias("twin")
        rewritten = retired = 0
        async with self._db.writing("subscriptions.renormalise") as connection:
            for subscription_id, norm in norms.items():
                has_twin = (
                    select(twin.c.id)
                    .where(
                        twin.c.chat_id == subscriptions.c.chat_id,
                        twin.c.thread_key == subscriptions.c.thread_key,
                        twin.c.query_norm == norm,
                        twin.c.active.is_(True),
                        twin.c.id != subscriptions.c.id,
                    )
                    .exists()
                )
                mine = (subscriptions.c.id == subscription_id, subscriptions.c.active.is_(True))
                result = await connection.execute(
                    update(subscriptions).where(*mine, ~has_twin).values(query_norm=norm)
                )
                if result.rowcount:
                    rewritten += 1
                    continue
                result = await connection.execute(
                    update(subscriptions).where(*mine, has_twin).values(active=False)
                )
                retired += result.rowcount
        return rewritten, retired

    async def _set_muted_until(
        self, operation: str, subscription_id: int, muted_until: datetime | None
    ) -> SubscriptionRow | None:
        async with self._db.writing(operation) as connection:
            row = (
                (
                    await connection.execute(
                        update(subscriptions)
                        .where(subscriptions.c.id == subscription_id)
                        .values(muted_until=muted_until)
                        .returning(*subscriptions.c)
                    )
                )
                .mappings()
                .first()
            )
        return subscription_row(row) if row is not None else None

    async def _select(self, operation: str, query: Select[Any]) -> list[SubscriptionRow]:
        async with self._db.reading(operation) as connection:
            result = await connection.execute(query)
            return [subscription_row(row) for row in result.mappings()]
