"""The database schema (SQLAlchemy Core): every table, index and constraint that lasts.

Idempotency lives here, not in code paths: ``UNIQUE(chat_id, story_id)`` on the outbox means a
story reaches a chat once whichever feed or query found it; ``UNIQUE(chat_id, period_start)`` on
digests means a digest window is sent once even with two workers; a partial unique index on
active subscriptions refuses the same query twice in one chat thread. Alembic migrations in
``bot/migrations`` create exactly this (a test compares the two).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

from bot.adapters.storage.column_types import UnsignedBigInteger, UTCDateTime

# Named constraints so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Identifier = BigInteger().with_variant(Integer(), "sqlite")

SOURCE_KINDS = ("feed", "page")
PLATFORMS = ("telegram", "slack", "console")
CHAT_KINDS = ("private", "group", "supergroup", "channel")
CHAT_LANGUAGES = ("hi", "en")
DELIVERY_MODES = ("realtime", "digest", "both")
OUTBOX_STATUSES = ("pending", "sent", "failed", "skipped", "digested")
DIGEST_STATUSES = ("claimed", "sent", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


chats = Table(
    "chats",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("platform_chat_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", Text),
    Column("lang", String(8), nullable=False, server_default="en"),
    Column("timezone", String(64), nullable=False, server_default="UTC"),
    Column("mode", String(16), nullable=False, server_default="realtime"),
    Column("digest_schedule", String(64), nullable=False, server_default="off"),
    Column("digest_empty_notice", Boolean, nullable=False, server_default=false()),
    Column("quiet_start", Integer),  # minutes after local midnight
    Column("quiet_end", Integer),
    Column("quiet_hold", Boolean, nullable=False, server_default=false()),
    Column("high_score", Float),  # mode "both": real-time at or above this score
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("paused", Boolean, nullable=False, server_default=false()),
    Column("migrated_to", String(128)),  # set on the tombstone left at the old platform id
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "platform_chat_id"),
    CheckConstraint(_one_of("platform", PLATFORMS), name="platform"),
    CheckConstraint(_one_of("kind", CHAT_KINDS), name="kind"),
    CheckConstraint(_one_of("lang", CHAT_LANGUAGES), name="lang"),
    CheckConstraint(_one_of("mode", DELIVERY_MODES), name="mode"),
    CheckConstraint(
        "(quiet_start IS NULL AND quiet_end IS NULL) OR "
        "(quiet_start BETWEEN 0 AND 1439 AND quiet_end BETWEEN 0 AND 1439)",
        name="quiet_hours",
    ),
    sqlite_autoincrement=True,  # never reuse an id after a delete
)

sources = Table(
    "sources",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("kind", String(16), nullable=False, server_default="feed"),
    Column("name", Text),
    Column("lang", String(16)),
    Column("interval_s", Integer, nullable=False),
    Column("timezone", String(64)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("content_hash", String(128)),  # hash of the last body, to skip byte-identical fetches
    Column("next_poll_at", UTCDateTime, nullable=False),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("last_ok_at", UTCDateTime),
    Column("last_polled_at", UTCDateTime),
    Column("paused", Boolean, nullable=False, server_default=false()),
    Column("added_by_chat_id", Identifier, ForeignKey("chats.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(128)),
    Column("lease_until", UTCDateTime),
    CheckConstraint(_one_of("kind", SOURCE_KINDS), name="kind"),
    CheckConstraint("interval_s > 0", name="interval_positive"),
    Index(None, "next_poll_at"),
    sqlite_autoincrement=True,  # never reuse an id after a delete
)

articles = Table(
    "articles",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    # A removed source keeps its articles (outbox rows and digests still point at them).
    Column("source_id", Identifier, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("guid", Text),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("body", Text, nullable=False, server_default=""),
    Column("lang", String(16)),
    Column("published_at", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("author", Text),
    Column("categories", JSON(none_as_null=True)),
    Column("image_url", Text),
    Column("story_id", String(128)),  # near-duplicate cluster
    Column("fingerprint", UnsignedBigInteger),
    # Set once the article went through matching (its outbox rows exist): a crash between
    # insert and matching leaves it NULL, and the poller re-matches it on start.
    Column("matched_at", UTCDateTime),
    # NULLs are distinct in UNIQUE on both backends, so GUID-less items are never collapsed.
    UniqueConstraint("source_id", "guid"),
    Index(None, "story_id"),
    Index(None, "fetched_at"),
    sqlite_autoincrement=True,  # never reuse an id after a delete
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("chat_id", Identifier, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
    # '' means "the chat itself"; a non-null key lets UNIQUE see the no-thread case as equal.
    Column("thread_key", String(128), nullable=False, server_default=""),
    Column("query_text", Text, nullable=False),
    Column("query_norm", Text, nullable=False),
    Column("parsed", JSON(none_as_null=True)),
    Column("created_by", String(128)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("muted_until", UTCDateTime),
    Column("last_alert_at", UTCDateTime),
    Column("active", Boolean, nullable=False, server_default=true()),
    Index(
        "uq_subscriptions_active_query",
        "chat_id",
        "thread_key",
        "query_norm",
        unique=True,
        postgresql_where=text("active"),
        sqlite_where=text("active"),
    ),
    sqlite_autoincrement=True,  # never reuse an id after a delete
)

digests = Table(
    "digests",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("chat_id", Identifier, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", UTCDateTime, nullable=False),
    Column("period_end", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False, server_default="claimed"),
    Column("claimed_at", UTCDateTime, nullable=False),
    # The claiming process (lease owner name): liveness frees a dead claimer's digests.
    Column("claimed_by", String(128)),
    Column("sent_at", UTCDateTime),
    Column("message_ids", JSON(none_as_null=True)),
    Column("story_count", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    UniqueConstraint("chat_id", "period_start"),
    CheckConstraint(_one_of("status", DIGEST_STATUSES), name="status"),
    # The liveness sweeper reads the claimers of digests in flight every second.
    Index(
        "ix_digests_claimed_by",
        "claimed_by",
        postgresql_where=text("status = 'claimed' AND claimed_by IS NOT NULL"),
        sqlite_where=text("status = 'claimed' AND claimed_by IS NOT NULL"),
    ),
    sqlite_autoincrement=True,  # never reuse an id after a delete
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("chat_id", Identifier, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
    Column("thread_id", String(128)),  # forum topic / thread of the best matching subscription
    Column("story_id", String(128), nullable=False),
    Column("article_id", Identifier, ForeignKey("articles.id"), nullable=False),
    Column("subscription_ids", JSON(none_as_null=True), nullable=False),
    Column("score", Float, nullable=False),
    Column("why", JSON(none_as_null=True), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("hold", Boolean, nullable=False, server_default=false()),  # keep for the digest
    Column("silent", Boolean, nullable=False, server_default=false()),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime),  # NULL: as soon as possible
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("platform_message_id", String(128)),
    Column("error", Text),
    Column("lease_owner", String(128)),
    Column("lease_until", UTCDateTime),
    Column("digest_id", Identifier, ForeignKey("digests.id", ondelete="SET NULL")),
    UniqueConstraint("chat_id", "story_id"),
    CheckConstraint(_one_of("status", OUTBOX_STATUSES), name="status"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "chat_id", "status"),
    # Leased rows only (a lease is cleared when the row is sent): what the liveness sweeper
    # reads every second and what taking a dead owner's claims back updates.
    Index(
        "ix_outbox_lease_owner",
        "lease_owner",
        postgresql_where=text("lease_owner IS NOT NULL"),
        sqlite_where=text("lease_owner IS NOT NULL"),
    ),
    sqlite_autoincrement=True,  # never reuse an id after a delete
)
