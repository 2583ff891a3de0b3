"""The helpers that play Slack's part sign exactly like Slack, and a real Bolt app accepts them.

Checked three ways: the official test vector (../shared/specs/slack/signature-test-vector.json),
slack_sdk's own SignatureVerifier, and a real slack_bolt AsyncApp served over HTTP on loopback
whose listeners call back into FakeSlack (auth.test, response_url, views.publish).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_requests import (
    app_home_opened_event,
    block_actions_payload,
    event_callback_body,
    interactivity_body,
    post_signed,
    sign,
    signed_headers,
    slash_command_body,
)
from tests.fakes.slack_server import FakeSlack

SECRET = "f3a1c2b4d5e6f708192a3b4c5d6e7f80"


class FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_signature_matches_the_official_test_vector(slack_signature_vector: dict[str, Any]) -> None:
    vector = slack_signature_vector
    headers = signed_headers(vector["signing_secret"], vector["body"], vector["timestamp"])
    assert headers == {
        "X-Slack-Request-Timestamp": vector["timestamp"],
        "X-Slack-Signature": vector["expected_signature"],
    }
    verifier = SignatureVerifier(
        vector["signing_secret"], clock=FixedClock(float(vector["timestamp"]))
    )
    assert verifier.is_valid_request(vector["body"], headers)
    # The same request checked with a real clock is a replay: outside the 5-minute window.
    assert not SignatureVerifier(vector["signing_secret"]).is_valid_request(vector["body"], headers)


@pytest.mark.parametrize(
    "body",
    [
        slash_command_body("/track", '"डेटा लीक" OR व्हाट्सऐप -अफवाह'),
        interactivity_body(block_actions_payload(action_id="mute", value="12:24h")),
        event_callback_body(app_home_opened_event("U0ASHA001")),
        "",
    ],
    ids=["slash-command", "interactivity", "event", "empty"],
)
def test_signature_agrees_with_slack_sdk(body: str) -> None:
    now = int(time.time())
    verifier = SignatureVerifier(SECRET)
    assert sign(SECRET, body, now) == verifier.generate_signature(timestamp=str(now), body=body)
    assert verifier.is_valid_request(body, signed_headers(SECRET, body))
    assert not verifier.is_valid_request(body + " ", signed_headers(SECRET, body))
    assert not verifier.is_valid_request(body, signed_headers("another-secret", body))


@pytest.fixture
async def bolt_app(slack: FakeSlack) -> AsyncIterator[tuple[str, list[str]]]:
    """A real Bolt AsyncApp over HTTP whose Web API client points at FakeSlack."""
    seen: list[str] = []
    app = AsyncApp(
        client=AsyncWebClient(token=slack.token, base_url=slack.api_url),
        signing_secret=SECRET,
    )

    @app.command("/track")
    async def track(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack()
        seen.append(command["text"])
        await respond(text=f"अब आप “{command['text']}” ट्रैक कर रहे हैं", response_type="ephemeral")

    @app.action("mute")
    async def mute(ack: Any, respond: Any, body: dict[str, Any]) -> None:
        await ack()
        seen.append(body["actions"][0]["value"])
        await respond(text="24 घंटे के लिए म्यूट किया गया", replace_original=True)

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        seen.append(event["user"])
        await client.views_publish(
            user_id=event["user"],
            view={
                "type": "home",
                "blocks": [
                    {"type": "section", "text": {"type": "mrkdwn", "text": "*आपकी सदस्यताएँ*"}}
                ],
            },
        )

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", seen
    finally:
        await runner.cleanup()


async def wait_until(condition: Any, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_a_signed_slash_command_reaches_the_listener_and_respond_reaches_the_fake(
    slack: FakeSlack, bolt_app: tuple[str, list[str]]
) -> None:
    url, seen = bolt_app
    response_url = slack.new_response_url()
    body = slash_command_body("/track", "टिकटॉक बैन", response_url=response_url)
    answer = await post_signed(url, body, secret=SECRET)
    assert answer.status == 200
    await wait_until(lambda: slack.response_posts(response_url))
    assert seen == ["टिकटॉक बैन"]
    [posted] = slack.response_posts(response_url)
    assert posted.body["text"] == "अब आप “टिकटॉक बैन” ट्रैक कर रहे हैं" and posted.status == 200
    assert [c.method for c in slack.calls("auth.test")] == ["auth.test"]  # Bolt's authorize


async def test_unsigned_badly_signed_and_stale_requests_are_refused(
    slack: FakeSlack, bolt_app: tuple[str, list[str]]
) -> None:
    url, seen = bolt_app
    body = slash_command_body("/track", "x", response_url=slack.new_response_url())
    bad = await post_signed(url, body, secret=SECRET, signature="v0=" + "0" * 64)
    wrong_secret = await post_signed(url, body, secret="not-the-secret")
    stale = await post_signed(url, body, secret=SECRET, timestamp=int(time.time()) - 301)
    assert [r.status for r in (bad, wrong_secret, stale)] == [401, 401, 401]
    assert bad.json() == {"error": "invalid request"}
    fresh = await post_signed(url, body, secret=SECRET, timestamp=int(time.time()) - 200)
    assert fresh.status == 200
    await wait_until(lambda: seen == ["x"])


async def test_button_presses_and_events_are_signed_the_way_bolt_expects(
    slack: FakeSlack, bolt_app: tuple[str, list[str]]
) -> None:
    url, seen = bolt_app
    response_url = slack.new_response_url()
    payload = block_actions_payload(action_id="mute", value="12:24h", response_url=response_url)
    pressed = await post_signed(url, interactivity_body(payload), secret=SECRET)
    event = await post_signed(
        url,
        event_callback_body(app_home_opened_event("U0ASHA001")),
        secret=SECRET,
        content_type="application/json",
    )
    assert (pressed.status, event.status) == (200, 200)
    await wait_until(
        lambda: slack.home_view("U0ASHA001") is not None and slack.response_posts(response_url)
    )
    assert sorted(seen) == sorted(["12:24h", "U0ASHA001"])
    assert slack.response_posts(response_url)[0].body["replace_original"] is True
    view = slack.home_view("U0ASHA001")
    assert view is not None and view["blocks"][0]["text"]["text"] == "*आपकी सदस्यताएँ*"
