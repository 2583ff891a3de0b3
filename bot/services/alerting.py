"""New articles → story clusters → matches → durable outbox rows, one per (chat, story).

This is the step that makes alerts durable before anything is sent: a chat gets one row per
story (the database's UNIQUE(chat, story) makes a repeat a no-op), whichever feed or query found
it. The row says how to deliver it: real time, silently (quiet hours), or held for the digest
(digest mode, a muted subscription, a paused chat, or below the chat's real-time bar).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.models import DeliveryMode, Match
from bot.domain.schedule import is_quiet
from bot.services.ports import ChatRow, OutboxEntry, Storage, StoredArticle, StoryFingerprint
from bot.services.telemetry import NullTelemetry, Telemetry
from bot.services.tracking import TrackingIndex

log = logging.getLogger(__name__)


class StoryAssigner(Protocol):
    def assign(
        self, article: StoredArticle, recent: list[StoryFingerprint]
    ) -> tuple[str, int | None]:
        """The story id (an existing cluster's or a new one) and the article's fingerprint.
        Implementations append the article to ``recent`` so later articles can join it."""
        ...


class AlertPipeline:
    def __init__(
        self,
        *,
        storage: Storage,
        tracking: TrackingIndex,
        stories: StoryAssigner,
        clock: Callable[[], datetime],
        telemetry: Telemetry | None = None,
        story_window: timedelta = timedelta(hours=48),
        default_high_score: float = 2.0,
        on_enqueued: Callable[[], None] | None = None,
    ) -> None:
        self._storage = storage
        self._tracking = tracking
        self._stories = stories
        self._clock = clock
        self._telemetry = telemetry or NullTelemetry()
        self._story_window = story_window
        self._default_high_score = default_high_score
        self._on_enqueued = on_enqueued
        # One batch at a time: each batch clusters against the stories the previous one
        # stored, so the same story polled from two sources at once still gets one id.
        self._serial = asyncio.Lock()

    async def process(self, articles: Sequence[StoredArticle]) -> int:
        """Cluster, match and enqueue; returns how many outbox rows were created."""
        if not articles:
            return 0
        async with self._serial:
            return await self._process(articles)

    async def _process(self, articles: Sequence[StoredArticle]) -> int:
        now = self._clock()
        recent = await self._storage.articles.recent_fingerprints(since=now - self._story_window)
        chats: dict[int, ChatRow | None] = {}
        created = 0
        match_count = 0
        for article in articles:
            story_id, fingerprint = self._stories.assign(article, recent)
            await self._storage.articles.set_story(
                article.id, story_id=story_id, fingerprint=fingerprint
            )
            matches = self._tracking.match(article.article, now=now)
            match_count += len(matches)
            entries = await self._entries(article, story_id, matches, now, chats)
            if entries:
                created += await self._storage.outbox.enqueue(entries)
            await self._storage.articles.mark_matched([article.id], at=now)
        self._telemetry.matches_found(match_count)
        if created and self._on_enqueued is not None:
            self._on_enqueued()
        return created

    async def _entries(
        self,
        article: StoredArticle,
        story_id: str,
        matches: list[Match],
        now: datetime,
        chats: dict[int, ChatRow | None],
    ) -> list[OutboxEntry]:
        by_chat: dict[int, list[Match]] = defaultdict(list)
        for match in matches:
            owner = self._tracking.owner(match.subscription_id)
            if owner is not None:
                by_chat[owner.chat_id].append(match)
        entries = []
        for chat_id, chat_matches in by_chat.items():
            if chat_id not in chats:
                chats[chat_id] = await self._storage.chats.get(chat_id)
            chat = chats[chat_id]
            if chat is None or not chat.active:
                continue
            chat_matches.sort(key=lambda m: m.score, reverse=True)
            best = chat_matches[0]
            best_owner = self._tracking.owner(best.subscription_id)
            all_muted = all(
                (o := self._tracking.owner(m.subscription_id)) is not None and o.is_muted(now)
                for m in chat_matches
            )
            hold, silent = self._delivery(chat, best.score, all_muted, now)
            entries.append(
                OutboxEntry(
                    chat_id=chat_id,
                    story_id=story_id,
                    article_id=article.id,
                    subscription_ids=tuple(m.subscription_id for m in chat_matches),
                    score=best.score,
                    why=best.why,
                    thread_id=best_owner.thread_id if best_owner else None,
                    hold=hold,
                    silent=silent,
                )
            )
        return entries

    def _delivery(
        self, chat: ChatRow, score: float, muted: bool, now: datetime
    ) -> tuple[bool, bool]:
        """(hold for the digest, send silently) for one alert in one chat."""
        if chat.paused or muted or chat.mode is DeliveryMode.DIGEST:
            return True, False
        if chat.mode is DeliveryMode.BOTH:
            bar = chat.high_score if chat.high_score is not None else self._default_high_score
            if score < bar:
                return True, False
        if chat.quiet_hours is not None and is_quiet(now, chat.timezone, chat.quiet_hours):
            return (True, False) if chat.quiet_hours.hold_for_digest else (False, True)
        return False, False
