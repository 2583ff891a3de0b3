"""Polling policy after failures: exponential backoff with jitter, pausing, ``Retry-After``.

Pure functions (stdlib only): the poll service applies them, the fetcher reads Retry-After.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

DEFAULT_PAUSE_AFTER_FAILURES = 10
DEFAULT_MAX_BACKOFF_S = 6 * 3600.0
MAX_RETRY_AFTER_S = 24 * 3600.0


def next_poll_after_failure(
    failures: int,
    base_interval: float,
    *,
    max_interval: float = DEFAULT_MAX_BACKOFF_S,
    jitter: float = 0.2,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before polling a source that has failed ``failures`` times in a row.

    The wait doubles with each failure (1×, 2×, 4× … the normal interval), is capped at
    ``max_interval`` (but never below the normal interval), and is spread by ±``jitter`` so
    sources that broke together do not retry in lockstep.
    """
    if failures < 1:
        return float(base_interval)
    exponent = min(failures - 1, 32)
    wait = min(base_interval * (2**exponent), max(max_interval, base_interval))
    spread = (rng or random).uniform(-jitter, jitter)
    return max(1.0, wait * (1.0 + spread))


def should_pause(failures: int, *, threshold: int = DEFAULT_PAUSE_AFTER_FAILURES) -> bool:
    """Whether a source has failed often enough in a row to be paused (and its admins told)."""
    return failures >= threshold


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), capped at a day."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), MAX_RETRY_AFTER_S)
