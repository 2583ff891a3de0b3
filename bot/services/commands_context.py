"""What every command handler gets: the service's collaborators and the call being answered.

The command families (``commands_tracking``, ``commands_settings``, ``commands_sources``,
``commands_why``) are plain async functions over a ``CommandDependencies`` (ports and limits,
fixed when the service is built) and a ``CommandCall`` (who asked, in which registered chat,
when). The two ports only the command service needs — probing a source before ``/addsource``
and rescheduling digests — are defined here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.lexicon import Lexicon
from bot.domain.models import ChatKind
from bot.domain.query import ParsedQuery, QueryError, parse_query
from bot.services.conversation import ChatContext
from bot.services.ports import ChatRow, Storage, SubscriptionRow
from bot.services.tracking import TrackingIndex

log = logging.getLogger(__name__)


# --- ports ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """What fetching a candidate source once found out.

    ``ok``: it is a working feed or news page (``kind`` may say ``"feed"`` or ``"page"``;
    anything else is stored as a feed). Not ``ok``: ``kind`` names the reason (``ssrf``,
    ``scheme``, ``timeout``, ``connect``, ``http_status``, ``too_large``, ``redirects``,
    ``not_a_feed``, ``parse``, ``throttled`` — the ``FetchError`` kinds; the refusal shows
    ``cmd.addsource.reason.<kind>``, any other kind as ``other`` with ``message`` as detail).
    """

    ok: bool
    kind: str = ""
    message: str = ""
    title: str = ""
    articles: int = 0  # entries found (feed items, or 1 for an article page)
    url: str | None = None  # the URL to store when it differs (after permanent redirects)
    lang: str | None = None
    http_status: int | None = None  # for kind "http_status" (else read from ``message``)


class SourceProbe(Protocol):
    async def probe(self, url: str) -> ProbeResult:
        """Run the SSRF guard, fetch ``url`` once and say whether it is a usable source.
        Must not raise for a broken source (that is a ``ProbeResult`` with ``ok=False``)."""
        ...


class DigestScheduler(Protocol):
    async def reschedule(self, chat: ChatRow) -> None:
        """The chat's digest setting, timezone or activity changed: update its cron job."""
        ...

    async def send_now(self, chat: ChatRow) -> int:
        """``/digest now``: send the chat's digest at once; the number of stories sent."""
        ...


# --- what handlers get ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandDependencies:
    """The service's collaborators and limits (see ``CommandService`` for each option)."""

    storage: Storage
    tracking: TrackingIndex
    lexicon: Lexicon
    clock: Callable[[], datetime]
    source_probe: SourceProbe
    digests: DigestScheduler
    default_timezone: str
    default_language: str
    max_subscriptions: int
    max_query_length: int
    max_sources_per_chat: int
    high_score_default: float
    match_threshold: float
    source_interval_s: int
    backtest_window: timedelta
    backtest_limit: int
    canonical_url: Callable[[str], str | None] | None


@dataclass(frozen=True, slots=True)
class CommandCall:
    """One command being answered: the platform's context, the registered chat, the time."""

    ctx: ChatContext
    chat: ChatRow
    now: datetime

    @property
    def lang(self) -> str:
        return self.chat.lang

    @property
    def shared(self) -> bool:
        """A chat of several people: a change there is confirmed publicly (Slack in_channel)."""
        return self.chat.kind is not ChatKind.PRIVATE


# --- subscriptions as the chat numbers them ------------------------------------------------------


async def numbered_subscriptions(deps: CommandDependencies, chat_id: int) -> list[SubscriptionRow]:
    """The chat's active subscriptions in creation order: #1 is the first one (as /list shows)."""
    rows = await deps.storage.subscriptions.list_for_chat(chat_id)
    return sorted(rows, key=lambda row: (row.created_at, row.id))


def number_of(rows: Sequence[SubscriptionRow], subscription_id: int) -> int | None:
    """The /list number of a subscription, or None when it is not among ``rows``."""
    for number, row in enumerate(rows, start=1):
        if row.id == subscription_id:
            return number
    return None


def by_number(rows: Sequence[SubscriptionRow], number: int) -> SubscriptionRow | None:
    return rows[number - 1] if 1 <= number <= len(rows) else None


def load_query(
    query_text: str, parsed: Mapping[str, Any] | None, *, lexicon: Lexicon
) -> ParsedQuery:
    """A stored subscription's query: from its JSON form, else parsed again from the text."""
    if parsed:
        try:
            return ParsedQuery.from_json(parsed)
        except QueryError:
            log.warning("stored query form unreadable, parsing the text again")
    return parse_query(query_text, lexicon=lexicon)
