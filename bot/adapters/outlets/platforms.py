"""Telegram, Slack and console outlets for the delivery and digest workers.

Each turns the neutral cards into its platform's message with the domain renderers and hands it
to the platform sender, which maps platform answers into the project's delivery errors.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from bot.adapters.console.chat import ConsoleOutput
from bot.domain.cards import DigestCard
from bot.domain.models import Platform
from bot.domain.outgoing import SentMessage, SlackMessage, TelegramMessage
from bot.domain.render import console_text, slack_blocks, telegram_html
from bot.errors import RetryLater
from bot.services.cards_for_chats import alert_card, backlog_fold, digest_entry
from bot.services.delivery import AlertDelivery
from bot.services.ports import ChatRow

DIGEST_PAGE_ATTEMPTS = 5
DIGEST_FLOOD_WAIT_MAX_S = 120.0


async def _digest_page(send: Callable[[], Awaitable[SentMessage]]) -> SentMessage:
    """Send one page of a digest, waiting out flood control (429) and sending that page again.

    Digests bypass the delivery worker's pacer, so many chats' digests at once can meet the
    platform's rate limit; retrying the page (not the digest) never repeats pages already sent.
    """
    for attempt in range(DIGEST_PAGE_ATTEMPTS):
        try:
            return await send()
        except RetryLater as exc:
            last = attempt == DIGEST_PAGE_ATTEMPTS - 1
            if last or exc.retry_after > DIGEST_FLOOD_WAIT_MAX_S:
                raise
            await asyncio.sleep(exc.retry_after)
    raise AssertionError("unreachable")  # pragma: no cover


class _TelegramSending(Protocol):
    async def send(
        self, chat_id: str, message: TelegramMessage, *, thread_id: str | None = None
    ) -> SentMessage: ...


class _SlackSending(Protocol):
    async def send(
        self, channel: str, message: SlackMessage, *, thread_ts: str | None = None
    ) -> SentMessage: ...


def _card(delivery: AlertDelivery):  # type: ignore[no-untyped-def]
    return alert_card(
        row=delivery.row,
        chat=delivery.chat,
        article=delivery.article,
        subscriptions=delivery.subscriptions,
    )


def _fold(chat: ChatRow, deliveries: Sequence[AlertDelivery]):  # type: ignore[no-untyped-def]
    entries = [
        digest_entry(row=d.row, article=d.article, subscriptions=d.subscriptions)
        for d in deliveries
    ]
    return backlog_fold(chat, entries)


class TelegramOutlet:
    platform = Platform.TELEGRAM

    def __init__(self, sender: _TelegramSending) -> None:
        self._sender = sender

    async def send_alert(self, delivery: AlertDelivery) -> SentMessage:
        message = telegram_html.render_alert(_card(delivery), silent=delivery.row.silent)
        return await self._sender.send(
            delivery.chat.platform_chat_id, message, thread_id=delivery.row.thread_id
        )

    async def send_fold(self, chat: ChatRow, deliveries: Sequence[AlertDelivery]) -> SentMessage:
        thread = deliveries[0].row.thread_id if deliveries else None
        return await self._sender.send(
            chat.platform_chat_id,
            telegram_html.render_backlog_fold(_fold(chat, deliveries)),
            thread_id=thread,
        )

    async def send_digest(self, chat: ChatRow, card: DigestCard) -> list[str]:
        ids = []
        for message in telegram_html.render_digest(card):
            sent = await _digest_page(
                functools.partial(self._sender.send, chat.platform_chat_id, message)
            )
            ids.append(sent.platform_message_id)
        return ids


class SlackOutlet:
    platform = Platform.SLACK

    def __init__(self, sender: _SlackSending) -> None:
        self._sender = sender

    async def send_alert(self, delivery: AlertDelivery) -> SentMessage:
        message = slack_blocks.render_alert(_card(delivery))
        return await self._sender.send(
            delivery.chat.platform_chat_id, message, thread_ts=delivery.row.thread_id
        )

    async def send_fold(self, chat: ChatRow, deliveries: Sequence[AlertDelivery]) -> SentMessage:
        return await self._sender.send(
            chat.platform_chat_id, slack_blocks.render_backlog_fold(_fold(chat, deliveries))
        )

    async def send_digest(self, chat: ChatRow, card: DigestCard) -> list[str]:
        """The first message in the channel, the rest in its thread."""
        ids: list[str] = []
        for message in slack_blocks.render_digest(card):
            sent = await _digest_page(
                functools.partial(
                    self._sender.send,
                    chat.platform_chat_id,
                    message,
                    thread_ts=ids[0] if ids else None,
                )
            )
            ids.append(sent.platform_message_id)
        return ids


class ConsoleOutlet:
    platform = Platform.CONSOLE

    def __init__(self, output: ConsoleOutput) -> None:
        self._output = output

    async def send_alert(self, delivery: AlertDelivery) -> SentMessage:
        return await self._output.send(
            delivery.chat.platform_chat_id, console_text.render_alert(_card(delivery))
        )

    async def send_fold(self, chat: ChatRow, deliveries: Sequence[AlertDelivery]) -> SentMessage:
        return await self._output.send(
            chat.platform_chat_id, console_text.render_backlog_fold(_fold(chat, deliveries))
        )

    async def send_digest(self, chat: ChatRow, card: DigestCard) -> list[str]:
        sent = await self._output.send(chat.platform_chat_id, console_text.render_digest(card))
        return [sent.platform_message_id]
