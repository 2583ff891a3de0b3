"""Slack Socket Mode: with SLACK_APP_TOKEN set, commands arrive over a WebSocket (no public URL,
no signature) and are answered in the envelope's acknowledgement.

A small fake of Slack's Socket Mode side runs on loopback: ``apps.connections.open`` hands the
real slack-sdk Socket Mode client (driven by Bolt) a ``ws://`` URL, the fake says ``hello``,
then delivers a ``slash_commands`` envelope and reads the client's ack, as Slack does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from bot.domain.models import Platform
from tests.integration.chat.chat_harness import (
    chat_row,
    running_runtime,
    serve_feed,
    subscriptions,
    wait_until,
)

APP_TOKEN = "xapp-1-A0KHABARDAR-1000-socketmodetesttoken"
BOT_TOKEN = "xoxb-1000000001-2000000002-SocketModeBotToken"


class FakeSocketModeSlack:
    """Web API methods the app calls at start, plus the Socket Mode WebSocket."""

    def __init__(self) -> None:
        self.port = 0
        self.acks: dict[str, dict[str, Any]] = {}
        self.connected = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._runner: web.AppRunner | None = None
        self.opened_with: list[str] = []

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "apps.connections.open":
            self.opened_with.append(request.headers.get("Authorization", ""))
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"})
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": "https://khabar.slack.com/",
                    "team": "Khabar",
                    "user": "khabardar",
                    "team_id": "T1",
                    "user_id": "U0BOT",
                    "bot_id": "B0BOT",
                }
            )
        return web.json_response({"ok": True})

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "connection_info": {"app_id": "A0KHABARDAR"},
                }
            )
        )
        self.connected.set()
        async for message in socket:
            if message.type is WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data.get("payload") or {}
        return socket

    async def slash_command(self, envelope_id: str, command: str, text: str) -> dict[str, Any]:
        assert self._socket is not None
        payload = {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "khabar",
            "channel_id": "C0SOCKET",
            "channel_name": "news",
            "user_id": "U0ASHA",
            "user_name": "asha",
            "command": command,
            "text": text,
            "api_app_id": "A0KHABARDAR",
            "response_url": self.api_url + "respond",
            "trigger_id": "1.2.3",
        }
        await self._socket.send_str(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": payload,
                }
            )
        )
        await wait_until(lambda: envelope_id in self.acks, timeout=10)
        return self.acks[envelope_id]


@pytest.fixture
async def socket_slack() -> AsyncIterator[FakeSocketModeSlack]:
    fake = FakeSocketModeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


async def test_commands_work_over_socket_mode(
    tmp_path: Path, socket_slack: FakeSocketModeSlack
) -> None:
    async with (
        serve_feed() as feed,
        running_runtime(
            tmp_path,
            feed,
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_APP_TOKEN": APP_TOKEN,
                "SLACK_API_URL": socket_slack.api_url,
            },
        ) as runtime,
    ):
        await asyncio.wait_for(socket_slack.connected.wait(), 15)
        assert socket_slack.opened_with == [f"Bearer {APP_TOKEN}"]
        ack = await socket_slack.slash_command("e-1", "/track", "whatsapp privacy")
        assert ack["response_type"] == "in_channel"  # a channel-wide change is announced
        assert "whatsapp" in ack["text"]
        chat = await chat_row(runtime, Platform.SLACK, "C0SOCKET")
        assert chat is not None
        assert [s.query_text for s in await subscriptions(runtime, Platform.SLACK, "C0SOCKET")] == [
            "whatsapp privacy"
        ]
        listing = await socket_slack.slash_command("e-2", "/list", "")
        assert listing["response_type"] == "ephemeral"
        assert "whatsapp privacy" in listing["text"]
