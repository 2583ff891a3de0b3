"""Value types shared by every layer: what an article, a source, a chat and a subscription are.

These are plain frozen dataclasses (stdlib only) so the domain, the services and the adapters
all speak one vocabulary. Times are always timezone-aware UTC; a chat's timezone is applied only
when rendering or scheduling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    SLACK = "slack"
    CONSOLE = "console"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


class DeliveryMode(StrEnum):
    """How matched stories reach a chat."""

    REALTIME = "realtime"  # one alert per story as it is found
    DIGEST = "digest"  # only in the scheduled digest
    BOTH = "both"  # real-time above the chat's high-score bar, the rest in the digest


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (or held for a digest)
    SENT = "sent"  # the platform confirmed it (platform message id stored)
    FAILED = "failed"  # gave up, with a reason visible to admins
    SKIPPED = "skipped"  # chat inactive / blocked the bot: will never be sent
    DIGESTED = "digested"  # delivered as part of a digest message


class SourceKind(StrEnum):
    FEED = "feed"
    PAGE = "page"


@dataclass(frozen=True, slots=True)
class Article:
    """One news item as the bot understands it, after fetching and parsing.

    ``url`` is the canonical URL (tracking parameters and fragment removed). ``summary`` is the
    lead (feed description or the page's "सार" block); ``body`` is the main text when known.
    """

    url: str
    title: str
    summary: str = ""
    body: str = ""
    published_at: datetime | None = None
    lang: str | None = None
    guid: str | None = None
    source_url: str = ""
    source_name: str = ""
    author: str | None = None
    categories: tuple[str, ...] = ()
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as configured (``sources.toml``, OPML or ``/addsource``)."""

    url: str
    name: str | None = None
    lang: str | None = None
    interval_s: int | None = None
    timezone: str | None = None
    kind: SourceKind = SourceKind.FEED


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window in the chat's timezone, e.g. 22:00-07:00 (may cross midnight)."""

    start_minute: int  # minutes after local midnight, 0..1439
    end_minute: int
    hold_for_digest: bool = False  # False: send silently; True: keep for the next digest


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where a message goes: a platform chat, optionally a forum topic / thread."""

    platform: Platform
    chat_id: str
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class MatchWhy:
    """One piece of evidence: query term ``term`` was found as ``found`` in ``field_name``."""

    term: str
    found: str
    field_name: str  # "title" | "lead" | "body"
    via: str = "exact"  # "exact" | "stem" | "lexicon" | "phonetic"


@dataclass(frozen=True, slots=True)
class Match:
    """A subscription matched an article, with its score and the evidence."""

    subscription_id: int
    score: float
    why: tuple[MatchWhy, ...] = field(default_factory=tuple)
