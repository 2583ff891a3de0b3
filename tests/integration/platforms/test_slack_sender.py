"""SlackSender drives the real slack_sdk AsyncWebClient against FakeSlack and maps every answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.slack.sender import SlackSender
from bot.domain.outgoing import SlackMessage
from bot.errors import (
    ChatUnavailable,
    DeliveryError,
    RejectedMessage,
    RetryLater,
    TransientDeliveryError,
)
from tests.fakes.faults import RandomFaults
from tests.fakes.rate_limits import ManualClock
from tests.fakes.slack_server import FakeSlack, SlackRateLimits

HEADLINE = "डेटा लीक: 50 लाख भारतीय यूज़र्स की जानकारी बिक्री पर"
BLOCKS: tuple[dict[str, Any], ...] = (
    {"type": "header", "text": {"type": "plain_text", "text": HEADLINE}},
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*दैनिक भास्कर* &amp; <https://example.in/x|पढ़ें>"},
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "4 जुलाई 2020, शाम 5:53 IST"}]},
)
ALERT = SlackMessage(text=HEADLINE, blocks=BLOCKS)


@pytest.fixture
async def sender(slack: FakeSlack) -> AsyncIterator[SlackSender]:
    async with SlackSender(slack.token, slack.api_url) as instance:
        yield instance


async def test_send_returns_the_ts_and_posts_text_blocks_and_unfurl_setting(
    slack: FakeSlack, sender: SlackSender
) -> None:
    sent = await sender.send("C0NEWS01", ALERT)
    reply = await sender.send(
        "C0NEWS01", SlackMessage(text="अपडेट"), thread_ts=sent.platform_message_id
    )
    first, second = slack.messages("C0NEWS01")
    assert sent.platform_message_id == first.ts and reply.platform_message_id == second.ts
    assert first.ts != second.ts
    assert (first.text, list(first.blocks), first.unfurl_links) == (HEADLINE, list(BLOCKS), False)
    assert second.thread_ts == first.ts and second.blocks == ()


async def test_update_replaces_a_posted_message(slack: FakeSlack, sender: SlackSender) -> None:
    sent = await sender.send("C0NEWS01", ALERT)
    updated = await sender.update(
        "C0NEWS01", sent.platform_message_id, SlackMessage(text="म्यूट किया")
    )
    assert updated.platform_message_id == sent.platform_message_id
    assert [(m.kind, m.text) for m in slack.messages("C0NEWS01")][-1] == ("update", "म्यूट किया")


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_channel_errors_raise_chat_unavailable(
    slack: FakeSlack, sender: SlackSender, error: str
) -> None:
    slack.set_channel_fault("C0BAD0001", error)
    with pytest.raises(ChatUnavailable) as caught:
        await sender.send("C0BAD0001", ALERT)
    assert caught.value.reason == error  # type: ignore[attr-defined]
    assert "C0BAD0001" in str(caught.value)


@pytest.mark.parametrize(
    "error", ["invalid_auth", "account_inactive", "token_revoked", "missing_scope"]
)
async def test_auth_errors_are_chat_unavailable_with_reason_auth(
    slack: FakeSlack, sender: SlackSender, error: str
) -> None:
    slack.set_auth_error(error)
    with pytest.raises(ChatUnavailable) as caught:
        await sender.send("C0NEWS01", ALERT)
    assert caught.value.reason == "auth"  # type: ignore[attr-defined]
    assert caught.value.slack_error == error  # type: ignore[attr-defined]


async def test_a_wrong_token_never_leaks(slack: FakeSlack) -> None:
    wrong = "xoxb-1000000001-2000000002-NotTheRightTokenAtAll"
    async with SlackSender(wrong, slack.api_url) as sender:
        with pytest.raises(ChatUnavailable) as caught:
            await sender.send("C0NEWS01", ALERT)
        assert wrong not in repr(sender)
    assert caught.value.reason == "auth"  # type: ignore[attr-defined]
    assert wrong not in str(caught.value) and caught.value.__cause__ is None


@pytest.mark.parametrize(
    ("message", "code", "detail"),
    [
        (
            SlackMessage(
                text="x",
                blocks=({"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}},),
            ),
            "invalid_blocks",
            "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            SlackMessage(text="x", blocks=({"type": "divider"},) * 51),
            "invalid_blocks",
            "no more than 50 items allowed [json-pointer:/blocks]",
        ),
        (
            SlackMessage(
                text="x",
                blocks=({"type": "header", "text": {"type": "plain_text", "text": "ख" * 151}},),
            ),
            "invalid_blocks",
            "must be less than 151 characters",
        ),
        (SlackMessage(text="क" * 40_001), "msg_too_long", ""),
        (
            SlackMessage(
                text="x",
                blocks=tuple(
                    {"type": "section", "text": {"type": "mrkdwn", "text": "ग" * 2500}}
                    for _ in range(6)
                ),
            ),
            "msg_blocks_too_long",
            "",
        ),
    ],
    ids=["section-3001", "51-blocks", "header-151", "msg_too_long", "msg_blocks_too_long"],
)
async def test_bad_payloads_raise_rejected_message_with_slacks_details(
    slack: FakeSlack, sender: SlackSender, message: SlackMessage, code: str, detail: str
) -> None:
    with pytest.raises(RejectedMessage) as caught:
        await sender.send("C0NEWS01", message)
    assert code in str(caught.value) and detail in str(caught.value)
    assert slack.messages() == []


async def test_missing_fallback_text_is_refused_before_sending(
    slack: FakeSlack, sender: SlackSender
) -> None:
    with pytest.raises(RejectedMessage, match="no fallback text"):
        await sender.send("C0NEWS01", SlackMessage(text=" ", blocks=BLOCKS))
    assert slack.calls() == []


async def test_rate_limit_raises_retry_later_with_retry_after() -> None:
    limits = SlackRateLimits(per_channel_per_s=0.2, per_channel_burst=1)
    async with (
        FakeSlack(rate_limits=limits, clock=ManualClock()) as fake,
        SlackSender(fake.token, fake.api_url) as sender,
    ):
        await sender.send("C0BUSY001", ALERT)
        with pytest.raises(RetryLater) as caught:
            await sender.send("C0BUSY001", ALERT)
    assert caught.value.retry_after == 5.0
    assert len(fake.calls("chat.postMessage")) == 2  # no retry handler in the sender


async def test_injected_ratelimited_uses_the_retry_after_header() -> None:
    faults = RandomFaults(rate_limited=1.0, retry_after=30)
    async with FakeSlack(faults=faults) as fake, SlackSender(fake.token, fake.api_url) as sender:
        with pytest.raises(RetryLater) as caught:
            await sender.send("C0NEWS01", ALERT)
    assert caught.value.retry_after == 30.0


@pytest.mark.parametrize(
    "faults",
    [
        RandomFaults(server_error=1.0),
        RandomFaults(bad_gateway=1.0),
        RandomFaults(disconnect=1.0),
        RandomFaults(timeout=1.0, hang_s=5.0),
    ],
    ids=["500", "502", "dropped", "timeout"],
)
async def test_server_and_network_failures_are_transient(faults: RandomFaults) -> None:
    async with (
        FakeSlack(rate_limits=None, faults=faults) as fake,
        SlackSender(fake.token, fake.api_url, timeout_s=0.3) as sender,
    ):
        with pytest.raises(TransientDeliveryError):
            await sender.send("C0NEWS01", ALERT)
    assert len(fake.calls("chat.postMessage")) == 1  # slack_sdk's connection retry is off


async def test_unreachable_server_is_transient() -> None:
    async with FakeSlack() as fake:
        api_url = fake.api_url
    async with SlackSender("xoxb-1-2-unreachable", api_url) as sender:
        with pytest.raises(TransientDeliveryError):
            await sender.send("C0NEWS01", ALERT)


async def test_no_error_contains_the_token(slack: FakeSlack, sender: SlackSender) -> None:
    slack.set_channel_fault("C0GONE001", "channel_not_found")
    errors: list[DeliveryError] = []
    for channel, message in (
        ("C0GONE001", ALERT),
        ("C0NEWS01", SlackMessage(text="x", blocks=({"type": "divider"},) * 60)),
    ):
        with pytest.raises(DeliveryError) as caught:
            await sender.send(channel, message)
        errors.append(caught.value)
    assert all(slack.token not in str(error) for error in errors)


async def test_the_sender_starts_lazily_and_closes_cleanly(slack: FakeSlack) -> None:
    sender = SlackSender(slack.token, slack.api_url.rstrip("/"))
    sent = await sender.send("C0NEWS01", ALERT)
    await sender.aclose()
    await sender.aclose()
    assert slack.messages()[0].ts == sent.platform_message_id
