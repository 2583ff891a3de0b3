"""Digests: one summary per chat and period, in the chat's language and time, exactly once.

The scheduler fires a cron job per chat (its local time); the job computes the period from
``now`` (pure domain arithmetic), claims it — UNIQUE(chat, period_start), so two processes or a
retry after a crash cannot both post it — collects the stories held for the digest, renders and
sends them, then marks both the stories and the digest done. A digest missed while the bot was
down is sent on start-up when still within the grace window; otherwise its stories simply stay
held and go into the next one (nothing is lost).

The duplicate window: a crash after the platform accepted the digest and before it was marked
sent makes the recovery send it again (``recover`` retakes digests left ``claimed``). A claim left
by a crash is retaken at once when the process knows it is the only one (SQLite: the first
``start`` takes back every claim), otherwise once it is ``stale_after`` old (``recover`` also runs
periodically in the digest leader). Sends are limited to a few at a time, so a whole deployment's
09:00 digests do not run into the platform's flood control at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.cards import DigestCard, DigestKind, build_digest_card
from bot.domain.models import Platform
from bot.domain.schedule import (
    DigestKind as ScheduleKind,
)
from bot.domain.schedule import (
    DigestSetting,
    cron_fields,
    current_period,
    missed_digest,
)
from bot.errors import DeliveryError
from bot.services.cards_for_chats import digest_entry
from bot.services.ports import ChatRow, DigestRow, DigestStatus, Storage
from bot.services.telemetry import NullTelemetry, Telemetry

log = logging.getLogger(__name__)


class DigestOutlet(Protocol):
    platform: Platform

    async def send_digest(self, chat: ChatRow, card: DigestCard) -> list[str]:
        """Send the digest (one or more messages); the platform message ids."""
        ...


class CronJobs(Protocol):
    def cron(
        self,
        name: str,
        function: Callable[[], Awaitable[object]],
        *,
        fields: Mapping[str, object],
        timezone: str,
    ) -> None: ...

    def remove(self, name: str) -> bool: ...


def _setting(chat: ChatRow) -> DigestSetting:
    try:
        return DigestSetting.from_text(chat.digest_schedule)
    except ValueError:
        return DigestSetting.from_text("off")


class DigestService:
    def __init__(
        self,
        *,
        storage: Storage,
        outlets: Mapping[Platform, DigestOutlet],
        clock: Callable[[], datetime],
        jobs: CronJobs | None = None,
        grace: timedelta = timedelta(hours=6),
        cap: int = 20,
        stale_after: timedelta = timedelta(minutes=10),
        telemetry: Telemetry | None = None,
        take_back_claims: bool = False,
        send_concurrency: int = 4,
        owner: str | None = None,
    ) -> None:
        self._storage = storage
        self._outlets = outlets
        self._clock = clock
        self._jobs = jobs
        self._grace = grace
        self._cap = cap
        self._stale_after = stale_after
        self._telemetry = telemetry or NullTelemetry()
        # True when no other process can hold a claim (SQLite): every claim found at the first
        # start was left by a run that died, so it is retaken without waiting ``stale_after``.
        self._take_back_claims = take_back_claims
        self._sending = asyncio.Semaphore(send_concurrency)
        self._owner = owner  # recorded on claims: a dead claimer's digests are freed by liveness

    # -- scheduling -------------------------------------------------------------------------
    async def reschedule(self, chat: ChatRow) -> None:
        """Create, change or remove the chat's cron job after its settings changed."""
        if self._jobs is None:
            return
        name = f"digest:{chat.id}"
        setting = _setting(chat)
        if (
            setting.kind is ScheduleKind.OFF
            or not chat.active
            or chat.platform not in self._outlets
        ):
            self._jobs.remove(name)
            return
        self._jobs.cron(
            name,
            functools.partial(self.run_scheduled, chat.id),
            fields=cron_fields(setting),
            timezone=chat.timezone,
        )

    async def start(self) -> None:
        """On start-up: jobs from the database, then recovery and missed digests."""
        chats = [c for c in await self._storage.chats.list_active() if c.platform in self._outlets]
        for chat in chats:
            await self.reschedule(chat)
        take_back, self._take_back_claims = self._take_back_claims, False
        await self.recover(everything=take_back)
        now = self._clock()
        for chat in chats:
            setting = _setting(chat)
            if setting.kind is ScheduleKind.OFF:
                continue
            last = await self._storage.digests.last_digest(chat.id)
            period = missed_digest(
                last.period_start if last else None, setting, now, chat.timezone, self._grace
            )
            if period is not None:
                log.info("sending a missed digest", extra={"chat": chat.id})
                await self._deliver(chat, period.start, period.end, _card_kind(setting))

    async def recover(self, *, everything: bool = False, retry_failed: bool = True) -> int:
        """Finish digests whose claimer died mid-way (claimed long ago, never sent).

        ``everything``: also those claimed just now — only when no other process can be
        sending them (a single-process database at start-up). ``retry_failed``: also digests
        the platform refused (the periodic run leaves those to the next start)."""
        now = self._clock()
        stale_before = now if everything else now - self._stale_after
        done = 0
        for digest in await self._storage.digests.list_unsent(claimed_before=stale_before):
            if digest.status is not DigestStatus.CLAIMED and not retry_failed:
                continue
            if not await self._storage.digests.retake_stale(
                digest.id, now=now, stale_before=stale_before, owner=self._owner
            ):
                continue
            chat = await self._storage.chats.get(digest.chat_id)
            if chat is None or not chat.active:
                await self._storage.digests.mark_failed(digest.id, error="chat gone")
                continue
            await self._send_claimed(chat, digest, _card_kind(_setting(chat)))
            done += 1
        return done

    # -- running ----------------------------------------------------------------------------
    async def run_scheduled(self, chat_id: int) -> int:
        """The cron job: the period that just ended, for one chat."""
        chat = await self._storage.chats.get(chat_id)
        if chat is None or not chat.active:
            return 0
        setting = _setting(chat)
        if setting.kind is ScheduleKind.OFF:
            return 0
        period = current_period(setting, self._clock(), chat.timezone)
        return await self._deliver(chat, period.start, period.end, _card_kind(setting))

    async def send_now(self, chat: ChatRow) -> int:
        """``/digest now``: everything held since the last digest, sent at once."""
        now = self._clock()
        last = await self._storage.digests.last_digest(chat.id)
        start = last.period_end if last and last.period_end < now else now - timedelta(days=1)
        return await self._deliver(
            chat, start, now, _card_kind(_setting(chat)), force_notice=True, everything=True
        )

    async def _deliver(
        self,
        chat: ChatRow,
        start: datetime,
        end: datetime,
        kind: DigestKind,
        *,
        force_notice: bool = False,
        everything: bool = False,
    ) -> int:
        claimed = await self._storage.digests.claim(
            chat.id, period_start=start, period_end=end, now=self._clock(), owner=self._owner
        )
        if claimed is None:
            log.info("digest already taken", extra={"chat": chat.id, "period": start.isoformat()})
            return 0
        return await self._send_claimed(
            chat, claimed, kind, force_notice=force_notice, everything=everything
        )

    async def _send_claimed(
        self,
        chat: ChatRow,
        digest: DigestRow,
        kind: DigestKind,
        *,
        force_notice: bool = False,
        everything: bool = False,
    ) -> int:
        """Send a claimed digest: the stories held until its period end (all, for "now")."""
        outbox = self._storage.outbox
        until = None if everything else digest.period_end
        rows = await outbox.held_for_digest(chat.id, until=until)
        if not rows and not (chat.digest_empty_notice or force_notice):
            await self._storage.digests.mark_sent(
                digest.id, message_ids=(), story_count=0, sent_at=self._clock()
            )
            self._telemetry.digest_finished(status="empty")
            return 0
        card = await self._card(chat, digest, kind, rows)
        outlet = self._outlets.get(chat.platform)
        if outlet is None:
            await self._storage.digests.mark_failed(digest.id, error="platform not running")
            return 0
        try:
            async with self._sending:
                message_ids = await outlet.send_digest(chat, card)
        except DeliveryError as exc:
            await self._storage.digests.mark_failed(digest.id, error=str(exc)[:500])
            self._telemetry.digest_finished(status="failed")
            log.warning("digest not delivered", extra={"chat": chat.id, "error": str(exc)})
            return 0
        now = self._clock()
        await outbox.mark_digested([r.id for r in rows], digest_id=digest.id, at=now)
        await self._storage.digests.mark_sent(
            digest.id, message_ids=message_ids, story_count=card.total, sent_at=now
        )
        self._telemetry.digest_finished(status="sent")
        log.info("digest sent", extra={"chat": chat.id, "stories": card.total})
        return card.total

    async def _card(
        self, chat: ChatRow, digest: DigestRow, kind: DigestKind, rows: Sequence
    ) -> DigestCard:  # type: ignore[type-arg]
        articles = await self._storage.articles.get_many({r.article_id for r in rows})
        subscriptions = await self._storage.subscriptions.get_many(
            {s for r in rows for s in r.subscription_ids}
        )
        entries = []
        for row in rows:
            article = articles.get(row.article_id)
            if article is None:
                continue
            story = await self._storage.articles.story_articles(row.story_id)
            sources = {a.source_url or a.source_name for a in story} - {
                article.source_url or article.source_name
            }
            entries.append(
                digest_entry(
                    row=row,
                    article=article,
                    subscriptions=[
                        subscriptions[s] for s in row.subscription_ids if s in subscriptions
                    ],
                    other_sources=len(sources),
                )
            )
        return build_digest_card(
            entries,
            kind=kind,
            period_start=digest.period_start,
            period_end=digest.period_end,
            chat_lang=chat.lang,
            chat_timezone=chat.timezone,
            cap=self._cap,
        )


def _card_kind(setting: DigestSetting) -> DigestKind:
    if setting.kind is ScheduleKind.HOURLY:
        return DigestKind.HOURLY
    if setting.kind is ScheduleKind.WEEKLY:
        return DigestKind.WEEKLY
    return DigestKind.DAILY
