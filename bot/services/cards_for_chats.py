"""Stored rows → the neutral cards the renderers take (alert, digest entry, backlog fold).

Kept apart from the workers so the Telegram, Slack and console outlets all build the same card
for the same alert, in the chat's language and time zone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.cards import (
    AlertCard,
    BacklogFold,
    DigestEntry,
    build_alert_card,
    build_backlog_fold,
)
from bot.domain.models import Match
from bot.services.ports import ChatRow, OutboxRow, StoredArticle, SubscriptionRow


def alert_card(
    *,
    row: OutboxRow,
    chat: ChatRow,
    article: StoredArticle,
    subscriptions: Sequence[SubscriptionRow],
) -> AlertCard:
    """The alert card of one outbox row, for its chat."""
    matches = [Match(subscription_id=s, score=row.score, why=row.why) for s in row.subscription_ids]
    if not matches:
        matches = [Match(subscription_id=0, score=row.score, why=row.why)]
    return build_alert_card(
        article.article,
        matches,
        subscription_queries={s.id: s.query_text for s in subscriptions},
        chat_lang=chat.lang,
        chat_timezone=chat.timezone,
        found_at=row.created_at,
    )


def digest_entry(
    *,
    row: OutboxRow,
    article: StoredArticle,
    subscriptions: Sequence[SubscriptionRow],
    other_sources: int = 0,
) -> DigestEntry:
    """One story line of a digest, filed under the query that found it."""
    by_id = {s.id: s for s in subscriptions}
    group = next((by_id[s].query_text for s in row.subscription_ids if s in by_id), "")
    return DigestEntry(
        title=article.title,
        url=article.canonical_url,
        source_name=article.source_name,
        published_at=article.published_at or article.fetched_at,
        group=group,
        score=row.score,
        other_sources=other_sources,
    )


def backlog_fold(chat: ChatRow, entries: Sequence[DigestEntry]) -> BacklogFold:
    return build_backlog_fold(entries, chat_lang=chat.lang, chat_timezone=chat.timezone)
