"""TelegramSender drives the real python-telegram-bot against FakeTelegram and maps every answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.telegram.sender import TelegramSender
from bot.domain.outgoing import InlineButton, TelegramMessage
from bot.errors import (
    ChatMigrated,
    ChatUnavailable,
    DeliveryError,
    RejectedMessage,
    RetryLater,
    TransientDeliveryError,
)
from tests.fakes.faults import RandomFaults
from tests.fakes.rate_limits import ManualClock
from tests.fakes.telegram_objects import ChatFault
from tests.fakes.telegram_server import FakeTelegram, TelegramRateLimits

ALERT = TelegramMessage(
    text=(
        "<b>व्हाट्सऐप डेटा लीक: 50 लाख भारतीय यूज़र्स की जानकारी बिक्री पर</b>\n"
        "<i>दैनिक भास्कर</i> · 4 जुलाई 2020, शाम 5:53\n"
        'मिला: <a href="https://example.in/whatsapp-leak">व्हाट्सऐप</a>, डेटा लीक'
    ),
    buttons=(
        (InlineButton("खोलें", url="https://example.in/whatsapp-leak"),),
        (
            InlineButton("24 घंटे म्यूट", callback_data="mute:12:24h"),
            InlineButton("ट्रैकिंग बंद", callback_data="untrack:12"),
        ),
    ),
    preview_url="https://example.in/whatsapp-leak",
)


@pytest.fixture
async def sender(telegram: FakeTelegram) -> AsyncIterator[TelegramSender]:
    async with TelegramSender(telegram.token, telegram.base_url) as instance:
        yield instance


async def test_send_returns_telegrams_message_id_and_the_fake_records_everything(
    telegram: FakeTelegram, sender: TelegramSender
) -> None:
    first = await sender.send("42", ALERT)
    second = await sender.send("42", TelegramMessage(text="दूसरी ख़बर", disable_notification=True))
    assert (first.platform_message_id, second.platform_message_id) == ("1", "2")
    sent, quiet = telegram.messages(42)
    assert sent.text == ALERT.text and sent.parse_mode == "HTML"
    assert sent.plain_text.startswith("व्हाट्सऐप डेटा लीक: 50 लाख")
    assert [[b["text"] for b in row] for row in sent.button_rows()] == [
        ["खोलें"],
        ["24 घंटे म्यूट", "ट्रैकिंग बंद"],
    ]
    assert sent.button_rows()[1][0]["callback_data"] == "mute:12:24h"
    assert sent.link_preview_options == {"url": "https://example.in/whatsapp-leak"}
    assert sent.disable_notification is False and quiet.disable_notification is True
    assert quiet.link_preview_options == {"is_disabled": True}
    assert quiet.reply_markup is None


async def test_the_api_root_semantics_hold(telegram: FakeTelegram) -> None:
    """TELEGRAM_API_BASE_URL is a root: {root}/bot{token}/{method}, trailing slash or not."""
    async with TelegramSender(telegram.token, telegram.base_url + "/") as sender:
        await sender.send("9", TelegramMessage(text="x"))
    assert [c.method for c in telegram.calls()] == ["sendmessage"]


async def test_forum_topic_and_channel_username(
    telegram: FakeTelegram, sender: TelegramSender
) -> None:
    telegram.add_chat(-1000000000600, is_forum=True, topics=[5])
    telegram.add_chat(-1000000000601, type="channel", username="khabar_live")
    await sender.send("-1000000000600", TelegramMessage(text="x"), thread_id="5")
    await sender.send("@khabar_live", TelegramMessage(text="x"))
    assert telegram.messages(-1000000000600)[0].message_thread_id == 5
    assert len(telegram.messages(-1000000000601)) == 1
    with pytest.raises(RejectedMessage, match=r"(?i)message thread not found"):
        await sender.send("-1000000000600", TelegramMessage(text="x"), thread_id="6")


@pytest.mark.parametrize(
    ("chat_id", "chat_type", "fault", "reason"),
    [
        (101, "private", ChatFault.BLOCKED, "blocked"),
        (102, "private", ChatFault.DEACTIVATED, "deactivated"),
        (103, "private", ChatFault.NOT_STARTED, "not_started"),
        (-104, "group", ChatFault.KICKED, "kicked"),
        (-1000000000105, "channel", ChatFault.KICKED, "kicked"),
        (-1000000000106, "supergroup", ChatFault.NOT_MEMBER, "not_member"),
        (107, "private", ChatFault.NOT_FOUND, "not_found"),
    ],
)
async def test_unreachable_chats_raise_chat_unavailable_with_a_reason(
    telegram: FakeTelegram,
    sender: TelegramSender,
    chat_id: int,
    chat_type: str,
    fault: ChatFault,
    reason: str,
) -> None:
    telegram.add_chat(chat_id, type=chat_type)
    telegram.set_chat_fault(chat_id, fault)
    with pytest.raises(ChatUnavailable) as caught:
        await sender.send(str(chat_id), ALERT)
    assert caught.value.reason == reason  # type: ignore[attr-defined]
    assert str(chat_id) in str(caught.value)


async def test_migrated_group_raises_chat_migrated_with_the_new_id(
    telegram: FakeTelegram, sender: TelegramSender
) -> None:
    telegram.set_chat_fault(-300, ChatFault.MIGRATED, migrate_to_chat_id=-1009876543210)
    with pytest.raises(ChatMigrated) as caught:
        await sender.send("-300", ALERT)
    assert caught.value.new_chat_id == "-1009876543210"
    resent = await sender.send(caught.value.new_chat_id, ALERT)
    assert resent.platform_message_id == "1"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<b>अधूरी ख़बर", "Can't find end tag corresponding to start tag"),
        ("भाव < 100 रुपये", 'Unsupported start tag ""'),
        ("<b>x</i>", "Unmatched end tag"),
        ("क" * 4097, "Message is too long"),
        ("<b> </b>", "Message must be non-empty"),
    ],
)
async def test_bad_payloads_raise_rejected_message_with_telegrams_description(
    telegram: FakeTelegram, sender: TelegramSender, text: str, detail: str
) -> None:
    with pytest.raises(RejectedMessage) as caught:
        await sender.send("42", TelegramMessage(text=text))
    assert detail.lower() in str(caught.value).lower()
    assert telegram.messages() == []


async def test_valid_html_with_escapes_and_exactly_4096_characters_is_accepted(
    telegram: FakeTelegram, sender: TelegramSender
) -> None:
    await sender.send("42", TelegramMessage(text="<b>AT&amp;T &lt;5G&gt;</b> & Jio"))
    await sender.send("42", TelegramMessage(text="<i>" + "ख" * 4096 + "</i>"))
    first, second = telegram.messages(42)
    assert first.plain_text == "AT&T <5G> & Jio"
    assert len(second.plain_text) == 4096


async def test_callback_data_over_64_bytes_is_rejected(sender: TelegramSender) -> None:
    message = TelegramMessage(text="x", buttons=((InlineButton("म्यूट", callback_data="म" * 22),),))
    with pytest.raises(RejectedMessage, match="Button_data_invalid"):
        await sender.send("42", message)


async def test_flood_limit_raises_retry_later_with_telegrams_value() -> None:
    limits = TelegramRateLimits(per_chat_per_s=0.25, per_chat_burst=1)
    async with (
        FakeTelegram(rate_limits=limits, clock=ManualClock()) as tg,
        TelegramSender(tg.token, tg.base_url) as sender,
    ):
        await sender.send("42", ALERT)
        with pytest.raises(RetryLater) as caught:
            await sender.send("42", ALERT)
    assert caught.value.retry_after == 4.0  # one token per 4 s
    assert tg.http_429_count == 1


async def test_injected_429_surfaces_its_retry_after() -> None:
    faults = RandomFaults(rate_limited=1.0, retry_after=17)
    async with (
        FakeTelegram(rate_limits=None, faults=faults) as tg,
        TelegramSender(tg.token, tg.base_url) as sender,
    ):
        with pytest.raises(RetryLater) as caught:
            await sender.send("42", ALERT)
    assert caught.value.retry_after == 17.0


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
    async with FakeTelegram(rate_limits=None, faults=faults) as tg:
        async with TelegramSender(tg.token, tg.base_url, read_timeout_s=0.3) as sender:
            with pytest.raises(TransientDeliveryError):
                await sender.send("42", ALERT)
        assert len(tg.calls("sendMessage")) == 1  # no retries inside the sender


async def test_unreachable_server_is_transient() -> None:
    async with FakeTelegram() as tg:
        root = tg.base_url
    async with TelegramSender("123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", root) as sender:
        with pytest.raises(TransientDeliveryError):
            await sender.send("42", ALERT)


async def test_a_wrong_token_is_an_auth_failure_and_never_leaks(telegram: FakeTelegram) -> None:
    wrong = "7000000001:AAH-this-is-not-the-right-token-xyz"
    async with TelegramSender(wrong, telegram.base_url) as sender:
        with pytest.raises(ChatUnavailable) as caught:
            await sender.send("42", ALERT)
    assert caught.value.reason == "auth"  # type: ignore[attr-defined]
    assert wrong not in str(caught.value) and "Unauthorized" in str(caught.value)
    assert wrong not in repr(sender)


async def test_no_error_message_or_cause_contains_the_token(telegram: FakeTelegram) -> None:
    telegram.set_chat_fault(1, ChatFault.BLOCKED)
    telegram.set_chat_fault(-2, ChatFault.MIGRATED, migrate_to_chat_id=-1000000000002)
    errors: list[DeliveryError] = []
    async with TelegramSender(telegram.token, telegram.base_url) as sender:
        for chat_id, text in (("1", "x"), ("-2", "x"), ("3", "<b>x"), ("4", "क" * 5000)):
            with pytest.raises(DeliveryError) as caught:
                await sender.send(chat_id, TelegramMessage(text=text))
            errors.append(caught.value)
        for bad_id in ("", "chat-42", "@"):
            with pytest.raises(RejectedMessage):
                await sender.send(bad_id, ALERT)
        with pytest.raises(RejectedMessage):
            await sender.send("42", ALERT, thread_id="topic")
    assert len(errors) == 4
    for error in errors:
        chain = [error, error.__cause__, error.__context__]
        assert all(telegram.token not in str(part) for part in chain if part is not None)


async def test_edit_replaces_text_and_buttons_and_tolerates_no_change(
    telegram: FakeTelegram, sender: TelegramSender
) -> None:
    sent = await sender.send("42", ALERT)
    muted = TelegramMessage(text="<i>24 घंटे के लिए म्यूट किया गया</i>")
    edited = await sender.edit("42", sent.platform_message_id, muted)
    again = await sender.edit("42", sent.platform_message_id, muted)
    assert edited.platform_message_id == again.platform_message_id == sent.platform_message_id
    assert [e.text for e in telegram.edits()] == ["24 घंटे के लिए म्यूट किया गया"]
    with pytest.raises(RejectedMessage, match="Message to edit not found"):
        await sender.edit("42", "999", muted)
    with pytest.raises(RejectedMessage):
        await sender.edit("42", "abc", muted)
