"""The in-loop scheduler: APScheduler 3's AsyncIOScheduler behind a small, typed surface.

The services never see APScheduler: they give a name, a coroutine function and either a period
(ticks such as "poll due sources") or cron fields in a time zone (digests). Jobs never overlap
themselves, late ticks coalesce into one, and a job that raises is logged, not fatal: once, by
us (APScheduler's own traceback and its "skipped: maximum number of running instances" warning,
which a tick still running by design causes every second, are filtered out). A job failing
because the database is unavailable is a one-line warning, not a traceback per tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.errors import StorageError

log = logging.getLogger(__name__)

_APSCHEDULER_REPEATS = (
    ("apscheduler.scheduler", "maximum number of running instances reached"),
    ("apscheduler.executors.default", "raised an exception"),  # ``_on_error`` reports it
)


class _DropRepeats(logging.Filter):
    def __init__(self, fragment: str) -> None:
        super().__init__()
        self.fragment = fragment

    def filter(self, record: logging.LogRecord) -> bool:
        return self.fragment not in str(record.msg)


def _quiet_apscheduler() -> None:
    for name, fragment in _APSCHEDULER_REPEATS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropRepeats) for f in logger.filters):
            logger.addFilter(_DropRepeats(fragment))


JobFunction = Callable[[], Awaitable[object]]


class Scheduler:
    """Owns one AsyncIOScheduler started inside the running event loop."""

    def __init__(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)
        _quiet_apscheduler()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Start in the current event loop (call from async code)."""
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        """Stop taking new ticks. APScheduler's asyncio executor cancels the jobs still
        running, so work that must not be cut short (a poll) runs in its own shielded task that
        its owner waits for (``Runtime._poll_due``)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def every(
        self,
        name: str,
        function: JobFunction,
        *,
        seconds: float,
        jitter_s: float | None = None,
        first_run: datetime | None = None,
    ) -> None:
        """Run ``function`` every ``seconds`` (replacing a job of the same name)."""
        self._scheduler.add_job(
            function,
            IntervalTrigger(seconds=seconds, jitter=jitter_s, timezone=UTC),
            id=name,
            name=name,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=first_run or datetime.now(UTC),
        )

    def cron(
        self,
        name: str,
        function: JobFunction,
        *,
        fields: Mapping[str, object],
        timezone: str,
        misfire_grace_s: int | None = 3600,
    ) -> None:
        """Run ``function`` on a cron schedule in ``timezone`` (replacing a job of that name)."""
        self._scheduler.add_job(
            function,
            CronTrigger(timezone=timezone, **fields),  # type: ignore[arg-type]
            id=name,
            name=name,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=misfire_grace_s,
        )

    def remove(self, name: str) -> bool:
        """Remove a job if it exists; True when one was removed."""
        if self._scheduler.get_job(name) is None:
            return False
        self._scheduler.remove_job(name)
        return True

    def job_names(self) -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs())

    def next_run(self, name: str) -> datetime | None:
        job = self._scheduler.get_job(name)
        return job.next_run_time if job is not None else None

    @staticmethod
    def _on_error(event: JobExecutionEvent) -> None:
        if isinstance(event.exception, asyncio.CancelledError):
            return  # a job cut short by shutdown is not a failure
        if isinstance(event.exception, StorageError):  # the database is away: retried next tick
            log.warning(
                "scheduled job failed: database unavailable",
                extra={"job": event.job_id, "error": str(event.exception)},
            )
            return
        log.error(
            "scheduled job failed",
            exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
            extra={"job": event.job_id},
        )
