"""Storage ports: the narrow interfaces the services use to keep state, and the rows they get.

Pure (stdlib + ``bot.domain``): services type against these Protocols; the SQL adapter in
``bot.adapters.storage`` implements them, and in-memory fakes can too. Every row is a frozen
value; every datetime in or out is timezone-aware UTC (a naive one is refused with ValueError).
Operations that depend on time take ``now``/``at`` explicitly; creation stamps come from the
store's clock. Database failures surface as ``bot.errors.StorageError``.

Idempotency is part of the contract, not a convention: ``OutboxRepository.enqueue`` never
creates a second row for the same (chat, story); ``DigestRepository.claim`` succeeds once per
(chat, period_start); claims (``claim_due``, ``claim_pending``) hand a row to one worker until
its lease expires, also across processes on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, Final, Protocol

from bot.domain.models import (
    Article,
    ChatKind,
    ChatRef,
    DeliveryMode,
    MatchWhy,
    OutboxStatus,
    Platform,
    QuietHours,
    SourceKind,
    SourceSpec,
)


class Unset(Enum):
    """Marker for "leave this setting as it is" in partial updates (None is a real value)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


class DigestStatus(StrEnum):
    CLAIMED = "claimed"  # a worker owns this period and is building/sending it
    SENT = "sent"
    FAILED = "failed"


# ---------------------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRow:
    """A stored source with its polling state and health."""

    id: int
    url: str
    kind: SourceKind
    name: str | None
    lang: str | None
    interval_s: int
    timezone: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    next_poll_at: datetime
    failures: int
    last_error: str | None
    last_ok_at: datetime | None
    last_polled_at: datetime | None
    paused: bool
    added_by_chat_id: int | None
    created_at: datetime
    lease_owner: str | None
    lease_until: datetime | None

    @property
    def spec(self) -> SourceSpec:
        return SourceSpec(
            url=self.url,
            name=self.name,
            lang=self.lang,
            interval_s=self.interval_s,
            timezone=self.timezone,
            kind=self.kind,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredArticle:
    """An article as stored, with its id, story cluster and the source it came from."""

    id: int
    source_id: int | None
    canonical_url: str
    guid: str | None
    title: str
    summary: str
    body: str
    lang: str | None
    published_at: datetime | None
    fetched_at: datetime
    author: str | None
    categories: tuple[str, ...]
    image_url: str | None
    story_id: str | None
    fingerprint: int | None  # unsigned 64-bit
    matched_at: datetime | None
    source_url: str = ""  # "" when the source was removed since
    source_name: str = ""

    @property
    def article(self) -> Article:
        """The domain value (what the matcher and the renderers take)."""
        return Article(
            url=self.canonical_url,
            title=self.title,
            summary=self.summary,
            body=self.body,
            published_at=self.published_at,
            lang=self.lang,
            guid=self.guid,
            source_url=self.source_url,
            source_name=self.source_name,
            author=self.author,
            categories=self.categories,
            image_url=self.image_url,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryFingerprint:
    """One recent article's near-duplicate fingerprint, for story clustering."""

    article_id: int
    story_id: str
    fingerprint: int
    fetched_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatRow:
    """A chat the bot talks to, with all its settings."""

    id: int
    platform: Platform
    platform_chat_id: str
    kind: ChatKind
    title: str | None
    lang: str  # "hi" | "en"
    timezone: str
    mode: DeliveryMode
    digest_schedule: str  # "off" | "hourly" | "daily 09:00" | "weekly mon 09:00"
    digest_empty_notice: bool
    quiet_hours: QuietHours | None
    high_score: float | None
    active: bool
    paused: bool
    migrated_to: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def ref(self) -> ChatRef:
        return ChatRef(platform=self.platform, chat_id=self.platform_chat_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatDefaults:
    """Settings for a chat seen for the first time (ignored when it already exists)."""

    kind: ChatKind = ChatKind.PRIVATE
    title: str | None = None
    lang: str = "en"
    timezone: str = "UTC"
    mode: DeliveryMode = DeliveryMode.REALTIME
    digest_schedule: str = "off"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionRow:
    """A tracked query of one chat (optionally posting into a thread / forum topic)."""

    id: int
    chat_id: int
    thread_id: str | None
    query_text: str
    query_norm: str
    parsed: Mapping[str, Any] | None
    created_by: str | None
    created_at: datetime
    muted_until: datetime | None
    last_alert_at: datetime | None
    active: bool

    def is_muted(self, now: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > now


@dataclass(frozen=True, slots=True, kw_only=True)
class AddedSubscription:
    """Result of ``add``: the subscription, and whether it was new (False: a duplicate)."""

    subscription: SubscriptionRow
    created: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSubscription:
    chat_id: int
    query_text: str
    query_norm: str
    parsed: Mapping[str, Any] | None = None
    thread_id: str | None = None
    created_by: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEntry:
    """One matched story for one chat, to be made durable before anything is sent."""

    chat_id: int
    story_id: str
    article_id: int
    subscription_ids: tuple[int, ...]
    score: float
    why: tuple[MatchWhy, ...] = ()
    thread_id: str | None = None
    hold: bool = False  # keep for the digest instead of sending in real time
    silent: bool = False  # send without a notification (quiet hours)
    next_attempt_at: datetime | None = None  # None: as soon as possible


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxRow:
    id: int
    chat_id: int
    thread_id: str | None
    story_id: str
    article_id: int
    subscription_ids: tuple[int, ...]
    score: float
    why: tuple[MatchWhy, ...]
    status: OutboxStatus
    hold: bool
    silent: bool
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
    platform_message_id: str | None
    error: str | None
    lease_owner: str | None
    lease_until: datetime | None
    digest_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestRow:
    id: int
    chat_id: int
    period_start: datetime
    period_end: datetime
    status: DigestStatus
    claimed_at: datetime
    sent_at: datetime | None
    message_ids: tuple[str, ...]
    story_count: int
    error: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleInsert:
    """Result of ``insert_new``: only the articles never seen before, in input order."""

    new: tuple[StoredArticle, ...] = field(default_factory=tuple)
    seen: int = 0  # how many of the input were already stored (by URL or by GUID)


# --------------------------------------------------------------------------------------- ports


class SourceRepository(Protocol):
    async def upsert_from_config(
        self, specs: Sequence[SourceSpec], *, default_interval_s: int, now: datetime
    ) -> list[SourceRow]:
        """Insert new URLs (due at ``now``) and refresh name/lang/interval/timezone/kind of
        known ones, keeping their polling state. Returns the rows in input order."""
        ...

    async def add(
        self,
        spec: SourceSpec,
        *,
        default_interval_s: int,
        added_by_chat_id: int | None,
        now: datetime,
    ) -> tuple[SourceRow, bool]:
        """Add one source (``/addsource``); (row, False) when the URL is already known."""
        ...

    async def get(self, source_id: int) -> SourceRow | None: ...

    async def get_by_url(self, url: str) -> SourceRow | None: ...

    async def list_all(self, *, include_paused: bool = True) -> list[SourceRow]:
        """All sources with their health, by id."""
        ...

    async def remove(self, source_id: int) -> bool:
        """Delete the source (its articles stay, detached). False if it did not exist."""
        ...

    async def set_paused(self, source_id: int, paused: bool, *, now: datetime) -> SourceRow | None:
        """Pause or resume; resuming resets failures and makes it due at ``now``."""
        ...

    async def claim_due(
        self, *, now: datetime, limit: int, owner: str, lease_s: float
    ) -> list[SourceRow]:
        """Lease up to ``limit`` due, unpaused, unleased sources to ``owner`` for ``lease_s``
        seconds, oldest due first. A leased source is handed to no one else until the lease
        expires or is released (``record_*`` release it)."""
        ...

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
        """A poll worked (also for 304): store validators as given, reset failures, release."""
        ...

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
        """A poll failed: store the error, failure count, backoff and pause flag; release."""
        ...

    async def release(self, source_id: int) -> None:
        """Give back a lease without recording anything (e.g. shutting down mid-poll)."""
        ...

    async def release_all(self, owner: str) -> int:
        """Give back every source lease held by ``owner``; returns how many."""
        ...


class ArticleRepository(Protocol):
    async def insert_new(
        self, source_id: int | None, items: Sequence[Article], *, fetched_at: datetime
    ) -> ArticleInsert:
        """Store the articles never seen before (new canonical URL and, when a GUID is given,
        new (source, GUID)); the rest are counted as seen and left untouched. ``new`` keeps the
        input order (ids inside one batch follow URL order). A GUID that several URLs share
        within one batch is not trusted (stored as None). Raises ValueError for an empty URL,
        before anything is written."""
        ...

    async def set_story(self, article_id: int, *, story_id: str, fingerprint: int | None) -> None:
        """Record the near-duplicate cluster the article belongs to."""
        ...

    async def mark_matched(self, article_ids: Collection[int], *, at: datetime) -> None:
        """Matching is done (its outbox rows are durable): no need to re-match after a crash."""
        ...

    async def unmatched(self, *, limit: int) -> list[StoredArticle]:
        """Articles stored but never marked matched (crash recovery), oldest first."""
        ...

    async def get(self, article_id: int) -> StoredArticle | None: ...

    async def get_many(self, article_ids: Collection[int]) -> dict[int, StoredArticle]: ...

    async def find_by_url(self, canonical_url: str) -> StoredArticle | None: ...

    async def recent(self, *, since: datetime, limit: int = 500) -> list[StoredArticle]:
        """Articles fetched at or after ``since``, newest first (previews for /track)."""
        ...

    async def recent_fingerprints(
        self, *, since: datetime, limit: int = 5000
    ) -> list[StoryFingerprint]:
        """Fingerprinted articles fetched at or after ``since``, newest first."""
        ...

    async def story_articles(self, story_id: str) -> list[StoredArticle]:
        """Every article of one story cluster, oldest first (``other sources`` in cards)."""
        ...

    async def count_by_source(self) -> dict[int, int]:
        """Stored articles per source id (admin health view)."""
        ...


class ChatRepository(Protocol):
    async def get_or_create(
        self, platform: Platform, platform_chat_id: str, *, defaults: ChatDefaults | None = None
    ) -> tuple[ChatRow, bool]:
        """The chat (following a recorded migration), creating it with ``defaults`` if new;
        the bool says whether it was created. Safe under concurrency."""
        ...

    async def get(self, chat_id: int) -> ChatRow | None: ...

    async def get_by_platform_id(self, platform: Platform, platform_chat_id: str) -> ChatRow | None:
        """The chat with that platform id, following a migration tombstone to its new row."""
        ...

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
        """Change the given settings only. Raises LookupError for an unknown chat and
        ValueError for an invalid value."""
        ...

    async def set_active(self, chat_id: int, active: bool) -> ChatRow | None:
        """Inactive: the bot was blocked/kicked; nothing is sent or claimed for it."""
        ...

    async def migrate(self, chat_id: int, new_platform_chat_id: str) -> ChatRow:
        """The platform moved the chat (Telegram group → supergroup). The row keeps its id,
        subscriptions and outbox and takes the new platform id; the old id is left as an
        inactive tombstone whose ``migrated_to`` points at the new one. If a row for the new
        id already exists, its subscriptions and pending alerts are merged in."""
        ...

    async def list_active(self, *, platform: Platform | None = None) -> list[ChatRow]: ...


class SubscriptionRepository(Protocol):
    async def add(self, subscription: NewSubscription) -> AddedSubscription:
        """Add a query; an active duplicate (same chat, thread and ``query_norm``) is
        returned instead with ``created=False``."""
        ...

    async def get(self, subscription_id: int) -> SubscriptionRow | None: ...

    async def get_many(self, subscription_ids: Collection[int]) -> dict[int, SubscriptionRow]: ...

    async def remove(
        self, subscription_id: int, *, chat_id: int | None = None
    ) -> SubscriptionRow | None:
        """Deactivate (history stays for /why); with ``chat_id`` only that chat's. None when
        there was no such active subscription."""
        ...

    async def remove_all_for_chat(self, chat_id: int) -> int: ...

    async def list_for_chat(
        self, chat_id: int, *, include_inactive: bool = False
    ) -> list[SubscriptionRow]: ...

    async def count_for_chat(self, chat_id: int) -> int:
        """Active subscriptions of the chat (for the per-chat limit)."""
        ...

    async def list_all_active(self, *, only_active_chats: bool = True) -> list[SubscriptionRow]:
        """Everything the match index must contain, by id."""
        ...

    async def mute(self, subscription_id: int, *, until: datetime) -> SubscriptionRow | None: ...

    async def unmute(self, subscription_id: int) -> SubscriptionRow | None: ...

    async def touch_alerted(self, subscription_ids: Collection[int], *, at: datetime) -> None: ...

    async def renormalise(self, norms: Mapping[int, str]) -> tuple[int, int]:
        """Rewrite normalised forms (id → form) of active subscriptions; a subscription whose
        new form an active twin already has is deactivated. Returns (rewritten, retired)."""
        ...


class OutboxRepository(Protocol):
    async def enqueue(self, entries: Sequence[OutboxEntry]) -> int:
        """Insert alerts; an existing (chat, story) is left alone. Returns how many are new."""
        ...

    async def get(self, outbox_id: int) -> OutboxRow | None: ...

    async def claim_pending(
        self,
        *,
        platform: Platform,
        now: datetime,
        limit: int,
        owner: str,
        lease_s: float,
    ) -> list[OutboxRow]:
        """Lease up to ``limit`` sendable rows (pending, not held, due, unleased, chat active
        and not paused) of ``platform`` to ``owner``, oldest first. Two concurrent claimers
        never get the same row."""
        ...

    async def mark_sent(
        self, outbox_id: int, *, platform_message_id: str | None, sent_at: datetime
    ) -> None: ...

    async def mark_failed(self, outbox_id: int, *, error: str) -> None:
        """Give up on a row (bad request, too many attempts); the error is kept for admins."""
        ...

    async def mark_skipped_for_chat(self, chat_id: int, *, reason: str) -> int:
        """Every pending row of a chat that can no longer be reached; returns how many."""
        ...

    async def reschedule(
        self, outbox_id: int, *, next_attempt_at: datetime, attempts: int, error: str | None
    ) -> None:
        """Keep it pending, try again at ``next_attempt_at`` (retry/backoff), release lease."""
        ...

    async def release_lease(self, outbox_id: int) -> None: ...

    async def release_all(self, owner: str) -> int: ...

    async def hold_pending_for_chat(self, chat_id: int) -> int:
        """Fold a chat's real-time backlog into its next digest; returns how many rows."""
        ...

    async def held_for_digest(
        self, chat_id: int, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[OutboxRow]:
        """Pending rows kept for the digest, created in [since, until), oldest first."""
        ...

    async def mark_digested(
        self, outbox_ids: Collection[int], *, digest_id: int | None, at: datetime
    ) -> int: ...

    async def pending_counts(self) -> dict[int, int]:
        """Real-time backlog per chat id (pending, not held)."""
        ...

    async def queue_depth(self, *, platform: Platform | None = None) -> int:
        """All pending rows (held included), optionally of one platform (metrics)."""
        ...

    async def recent_for_chat(self, chat_id: int, *, limit: int = 20) -> list[OutboxRow]:
        """The chat's latest rows, newest first (for /why and admin views)."""
        ...


class DigestRepository(Protocol):
    async def claim(
        self,
        chat_id: int,
        *,
        period_start: datetime,
        period_end: datetime,
        now: datetime,
        owner: str | None = None,
    ) -> DigestRow | None:
        """Take the (chat, period_start) digest: the row if this caller won, None if anyone
        (this process or another) already claimed it. Exactly one caller ever wins."""
        ...

    async def mark_sent(
        self,
        digest_id: int,
        *,
        message_ids: Sequence[str],
        story_count: int,
        sent_at: datetime,
    ) -> None: ...

    async def mark_failed(self, digest_id: int, *, error: str) -> None: ...

    async def retake_stale(
        self, digest_id: int, *, now: datetime, stale_before: datetime, owner: str | None = None
    ) -> bool:
        """Crash recovery: take over a digest still ``claimed`` (its claimer died) or
        ``failed``, claimed before ``stale_before``; it becomes ``claimed`` at ``now`` again.
        Only one caller wins."""
        ...

    async def get(self, digest_id: int) -> DigestRow | None: ...

    async def last_digest(self, chat_id: int) -> DigestRow | None:
        """The chat's digest with the latest period_start, whatever its status."""
        ...

    async def list_unsent(self, *, claimed_before: datetime | None = None) -> list[DigestRow]:
        """Digests not sent (``claimed`` or ``failed``), optionally only those claimed before
        a time, oldest claim first."""
        ...


class StorageHealth(Protocol):
    async def ping(self) -> float:
        """Round-trip a trivial query; seconds taken. Raises StorageError when unreachable."""
        ...


class Storage(StorageHealth, Protocol):
    """Everything the services need from the database, in one object."""

    @property
    def sources(self) -> SourceRepository: ...

    @property
    def articles(self) -> ArticleRepository: ...

    @property
    def chats(self) -> ChatRepository: ...

    @property
    def subscriptions(self) -> SubscriptionRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def digests(self) -> DigestRepository: ...
