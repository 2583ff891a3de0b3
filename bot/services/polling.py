"""Polling: claim the sources that are due, read them, store what is new, hand it to matching.

Crash safety: articles are stored first, then matched into durable outbox rows, then marked
matched. A crash in between leaves them "unmatched", and ``recover_unmatched`` finishes the job
on the next start (outbox inserts are idempotent, so nothing is alerted twice).
A source seen for the first time does not flood chats with its backlog (``backfill`` newest
items alert, default 0), and items older than ``max_age`` never alert.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.models import Article
from bot.domain.source_policy import next_poll_after_failure, should_pause
from bot.errors import SourceError, StorageError
from bot.services.ports import SourceRow, Storage, StoredArticle
from bot.services.telemetry import NullTelemetry, Telemetry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOutcome:
    """What reading a source brought: nothing new (``unchanged``) or its current articles."""

    unchanged: bool
    articles: tuple[Article, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    retry_after_s: float | None = None  # the server asked us to come back later


class SourceReader(Protocol):
    async def read(self, source: SourceRow) -> ReadOutcome:
        """Fetch and parse one source; raises ``SourceError`` (with a ``kind``) on failure."""
        ...


class ArticleSink(Protocol):
    async def process(self, articles: Sequence[StoredArticle]) -> int:
        """Cluster, match and enqueue alerts for new articles; returns new outbox rows."""
        ...


class AdminNotifier(Protocol):
    async def source_paused(self, source: SourceRow, error: str) -> None:
        """Tell the chat that added the source (or the operator) that it was paused."""
        ...


@dataclass(frozen=True, slots=True)
class PollSummary:
    polled: int = 0
    changed: int = 0
    failed: int = 0
    new_articles: int = 0
    alerts: int = 0


@dataclass(frozen=True, slots=True)
class _Result:
    changed: bool = False
    failed: bool = False
    new_articles: int = 0
    alerts: int = 0


class PollService:
    def __init__(
        self,
        *,
        storage: Storage,
        reader: SourceReader,
        sink: ArticleSink,
        clock: Callable[[], datetime],
        owner: str,
        telemetry: Telemetry | None = None,
        notifier: AdminNotifier | None = None,
        max_age: timedelta = timedelta(hours=48),
        backfill: int = 0,
        backfill_by_url: dict[str, int] | None = None,
        batch_size: int = 100,
        concurrency: int = 20,
        lease_s: float = 120.0,
        pause_after_failures: int = 10,
        interval_jitter: float = 0.1,
        rng: random.Random | None = None,
    ) -> None:
        self._storage = storage
        self._reader = reader
        self._sink = sink
        self._clock = clock
        self._owner = owner
        self._telemetry = telemetry or NullTelemetry()
        self._notifier = notifier
        self._max_age = max_age
        self._backfill = backfill
        self._backfill_by_url = dict(backfill_by_url or {})
        self._batch_size = batch_size
        self._concurrency = asyncio.Semaphore(concurrency)
        self._lease_s = lease_s
        self._pause_after = pause_after_failures
        self._jitter = interval_jitter
        self._rng = rng or random.Random()
        self._claims_left = False  # a release failed while the database was away

    async def poll_due(self) -> PollSummary:
        """Poll every source that is due now (in batches), concurrently and politely.

        Articles a failed earlier run stored but did not match are finished first. While the
        database is unavailable the tick does nothing but say so (one warning, no traceback);
        what it could not record is done again once the database is back."""
        try:
            await self._release_leftovers()
            await self.recover_unmatched()
        except StorageError as exc:
            log.warning("polling waits for the database", extra={"error": str(exc)})
            return PollSummary()
        except Exception:
            log.exception("matching stored articles failed; will retry on the next tick")
        total = PollSummary()
        while True:
            due = await self._storage.sources.claim_due(
                now=self._clock(), limit=self._batch_size, owner=self._owner, lease_s=self._lease_s
            )
            if not due:
                return total
            results = await asyncio.gather(*(self._poll_guarded(s) for s in due))
            total = PollSummary(
                polled=total.polled + len(results),
                changed=total.changed + sum(r.changed for r in results),
                failed=total.failed + sum(r.failed for r in results),
                new_articles=total.new_articles + sum(r.new_articles for r in results),
                alerts=total.alerts + sum(r.alerts for r in results),
            )
            if len(due) < self._batch_size:
                return total

    async def recover_unmatched(self) -> int:
        """Finish matching articles stored before a crash; returns how many were processed."""
        done = 0
        while True:
            pending = await self._storage.articles.unmatched(limit=200)
            if not pending:
                return done
            await self._sink.process(pending)
            done += len(pending)

    async def _release_leftovers(self) -> None:
        """Release claims whose release failed while the database was away (else the source
        would wait for its lease to expire: minutes without polling). Only ours, by owner, and
        only between ticks, when none of ours is in use (ticks never overlap)."""
        if self._claims_left:
            await self._storage.sources.release_all(self._owner)
            self._claims_left = False

    async def _poll_guarded(self, source: SourceRow) -> _Result:
        async with self._concurrency:
            try:
                return await self._poll(source)
            except StorageError as exc:  # the database went away mid-poll: read it again later
                log.warning(
                    "poll interrupted: database unavailable",
                    extra={"source": source.url, "error": str(exc)},
                )
            except Exception:  # a bug must not stop the other sources or keep the lease
                log.exception("poll crashed", extra={"source": source.url})
            try:
                await self._storage.sources.release(source.id)
            except StorageError:
                self._claims_left = True
            return _Result(failed=True)

    async def _poll(self, source: SourceRow) -> _Result:
        started = self._clock()
        try:
            outcome = await self._reader.read(source)
        except SourceError as exc:
            await self._record_failure(source, exc, started)
            return _Result(failed=True)
        now = self._clock()
        if outcome.unchanged:
            await self._record_success(source, outcome, now)
            self._telemetry.poll_finished(ok=True, changed=False)
            return _Result()
        inserted = await self._storage.articles.insert_new(
            source.id, outcome.articles, fetched_at=now
        )
        alerting, quiet = self._split_alerting(source, inserted.new, now)
        if quiet:
            await self._storage.articles.mark_matched([a.id for a in quiet], at=now)
        alerts = await self._sink.process(alerting) if alerting else 0
        await self._record_success(source, outcome, now)
        self._telemetry.poll_finished(ok=True, changed=True)
        self._telemetry.articles_stored(len(inserted.new))
        log.info(
            "source polled",
            extra={
                "source": source.url,
                "items": len(outcome.articles),
                "new": len(inserted.new),
                "alerting": len(alerting),
                "alerts": alerts,
            },
        )
        return _Result(changed=True, new_articles=len(inserted.new), alerts=alerts)

    def _split_alerting(
        self, source: SourceRow, new: Sequence[StoredArticle], now: datetime
    ) -> tuple[list[StoredArticle], list[StoredArticle]]:
        """Which new articles may alert: not too old, and not the backlog of a new source."""
        fresh = [a for a in new if a.published_at is None or now - a.published_at <= self._max_age]
        if source.last_ok_at is None:  # first successful read: only the newest `backfill`
            fresh.sort(key=lambda a: a.published_at or a.fetched_at, reverse=True)
            fresh = fresh[: self._backfill_by_url.get(source.url, self._backfill)]
        alerting_ids = {a.id for a in fresh}
        return fresh, [a for a in new if a.id not in alerting_ids]

    def _next_poll(self, source: SourceRow, now: datetime, retry_after_s: float | None) -> datetime:
        interval = source.interval_s * (1 + self._rng.uniform(-self._jitter, self._jitter))
        return now + timedelta(seconds=max(interval, retry_after_s or 0.0, 1.0))

    async def _record_success(self, source: SourceRow, outcome: ReadOutcome, now: datetime) -> None:
        await self._storage.sources.record_success(
            source.id,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            content_hash=outcome.content_hash,
            next_poll_at=self._next_poll(source, now, outcome.retry_after_s),
            polled_at=now,
        )
        self._telemetry.poll_succeeded_at(now.timestamp())

    async def _record_failure(self, source: SourceRow, exc: SourceError, now: datetime) -> None:
        failures = source.failures + 1
        paused = should_pause(failures, threshold=self._pause_after)
        retry_after = getattr(exc, "retry_after", None)
        wait = next_poll_after_failure(failures, source.interval_s, rng=self._rng)
        if retry_after:
            wait = max(wait, float(retry_after))
        error = f"{exc.kind}: {exc}"
        await self._storage.sources.record_failure(
            source.id,
            error=error[:500],
            failures=failures,
            next_poll_at=now + timedelta(seconds=wait),
            paused=paused,
            polled_at=now,
        )
        self._telemetry.poll_finished(ok=False, changed=False)
        self._telemetry.fetch_failed(kind=exc.kind)
        log.warning(
            "source failed",
            extra={"source": source.url, "kind": exc.kind, "failures": failures, "paused": paused},
        )
        if paused and self._notifier is not None:
            try:
                await self._notifier.source_paused(source, error)
            except Exception:
                log.exception("could not notify about a paused source")
