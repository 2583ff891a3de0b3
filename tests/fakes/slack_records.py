"""What FakeSlack is configured with and what it records: plain values for assertions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackRateLimits:
    """chat.postMessage's "special" tier: about 1 per second per channel, short bursts allowed."""

    per_channel_per_s: float = 1.0
    per_channel_burst: int = 3


SLACK_POSTING_LIMITS = SlackRateLimits()


@dataclass(frozen=True, slots=True)
class SlackCall:
    method: str
    params: Mapping[str, Any]
    status: int
    error: str | None
    at: float


@dataclass(frozen=True, slots=True)
class PostedSlackMessage:
    """A message the fake accepted (``kind``: message, ephemeral or update)."""

    kind: str
    channel: str
    ts: str
    text: str | None
    blocks: tuple[Mapping[str, Any], ...]
    thread_ts: str | None
    user: str | None
    unfurl_links: bool | None
    at: float
    monotonic: float


@dataclass(frozen=True, slots=True)
class ResponseUrlPost:
    """What an app POSTed to a ``response_url`` (Bolt's ``respond()``)."""

    key: str
    body: Mapping[str, Any]
    status: int
    at: float
