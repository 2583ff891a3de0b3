"""Chats: one row per platform chat with its settings, activity and migrations.

A migrated chat (Telegram group → supergroup) keeps its row id, so its subscriptions, outbox
and digests follow it; the old platform id stays behind as an inactive tombstone that points at
the new one, so late updates from the old id still find the chat.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.adapters.storage.database import Database
from bot.adapters.storage.schema import (
    CHAT_LANGUAGES,
    chats,
    digests,
    outbox,
    sources,
    subscriptions,
)
from bot.domain.models import ChatKind, DeliveryMode, Platform, QuietHours
from bot.services.ports import UNSET, ChatDefaults, ChatRow, Unset

logger = logging.getLogger(__name__)

_MAX_MIGRATION_HOPS = 5
_MAX_TITLE = 512


def chat_row(row: RowMapping) -> ChatRow:
    quiet = None
    if row["quiet_start"] is not None and row["quiet_end"] is not None:
        quiet = QuietHours(
            start_minute=row["quiet_start"],
            end_minute=row["quiet_end"],
            hold_for_digest=bool(row["quiet_hold"]),
        )
    return ChatRow(
        id=row["id"],
        platform=Platform(row["platform"]),
        platform_chat_id=row["platform_chat_id"],
        kind=ChatKind(row["kind"]),
        title=row["title"],
        lang=row["lang"],
        timezone=row["timezone"],
        mode=DeliveryMode(row["mode"]),
        digest_schedule=row["digest_schedule"],
        digest_empty_notice=bool(row["digest_empty_notice"]),
        quiet_hours=quiet,
        high_score=row["high_score"],
        active=bool(row["active"]),
        paused=bool(row["paused"]),
        migrated_to=row["migrated_to"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _checked_lang(lang: str) -> str:
    if lang not in CHAT_LANGUAGES:
        raise ValueError(f"chat language must be one of {', '.join(CHAT_LANGUAGES)}, not {lang!r}")
    return lang


def _checked_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def _checked_schedule(schedule: str) -> str:
    schedule = schedule.strip()
    if not schedule or len(schedule) > 64:
        raise ValueError("digest schedule must be 1-64 characters, e.g. 'off' or 'daily 09:00'")
    return schedule


def _quiet_values(quiet: QuietHours | None) -> dict[str, Any]:
    if quiet is None:
        return {"quiet_start": None, "quiet_end": None, "quiet_hold": False}
    for minute in (quiet.start_minute, quiet.end_minute):
        if not 0 <= minute <= 1439:
            raise ValueError(f"quiet hours minute {minute} is outside 0..1439")
    return {
        "quiet_start": quiet.start_minute,
        "quiet_end": quiet.end_minute,
        "quiet_hold": quiet.hold_for_digest,
    }


def _checked_chat_id(platform_chat_id: str) -> str:
    platform_chat_id = str(platform_chat_id).strip()
    if not platform_chat_id or len(platform_chat_id) > 128:
        raise ValueError("platform chat id must be 1-128 characters")
    return platform_chat_id


class SqlChatRepository:
    """``ChatRepository`` over SQLAlchemy Core."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def get_or_create(
        self, platform: Platform, platform_chat_id: str, *, defaults: ChatDefaults | None = None
    ) -> tuple[ChatRow, bool]:
        platform = Platform(platform)
        platform_chat_id = _checked_chat_id(platform_chat_id)
        found = await self.get_by_platform_id(platform, platform_chat_id)
        if found is not None:
            return found, False
        defaults = defaults or ChatDefaults()
        now = self._db.now()
        values = {
            "platform": platform.value,
            "platform_chat_id": platform_chat_id,
            "kind": ChatKind(defaults.kind).value,
            "title": defaults.title[:_MAX_TITLE] if defaults.title else None,
            "lang": _checked_lang(defaults.lang),
            "timezone": _checked_timezone(defaults.timezone),
            "mode": DeliveryMode(defaults.mode).value,
            "digest_schedule": _checked_schedule(defaults.digest_schedule),
            "created_at": now,
            "updated_at": now,
        }
        statement = (
            self._db.insert(chats)
            .values(values)
            .on_conflict_do_nothing(index_elements=[chats.c.platform, chats.c.platform_chat_id])
            .returning(*chats.c)
        )
        async with self._db.writing("chats.get_or_create") as connection:
            inserted = (await connection.execute(statement)).mappings().first()
            if inserted is not None:
                logger.info("chat created", extra={"chat": inserted["id"], "platform": platform})
                return chat_row(inserted), True
            # Someone created it between our read and our insert.
            existing = await _follow(connection, platform, platform_chat_id)
        if existing is None:  # pragma: no cover - the conflicting row cannot vanish in our tx
            raise LookupError(f"chat {platform}:{platform_chat_id} disappeared")
        return existing, False

    async def get(self, chat_id: int) -> ChatRow | None:
        async with self._db.reading("chats.get") as connection:
            row = (
                (await connection.execute(select(chats).where(chats.c.id == chat_id)))
                .mappings()
                .first()
            )
        return chat_row(row) if row is not None else None

    async def get_by_platform_id(self, platform: Platform, platform_chat_id: str) -> ChatRow | None:
        async with self._db.reading("chats.get_by_platform_id") as connection:
            return await _follow(connection, Platform(platform), str(platform_chat_id).strip())

    async def update_settings(
        self,
        chat_id: int,
        *,
        title: str | Unset | None = UNSET,
        kind: ChatKind | Unset = UNSET,
        lang: str | Unset = UNSET,
        timezone: str | Unset = UNSET,
        mode: DeliveryMode | Unset = UNSET,
        digest_schedule: str | Unset = UNSET,
        digest_empty_notice: bool | Unset = UNSET,
        quiet_hours: QuietHours | Unset | None = UNSET,
        high_score: float | Unset | None = UNSET,
        paused: bool | Unset = UNSET,
    ) -> ChatRow:
        values: dict[str, Any] = {}
        if not isinstance(title, Unset):
            values["title"] = title[:_MAX_TITLE] if title else None
        if not isinstance(kind, Unset):
            values["kind"] = ChatKind(kind).value
        if not isinstance(lang, Unset):
            values["lang"] = _checked_lang(lang)
        if not isinstance(timezone, Unset):
            values["timezone"] = _checked_timezone(timezone)
        if not isinstance(mode, Unset):
            values["mode"] = DeliveryMode(mode).value
        if not isinstance(digest_schedule, Unset):
            values["digest_schedule"] = _checked_schedule(digest_schedule)
        if not isinstance(digest_empty_notice, Unset):
            values["digest_empty_notice"] = bool(digest_empty_notice)
        if not isinstance(quiet_hours, Unset):
            values.update(_quiet_values(quiet_hours))
        if not isinstance(high_score, Unset):
            values["high_score"] = None if high_score is None else float(high_score)
        if not isinstance(paused, Unset):
            values["paused"] = bool(paused)
        values["updated_at"] = self._db.now()
        row = await self._update_returning("chats.update_settings", chat_id, values)
        if row is None:
            raise LookupError(f"no chat with id {chat_id}")
        return row

    async def set_active(self, chat_id: int, active: bool) -> ChatRow | None:
        values = {"active": active, "updated_at": self._db.now()}
        return await self._update_returning("chats.set_active", chat_id, values)

    async def migrate(self, chat_id: int, new_platform_chat_id: str) -> ChatRow:
        new_id = _checked_chat_id(new_platform_chat_id)
        now = self._db.now()
        async with self._db.writing("chats.migrate") as connection:
            # FOR UPDATE (PostgreSQL): a second migrate of the same chat waits, then sees ours.
            locked = select(chats).where(chats.c.id == chat_id).with_for_update()
            current = (await connection.execute(locked)).mappings().first()
            if current is None:
                raise LookupError(f"no chat with id {chat_id}")
            if current["platform_chat_id"] == new_id:
                return chat_row(current)
            other = (
                await connection.execute(
                    select(chats.c.id).where(
                        chats.c.platform == current["platform"],
                        chats.c.platform_chat_id == new_id,
                    )
                )
            ).scalar()
            if other is not None and other != chat_id:
                await _merge_into(connection, source_chat_id=other, target_chat_id=chat_id)
                await connection.execute(delete(chats).where(chats.c.id == other))
            updated = (
                (
                    await connection.execute(
                        update(chats)
                        .where(chats.c.id == chat_id)
                        .values(platform_chat_id=new_id, migrated_to=None, updated_at=now)
                        .returning(*chats.c)
                    )
                )
                .mappings()
                .one()
            )
            await connection.execute(
                self._db.insert(chats)
                .values(
                    platform=current["platform"],
                    platform_chat_id=current["platform_chat_id"],
                    kind=current["kind"],
                    title=current["title"],
                    lang=current["lang"],
                    timezone=current["timezone"],
                    active=False,
                    migrated_to=new_id,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
            )
        logger.info(
            "chat migrated",
            extra={"chat": chat_id, "merged_chat": other, "platform": current["platform"]},
        )
        return chat_row(updated)

    async def list_active(self, *, platform: Platform | None = None) -> list[ChatRow]:
        query = select(chats).where(chats.c.active.is_(True)).order_by(chats.c.id)
        if platform is not None:
            query = query.where(chats.c.platform == Platform(platform).value)
        async with self._db.reading("chats.list_active") as connection:
            result = await connection.execute(query)
            return [chat_row(row) for row in result.mappings()]

    async def _update_returning(
        self, operation: str, chat_id: int, values: dict[str, Any]
    ) -> ChatRow | None:
        async with self._db.writing(operation) as connection:
            row = (
                (
                    await connection.execute(
                        update(chats)
                        .where(chats.c.id == chat_id)
                        .values(values)
                        .returning(*chats.c)
                    )
                )
                .mappings()
                .first()
            )
        return chat_row(row) if row is not None else None


async def _follow(
    connection: AsyncConnection, platform: Platform, platform_chat_id: str
) -> ChatRow | None:
    """The row for a platform id, following migration tombstones (a bounded number of hops)."""
    found: RowMapping | None = None
    wanted = platform_chat_id
    for _ in range(_MAX_MIGRATION_HOPS):
        row = (
            (
                await connection.execute(
                    select(chats).where(
                        chats.c.platform == platform.value, chats.c.platform_chat_id == wanted
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            break
        found = row
        if row["migrated_to"] is None or row["active"]:
            break
        wanted = row["migrated_to"]
    return chat_row(found) if found is not None else None


async def _merge_into(
    connection: AsyncConnection, *, source_chat_id: int, target_chat_id: int
) -> None:
    """Move what can move from one chat row to another without breaking a UNIQUE: active
    subscriptions the target lacks, inactive ones (history), outbox rows and digests for stories
    and periods the target lacks, and sources the chat added. The rest goes with the source row."""
    target_sub = subscriptions.alias("target_sub")
    await connection.execute(
        update(subscriptions)
        .where(
            subscriptions.c.chat_id == source_chat_id,
            ~exists().where(
                and_(
                    subscriptions.c.active.is_(True),
                    target_sub.c.chat_id == target_chat_id,
                    target_sub.c.active.is_(True),
                    target_sub.c.thread_key == subscriptions.c.thread_key,
                    target_sub.c.query_norm == subscriptions.c.query_norm,
                )
            ),
        )
        .values(chat_id=target_chat_id)
    )
    target_out = outbox.alias("target_out")
    await connection.execute(
        update(outbox)
        .where(
            outbox.c.chat_id == source_chat_id,
            ~exists().where(
                and_(
                    target_out.c.chat_id == target_chat_id,
                    target_out.c.story_id == outbox.c.story_id,
                )
            ),
        )
        .values(chat_id=target_chat_id)
    )
    target_digest = digests.alias("target_digest")
    await connection.execute(
        update(digests)
        .where(
            digests.c.chat_id == source_chat_id,
            ~exists().where(
                and_(
                    target_digest.c.chat_id == target_chat_id,
                    target_digest.c.period_start == digests.c.period_start,
                )
            ),
        )
        .values(chat_id=target_chat_id)
    )
    await connection.execute(
        update(sources)
        .where(sources.c.added_by_chat_id == source_chat_id)
        .values(added_by_chat_id=target_chat_id)
    )
    logger.debug("chat rows merged", extra={"from": source_chat_id, "to": target_chat_id})
