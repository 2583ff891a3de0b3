"""With the app's logging (bot.logs) at DEBUG, the library lines that carry the bot token —
httpx request URLs ``/bot<token>/sendMessage``, PTB's "Set Bot API URL" — are masked."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.adapters.slack.sender import SlackSender
from bot.adapters.telegram.sender import TelegramSender
from bot.domain.outgoing import SlackMessage, TelegramMessage
from bot.errors import DeliveryError
from bot.logs import configure_logging
from tests.fakes.slack_server import FakeSlack
from tests.fakes.telegram_objects import ChatFault
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("httpx", "telegram", "slack_sdk")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.usefixtures("restore_logging")
async def test_debug_logs_of_both_senders_never_show_a_token(
    telegram: FakeTelegram, slack: FakeSlack
) -> None:
    stream = io.StringIO()
    configure_logging(level="DEBUG", secrets=(telegram.token, slack.token), stream=stream)
    telegram.set_chat_fault(13, ChatFault.BLOCKED)
    async with TelegramSender(telegram.token, telegram.base_url) as sender:
        await sender.send("12", TelegramMessage(text="<b>मौसम</b> अपडेट"))
        with pytest.raises(DeliveryError):
            await sender.send("13", TelegramMessage(text="x"))
    async with SlackSender(slack.token, slack.api_url) as slack_sender:
        await slack_sender.send("C0NEWS01", SlackMessage(text="मौसम अपडेट"))
    output = stream.getvalue()
    assert "/sendMessage" in output and "chat.postMessage" in output  # the URLs were logged
    assert "[REDACTED]" in output
    assert telegram.token not in output and slack.token not in output
