"""Per-host politeness: at most N requests in flight to one host, starts spaced apart, and a
host that answered 429/503 is left alone until its ``Retry-After`` has passed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

_PRUNE_AT = 4096


@dataclass(slots=True)
class _HostSlots:
    semaphore: asyncio.Semaphore
    users: int = 0


class HostPoliteness:
    """Hands out turns per host. State of idle hosts is dropped so the maps stay small."""

    def __init__(self, *, concurrency: int, spacing_s: float) -> None:
        if concurrency < 1:
            raise ValueError("per-host concurrency must be at least 1")
        self._concurrency = concurrency
        self._spacing = max(0.0, spacing_s)
        self._slots: dict[str, _HostSlots] = {}
        self._next_start: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        """Wait for a free slot for ``host`` and for the spacing after the previous start."""
        slots = self._slots.get(host)
        if slots is None:
            slots = self._slots[host] = _HostSlots(asyncio.Semaphore(self._concurrency))
        slots.users += 1
        try:
            async with slots.semaphore:
                if self._spacing:
                    await self._wait_for_spacing(host)
                yield
        finally:
            slots.users -= 1
            if slots.users == 0 and self._slots.get(host) is slots:
                del self._slots[host]

    async def _wait_for_spacing(self, host: str) -> None:
        # Reserve a start time first (no await in between), then sleep until it: waiters
        # queue up in order without a lock.
        now = time.monotonic()
        start = max(now, self._next_start.get(host, 0.0))
        self._next_start[host] = start + self._spacing
        if len(self._next_start) > _PRUNE_AT:
            self._next_start = {h: t for h, t in self._next_start.items() if t > now}
        if start > now:
            await asyncio.sleep(start - now)

    def block(self, host: str, seconds: float) -> None:
        """Leave ``host`` alone for ``seconds`` (it said 429/503 with ``Retry-After``)."""
        until = time.monotonic() + seconds
        self._blocked_until[host] = max(until, self._blocked_until.get(host, 0.0))

    def blocked_for(self, host: str) -> float:
        """Seconds ``host`` is still blocked for (0 when it may be asked)."""
        until = self._blocked_until.get(host)
        if until is None:
            return 0.0
        remaining = until - time.monotonic()
        if remaining <= 0:
            del self._blocked_until[host]
            return 0.0
        return remaining
