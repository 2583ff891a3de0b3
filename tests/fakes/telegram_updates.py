"""The incoming side of FakeTelegram: the update queue, long polling and webhook delivery.

Follows ../shared/reference/protocols.md A7: ``getUpdates`` confirms everything below ``offset``
(a negative offset keeps the last −offset), ``limit`` 1–100, ``timeout`` clamped to 50 s,
``allowed_updates`` remembered between calls (empty = all but chat_member/reactions); a second
poller terminates the first (409); polling while a webhook is set is a 409; with a webhook set,
queued updates are POSTed in order with ``X-Telegram-Bot-Api-Secret-Token`` and retried until a
2xx answer (``getWebhookInfo`` shows the last error).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import aiohttp

from tests.fakes.request_params import BodyParseError, as_bool, as_int, as_json
from tests.fakes.telegram_objects import TelegramApiError, bad_request

NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
CONFLICT_POLLERS = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)


class Wakeup:
    """Wakes every waiter at once, from any thread (an ``asyncio.Event`` replaced on each wake)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def wake(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake_now()
        else:
            loop.call_soon_threadsafe(self._wake_now)

    def _wake_now(self) -> None:
        if self._event is not None:
            previous, self._event = self._event, asyncio.Event()
            previous.set()

    async def wait(self, timeout: float) -> None:
        """Return on the next wake or after ``timeout`` seconds."""
        event = self._event
        if event is None:
            raise RuntimeError("Wakeup.bind() was not called in the server's event loop")
        # asyncio.timeout, not wait_for: no inner task, so cancelling the waiter is immediate.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await event.wait()


def _allowed_list(params: Mapping[str, Any]) -> list[str] | None:
    if params.get("allowed_updates") in (None, ""):
        return None
    try:
        allowed = as_json(params["allowed_updates"])
    except BodyParseError:
        raise bad_request("can't parse allowed updates JSON object") from None
    return [str(kind) for kind in allowed] if isinstance(allowed, list) else None


class UpdateQueue:
    """Pending updates for one bot, delivered by long polling or to a webhook."""

    def __init__(
        self, *, first_update_id: int, max_long_poll_s: float, webhook_retry_s: float
    ) -> None:
        self.max_long_poll_s = max_long_poll_s
        self.webhook_retry_s = webhook_retry_s
        self._lock = threading.RLock()
        self._updates: list[dict[str, Any]] = []
        self._ids = itertools.count(first_update_id)
        self._allowed: list[str] | None = None
        self._poll_serial = 0
        self._webhook: dict[str, Any] = {"url": ""}
        self._webhook_last_set = -10.0
        self._wakeup = Wakeup()
        self._closing = False
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._wakeup.bind()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._task = asyncio.create_task(self._deliver_webhooks())

    async def stop(self) -> None:
        self._closing = True
        self._wakeup.wake()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session is not None:
            await self._session.close()

    # ------------------------------------------------------------------ the test's side

    def push(self, update: Mapping[str, Any]) -> dict[str, Any]:
        data = dict(update)
        with self._lock:
            if "update_id" not in data:
                data["update_id"] = next(self._ids)
            self._updates.append(data)
        self._wakeup.wake()
        return data

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._updates)

    def webhook(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._webhook)

    # ------------------------------------------------------------------ Bot API methods

    def _is_allowed(self, update: Mapping[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if not self._allowed:
            return kind not in NOT_BY_DEFAULT
        return kind in self._allowed

    async def get_updates(self, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._lock:
            if self._webhook["url"]:
                raise TelegramApiError(409, CONFLICT_WEBHOOK)
            offset = as_int(params.get("offset")) or 0
            limit = min(100, max(1, as_int(params.get("limit")) or 100))
            timeout = min(float(as_int(params.get("timeout")) or 0), 50.0, self.max_long_poll_s)
            allowed = _allowed_list(params)
            if allowed is not None:
                self._allowed = allowed
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._poll_serial += 1
            serial = self._poll_serial
        self._wakeup.wake()  # an earlier poller, if any, is now superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                if self._poll_serial != serial:
                    raise TelegramApiError(409, CONFLICT_POLLERS)
                ready = [u for u in self._updates if self._is_allowed(u)][:limit]
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing:
                return ready
            await self._wakeup.wait(remaining)

    def set_webhook(self, params: Mapping[str, Any]) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret not in (None, ""):
            secret = str(secret)
            if len(secret) > 256:
                raise bad_request("secret token is too long")
            if not all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in secret):
                raise bad_request("secret token contains unallowed characters")
        # The real server wants HTTPS on ports 443/80/88/8443; plain loopback HTTP is allowed
        # here so a test can receive the POSTs.
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        max_connections = as_int(params.get("max_connections")) or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = _allowed_list(params)
        with self._lock:
            now = time.monotonic()
            if now - self._webhook_last_set < 1.0 and url == self._webhook.get("url"):
                raise TelegramApiError(429, "Too Many Requests: retry after 1", retry_after=1)
            self._webhook_last_set = now
            if as_bool(params.get("drop_pending_updates")):
                self._updates.clear()
            self._webhook = {
                "url": url,
                "secret_token": secret or None,
                "max_connections": max_connections,
            }
            if allowed is not None:
                self._allowed = allowed
        self._wakeup.wake()
        return True

    def delete_webhook(self, params: Mapping[str, Any]) -> bool:
        with self._lock:
            if as_bool(params.get("drop_pending_updates")):
                self._updates.clear()
            self._webhook = {"url": ""}
        return True

    def webhook_info(self) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook["url"],
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook["url"]:
                info["max_connections"] = self._webhook.get("max_connections", 40)
                for key in ("last_error_date", "last_error_message"):
                    if key in self._webhook:
                        info[key] = self._webhook[key]
                if self._allowed is not None:
                    info["allowed_updates"] = list(self._allowed)
            return info

    # ------------------------------------------------------------------ webhook delivery

    async def _deliver_webhooks(self) -> None:
        """POST queued updates, in order, to the webhook URL; retry non-2xx answers."""
        while True:
            with self._lock:
                url = self._webhook["url"]
                secret = self._webhook.get("secret_token")
                waiting = [u for u in self._updates if self._is_allowed(u)] if url else []
            if not waiting:
                await self._wakeup.wait(1.0)
                continue
            update = waiting[0]
            error = await self._post(url, secret, update)
            with self._lock:
                if error is None:
                    self._updates = [u for u in self._updates if u is not update]
                else:
                    self._webhook["last_error_date"] = int(time.time())
                    self._webhook["last_error_message"] = error
            if error is not None:
                await self._wakeup.wait(self.webhook_retry_s)

    async def _post(self, url: str, secret: str | None, update: dict[str, Any]) -> str | None:
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        assert self._session is not None
        body = json.dumps(update, ensure_ascii=False).encode()
        try:
            async with self._session.post(url, data=body, headers=headers) as response:
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {type(exc).__name__}"
