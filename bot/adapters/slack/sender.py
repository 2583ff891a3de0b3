"""SlackSender: one ``chat.postMessage`` / ``chat.update`` per call through slack_sdk's
``AsyncWebClient``, with every Slack answer mapped to the project's ``DeliveryError`` tree.

Built from the bot token and ``SLACK_API_URL`` (``https://slack.com/api/`` or a fake). No retry
handlers (slack_sdk's default retries connection errors once): the delivery worker paces and
retries. The mapping:

========================================================  ======================================
Slack answer                                              raised here
========================================================  ======================================
HTTP 429 / ``ratelimited`` / ``rate_limited``             ``RetryLater(retry_after=Retry-After)``
``channel_not_found``, ``not_in_channel``,                ``ChatUnavailable`` (``reason`` = the
``is_archived``, ``channel_is_archived``,                 Slack code)
``restricted_action``
``invalid_auth``, ``not_authed``, ``account_inactive``,   ``ChatUnavailable`` with ``reason="auth"``
``token_revoked``, ``token_expired``, ``missing_scope``,  (``slack_error`` keeps the code): the
``team_access_not_granted``                               *bot* lost access — the worker must not
                                                          deactivate the channel for it, but stop
                                                          Slack delivery and alert the operator
``invalid_blocks``, ``invalid_blocks_format``,            ``RejectedMessage`` (with Slack's
``msg_too_long``, ``no_text``, ``msg_blocks_too_long``,   ``errors`` details)
other ``ok:false`` codes
HTTP 5xx, ``internal_error``/``fatal_error``/…,           ``TransientDeliveryError``
timeouts, connection errors
========================================================  ======================================

The token never appears in an exception raised here (slack_sdk's messages do not contain it;
they are scrubbed anyway).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.outgoing import SentMessage, SlackMessage
from bot.errors import (
    ChatUnavailable,
    DeliveryError,
    RejectedMessage,
    RetryLater,
    TransientDeliveryError,
)

log = logging.getLogger(__name__)

_RATE_LIMITED = frozenset({"ratelimited", "rate_limited"})
_CHANNEL_UNAVAILABLE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
    }
)
_AUTH = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "team_access_not_granted",
        "no_permission",
        "ekm_access_denied",
    }
)
_TRANSIENT = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"}
)
_DEFAULT_RETRY_AFTER_S = 1.0


def chat_unavailable(message: str, reason: str, slack_error: str) -> ChatUnavailable:
    """``ChatUnavailable`` carrying a stable ``reason`` and Slack's own error code."""
    error = ChatUnavailable(message, reason=reason)
    error.slack_error = slack_error  # type: ignore[attr-defined]
    return error


class SlackSender:
    """Posts rendered ``SlackMessage`` values to channels; use as ``async with``."""

    def __init__(
        self,
        token: str,
        api_url: str = "https://slack.com/api/",
        *,
        timeout_s: float = 15.0,
    ) -> None:
        if not token:
            raise ValueError("a Slack bot token is required")
        self._token = token
        self._api_url = api_url if api_url.endswith("/") else api_url + "/"
        self._timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None

    def __repr__(self) -> str:
        return f"SlackSender(api_url={self._api_url!r}, token=[REDACTED])"

    async def start(self) -> None:
        """Open one HTTP session for all calls (slack_sdk otherwise opens one per request)."""
        if self._client is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout_s)
            )
            self._client = AsyncWebClient(
                token=self._token,
                base_url=self._api_url,
                session=self._session,
                timeout=int(self._timeout_s),
                retry_handlers=[],
            )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._client = None

    async def __aenter__(self) -> SlackSender:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _ready_client(self) -> AsyncWebClient:
        if self._client is None:
            await self.start()
        assert self._client is not None
        return self._client

    async def send(
        self, channel: str, message: SlackMessage, *, thread_ts: str | None = None
    ) -> SentMessage:
        """Post one message; return its ``ts`` or raise a ``DeliveryError``."""
        _require_fallback_text(message, channel)
        client = await self._ready_client()
        arguments: dict[str, Any] = {
            "channel": channel,
            "text": message.text,
            "unfurl_links": message.unfurl_links,
            "unfurl_media": message.unfurl_links,
        }
        if message.blocks:
            arguments["blocks"] = [dict(block) for block in message.blocks]
        if thread_ts:
            arguments["thread_ts"] = thread_ts
        response = await self._call(client.chat_postMessage, "chat.postMessage", channel, arguments)
        return SentMessage(platform_message_id=str(response["ts"]))

    async def update(self, channel: str, ts: str, message: SlackMessage) -> SentMessage:
        """Replace a message the bot posted (``chat.update``)."""
        _require_fallback_text(message, channel)
        client = await self._ready_client()
        arguments: dict[str, Any] = {"channel": channel, "ts": ts, "text": message.text}
        if message.blocks:
            arguments["blocks"] = [dict(block) for block in message.blocks]
        response = await self._call(client.chat_update, "chat.update", channel, arguments)
        return SentMessage(platform_message_id=str(response.get("ts") or ts))

    async def _call(
        self, method: Any, name: str, channel: str, arguments: dict[str, Any]
    ) -> Mapping[str, Any]:
        where = f"slack {name} to {channel}"
        try:
            response = await method(**arguments)
        except SlackApiError as exc:
            raise self._mapped_api_error(exc, where) from None
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            detail = self._clean(str(exc)) or type(exc).__name__
            raise TransientDeliveryError(f"{where}: {type(exc).__name__}: {detail}") from None
        return response.data if isinstance(response.data, Mapping) else {}

    def _clean(self, text: str) -> str:
        return text.replace(self._token, "[REDACTED]")

    def _mapped_api_error(self, exc: SlackApiError, where: str) -> DeliveryError:
        response = exc.response
        status = int(getattr(response, "status_code", 0) or 0)
        data = response.data if isinstance(response.data, Mapping) else {}
        code = str(data.get("error") or "")
        log.debug("slack call failed", extra={"where": where, "status": status, "error": code})
        if status == 429 or code in _RATE_LIMITED:
            seconds = _retry_after(response.headers)
            return RetryLater(
                f"{where}: rate limited, retry after {seconds:g}s", retry_after=seconds
            )
        if code in _AUTH:
            return chat_unavailable(
                f"{where}: Slack refused the bot's token ({code})", "auth", slack_error=code
            )
        if code in _CHANNEL_UNAVAILABLE:
            return chat_unavailable(f"{where}: {code}", code, slack_error=code)
        if status >= 500 or code in _TRANSIENT or (status != 200 and not code):
            return TransientDeliveryError(f"{where}: HTTP {status} {code}".rstrip())
        details = data.get("errors") or (data.get("response_metadata") or {}).get("messages")
        suffix = f" ({'; '.join(str(d) for d in details)})" if details else ""
        return RejectedMessage(
            self._clean(f"{where} rejected: {code or 'HTTP ' + str(status)}{suffix}")
        )


def _require_fallback_text(message: SlackMessage, channel: str) -> None:
    """Slack shows ``text`` in notifications and screen readers; without it slack_sdk warns and
    Slack may answer ``no_text`` — refuse before sending, with a clear reason."""
    if not message.text.strip():
        raise RejectedMessage(f"slack message to {channel} has no fallback text")


def _retry_after(headers: Any) -> float:
    try:
        value = float(headers.get("Retry-After", _DEFAULT_RETRY_AFTER_S))
    except (TypeError, ValueError, AttributeError):
        return _DEFAULT_RETRY_AFTER_S
    return value if value > 0 else _DEFAULT_RETRY_AFTER_S
