"""Prometheus metrics (prometheus-client) behind the services' Telemetry port.

A private registry per process object keeps tests independent and keeps library defaults (which
could expose process details) out unless asked for.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class PrometheusTelemetry:
    """Implements ``bot.services.telemetry.Telemetry`` with Prometheus collectors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.last_poll_ok: float | None = None
        r = self.registry
        self._polls = Counter("khabardar_polls", "Source polls", ["ok", "changed"], registry=r)
        self._fetch_errors = Counter(
            "khabardar_fetch_errors", "Failed fetches by kind", ["kind"], registry=r
        )
        self._articles = Counter("khabardar_articles", "New articles stored", registry=r)
        self._matches = Counter("khabardar_matches", "Subscription matches", registry=r)
        self._alerts = Counter(
            "khabardar_alerts",
            "Alerts by platform and final status",
            ["platform", "status"],
            registry=r,
        )
        self._latency = Histogram(
            "khabardar_delivery_latency_seconds",
            "From match to platform confirmation",
            ["platform"],
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
            registry=r,
        )
        self._rate_limited = Counter(
            "khabardar_platform_429", "Rate-limit answers from platforms", ["platform"], registry=r
        )
        self._queue = Gauge("khabardar_outbox_pending", "Pending outbox rows", registry=r)
        self._digests = Counter("khabardar_digest_runs", "Digest runs", ["status"], registry=r)
        self._last_poll = Gauge(
            "khabardar_last_successful_poll_timestamp", "Unix time of the last ok poll", registry=r
        )

    def poll_finished(self, *, ok: bool, changed: bool) -> None:
        self._polls.labels(ok=str(ok).lower(), changed=str(changed).lower()).inc()

    def fetch_failed(self, *, kind: str) -> None:
        self._fetch_errors.labels(kind=kind).inc()

    def articles_stored(self, count: int) -> None:
        self._articles.inc(count)

    def matches_found(self, count: int) -> None:
        self._matches.inc(count)

    def alert_finished(self, *, platform: str, status: str, latency_s: float | None) -> None:
        self._alerts.labels(platform=platform, status=status).inc()
        if latency_s is not None:
            self._latency.labels(platform=platform).observe(latency_s)

    def rate_limited(self, *, platform: str) -> None:
        self._rate_limited.labels(platform=platform).inc()

    def queue_depth(self, depth: int) -> None:
        self._queue.set(depth)

    def digest_finished(self, *, status: str) -> None:
        self._digests.labels(status=status).inc()

    def poll_succeeded_at(self, timestamp: float) -> None:
        self.last_poll_ok = timestamp
        self._last_poll.set(timestamp)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
