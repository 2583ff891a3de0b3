"""The SQL implementations of the storage ports (``bot.services.ports``), gathered in one place.

Each repository lives in its own module (one table, one job); this module is the import point
for code that wants them all, together with the ``Store`` facade that holds them.
"""

from __future__ import annotations

from bot.adapters.storage.article_repository import SqlArticleRepository
from bot.adapters.storage.chat_repository import SqlChatRepository
from bot.adapters.storage.digest_repository import SqlDigestRepository
from bot.adapters.storage.outbox_repository import SqlOutboxRepository
from bot.adapters.storage.source_repository import SqlSourceRepository
from bot.adapters.storage.store import Store
from bot.adapters.storage.subscription_repository import SqlSubscriptionRepository

__all__ = [
    "SqlArticleRepository",
    "SqlChatRepository",
    "SqlDigestRepository",
    "SqlOutboxRepository",
    "SqlSourceRepository",
    "SqlSubscriptionRepository",
    "Store",
]
