"""Property: no text after any command crashes the Telegram adapter or the command service.

Driven through the real path — FakeTelegram update → python-telegram-bot long polling →
``TelegramChat`` → ``CommandService`` → sendMessage — on a Runtime whose event loop runs in a
background thread, so hypothesis (which wants a plain function) can submit one update per
example and wait for the answer. Each example uses a new user (the per-user command rate limit
would otherwise answer instead of the command).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.telegram.chat import MENU_COMMANDS
from bot.app import Runtime
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram
from tests.integration.chat.chat_harness import NewsFeed, running_runtime, serve_feed

INTERNAL_ERRORS = ("Sorry, something went wrong", "कुछ गड़बड़ हो गई")
_users = itertools.count(700_001)


class ErrorRecords(logging.Handler):
    """Collects ERROR records from the bot and from python-telegram-bot."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("bot.adapters.telegram", "bot.services", "telegram")):
            self.records.append(record)


@dataclass
class BackgroundBot:
    loop: asyncio.AbstractEventLoop
    telegram: FakeTelegram

    def run(self, coro: Any, timeout: float = 20.0) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundBot]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fuzz-runtime", daemon=True)
    thread.start()
    stop = asyncio.Event()
    ready: Future[FakeTelegram] = Future()

    async def serve(tmp_path: Path) -> None:
        try:
            async with FakeTelegram(rate_limits=None, max_long_poll_s=2.0) as telegram:
                feed: NewsFeed
                async with serve_feed() as feed:
                    env = {
                        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                        "TELEGRAM_API_BASE_URL": telegram.base_url,
                    }
                    running: Runtime
                    async with running_runtime(tmp_path, feed, env) as running:
                        assert running.telegram_chat is not None
                        ready.set_result(telegram)
                        await stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    served = asyncio.run_coroutine_threadsafe(serve(tmp_path_factory.mktemp("fuzz")), loop)
    try:
        telegram = ready.result(30)
        yield BackgroundBot(loop, telegram)
    finally:
        loop.call_soon_threadsafe(stop.set)
        served.result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture(scope="module")
def errors() -> Iterator[ErrorRecords]:
    handler = ErrorRecords()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


COMMANDS = st.sampled_from([*MENU_COMMANDS, "unknowncmd", "track@khabardar_bot"])
ARGUMENTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(
    [
        '"',
        '"खुला उद्धरण',
        "-",
        "OR OR",
        "0",
        "-1",
        "99999999999999999999",
        "1 0m",
        "1 99999w",
        "25:61-00:00",
        "weekly रविवार 25:00",
        "all",
        "https://",
        "lang:xx",
        "#",
        "\u200d\u200c",
    ]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=COMMANDS, arguments=ARGUMENTS, hindi=st.booleans())
def test_no_command_text_crashes_the_telegram_adapter(
    bot: BackgroundBot, errors: ErrorRecords, command: str, arguments: str, hindi: bool
) -> None:
    user = next(_users)
    telegram = bot.telegram
    telegram.add_user(user, first_name="Fuzz", language_code="hi" if hindi else "en")
    telegram.add_chat(user, type="private", first_name="Fuzz")
    telegram.push_message(user, f"/{command} {arguments}", user)
    replies = bot.run(telegram.wait_for_messages(1, chat_id=user, timeout=15))
    assert replies, "every command is answered"
    for reply in replies:
        assert reply.plain_text.strip()
        assert not any(marker in reply.plain_text for marker in INTERNAL_ERRORS), reply.plain_text
    assert not errors.records, [r.getMessage() for r in errors.records]
