"""The neutral cards the renderers draw: one alert, one digest, one backlog fold.

A card holds everything a message shows — feed text exactly as the feed wrote it, the matched
terms, the subscriptions, the chat's language and timezone — and nothing about any platform.
``bot.domain.render`` turns a card into Telegram HTML, Slack Block Kit or console text.

The builders here decide *what* goes on a card: which subscription's buttons an alert carries
(the best match's), which part of the article is the snippet (the lead, or a window of the body
around the first matched term when the lead does not mention it), and for digests which stories
make the cap and how they are grouped (by subscription or topic, best first).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.domain.models import Article, Match
from bot.domain.render.fitting import (
    ELLIPSIS,
    clean_inline,
    grapheme_boundaries,
    trim_to_units,
)
from bot.domain.render.highlight import highlight_spans
from bot.domain.render.timefmt import DEFAULT_TIMEZONE

log = logging.getLogger(__name__)

SNIPPET_LIMIT: Final = 600  # UTF-16 units: a lead of two or three sentences
DIGEST_CAP: Final = 30
FOLD_CAP: Final = 20
_BODY_SCAN: Final = 50_000  # characters of the body searched for a matched term
_FUTURE_SLACK: Final = timedelta(minutes=5)


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


@dataclass(frozen=True, slots=True)
class SubscriptionRef:
    """A subscription as an alert names it: its id and the query as the user wrote it."""

    subscription_id: int
    query: str


@dataclass(frozen=True, slots=True)
class AlertCard:
    """One story for one chat, ready to render.

    ``matched_terms`` are the surface strings found in the text (highlighted in the snippet);
    ``subscription_id`` is the subscription the Mute/Untrack buttons act on (None: no buttons).
    """

    title: str
    url: str
    source_name: str
    published_at: datetime
    snippet: str = ""
    matched_terms: tuple[str, ...] = ()
    subscriptions: tuple[SubscriptionRef, ...] = ()
    score: float = 0.0
    article_lang: str | None = None
    chat_lang: str = "en"
    chat_timezone: str = DEFAULT_TIMEZONE
    subscription_id: int | None = None

    def __post_init__(self) -> None:
        _require_aware("published_at", self.published_at)


class DigestKind(StrEnum):
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One story in a digest (or a backlog fold), filed under ``group``.

    ``group`` is the subscription's query or the topic the story is listed under;
    ``other_sources`` is how many other sources ran the same story.
    """

    title: str
    url: str
    source_name: str
    published_at: datetime
    group: str = ""
    score: float = 0.0
    other_sources: int = 0

    def __post_init__(self) -> None:
        _require_aware("published_at", self.published_at)
        if self.other_sources < 0:
            raise ValueError(f"other_sources must be ≥ 0, got {self.other_sources}")


@dataclass(frozen=True, slots=True)
class DigestGroup:
    """The stories of one subscription or topic, best first."""

    name: str
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True, slots=True)
class DigestCard:
    """A digest for one chat and one period [period_start, period_end).

    ``total`` counts every story of the period (the header's number); the groups hold the
    ones that made the cap, so ``omitted`` more are mentioned as "+N more".
    """

    kind: DigestKind
    period_start: datetime
    period_end: datetime
    groups: tuple[DigestGroup, ...]
    total: int
    chat_lang: str = "en"
    chat_timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        _require_aware("period_start", self.period_start)
        _require_aware("period_end", self.period_end)
        if self.period_end <= self.period_start:
            raise ValueError("a digest period must end after it starts")
        if self.total < self.shown:
            raise ValueError(f"total {self.total} is less than the {self.shown} stories shown")

    @property
    def shown(self) -> int:
        return sum(len(group.entries) for group in self.groups)

    @property
    def omitted(self) -> int:
        return self.total - self.shown


@dataclass(frozen=True, slots=True)
class BacklogFold:
    """Alerts a chat could not receive one by one, folded into one "more stories" message."""

    entries: tuple[DigestEntry, ...]
    total: int
    chat_lang: str = "en"
    chat_timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if self.total < len(self.entries):
            raise ValueError(f"total {self.total} is less than the {len(self.entries)} listed")

    @property
    def unlisted(self) -> int:
        return self.total - len(self.entries)


# --- builders -------------------------------------------------------------------------------


def _matched_terms(matches: Sequence[Match]) -> tuple[str, ...]:
    seen: set[str] = set()
    terms: list[str] = []
    for match in matches:
        for why in match.why:
            surface = clean_inline(why.found) or clean_inline(why.term)
            key = surface.casefold()
            if surface and key not in seen:
                seen.add(key)
                terms.append(surface)
    return tuple(terms)


def _window_around(text: str, position: int, limit: int) -> str:
    """About ``limit`` units of ``text`` that include ``position``, starting on a word."""
    start = max(0, position - limit // 4)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        if space >= 0 and position - space <= limit // 2:
            start = space + 1
        else:
            bounds = grapheme_boundaries(text)
            while start not in bounds:
                start -= 1
    window = text[start:]
    if start > 0:
        return ELLIPSIS + trim_to_units(window, limit - len(ELLIPSIS))
    return trim_to_units(window, limit)


def lead_snippet(article: Article, terms: Sequence[str], *, limit: int = SNIPPET_LIMIT) -> str:
    """The snippet an alert shows: the lead, unless only the body mentions a matched term."""
    title = clean_inline(article.title).casefold()
    lead = clean_inline(article.summary)
    if lead.casefold() == title:
        lead = ""  # many feeds repeat the title as the description
    if lead and (not terms or highlight_spans(lead, terms)):
        return trim_to_units(lead, limit)
    body = clean_inline(article.body[:_BODY_SCAN])
    hits = highlight_spans(body, terms) if terms else []
    if hits:
        return _window_around(body, hits[0][0], limit)
    return trim_to_units(lead or body, limit)


def build_alert_card(
    article: Article,
    matches: Sequence[Match],
    *,
    subscription_queries: Mapping[int, str],
    chat_lang: str,
    chat_timezone: str | None = None,
    found_at: datetime,
    snippet_limit: int = SNIPPET_LIMIT,
) -> AlertCard:
    """The alert for ``article`` in one chat, from that chat's matches (at least one).

    The time shown is the article's publication time; when the feed gave none (or one in the
    future, a common feed timezone mistake) it is ``found_at``.
    """
    if not matches:
        raise ValueError("an alert needs at least one match")
    _require_aware("found_at", found_at)
    ordered = sorted(matches, key=lambda match: match.score, reverse=True)
    subscriptions: list[SubscriptionRef] = []
    for match in ordered:
        if match.subscription_id < 1:  # no subscription behind it (ids start at 1)
            continue
        if all(ref.subscription_id != match.subscription_id for ref in subscriptions):
            query = subscription_queries.get(match.subscription_id, "")
            subscriptions.append(
                SubscriptionRef(match.subscription_id, query or f"#{match.subscription_id}")
            )
    terms = _matched_terms(ordered)
    published = article.published_at
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)  # the model promises UTC
    if published is None or published > found_at + _FUTURE_SLACK:
        published = found_at
    return AlertCard(
        title=article.title,
        url=article.url,
        source_name=article.source_name,
        published_at=published,
        snippet=lead_snippet(article, terms, limit=snippet_limit),
        matched_terms=terms,
        subscriptions=tuple(subscriptions),
        score=ordered[0].score,
        article_lang=article.lang,
        chat_lang=chat_lang,
        chat_timezone=chat_timezone or DEFAULT_TIMEZONE,
        subscription_id=_button_target(ordered, subscription_queries),
    )


def _button_target(ordered: Sequence[Match], live: Mapping[int, str]) -> int | None:
    """The subscription Mute/Untrack act on: the best match's, if it still exists. Without
    one the card has no such buttons rather than buttons the command handler must refuse."""
    for match in ordered:
        if match.subscription_id >= 1 and match.subscription_id in live:
            return match.subscription_id
    return None


def _best_first(entries: Iterable[DigestEntry]) -> list[DigestEntry]:
    """One entry per link (the best-scored), best first, then newest first."""
    by_url: dict[str, DigestEntry] = {}
    for entry in entries:
        key = entry.url or f"{entry.title}\x00{entry.source_name}"
        kept = by_url.get(key)
        if kept is None or entry.score > kept.score:
            by_url[key] = entry
    return sorted(by_url.values(), key=lambda e: (-e.score, -e.published_at.timestamp()))


def build_digest_card(
    entries: Iterable[DigestEntry],
    *,
    kind: DigestKind,
    period_start: datetime,
    period_end: datetime,
    chat_lang: str,
    chat_timezone: str | None = None,
    cap: int = DIGEST_CAP,
) -> DigestCard:
    """The digest: the best ``cap`` stories, grouped by subscription/topic, best group first."""
    if cap < 1:
        raise ValueError(f"digest cap must be ≥ 1, got {cap}")
    ranked = _best_first(entries)
    kept = ranked[:cap]
    groups: dict[str, list[DigestEntry]] = {}
    for entry in kept:  # already best first, so each group's first entry is its best
        groups.setdefault(clean_inline(entry.group), []).append(entry)
    return DigestCard(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        groups=tuple(DigestGroup(name, tuple(items)) for name, items in groups.items()),
        total=len(ranked),
        chat_lang=chat_lang,
        chat_timezone=chat_timezone or DEFAULT_TIMEZONE,
    )


def build_backlog_fold(
    entries: Iterable[DigestEntry],
    *,
    chat_lang: str,
    chat_timezone: str | None = None,
    cap: int = FOLD_CAP,
) -> BacklogFold:
    """The fold message for a backlog: the best ``cap`` stories listed, the rest counted."""
    if cap < 1:
        raise ValueError(f"fold cap must be ≥ 1, got {cap}")
    ranked = _best_first(entries)
    return BacklogFold(
        entries=tuple(ranked[:cap]),
        total=len(ranked),
        chat_lang=chat_lang,
        chat_timezone=chat_timezone or DEFAULT_TIMEZONE,
    )
