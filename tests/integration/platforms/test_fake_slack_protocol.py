"""FakeSlack speaks the Slack Web API subset: auth, ok:false errors, Block Kit limits, 429s."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.faults import RandomFaults
from tests.fakes.rate_limits import ManualClock
from tests.fakes.slack_blocks import block_errors, visible_text_length
from tests.fakes.slack_server import FakeSlack, SlackRateLimits

HEADLINE = "व्हाट्सऐप डेटा लीक: 50 लाख भारतीय यूज़र्स की जानकारी बिक्री पर"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
async def client(slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token=slack.token, base_url=slack.api_url, session=session)


async def error_of(coro: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(SlackApiError) as caught:
        await coro
    response = caught.value.response
    return response.status_code, dict(response.data)


async def test_auth_test_and_post_message_success(slack: FakeSlack, client: AsyncWebClient) -> None:
    auth = await client.auth_test()
    assert (
        auth["ok"] is True and auth["user_id"] == "U0KHABBOT" and auth["team_id"] == slack.team_id
    )
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": HEADLINE}},
        section("*दैनिक भास्कर* · <https://example.in/x|पूरी ख़बर पढ़ें>"),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "4 जुलाई 2020, शाम 5:53"}]},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "म्यूट"},
                    "action_id": "mute",
                    "value": "12",
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "बंद करें"},
                    "action_id": "untrack",
                    "value": "12",
                    "style": "danger",
                },
            ],
        },
    ]
    response = await client.chat_postMessage(channel="C0NEWS01", text=HEADLINE, blocks=blocks)
    assert response["ok"] is True and response["channel"] == "C0NEWS01"
    assert response["message"]["blocks"] == blocks and response["message"]["bot_id"] == "B0KHABBOT"
    [posted] = slack.messages("C0NEWS01")
    assert (posted.ts, posted.text, list(posted.blocks)) == (response["ts"], HEADLINE, blocks)


async def test_form_bodies_and_token_field_are_accepted(slack: FakeSlack) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            slack.api_url + "chat.postMessage",
            data={
                "token": slack.token,
                "channel": "C0FORM01",
                "text": "नमस्ते",
                "blocks": json.dumps([section("नमस्ते")]),
            },
        ) as response,
    ):
        body = await response.json()
    assert response.status == 200 and body["ok"] is True
    assert slack.messages("C0FORM01")[0].blocks[0]["text"]["text"] == "नमस्ते"
    assert "token" not in slack.calls("chat.postMessage")[0].params  # secrets are not recorded


@pytest.mark.parametrize(
    ("token", "auth_error", "expected"),
    [
        ("", None, "not_authed"),
        ("xoxb-wrong", None, "invalid_auth"),
        (None, "token_revoked", "token_revoked"),
        (None, "account_inactive", "account_inactive"),
    ],
)
async def test_auth_errors(
    slack: FakeSlack, token: str | None, auth_error: str | None, expected: str
) -> None:
    slack.set_auth_error(auth_error)
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(
            token=slack.token if token is None else token, base_url=slack.api_url, session=session
        )
        status, body = await error_of(client.chat_postMessage(channel="C0NEWS01", text="x"))
    assert (status, body) == (200, {"ok": False, "error": expected})


@pytest.mark.parametrize(
    ("channel", "fault", "expected"),
    [
        ("C0GONE001", "channel_not_found", "channel_not_found"),
        ("C0OUT0001", "not_in_channel", "not_in_channel"),
        ("C0OLD0001", "is_archived", "is_archived"),
        ("not-a-channel", None, "channel_not_found"),
    ],
)
async def test_channel_errors(
    slack: FakeSlack, client: AsyncWebClient, channel: str, fault: str | None, expected: str
) -> None:
    if fault:
        slack.set_channel_fault(channel, fault)
    status, body = await error_of(client.chat_postMessage(channel=channel, text="x"))
    assert (status, body) == (200, {"ok": False, "error": expected})


async def test_archived_and_left_channels_show_in_conversations_info(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.add_channel("C0DESK001", name="news-desk", is_member=False)
    info = await client.conversations_info(channel="C0DESK001")
    assert info["channel"]["name"] == "news-desk" and info["channel"]["is_member"] is False
    _, body = await error_of(client.chat_postMessage(channel="C0DESK001", text="x"))
    assert body["error"] == "not_in_channel"
    await client.conversations_join(channel="C0DESK001")
    assert (await client.chat_postMessage(channel="#news-desk", text="x"))["ok"] is True
    slack.set_channel_fault("C0DESK001", "is_archived")
    info = await client.conversations_info(channel="C0DESK001")
    assert info["channel"]["is_archived"] is True


async def test_content_errors(slack: FakeSlack, client: AsyncWebClient) -> None:
    _, body = await error_of(client.api_call("chat.postMessage", json={"channel": "C0NEWS01"}))
    assert body == {"ok": False, "error": "no_text"}
    _, body = await error_of(client.chat_postMessage(channel="C0NEWS01", text="क" * 40_001))
    assert body["error"] == "msg_too_long"
    many = [section("ख" * 2900) for _ in range(5)]  # each section valid, 14,500 in total
    _, body = await error_of(client.chat_postMessage(channel="C0NEWS01", text="x", blocks=many))
    assert body["error"] == "msg_blocks_too_long"
    _, body = await error_of(
        client.api_call(
            "chat.postMessage",
            json={"channel": "C0NEWS01", "text": "x", "blocks": {"type": "divider"}},
        )
    )
    assert body["error"] == "invalid_blocks_format"
    assert slack.messages() == []


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        (
            [section("x" * 3001)],
            "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        ),
        ([section("")], "must be more than 0 characters [json-pointer:/blocks/0/text/text]"),
        ([{"type": "divider"}] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "ह" * 151}}],
            "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [{"type": "header", "text": {"type": "mrkdwn", "text": "*x*"}}],
            "must be a valid enum value [json-pointer:/blocks/0/text/type]",
        ),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}],
            "no more than 10 items allowed [json-pointer:/blocks/0/elements]",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b"},
                            "action_id": f"a{i}",
                        }
                        for i in range(26)
                    ],
                }
            ],
            "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
        ),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
            "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
        ),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
            "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
        ),
        ([{"type": "section"}], "missing required field: text [json-pointer:/blocks/0]"),
        (
            [{"type": "image", "image_url": "https://example.in/a.png"}],
            "missing required field: alt_text [json-pointer:/blocks/0]",
        ),
        (
            [{"type": "section", "block_id": "b" * 256, "text": {"type": "mrkdwn", "text": "x"}}],
            "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
        ),
        ([{"type": "carousel"}], "failed to match all allowed schemas [json-pointer:/blocks/0]"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "ब" * 76}}
                    ],
                }
            ],
            "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
        ),
    ],
    ids=[
        "section-3001",
        "section-empty",
        "51-blocks",
        "header-151",
        "header-mrkdwn",
        "context-11",
        "actions-26",
        "fields-11",
        "field-2001",
        "section-no-text",
        "image-no-alt",
        "block-id-256",
        "unknown-type",
        "button-76",
    ],
)
async def test_block_kit_limits_answer_invalid_blocks_in_slacks_shape(
    slack: FakeSlack, client: AsyncWebClient, blocks: list[dict[str, Any]], error: str
) -> None:
    status, body = await error_of(
        client.chat_postMessage(channel="C0NEWS01", text="x", blocks=blocks)
    )
    assert status == 200
    assert body["error"] == "invalid_blocks" and error in body["errors"]
    assert f"[ERROR] {error}" in body["response_metadata"]["messages"]


def test_limits_at_the_boundary_are_accepted() -> None:
    assert block_errors([section("x" * 3000)] + [{"type": "divider"}] * 49) == []
    header = {"type": "header", "text": {"type": "plain_text", "text": "ह" * 150}}
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 10}
    assert block_errors([header, context]) == []
    assert visible_text_length([header, context]) == 160


async def test_rate_limit_per_channel_answers_429_with_retry_after() -> None:
    async with (
        FakeSlack(
            rate_limits=SlackRateLimits(per_channel_per_s=0.5, per_channel_burst=2),
            clock=ManualClock(),
        ) as fake,
        aiohttp.ClientSession() as session,
    ):
        client = AsyncWebClient(token=fake.token, base_url=fake.api_url, session=session)
        await client.chat_postMessage(channel="C0BUSY001", text="1")
        await client.chat_postMessage(channel="C0BUSY001", text="2")
        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel="C0BUSY001", text="3")
        assert (await client.chat_postMessage(channel="C0CALM001", text="x"))["ok"] is True
    response = caught.value.response
    assert response.status_code == 429
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert response.headers["Retry-After"] == "2"
    assert fake.http_429_count == 1 and len(fake.messages("C0BUSY001")) == 2


async def test_ephemeral_update_views_and_users(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_channel("C0TEAM001", name="team", members=["U0ASHA001"])
    slack.add_user("U0ASHA001", name="asha", real_name="आशा वर्मा", is_admin=True, locale="hi-IN")
    ephemeral = await client.chat_postEphemeral(
        channel="C0TEAM001", user="U0ASHA001", text="ट्रैक कर रहे हैं"
    )
    assert ephemeral["message_ts"]
    _, body = await error_of(
        client.chat_postEphemeral(channel="C0TEAM001", user="U0RAVI001", text="x")
    )
    assert body["error"] == "user_not_in_channel"
    posted = await client.chat_postMessage(channel="C0TEAM001", text="पुराना")
    updated = await client.chat_update(channel="C0TEAM001", ts=posted["ts"], text="नया")
    assert updated["ts"] == posted["ts"] and updated["text"] == "नया"
    _, body = await error_of(client.chat_update(channel="C0TEAM001", ts="1.000001", text="x"))
    assert body["error"] == "message_not_found"
    assert [m.kind for m in slack.messages("C0TEAM001")] == ["ephemeral", "message", "update"]
    user = await client.users_info(user="U0ASHA001")
    assert user["user"]["is_admin"] is True and user["user"]["real_name"] == "आशा वर्मा"
    _, body = await error_of(client.users_info(user="nobody"))
    assert body["error"] == "user_not_found"
    view = {"type": "home", "blocks": [section("आपकी सदस्यताएँ")]}
    published = await client.views_publish(user_id="U0ASHA001", view=view)
    assert published["view"]["type"] == "home"
    assert slack.home_view("U0ASHA001")["blocks"] == view["blocks"]  # type: ignore[index]
    _, body = await error_of(
        client.views_publish(
            user_id="U0ASHA001", view={"type": "home", "blocks": [{"type": "divider"}] * 101}
        )
    )
    assert body["error"] == "invalid_arguments"
    assert body["response_metadata"]["messages"] == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]


async def test_response_url_records_what_respond_posts(slack: FakeSlack) -> None:
    url = slack.new_response_url()
    async with aiohttp.ClientSession() as session:
        webhook = AsyncWebhookClient(url, session=session)
        first = await webhook.send(
            text="ठीक है, अब आप 'टिकटॉक बैन' ट्रैक कर रहे हैं", response_type="ephemeral"
        )
        bad = await webhook.send(text="x", blocks=[section("x" * 3001)])
        empty = await webhook.send_dict({"response_type": "in_channel"})
        for _ in range(4):
            await webhook.send(text="फिर से")
        used = await webhook.send(text="छठी बार")
    assert (first.status_code, first.body) == (200, "ok")
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")
    assert (empty.status_code, empty.body) == (400, "no_text")
    assert (used.status_code, used.body) == (404, "used_url")
    posts = slack.response_posts(url)
    assert posts[0].body["response_type"] == "ephemeral" and posts[0].status == 200
    assert [p.status for p in posts].count(200) == 5


async def test_random_faults_statistics_match_what_the_client_saw() -> None:
    faults = RandomFaults(
        seed=5, rate_limited=0.2, server_error=0.1, bad_gateway=0.1, disconnect=0.1
    )
    async with FakeSlack(rate_limits=None, faults=faults) as fake:
        seen: dict[str, int] = {}
        async with aiohttp.ClientSession() as session:
            client = AsyncWebClient(
                token=fake.token, base_url=fake.api_url, session=session, retry_handlers=[]
            )
            for i in range(150):
                try:
                    await client.chat_postMessage(channel=f"C0RAND{i:03d}", text="x")
                    key = "200"
                except SlackApiError as exc:
                    key = str(exc.response.status_code)
                except aiohttp.ClientError:
                    key = "dropped"
                seen[key] = seen.get(key, 0) + 1
            assert (await client.auth_test())["ok"] is True  # not a sending method
        injected = fake.stats()["injected"]
    assert seen.get("429", 0) == injected["rate_limited"] == fake.http_429_count
    assert seen.get("500", 0) == injected["server_error"]
    assert seen.get("502", 0) == injected["bad_gateway"]
    assert seen.get("dropped", 0) == injected["disconnect"]
    assert seen["200"] == len(fake.messages()) == 150 - sum(injected.values())
    assert injected["rate_limited"] > 10
