"""The live set of tracked queries: the match index plus who owns each subscription.

The index (``bot.domain.matcher``) knows queries by subscription id; this keeps the rest a match
needs (chat, thread, mute) and applies changes incrementally, so ``/track`` and ``/untrack`` take
effect at once without rebuilding anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from bot.domain.models import Article, Match
from bot.domain.query import QueryError
from bot.services.ports import SubscriptionRepository, SubscriptionRow

log = logging.getLogger(__name__)


class MatchIndexPort(Protocol):
    def add(self, subscription_id: int, parsed: Any, /) -> None: ...
    def remove(self, subscription_id: int, /) -> object: ...
    def match(
        self, article: Article, *, now: datetime, source_weight: float = 1.0
    ) -> list[Match]: ...


class QueryLoader(Protocol):
    def __call__(self, query_text: str, parsed: Mapping[str, Any] | None, /) -> Any:
        """The parsed query of a stored subscription (from its JSON, else re-parsed)."""
        ...


class TrackingIndex:
    def __init__(self, index: MatchIndexPort, load_query: QueryLoader) -> None:
        self._index = index
        self._load_query = load_query
        self._owners: dict[int, SubscriptionRow] = {}

    def __len__(self) -> int:
        return len(self._owners)

    def load(self, rows: Iterable[SubscriptionRow]) -> int:
        """Add every given active subscription; returns how many could be indexed."""
        count = 0
        for row in rows:
            if self.put(row):
                count += 1
        return count

    def put(self, row: SubscriptionRow) -> bool:
        """Add or refresh one subscription (a refreshed row keeps its parsed query)."""
        if not row.active:
            self.remove(row.id)
            return False
        if row.id not in self._owners:
            try:
                parsed = self._load_query(row.query_text, row.parsed)
            except Exception:  # a stored query that no longer parses must not stop the rest
                return False
            self._index.add(row.id, parsed)
        self._owners[row.id] = row
        return True

    def remove(self, subscription_id: int) -> None:
        if self._owners.pop(subscription_id, None) is not None:
            self._index.remove(subscription_id)

    def owner(self, subscription_id: int) -> SubscriptionRow | None:
        return self._owners.get(subscription_id)

    def match(self, article: Article, *, now: datetime, source_weight: float = 1.0) -> list[Match]:
        return [
            m
            for m in self._index.match(article, now=now, source_weight=source_weight)
            if m.subscription_id in self._owners
        ]


async def renormalise_queries(
    repository: SubscriptionRepository,
    rows: list[SubscriptionRow],
    canonical: Callable[[str], str],
) -> list[SubscriptionRow]:
    """Active subscriptions with their normalised form as this version computes it.

    ``/track`` refuses a query whose normalised form the chat already tracks, so a form stored
    by an older version (before ``ban-tiktok`` became the phrase ``"ban tiktok"``, it was stored
    like ``tiktok ban``) would make it refuse a different query and accept the same one twice.
    Run at start-up; a query this version can no longer parse is left as it is.
    """
    stale: dict[int, str] = {}
    for row in rows:
        try:
            norm = canonical(row.query_text)
        except QueryError:  # e.g. a #topic the lexicon no longer has
            continue
        if norm != row.query_norm:
            stale[row.id] = norm
    if not stale:
        return rows
    rewritten, retired = await repository.renormalise(stale)
    log.warning(
        "rewrote the normalised form of subscriptions stored by an older version",
        extra={"rewritten": rewritten, "retired_duplicates": retired},
    )
    return await repository.list_all_active()
