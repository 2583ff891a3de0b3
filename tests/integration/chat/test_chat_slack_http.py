"""The Slack chat adapter in HTTP mode: signed requests to the Runtime's ``/slack/events``,
slack-bolt answering, slack-sdk calling the fake Slack Web API.

Covers slash commands from a channel (ephemeral answers, channel-wide changes confirmed
in_channel), Hindi via ``/lang hi``, refusal of unsigned, badly signed and stale requests, the
official signing test vector, interactive alert buttons (mute, untrack) and App Home.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from bot.adapters.slack.chat import SlackChat
from bot.app import Runtime
from bot.domain.models import Platform
from tests.fakes.slack_requests import (
    app_home_opened_event,
    block_actions_payload,
    event_callback_body,
    interactivity_body,
    post_signed,
    sign,
    slash_command_body,
)
from tests.fakes.slack_server import FakeSlack
from tests.integration.chat.chat_harness import (
    NewsFeed,
    running_runtime,
    subscriptions,
    wait_until,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
SHARED = Path(__file__).resolve().parents[3].parent / "shared"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(rate_limits=None) as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtime(
    tmp_path_factory: pytest.TempPathFactory, feed: NewsFeed, slack: FakeSlack
) -> AsyncIterator[Runtime]:
    env = {
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
    }
    async with running_runtime(tmp_path_factory.mktemp("slack"), feed, env) as running:
        yield running


def _events_url(runtime: Runtime) -> str:
    assert runtime.web is not None
    return f"http://127.0.0.1:{runtime.web.port}/slack/events"


async def _slash(
    runtime: Runtime,
    slack: FakeSlack,
    command: str,
    text: str,
    *,
    channel: str,
    user: str,
) -> dict[str, Any]:
    body = slash_command_body(
        command, text, user_id=user, channel_id=channel, response_url=slack.new_response_url()
    )
    answer = await post_signed(_events_url(runtime), body, secret=slack.signing_secret)
    assert answer.status == 200, answer.text
    payload = answer.json()
    assert isinstance(payload, dict)
    return payload


async def test_track_in_a_channel_is_confirmed_in_channel_and_list_is_ephemeral(
    runtime: Runtime, slack: FakeSlack
) -> None:
    channel, user = "C0AGRI0001", "U0RAVI0001"
    slack.add_channel(channel, name="agri-desk", members=[user])
    tracked = await _slash(runtime, slack, "/track", "onion export ban", channel=channel, user=user)
    assert tracked["response_type"] == "in_channel"
    assert "Tracking #1" in tracked["text"] and "onion export ban" in tracked["text"]
    assert tracked["blocks"][0]["type"] == "section"
    listing = await _slash(runtime, slack, "/list", "", channel=channel, user=user)
    assert listing["response_type"] == "ephemeral"
    assert "onion export ban" in listing["text"]
    rows = await subscriptions(runtime, Platform.SLACK, channel)
    assert [(r.query_text, r.created_by) for r in rows] == [("onion export ban", user)]
    wrong = await _slash(runtime, slack, "/untrack", "9", channel=channel, user=user)
    assert wrong["response_type"] == "ephemeral" and "no #9" in wrong["text"]


async def test_hindi_channel_after_lang_hi(runtime: Runtime, slack: FakeSlack) -> None:
    channel, user = "C0HINDI001", "U0ASHA0001"
    switched = await _slash(runtime, slack, "/lang", "hi", channel=channel, user=user)
    assert switched["response_type"] == "in_channel"
    assert "हिंदी में बात करूँगा" in switched["text"]
    tracked = await _slash(runtime, slack, "/track", "प्याज़ निर्यात", channel=channel, user=user)
    assert "ट्रैकिंग #1 शुरू" in tracked["text"]
    listing = await _slash(runtime, slack, "/list", "", channel=channel, user=user)
    assert "इस चैट में ट्रैक हो रहा है (1)" in listing["text"]


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        (None, ""),  # unsigned
        (None, "v0=" + "0" * 64),  # badly signed
        (int(time.time()) - 6 * 60, None),  # stale: signed correctly, 6 minutes old
        ("not-a-number", None),
    ],
    ids=["unsigned", "bad-signature", "stale", "garbage-timestamp"],
)
async def test_unsigned_badly_signed_and_stale_requests_are_refused(
    runtime: Runtime, slack: FakeSlack, timestamp: int | str | None, signature: str | None
) -> None:
    channel = "C0FORGE001"
    body = slash_command_body(
        "/track", "forged query", channel_id=channel, response_url=slack.new_response_url()
    )
    if timestamp == "not-a-number":
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": "not-a-number",
            "X-Slack-Signature": sign(slack.signing_secret, body, "not-a-number"),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(_events_url(runtime), data=body, headers=headers) as response,
        ):
            status, text = response.status, await response.text()
    else:
        answer = await post_signed(
            _events_url(runtime),
            body,
            secret=slack.signing_secret,
            timestamp=timestamp,
            signature=signature,
        )
        status, text = answer.status, answer.text
    assert status == 401, text
    assert slack.signing_secret not in text
    assert await subscriptions(runtime, Platform.SLACK, channel) == []


async def test_the_official_signing_test_vector_passes_the_same_verification(
    runtime: Runtime, slack: FakeSlack
) -> None:
    vector_path = SHARED / "specs/slack/signature-test-vector.json"
    if not vector_path.is_file():
        pytest.skip("../shared/specs/slack is not present")
    vector = json.loads(vector_path.read_text())
    then = float(vector["timestamp"])

    async def answer(chat: SlackChat, body: str) -> int:
        app = web.Application()
        app.router.add_post("/slack/events", chat.handle_http)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            result = await post_signed(
                f"http://127.0.0.1:{port}/slack/events",
                body,
                secret=vector["signing_secret"],
                timestamp=vector["timestamp"],
                signature=vector["expected_signature"],
            )
            return result.status
        finally:
            await runner.cleanup()

    def chat_at(clock: float | None) -> SlackChat:
        return SlackChat(
            conversation=runtime.conversation,
            bot_token=slack.token,
            signing_secret=vector["signing_secret"],
            api_url=slack.api_url,
            signature_clock=time.time if clock is None else (lambda: clock),
        )

    # Verified, then Bolt finds no listener for /webhook-collect: 404, not 401.
    assert await answer(chat_at(then + 30), vector["body"]) == 404
    assert await answer(chat_at(then + 30), vector["body"].replace("text=", "text=x")) == 401
    assert await answer(chat_at(None), vector["body"]) == 401  # today it is far too old


async def test_alert_buttons_mute_and_untrack_work(
    runtime: Runtime, slack: FakeSlack, feed: NewsFeed
) -> None:
    dm, user = "D0NEHA0001", "U0NEHA0001"
    await _slash(runtime, slack, "/track", "axolotl hatchery", channel=dm, user=user)
    await _slash(runtime, slack, "/track", "seaplane service", channel=dm, user=user)
    await asyncio.sleep(1.2)  # the subscriptions are older than the next article
    feed.publish(
        "Axolotl hatchery opens in Kolkata",
        "The city's first axolotl hatchery opened with two hundred larvae.",
    )
    await wait_until(lambda: slack.messages(dm, kind="message"), timeout=15)
    (alert,) = slack.messages(dm, kind="message")
    assert "Axolotl hatchery opens" in (alert.text or json.dumps(alert.blocks))
    values = {
        str(e.get("value", "")).split(":")[0]: e
        for block in alert.blocks
        if block.get("type") == "actions"
        for e in block["elements"]
    }
    assert {"mute", "untrack"} <= set(values)

    async def press(action: str) -> dict[str, Any]:
        url = slack.new_response_url()
        element = values[action]
        payload = block_actions_payload(
            action_id=element["action_id"],
            value=element["value"],
            user_id=user,
            channel_id=dm,
            message_ts=alert.ts,
            response_url=url,
            message={"type": "message", "ts": alert.ts, "text": alert.text, "blocks": alert.blocks},
        )
        answer = await post_signed(
            _events_url(runtime),
            interactivity_body(payload),
            secret=slack.signing_secret,
        )
        assert answer.status == 200
        await wait_until(lambda: len(slack.response_posts(url)) >= 2)
        replaced, toast = slack.response_posts(url)
        assert replaced.status == 200 and toast.status == 200
        # the alert is replaced by itself with new buttons; the confirmation is ephemeral
        assert replaced.body["replace_original"] is True
        kept = [b for b in replaced.body["blocks"] if b.get("type") != "actions"]
        assert kept == [b for b in alert.blocks if b.get("type") != "actions"]
        assert toast.body["response_type"] == "ephemeral"
        assert toast.body["replace_original"] is False
        return {"blocks": replaced.body["blocks"], "text": toast.body["text"]}

    def buttons(blocks: list[dict[str, Any]]) -> list[str]:
        return [
            str(e.get("value") or e.get("url"))
            for b in blocks
            if b.get("type") == "actions"
            for e in b["elements"]
        ]

    muted = await press("mute")
    assert "#1 is muted until" in muted["text"]
    open_url, unmute = buttons(muted["blocks"])
    assert open_url.startswith("http") and unmute.startswith("unmute:")
    (first, _) = await subscriptions(runtime, Platform.SLACK, dm)
    assert first.muted_until is not None
    untracked = await press("untrack")
    assert untracked["text"] == "Stopped tracking #1: axolotl hatchery"
    assert buttons(untracked["blocks"]) == [open_url]
    assert [r.query_text for r in await subscriptions(runtime, Platform.SLACK, dm)] == [
        "seaplane service"
    ]


async def test_app_home_lists_the_users_subscriptions(runtime: Runtime, slack: FakeSlack) -> None:
    user, channel = "U0HOME0001", "C0HOME0001"
    slack.add_channel(channel, name="city-desk", members=[user])
    await _slash(runtime, slack, "/track", "heritage stepwell", channel=channel, user=user)
    await _slash(runtime, slack, "/track", "tram revival", channel="D0HOME0001", user=user)
    body = event_callback_body(app_home_opened_event(user))
    answer = await post_signed(
        _events_url(runtime), body, secret=slack.signing_secret, content_type="application/json"
    )
    assert answer.status == 200
    await wait_until(lambda: slack.home_view(user) is not None)
    view = slack.home_view(user)
    assert view is not None and view["type"] == "home"
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Your subscriptions on Khabardar" in shown
    assert "heritage stepwell" in shown and "tram revival" in shown
    assert "Direct messages with me" in shown
