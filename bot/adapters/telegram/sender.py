"""TelegramSender: one ``sendMessage``/``editMessageText`` per call through python-telegram-bot,
with every Telegram answer mapped to the project's ``DeliveryError`` tree.

Built from the bot token and ``TELEGRAM_API_BASE_URL`` (a root: requests go to
``{root}/bot{token}/{method}``, the same layout as https://api.telegram.org, so a local Bot API
server or the test fake can stand in). PTB's ``Bot`` is used directly, without its
``AIORateLimiter`` and without retries: the delivery worker paces sends and decides what to
retry. This module only translates:

=====================================================  ==========================================
Telegram answer (PTB exception)                        raised here
=====================================================  ==========================================
429 ``retry after N`` (``RetryAfter``)                 ``RetryLater(retry_after=N)``
403 blocked / kicked / deactivated / never started     ``ChatUnavailable`` (``reason``: blocked,
(``Forbidden``); 400 ``chat not found``, no rights     kicked, deactivated, not_started,
                                                       not_member, not_found, no_rights)
401/404 bad token (``InvalidToken``)                   ``ChatUnavailable`` with ``reason="auth"``:
                                                       the *bot* is unusable, not the chat — the
                                                       worker must not deactivate the chat for it
400 group upgraded (``ChatMigrated``)                  ``ChatMigrated(new_chat_id=…)``
other 400 (``BadRequest``)                             ``RejectedMessage`` (Telegram's description)
5xx, timeouts, network (``NetworkError``/``TimedOut``)  ``TransientDeliveryError``
=====================================================  ==========================================

The bot token never appears in an exception raised here (PTB puts it into some messages, e.g.
``InvalidToken`` from ``initialize``, so the cause is dropped when it would leak it). httpx logs
request URLs — which contain the token — at INFO; the app's log redaction masks them.
"""

from __future__ import annotations

import datetime as dtm
import json
import logging
import re
import warnings
from types import TracebackType
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram import error as telegram_errors
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.domain.outgoing import InlineButton, SentMessage, TelegramMessage
from bot.errors import (
    ChatMigrated,
    ChatUnavailable,
    DeliveryError,
    RejectedMessage,
    RetryLater,
    TransientDeliveryError,
)

log = logging.getLogger(__name__)

_CHAT_ID = re.compile(r"^-?\d+$")
# 403 descriptions → the stable reason the worker can store and show to admins.
_FORBIDDEN_REASONS = (
    ("blocked by the user", "blocked"),
    ("kicked", "kicked"),
    ("deactivated", "deactivated"),
    ("can't initiate conversation", "not_started"),
    ("not a member", "not_member"),
)
# 400 descriptions that mean the chat itself cannot take messages (lower-cased, PTB-normalised).
_UNAVAILABLE_400 = (
    ("chat not found", "not_found"),
    ("peer_id_invalid", "not_found"),
    ("user not found", "not_found"),
    ("have no rights to send", "no_rights"),
    ("not enough rights to send", "no_rights"),
    ("need administrator rights", "no_rights"),
    ("chat_write_forbidden", "no_rights"),
    ("chat_restricted", "no_rights"),
)
_NOT_MODIFIED = "message is not modified"


class _FloodControl(TelegramError):
    """A 429 read straight off the wire.

    PTB's own ``RetryAfter`` emits a ``PTBDeprecationWarning`` when it is *constructed* (its
    int → timedelta migration), which a warnings-as-errors run turns into a crash inside PTB.
    Raising a ``TelegramError`` subclass from ``do_request`` — PTB's documented extension point,
    whose ``TelegramError``s it passes through unchanged — avoids that entirely.
    """

    __slots__ = ("retry_after_s",)

    def __init__(self, description: str, *, retry_after_s: float) -> None:
        super().__init__(description)
        self.retry_after_s = retry_after_s


class _FloodAwareRequest(HTTPXRequest):
    """``HTTPXRequest`` that turns a 429 with ``parameters.retry_after`` into ``_FloodControl``."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code == 429:
            try:
                data = json.loads(payload)
                retry_after = float(data["parameters"]["retry_after"])
                description = str(data.get("description") or "Too Many Requests")
            except (ValueError, KeyError, TypeError):
                return code, payload  # no retry_after: PTB reports it as a NetworkError
            raise _FloodControl(description, retry_after_s=retry_after)
        return code, payload


def chat_unavailable(message: str, reason: str) -> ChatUnavailable:
    """``ChatUnavailable`` carrying a stable ``reason``."""
    return ChatUnavailable(message, reason=reason)


class TelegramSender:
    """Sends rendered ``TelegramMessage`` values to chats; use as ``async with``."""

    def __init__(
        self,
        token: str,
        api_base_url: str = "https://api.telegram.org",
        *,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 10.0,
        write_timeout_s: float = 10.0,
        pool_timeout_s: float = 10.0,
        connection_pool_size: int = 64,
    ) -> None:
        if not token:
            raise ValueError("a Telegram bot token is required")
        self._token = token
        root = api_base_url.rstrip("/")
        request = _FloodAwareRequest(
            connection_pool_size=connection_pool_size,
            connect_timeout=connect_timeout_s,
            read_timeout=read_timeout_s,
            write_timeout=write_timeout_s,
            pool_timeout=pool_timeout_s,
        )
        # PTB appends the token to base_url: "{root}/bot" + token → {root}/bot{token}/{method}.
        self._bot = Bot(
            token,
            base_url=f"{root}/bot",
            base_file_url=f"{root}/file/bot",
            request=request,
            get_updates_request=request,  # never polls: no second connection pool (and TLS setup)
        )
        self._started = False

    def __repr__(self) -> str:
        return "TelegramSender(token=[REDACTED])"

    async def start(self) -> None:
        """Open the HTTP connection pool (no getMe: a send reports a bad token itself)."""
        if not self._started:
            await self._bot.request.initialize()
            self._started = True

    async def aclose(self) -> None:
        if self._started:
            await self._bot.request.shutdown()
            self._started = False

    async def __aenter__(self) -> TelegramSender:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def send(
        self, chat_id: str, message: TelegramMessage, *, thread_id: str | None = None
    ) -> SentMessage:
        """Send one message; return Telegram's ``message_id`` or raise a ``DeliveryError``."""
        target = self._chat_id(chat_id)
        thread = self._thread_id(thread_id)
        try:
            sent = await self._bot.send_message(
                chat_id=target,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(message.buttons),
                link_preview_options=_preview(message.preview_url),
                disable_notification=message.disable_notification,
                message_thread_id=thread,
            )
        except TelegramError as exc:
            raise self._mapped(exc, "sendMessage", chat_id) from self._safe_cause(exc)
        return SentMessage(platform_message_id=str(sent.message_id))

    async def edit(self, chat_id: str, message_id: str, message: TelegramMessage) -> SentMessage:
        """Replace the text and buttons of a message the bot sent (e.g. after "mute" was pressed).

        "Message is not modified" counts as success: the message already shows what we want.
        """
        target = self._chat_id(chat_id)
        if not message_id.isdigit():
            raise RejectedMessage(f"telegram message id must be a positive integer: {message_id!r}")
        try:
            edited = await self._bot.edit_message_text(
                chat_id=target,
                message_id=int(message_id),
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(message.buttons),
                link_preview_options=_preview(message.preview_url),
            )
        except BadRequest as exc:
            if _NOT_MODIFIED in exc.message.lower():
                return SentMessage(platform_message_id=message_id)
            raise self._mapped(exc, "editMessageText", chat_id) from self._safe_cause(exc)
        except TelegramError as exc:
            raise self._mapped(exc, "editMessageText", chat_id) from self._safe_cause(exc)
        edited_id = edited.message_id if isinstance(edited, Message) else int(message_id)
        return SentMessage(platform_message_id=str(edited_id))

    # ------------------------------------------------------------------ mapping

    @staticmethod
    def _chat_id(chat_id: str) -> int | str:
        """Numeric ids go as integers; ``@channelname`` stays a string."""
        text = chat_id.strip()
        if _CHAT_ID.match(text):
            return int(text)
        if text.startswith("@") and len(text) > 1:
            return text
        raise RejectedMessage(f"not a Telegram chat id: {chat_id!r}")

    @staticmethod
    def _thread_id(thread_id: str | None) -> int | None:
        if thread_id is None or thread_id == "":
            return None
        if not thread_id.isdigit():
            raise RejectedMessage(f"telegram message_thread_id must be an integer: {thread_id!r}")
        return int(thread_id)

    def _clean(self, text: str) -> str:
        return text.replace(self._token, "[REDACTED]")

    def _safe_cause(self, exc: TelegramError) -> TelegramError | None:
        """Keep PTB's exception as the cause unless its text would leak the token."""
        return None if self._token in str(exc) else exc

    def _mapped(self, exc: TelegramError, method: str, chat_id: str) -> DeliveryError:
        where = f"telegram {method} to chat {chat_id}"
        description = self._clean(exc.message)
        log.debug(
            "telegram call failed",
            extra={"method": method, "chat": chat_id, "error": type(exc).__name__},
        )
        if isinstance(exc, _FloodControl):
            seconds = exc.retry_after_s
            return RetryLater(
                f"{where}: flood control, retry after {seconds:g}s", retry_after=seconds
            )
        if isinstance(exc, RetryAfter):
            seconds = _retry_after_seconds(exc)
            return RetryLater(
                f"{where}: flood control, retry after {seconds:g}s", retry_after=seconds
            )
        if isinstance(exc, telegram_errors.ChatMigrated):
            return ChatMigrated(
                f"{where}: the group became a supergroup {exc.new_chat_id}",
                new_chat_id=str(exc.new_chat_id),
            )
        if isinstance(exc, Forbidden):
            lowered = description.lower()
            reason = next((r for key, r in _FORBIDDEN_REASONS if key in lowered), "forbidden")
            return chat_unavailable(f"{where}: {description}", reason)
        if isinstance(exc, InvalidToken):
            return chat_unavailable(f"{where}: the bot token was rejected (Unauthorized)", "auth")
        if isinstance(exc, BadRequest):  # before NetworkError: PTB's BadRequest subclasses it
            lowered = description.lower()
            for key, reason in _UNAVAILABLE_400:
                if key in lowered:
                    return chat_unavailable(f"{where}: {description}", reason)
            return RejectedMessage(f"{where} rejected: {description}")
        if isinstance(exc, NetworkError):
            return TransientDeliveryError(f"{where}: {type(exc).__name__}: {description}")
        return TransientDeliveryError(f"{where}: unexpected {type(exc).__name__}: {description}")


def _retry_after_seconds(exc: RetryAfter) -> float:
    """Seconds from PTB's ``retry_after`` (an int today, a timedelta with PTB_TIMEDELTA=true)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


def _keyboard(rows: tuple[tuple[InlineButton, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button.label, url=button.url, callback_data=button.callback_data
                )
                for button in row
            ]
            for row in rows
            if row
        ]
    )


def _preview(url: str | None) -> LinkPreviewOptions:
    if url is None:
        return LinkPreviewOptions(is_disabled=True)
    return LinkPreviewOptions(url=url)
