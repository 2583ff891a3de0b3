"""Both fakes run as separate processes (for end-to-end tests of a bot process), driven over
their ``/_admin/`` HTTP API, and stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot

from tests.fakes.slack_server import DEFAULT_TOKEN as SLACK_TOKEN
from tests.fakes.standalone import FakeServerProcess
from tests.fakes.telegram_server import DEFAULT_TOKEN as TELEGRAM_TOKEN


async def admin(
    http: aiohttp.ClientSession, root: str, action: str, body: dict[str, Any] | None = None
) -> Any:
    url = f"{root}/_admin/{action}"
    request = http.post(url, json=body) if body is not None else http.get(url)
    async with request as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_telegram_fake_as_a_process() -> None:
    process = FakeServerProcess("tests.fakes.telegram_server", "--no-rate-limits")
    root = await asyncio.to_thread(process.start)
    try:
        assert root.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            await admin(
                http, root, "users", {"user_id": 501, "first_name": "रवि", "language_code": "hi"}
            )
            await admin(
                http, root, "chats", {"chat_id": -1000000000700, "title": "डेस्क", "admins": [501]}
            )
            pushed = await admin(
                http,
                root,
                "push_message",
                {"chat_id": -1000000000700, "text": "/track@khabardar_bot बाढ़", "from_user": 501},
            )
            async with Bot(TELEGRAM_TOKEN, base_url=f"{root}/bot") as bot:
                updates = await bot.get_updates(timeout=2)
                assert [u.update_id for u in updates] == [pushed["update_id"]]
                message = updates[0].message
                assert message is not None and message.from_user is not None
                assert message.from_user.language_code == "hi"
                member = await bot.get_chat_member(-1000000000700, 501)
                assert member.status == "administrator"
                await bot.send_message(
                    -1000000000700, "<b>बाढ़</b> पर नज़र रखी जा रही है", parse_mode="HTML"
                )
            messages = (await admin(http, root, "messages"))["messages"]
            assert [m["plain_text"] for m in messages] == ["बाढ़ पर नज़र रखी जा रही है"]
            await admin(http, root, "chat_fault", {"chat_id": 77, "fault": "blocked"})
            await admin(http, root, "faults", {"server_error": 1.0, "methods": ["sendMessage"]})
            async with http.post(
                f"{root}/bot{TELEGRAM_TOKEN}/sendMessage", data={"chat_id": "1", "text": "x"}
            ) as r:
                assert r.status == 500
            stats = await admin(http, root, "stats")
            assert stats["injected"]["server_error"] == 1 and stats["messages"] == 1
    finally:
        exit_code = await asyncio.to_thread(process.stop)
    assert exit_code == 0


async def test_slack_fake_as_a_process() -> None:
    process = FakeServerProcess("tests.fakes.slack_server")
    api_url = await asyncio.to_thread(process.start)
    root = api_url.removesuffix("/api/")
    try:
        async with aiohttp.ClientSession() as http:
            await admin(
                http, root, "channel_fault", {"channel_id": "C0GONE001", "error": "is_archived"}
            )
            response_url = (await admin(http, root, "response_url", {}))["url"]
            client = AsyncWebClient(token=SLACK_TOKEN, base_url=api_url, session=http)
            posted = await client.chat_postMessage(channel="C0NEWS01", text="बाढ़ की चेतावनी")
            async with http.post(response_url, json={"text": "ठीक है"}) as answer:
                assert answer.status == 200
            messages = (await admin(http, root, "messages"))["messages"]
            assert [(m["channel"], m["ts"]) for m in messages] == [("C0NEWS01", posted["ts"])]
            posts = (await admin(http, root, "response_posts"))["posts"]
            assert [p["body"]["text"] for p in posts] == ["ठीक है"]
            stats = await admin(http, root, "stats")
            assert stats["messages"] == 1
    finally:
        exit_code = await asyncio.to_thread(process.stop)
    assert exit_code == 0


def test_a_process_that_cannot_start_reports_why() -> None:
    process = FakeServerProcess("tests.fakes.telegram_server", "--port-typo", startup_timeout_s=10)
    with pytest.raises(RuntimeError, match=r"did not start(.|\n)*unrecognized arguments"):
        process.start()
