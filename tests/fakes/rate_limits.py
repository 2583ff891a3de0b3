"""Rate limiters the fake platform servers enforce, the way the real services describe them.

Two shapes, because the platforms phrase their limits two ways:

* ``TokenBucket`` — "about N per second, short bursts tolerated" (Telegram per chat, Slack per
  channel): a bucket of ``burst`` tokens refilled at ``rate_per_s``.
* ``SlidingWindow`` — "at most N per period" (Telegram 20/min per group, 30/s per bot): a strict
  ceiling; no window of ``period_s`` seconds ever holds more than ``limit`` accepted events.

Both answer ``try_acquire()`` with ``None`` (accepted, counted) or the seconds to wait before a
retry could succeed (refused, not counted) — exactly what a server needs for ``retry_after``.
The clock is injectable so the limiters are tested without sleeping.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]


class ManualClock:
    """A monotonic clock a test moves by hand: rate limits tested exactly, without sleeping."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class TokenBucket:
    """``rate_per_s`` sustained, up to ``burst`` back to back."""

    __slots__ = ("_clock", "_tokens", "_updated", "burst", "rate_per_s")

    def __init__(self, *, rate_per_s: float, burst: int, clock: Clock = time.monotonic) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("rate_per_s must be > 0 and burst >= 1")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    def wait_time(self) -> float | None:
        """Seconds until a token is available, or ``None`` if one is there now (not taken)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate_per_s)
        self._updated = now
        if self._tokens >= 1.0:
            return None
        return (1.0 - self._tokens) / self.rate_per_s

    def record(self) -> None:
        self._tokens -= 1.0

    def try_acquire(self) -> float | None:
        wait = self.wait_time()
        if wait is None:
            self.record()
        return wait


class SlidingWindow:
    """At most ``limit`` accepted events in any ``period_s`` seconds."""

    __slots__ = ("_clock", "_events", "limit", "period_s")

    def __init__(self, *, limit: int, period_s: float, clock: Clock = time.monotonic) -> None:
        if limit < 1 or period_s <= 0:
            raise ValueError("limit must be >= 1 and period_s > 0")
        self.limit = limit
        self.period_s = period_s
        self._clock = clock
        self._events: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._events and self._events[0] <= now - self.period_s:
            self._events.popleft()

    def wait_time(self) -> float | None:
        """Seconds until one more event fits, or ``None`` if it fits now (nothing recorded)."""
        now = self._clock()
        self._expire(now)
        if len(self._events) < self.limit:
            return None
        return self._events[0] + self.period_s - now

    def record(self) -> None:
        self._events.append(self._clock())

    def try_acquire(self) -> float | None:
        wait = self.wait_time()
        if wait is None:
            self.record()
        return wait


Limiter = TokenBucket | SlidingWindow


def acquire_all(limiters: list[Limiter]) -> float | None:
    """Take one slot from every limiter, or from none: the longest wait if any refuses.

    A send that one limit refuses must not use up the others (Telegram counts accepted
    messages only), so all are checked before any is charged.
    """
    waits = [wait for limiter in limiters if (wait := limiter.wait_time()) is not None]
    if waits:
        return max(waits)
    for limiter in limiters:
        limiter.record()
    return None


def retry_after_seconds(wait_s: float) -> int:
    """Both platforms announce whole seconds, never 0 (a client would retry at once)."""
    return max(1, math.ceil(wait_s))
