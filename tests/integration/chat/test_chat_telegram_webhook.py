"""Telegram webhook mode: the Runtime registers ``{TELEGRAM_WEBHOOK_URL}`` with a secret token,
the fake Bot API POSTs updates there, and requests without the right secret are refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from bot.app import Runtime
from bot.domain.models import Platform
from tests.fakes.telegram_server import FakeTelegram
from tests.integration.chat.chat_harness import (
    NewsFeed,
    ask,
    free_port,
    running_runtime,
    subscriptions,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
SECRET = "khabardar-webhook-Secret_42"


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtime(
    tmp_path_factory: pytest.TempPathFactory,
    feed: NewsFeed,
    telegram_env: dict[str, str],
    port: int,
) -> AsyncIterator[Runtime]:
    env = {
        **telegram_env,
        "PORT": str(port),
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    async with running_runtime(tmp_path_factory.mktemp("hook"), feed, env) as running:
        yield running


def _update(chat: int, text: str, update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": chat, "type": "private", "first_name": "Zoya"},
            "from": {"id": chat, "is_bot": False, "first_name": "Zoya", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": text.find(" ")}],
        },
    }


async def _post(url: str, payload: object, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=json.dumps(payload), headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_set_webhook_registers_the_url_with_a_secret_token(
    runtime: Runtime, telegram: FakeTelegram, port: int
) -> None:
    hook = telegram.webhook()
    assert hook["url"] == f"http://127.0.0.1:{port}/telegram"
    assert hook["secret_token"] == SECRET
    (call,) = telegram.calls("setWebhook")
    assert call.params["secret_token"] == SECRET
    for kind in ("message", "channel_post", "callback_query", "my_chat_member"):
        assert f'"{kind}"' in str(call.params["allowed_updates"])
    assert not telegram.calls("getUpdates"), "no long polling in webhook mode"


async def test_updates_with_the_right_secret_are_processed(
    runtime: Runtime, telegram: FakeTelegram
) -> None:
    chat = 610_001
    telegram.add_user(chat, first_name="Zoya", language_code="en")
    telegram.add_chat(chat, type="private", first_name="Zoya")
    (reply,) = await ask(telegram, chat, "/track lithium mining", chat)
    assert "Tracking #1: lithium mining" in reply.plain_text
    assert [r.query_text for r in await subscriptions(runtime, Platform.TELEGRAM, chat)] == [
        "lithium mining"
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {"X-Telegram-Bot-Api-Secret-Token": ""}],
    ids=["missing", "wrong", "empty"],
)
async def test_updates_without_the_right_secret_are_refused_and_ignored(
    runtime: Runtime, telegram: FakeTelegram, port: int, headers: dict[str, str]
) -> None:
    chat = 610_002
    sent = len(telegram.messages(chat))
    status, body = await _post(
        f"http://127.0.0.1:{port}/telegram",
        _update(chat, "/track forged update", 9_000_001),
        {"Content-Type": "application/json", **headers},
    )
    assert status == 401
    assert SECRET not in body and "secret" not in body.lower()
    assert await subscriptions(runtime, Platform.TELEGRAM, chat) == []
    assert len(telegram.messages(chat)) == sent


async def test_a_right_secret_with_a_broken_body_is_a_clean_400(
    runtime: Runtime, port: int
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/telegram", data=b"{not json", headers=headers) as r,
    ):
        assert r.status == 400
    status, _ = await _post(f"http://127.0.0.1:{port}/telegram", [1, 2], headers)
    assert status == 400
