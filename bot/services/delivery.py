"""Delivery: pending outbox rows → platform messages, paced, fair, retried, never lost.

One ``DeliveryWorker`` per platform. It claims due rows (a lease, so several processes can share
the work), orders each chat's rows best story first, and serves chats round-robin so one busy
chat cannot starve the others. Pacing happens *before* the platform objects (``SendPacer``); a
429 still pauses the chat (or everyone) for ``retry_after``. Platform answers arrive as the
project's own errors (mapped in the adapters): blocked/kicked → chat inactive and its rows
skipped; migrated → chat id updated and the message resent; transient → retried with backoff,
then failed; rejected (HTTP 400) → failed at once with the payload logged, never looped.

A row is marked sent only after the platform confirmed it. The one window for a duplicate is a
crash after the platform accepted a message and before ``mark_sent`` committed: the row is then
sent again after the restart. So a crash can duplicate at most the sends in flight at that
moment (one per chat, at most ``DeliveryPolicy.concurrency``), and never loses one.

While the database is unavailable the worker keeps running: it waits and tries again (one
warning, no traceback), remembers the sends it could not record and records them before
anything else once the database is back, then takes back its own claims left mid-way.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.models import ChatKind, Platform
from bot.domain.outgoing import SentMessage
from bot.errors import (
    ChatMigrated,
    ChatUnavailable,
    DeliveryError,
    RejectedMessage,
    RetryLater,
    StorageError,
    TransientDeliveryError,
)
from bot.services.pacing import SendPacer
from bot.services.ports import ChatRow, OutboxRow, Storage, StoredArticle, SubscriptionRow
from bot.services.telemetry import NullTelemetry, Telemetry

log = logging.getLogger(__name__)

AUTH_FAILURE_PAUSE_S = 60.0
MARK_SENT_ATTEMPTS = 6
STORAGE_RETRY_MAX_S = 5.0  # the longest wait between tries while the database is away


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertDelivery:
    """Everything an outlet needs to render and send one alert."""

    row: OutboxRow
    chat: ChatRow
    article: StoredArticle
    subscriptions: tuple[SubscriptionRow, ...]
    other_sources: int = 0


class Outlet(Protocol):
    """A platform's sending side: renders cards for the chat and sends them."""

    platform: Platform

    async def send_alert(self, delivery: AlertDelivery) -> SentMessage: ...

    async def send_fold(self, chat: ChatRow, deliveries: Sequence[AlertDelivery]) -> SentMessage:
        """One "more stories" message standing for several alerts of a backlog."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    max_attempts: int = 8
    backoff_base_s: float = 2.0
    backoff_max_s: float = 600.0
    backlog_limit: int = 10  # more pending than this in one chat: the extras fold
    claim_batch: int = 500
    lease_s: float = 120.0
    concurrency: int = 16
    idle_poll_s: float = 1.0


class DeliveryWorker:
    def __init__(
        self,
        *,
        storage: Storage,
        outlet: Outlet,
        pacer: SendPacer,
        clock: Callable[[], datetime],
        owner: str,
        policy: DeliveryPolicy | None = None,
        telemetry: Telemetry | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        unrecorded: dict[int, tuple[str, datetime]] | None = None,
        may_send: Callable[[], bool] | None = None,
    ) -> None:
        self._storage = storage
        self._outlet = outlet
        self._pacer = pacer
        self._clock = clock
        self._owner = owner
        self._policy = policy or DeliveryPolicy()
        self._telemetry = telemetry or NullTelemetry()
        self._monotonic = monotonic
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._queues: dict[int, deque[AlertDelivery]] = {}
        self._alerted: set[int] = set()
        # Sent (the platform has them) but not recorded: outbox id → (message id, sent at).
        # Passed in so it outlives this worker (a sender restarted after a lost leadership).
        self._unrecorded = unrecorded if unrecorded is not None else {}
        self._storage_failed = False  # claims of ours may be left mid-way: take them back
        # False while this process's alive lock is lost (storage.liveness): other processes may
        # take its claims then, so nothing is claimed or sent; the claims left are taken back
        # (``release_all``, owner-checked) once it is true again.
        self._may_send = may_send or (lambda: True)
        self._fenced = False

    @property
    def platform(self) -> Platform:
        return self._outlet.platform

    def wake(self) -> None:
        """New rows were enqueued: look now instead of at the next idle tick."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Deliver until ``stop()``; in-flight sends finish, unsent claims are released.

        A database failure never ends the loop: it waits (longer each time, up to
        ``STORAGE_RETRY_MAX_S``) and tries again."""
        wait = self._policy.idle_poll_s
        try:
            while not self._stopping.is_set():
                try:
                    await self._recover_from_storage_failure()
                    sent = await self.drain_once()
                except StorageError as exc:
                    if not self._storage_failed:
                        log.warning("delivery waits for the database", extra={"error": str(exc)})
                    self._storage_failed = True
                    await self._pause(self._stopping, wait)  # new rows cannot be claimed now
                    wait = min(wait * 2, STORAGE_RETRY_MAX_S)
                    continue
                wait = self._policy.idle_poll_s
                if sent == 0 and not self._stopping.is_set():
                    self._wake.clear()
                    await self._pause(self._wake, self._policy.idle_poll_s)
        finally:
            try:
                await self._record_unrecorded()
                await self._storage.outbox.release_all(self._owner)
            except StorageError as exc:
                log.warning("claims not released: database unavailable", extra={"error": str(exc)})

    @staticmethod
    async def _pause(until: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), seconds)

    async def _recover_from_storage_failure(self) -> None:
        """After a database failure: record the sends left unrecorded first (so they are not
        sent again), then take back our claims left mid-way (else they wait for the lease)."""
        await self._record_unrecorded()
        if self._storage_failed:
            released = await self._storage.outbox.release_all(self._owner)
            self._storage_failed = False
            log.info("delivery resumed: the database is back", extra={"released": released})

    async def _record_unrecorded(self) -> None:
        for outbox_id, (message_id, sent_at) in list(self._unrecorded.items()):
            await self._storage.outbox.mark_sent(
                outbox_id, platform_message_id=message_id, sent_at=sent_at
            )
            self._unrecorded.pop(outbox_id, None)
            log.info("recorded a send made during a database outage", extra={"outbox": outbox_id})

    async def drain_once(self) -> int:
        """Claim what is due and send it all (paced); returns how many rows were handled."""
        if not self._may_send():
            self._fenced = True
            return 0
        if self._fenced:
            released = await self._storage.outbox.release_all(self._owner)
            self._fenced = False
            log.info("delivery resumed: alive again", extra={"released": released})
        rows = await self._storage.outbox.claim_pending(
            platform=self.platform,
            now=self._clock(),
            limit=self._policy.claim_batch,
            owner=self._owner,
            lease_s=self._policy.lease_s,
        )
        self._telemetry.queue_depth(await self._storage.outbox.queue_depth())
        if not rows:
            return 0
        queues = await self._build_queues(rows)
        try:
            await self._serve_round_robin(queues)
        finally:
            if self._alerted:
                alerted, self._alerted = self._alerted, set()
                await self._storage.subscriptions.touch_alerted(alerted, at=self._clock())
        return len(rows)

    async def _build_queues(self, rows: list[OutboxRow]) -> dict[int, deque[AlertDelivery]]:
        articles = await self._storage.articles.get_many({r.article_id for r in rows})
        subscriptions = await self._storage.subscriptions.get_many(
            {sid for r in rows for sid in r.subscription_ids}
        )
        chats: dict[int, ChatRow | None] = {}
        if len({r.chat_id for r in rows}) > 20:  # one query instead of one per chat
            active = await self._storage.chats.list_active(platform=self.platform)
            chats.update((c.id, c) for c in active)
        grouped: dict[int, list[AlertDelivery]] = {}
        for row in rows:
            if row.chat_id not in chats:
                chats[row.chat_id] = await self._storage.chats.get(row.chat_id)
            chat = chats[row.chat_id]
            article = articles.get(row.article_id)
            if chat is None or article is None:
                await self._storage.outbox.mark_failed(row.id, error="chat or article missing")
                continue
            subs = tuple(subscriptions[s] for s in row.subscription_ids if s in subscriptions)
            grouped.setdefault(row.chat_id, []).append(
                AlertDelivery(row=row, chat=chat, article=article, subscriptions=subs)
            )
        queues: dict[int, deque[AlertDelivery]] = {}
        for chat_id, deliveries in grouped.items():
            deliveries.sort(key=lambda d: (-d.row.score, d.row.created_at))
            queues[chat_id] = deque(deliveries)
        return queues

    async def _serve_round_robin(self, queues: dict[int, deque[AlertDelivery]]) -> None:
        """Fair service: one alert per chat per turn, each when its pacing allows.

        At most one send per chat is in flight, so a chat's alerts arrive in order (best story
        first); a rate-limited alert goes back to the front of its chat's queue.
        """
        self._queues = queues
        in_flight: set[asyncio.Task[None]] = set()
        busy: set[int] = set()
        limit = asyncio.Semaphore(self._policy.concurrency)
        backlog = self._policy.backlog_limit
        folded: set[int] = set()
        # Chats with alerts waiting, in serving order; a chat goes to the back after each turn.
        ring: deque[int] = deque(c for c, q in queues.items() if q)
        in_ring = set(ring)

        def finished(task: asyncio.Task[None], chat_id: int) -> None:
            in_flight.discard(task)
            busy.discard(chat_id)
            limit.release()
            if queues.get(chat_id) and chat_id not in in_ring:  # e.g. re-queued after a 429
                ring.append(chat_id)
                in_ring.add(chat_id)

        while not self._stopping.is_set():
            if (not ring and not in_flight) or self._fenced:
                break
            now = self._monotonic()
            next_free: float | None = None
            launched = False
            for _ in range(len(ring)):
                if self._pacer.overall_free_at(now) > now:
                    overall = self._pacer.overall_free_at(now)
                    next_free = overall if next_free is None else min(next_free, overall)
                    break  # nobody can send before then: stop scanning
                chat_id = ring.popleft()
                in_ring.discard(chat_id)
                queue = queues.get(chat_id)
                if not queue:
                    continue
                if chat_id in busy:
                    continue  # back in the ring when its send finishes
                chat = queue[0].chat
                key, group = self._chat_key(chat), chat.kind is not ChatKind.PRIVATE
                if not self._pacer.reserve(key, now, group=group):
                    free = self._pacer.free_at(key, now, group=group)
                    next_free = free if next_free is None else min(next_free, free)
                    ring.append(chat_id)
                    in_ring.add(chat_id)
                    continue
                if chat_id not in folded and len(queue) > backlog:
                    # Send the best ``backlog - 1`` alerts one by one, fold the rest into one.
                    keep = [queue.popleft() for _ in range(backlog - 1)]
                    rest = list(queue)
                    queue.clear()
                    queue.extend(keep)
                    folded.add(chat_id)
                    job = self._send_fold(chat, rest)
                else:
                    job = self._send_one(queue.popleft())
                await limit.acquire()
                busy.add(chat_id)
                task = asyncio.create_task(job)
                in_flight.add(task)
                task.add_done_callback(functools.partial(finished, chat_id=chat_id))
                launched = True
            if launched:
                await asyncio.sleep(0)
                continue
            pause = 0.05 if next_free is None else max(0.0, next_free - self._monotonic())
            stopping = asyncio.ensure_future(self._stopping.wait())
            try:  # wake early when a send finishes or the worker is stopped
                await asyncio.wait(
                    {*in_flight, stopping}, timeout=pause, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                stopping.cancel()
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        if self._fenced:  # not ours for sure any more: left to the sweeper or release_all
            queues.clear()
        for queue in queues.values():  # stopping: give back what was not attempted
            for delivery in queue:
                await self._storage.outbox.release_lease(delivery.row.id)
            queue.clear()

    @staticmethod
    def _chat_key(chat: ChatRow) -> str:
        return f"{chat.platform}:{chat.platform_chat_id}"

    async def _send_one(self, delivery: AlertDelivery) -> None:
        if not self._may_send():  # checked at the last moment before the platform sees it
            self._fenced = True
            return
        try:
            sent = await self._outlet.send_alert(delivery)
        except DeliveryError as exc:
            await self._handle_error(delivery, exc)
            return
        except Exception as exc:  # an unexpected failure is treated as transient
            log.exception("send crashed", extra={"outbox": delivery.row.id})
            await self._handle_error(delivery, TransientDeliveryError(type(exc).__name__))
            return
        await self._confirmed(delivery, sent)

    async def _send_fold(self, chat: ChatRow, deliveries: list[AlertDelivery]) -> None:
        if not self._may_send():
            self._fenced = True
            return
        try:
            sent = await self._outlet.send_fold(chat, deliveries)
        except DeliveryError as exc:
            for delivery in deliveries:
                await self._handle_error(delivery, exc)
            return
        now = self._clock()
        await self._storage.outbox.mark_digested(
            [d.row.id for d in deliveries], digest_id=None, at=now
        )
        for delivery in deliveries:
            self._telemetry.alert_finished(
                platform=self.platform, status="folded", latency_s=self._latency(delivery, now)
            )
        log.info(
            "backlog folded",
            extra={"chat": chat.id, "alerts": len(deliveries), "message": sent.platform_message_id},
        )

    async def _confirmed(self, delivery: AlertDelivery, sent: SentMessage) -> None:
        now = self._clock()
        # Remembered until recorded: a database failure, or this task being cancelled by a
        # stop, leaves it to be recorded first once the database is back, not sent again.
        self._unrecorded[delivery.row.id] = (sent.platform_message_id, now)
        for attempt in range(MARK_SENT_ATTEMPTS):
            try:
                await self._storage.outbox.mark_sent(
                    delivery.row.id, platform_message_id=sent.platform_message_id, sent_at=now
                )
                break
            except StorageError as exc:
                # The platform has the message: recording it matters more than anything else
                # here, since an unrecorded send is sent again once its lease expires.
                if attempt == MARK_SENT_ATTEMPTS - 1:
                    log.warning(
                        "sent but not recorded yet: recorded once the database is back",
                        extra={"outbox": delivery.row.id, "error": str(exc)},
                    )
                    self._storage_failed = True
                    return
                await asyncio.sleep(0.2 * 2**attempt)
        self._unrecorded.pop(delivery.row.id, None)
        self._alerted.update(delivery.row.subscription_ids)  # stamped once per drain
        self._telemetry.alert_finished(
            platform=self.platform, status="sent", latency_s=self._latency(delivery, now)
        )

    @staticmethod
    def _latency(delivery: AlertDelivery, now: datetime) -> float:
        return max(0.0, (now - delivery.row.created_at).total_seconds())

    async def _handle_error(self, delivery: AlertDelivery, exc: DeliveryError) -> None:
        row, chat = delivery.row, delivery.chat
        outbox = self._storage.outbox
        extra = {"outbox": row.id, "chat": chat.id, "error": str(exc)[:300]}
        if isinstance(exc, RetryLater):
            self._telemetry.rate_limited(platform=self.platform)
            until = self._monotonic() + exc.retry_after
            self._pacer.hold_chat(
                self._chat_key(chat), until, group=chat.kind is not ChatKind.PRIVATE
            )
            # Back to the front of its chat's queue: it is still the next one to send there.
            self._queues.setdefault(chat.id, deque()).appendleft(delivery)
            log.info("rate limited", extra={**extra, "retry_after": exc.retry_after})
        elif isinstance(exc, ChatUnavailable) and exc.reason == "auth":
            # The platform refused the bot's own token: no chat is at fault. Keep the alert,
            # pause the whole platform and say so loudly; an operator must fix the token.
            self._pacer.hold_all(self._monotonic() + AUTH_FAILURE_PAUSE_S)
            self._queues.setdefault(chat.id, deque()).appendleft(delivery)
            log.error("platform refused the bot token; delivery paused", extra=extra)
        elif isinstance(exc, ChatUnavailable):
            await self._storage.chats.set_active(chat.id, False)
            skipped = await outbox.mark_skipped_for_chat(chat.id, reason=str(exc)[:300])
            self._telemetry.alert_finished(platform=self.platform, status="skipped", latency_s=None)
            log.warning("chat unavailable, deactivated", extra={**extra, "skipped": skipped})
        elif isinstance(exc, ChatMigrated):
            moved = await self._storage.chats.migrate(chat.id, exc.new_chat_id)
            log.info("chat migrated, resending", extra={**extra, "new_chat": exc.new_chat_id})
            retry = AlertDelivery(
                row=row,
                chat=moved,
                article=delivery.article,
                subscriptions=delivery.subscriptions,
            )
            try:
                sent = await self._outlet.send_alert(retry)
            except DeliveryError as again:
                if isinstance(again, ChatMigrated):  # never loop on migrations
                    again = RejectedMessage(f"migrated twice: {again}")
                await self._handle_error(retry, again)
                return
            await self._confirmed(retry, sent)
        elif isinstance(exc, RejectedMessage):
            await outbox.mark_failed(row.id, error=f"rejected: {exc}"[:500])
            self._telemetry.alert_finished(platform=self.platform, status="failed", latency_s=None)
            log.error("message rejected by the platform", extra=extra)
        else:
            attempts = row.attempts + 1
            if attempts >= self._policy.max_attempts:
                await outbox.mark_failed(row.id, error=f"gave up after {attempts}: {exc}"[:500])
                self._telemetry.alert_finished(
                    platform=self.platform, status="failed", latency_s=None
                )
                log.error("delivery failed for good", extra={**extra, "attempts": attempts})
                return
            wait = min(
                self._policy.backoff_max_s, self._policy.backoff_base_s * 2 ** (attempts - 1)
            ) * self._rng.uniform(0.8, 1.2)
            retry_at = self._clock() + timedelta(seconds=wait)
            await outbox.reschedule(
                row.id, next_attempt_at=retry_at, attempts=attempts, error=str(exc)[:500]
            )
            # The chat's later alerts wait with it, so they still arrive in order.
            for later in self._queues.pop(chat.id, deque()):
                await outbox.reschedule(
                    later.row.id,
                    next_attempt_at=retry_at,
                    attempts=later.row.attempts,
                    error=later.row.error,
                )
            log.warning(
                "delivery failed, will retry",
                extra={**extra, "attempts": attempts, "retry_in": round(wait, 1)},
            )
