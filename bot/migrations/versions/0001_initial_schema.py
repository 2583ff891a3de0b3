"""Initial schema: sources, articles, chats, subscriptions, outbox, digests.

Written out in full (not create_all) so later changes to bot/adapters/storage/schema.py go into
new revisions. Datetimes are plain timestamptz/DATETIME here; the UTC handling lives in the
application types (``column_types``), which emit the same DDL.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 12:38:01.404308
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Auto-incrementing ids: BIGINT on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_chat_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=8), server_default="en", nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("mode", sa.String(length=16), server_default="realtime", nullable=False),
        sa.Column("digest_schedule", sa.String(length=64), server_default="off", nullable=False),
        sa.Column("digest_empty_notice", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=True),
        sa.Column("quiet_end", sa.Integer(), nullable=True),
        sa.Column("quiet_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("high_score", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("migrated_to", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('private', 'group', 'supergroup', 'channel')", name=op.f("ck_chats_kind")
        ),
        sa.CheckConstraint("lang IN ('hi', 'en')", name=op.f("ck_chats_lang")),
        sa.CheckConstraint("mode IN ('realtime', 'digest', 'both')", name=op.f("ck_chats_mode")),
        sa.CheckConstraint(
            "platform IN ('telegram', 'slack', 'console')", name=op.f("ck_chats_platform")
        ),
        sa.CheckConstraint(
            "(quiet_start IS NULL AND quiet_end IS NULL) OR "
            "(quiet_start BETWEEN 0 AND 1439 AND quiet_end BETWEEN 0 AND 1439)",
            name=op.f("ck_chats_quiet_hours"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
        sa.UniqueConstraint(
            "platform", "platform_chat_id", name=op.f("uq_chats_platform_platform_chat_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "digests",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("chat_id", ID, nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="claimed", nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ids", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("story_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('claimed', 'sent', 'failed')", name=op.f("ck_digests_status")
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_digests_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint(
            "chat_id", "period_start", name=op.f("uq_digests_chat_id_period_start")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sources",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="feed", nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=16), nullable=True),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=128), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("added_by_chat_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('feed', 'page')", name=op.f("ck_sources_kind")),
        sa.CheckConstraint("interval_s > 0", name=op.f("ck_sources_interval_positive")),
        sa.ForeignKeyConstraint(
            ["added_by_chat_id"],
            ["chats.id"],
            name=op.f("fk_sources_added_by_chat_id_chats"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_sources_next_poll_at"), "sources", ["next_poll_at"], unique=False)

    op.create_table(
        "subscriptions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("chat_id", ID, nullable=False),
        sa.Column("thread_key", sa.String(length=128), server_default="", nullable=False),
        sa.Column("query_text", sa.Text(), nullable=False),
        sa.Column("query_norm", sa.Text(), nullable=False),
        sa.Column("parsed", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("muted_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_alert_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_subscriptions_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "uq_subscriptions_active_query",
        "subscriptions",
        ["chat_id", "thread_key", "query_norm"],
        unique=True,
        postgresql_where=sa.text("active"),
        sqlite_where=sa.text("active"),
    )

    op.create_table(
        "articles",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("source_id", ID, nullable=True),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("categories", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("story_id", sa.String(length=128), nullable=True),
        sa.Column("fingerprint", sa.BigInteger(), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_articles_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
        sa.UniqueConstraint("source_id", "guid", name=op.f("uq_articles_source_id_guid")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_articles_fetched_at"), "articles", ["fetched_at"], unique=False)
    op.create_index(op.f("ix_articles_story_id"), "articles", ["story_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("chat_id", ID, nullable=False),
        sa.Column("thread_id", sa.String(length=128), nullable=True),
        sa.Column("story_id", sa.String(length=128), nullable=False),
        sa.Column("article_id", ID, nullable=False),
        sa.Column("subscription_ids", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("why", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("platform_message_id", sa.String(length=128), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_id", ID, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed', 'skipped', 'digested')",
            name=op.f("ck_outbox_status"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_outbox_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_outbox_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["digests.id"],
            name=op.f("fk_outbox_digest_id_digests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("chat_id", "story_id", name=op.f("uq_outbox_chat_id_story_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_outbox_chat_id_status"), "outbox", ["chat_id", "status"], unique=False)
    op.create_index(
        op.f("ix_outbox_status_next_attempt_at"),
        "outbox",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_status_next_attempt_at"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_chat_id_status"), table_name="outbox")

    op.drop_table("outbox")
    op.drop_index(op.f("ix_articles_story_id"), table_name="articles")
    op.drop_index(op.f("ix_articles_fetched_at"), table_name="articles")

    op.drop_table("articles")
    op.drop_index(
        "uq_subscriptions_active_query",
        table_name="subscriptions",
        postgresql_where=sa.text("active"),
        sqlite_where=sa.text("active"),
    )

    op.drop_table("subscriptions")
    op.drop_index(op.f("ix_sources_next_poll_at"), table_name="sources")

    op.drop_table("sources")
    op.drop_table("digests")
    op.drop_table("chats")
