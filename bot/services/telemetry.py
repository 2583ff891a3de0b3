"""What the services report about their work (counts, latencies), as a port.

The services call these methods; an adapter turns them into Prometheus metrics. Tests and the
CLI use ``NullTelemetry`` or ``RecordingTelemetry``.
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol


class Telemetry(Protocol):
    def poll_finished(self, *, ok: bool, changed: bool) -> None: ...
    def fetch_failed(self, *, kind: str) -> None: ...
    def articles_stored(self, count: int) -> None: ...
    def matches_found(self, count: int) -> None: ...
    def alert_finished(self, *, platform: str, status: str, latency_s: float | None) -> None: ...
    def rate_limited(self, *, platform: str) -> None: ...
    def queue_depth(self, depth: int) -> None: ...
    def digest_finished(self, *, status: str) -> None: ...
    def poll_succeeded_at(self, timestamp: float) -> None: ...


class NullTelemetry:
    """Reports nothing."""

    def poll_finished(self, *, ok: bool, changed: bool) -> None:
        pass

    def fetch_failed(self, *, kind: str) -> None:
        pass

    def articles_stored(self, count: int) -> None:
        pass

    def matches_found(self, count: int) -> None:
        pass

    def alert_finished(self, *, platform: str, status: str, latency_s: float | None) -> None:
        pass

    def rate_limited(self, *, platform: str) -> None:
        pass

    def queue_depth(self, depth: int) -> None:
        pass

    def digest_finished(self, *, status: str) -> None:
        pass

    def poll_succeeded_at(self, timestamp: float) -> None:
        pass


class RecordingTelemetry(NullTelemetry):
    """Counts every report, for tests and the demo summary."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.last_poll_ok: float | None = None

    def poll_finished(self, *, ok: bool, changed: bool) -> None:
        self.counts[f"poll_ok={ok},changed={changed}"] += 1

    def fetch_failed(self, *, kind: str) -> None:
        self.counts[f"fetch_error:{kind}"] += 1

    def articles_stored(self, count: int) -> None:
        self.counts["articles"] += count

    def matches_found(self, count: int) -> None:
        self.counts["matches"] += count

    def alert_finished(self, *, platform: str, status: str, latency_s: float | None) -> None:
        self.counts[f"alert:{platform}:{status}"] += 1

    def rate_limited(self, *, platform: str) -> None:
        self.counts[f"429:{platform}"] += 1

    def digest_finished(self, *, status: str) -> None:
        self.counts[f"digest:{status}"] += 1

    def poll_succeeded_at(self, timestamp: float) -> None:
        self.last_poll_ok = timestamp
