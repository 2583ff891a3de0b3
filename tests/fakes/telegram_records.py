"""What FakeTelegram is configured with and what it records: plain values for assertions.

``TelegramRateLimits`` configures the flood limits; ``TelegramCall``, ``SentTelegramMessage``,
``EditedTelegramMessage`` and ``CallbackAnswer`` are the records the accessors return (copies,
safe to read from any thread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class TelegramRateLimits:
    """Telegram's flood limits (bots FAQ), enforced by the fake; tune them down in tests.

    Every chat: a token bucket of ``per_chat_burst`` at ``per_chat_per_s``. Groups, supergroups
    and channels also: at most ``group_limit`` per ``group_period_s``. The whole bot: at most
    ``global_limit`` per ``global_period_s`` (a strict ceiling, so a benchmark measures against
    a true 30/s). Only accepted ``sendMessage`` calls are counted.
    """

    per_chat_per_s: float = 1.0
    per_chat_burst: int = 3
    group_limit: int = 20
    group_period_s: float = 60.0
    global_limit: int = 30
    global_period_s: float = 1.0


TELEGRAM_FLOOD_LIMITS = TelegramRateLimits()


@dataclass(frozen=True, slots=True)
class TelegramCall:
    """One API call as the fake saw it (``method`` lower-cased, ``params`` as received)."""

    method: str
    params: Mapping[str, Any]
    status: int
    description: str | None
    at: float


@dataclass(frozen=True, slots=True)
class SentTelegramMessage:
    """A message the fake accepted from the bot (``text`` as sent; ``plain_text`` after parsing)."""

    chat_id: int
    message_id: int
    text: str
    plain_text: str
    entities: tuple[Mapping[str, Any], ...]
    parse_mode: str | None
    reply_markup: Mapping[str, Any] | None
    message_thread_id: int | None
    disable_notification: bool
    link_preview_options: Mapping[str, Any] | None
    at: float
    monotonic: float

    def button_rows(self) -> list[list[Mapping[str, Any]]]:
        """The inline keyboard rows, or ``[]``."""
        if not self.reply_markup:
            return []
        return [list(row) for row in self.reply_markup.get("inline_keyboard", [])]


@dataclass(frozen=True, slots=True)
class EditedTelegramMessage:
    method: str
    chat_id: int
    message_id: int
    text: str | None
    reply_markup: Mapping[str, Any] | None
    at: float


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    at: float
