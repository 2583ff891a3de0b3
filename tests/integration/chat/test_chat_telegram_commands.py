"""The Telegram chat adapter through python-telegram-bot 22 against the fake Bot API (polling).

One Runtime (real SQLite, real feed polling) serves the whole module; each test uses its own
chats, users and query words. Covers private chats in English and Hindi, groups (admin and
non-admin), ``/cmd@bot`` addressing, forum topics, channels, button presses, ``my_chat_member``
and the published command menus.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.adapters.telegram.chat import MENU_COMMANDS
from bot.app import Runtime
from bot.domain.i18n import t
from bot.domain.models import Platform
from tests.fakes.telegram_server import FakeTelegram
from tests.integration.chat.chat_harness import (
    NewsFeed,
    ask,
    chat_row,
    running_runtime,
    subscriptions,
    wait_until,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtime(
    tmp_path_factory: pytest.TempPathFactory,
    feed: NewsFeed,
    telegram_env: dict[str, str],
) -> AsyncIterator[Runtime]:
    async with running_runtime(tmp_path_factory.mktemp("tg"), feed, telegram_env) as running:
        yield running


async def _run_all_commands(
    telegram: FakeTelegram,
    runtime: Runtime,
    chat: int,
    feed: NewsFeed,
    expected: list[tuple[str, str]],
) -> None:
    """Every command once in a private chat; ``expected`` maps command → a phrase of its reply."""
    for command, phrase in expected:
        text = command.replace("{feed}", feed.url.replace("/rss", "/extra.xml"))
        (reply,) = await ask(telegram, chat, text, chat)
        assert reply.parse_mode == "HTML"
        assert phrase in reply.plain_text, (command, reply.plain_text)
        assert "Sorry, something went wrong" not in reply.plain_text
        assert "कुछ गड़बड़ हो गई" not in reply.plain_text


async def test_subscription_and_setting_commands_in_a_private_chat_in_english(
    runtime: Runtime, telegram: FakeTelegram, feed: NewsFeed
) -> None:
    chat = 510_001
    telegram.add_user(chat, first_name="Meera", language_code="en")
    telegram.add_chat(chat, type="private", first_name="Meera")
    await _run_all_commands(
        telegram,
        runtime,
        chat,
        feed,
        [
            ("/start", "I'm Khabardar"),
            ("/help", "What I can do"),
            ("/track pangolin smuggling", "Tracking #1"),
            ('/track "solar tariff" -cricket', "Tracking #2"),
            ("/track pangolin smuggling", "already tracking this as #1"),
            ("/list", "Tracked in this chat (2)"),
            ("/mute 1 8h", "#1 is muted until"),
            ("/unmute 1", "#1 is back on"),
            ("/untrack 2", "Stopped tracking #2"),
            ("/lang en", "I'll write in English"),
            ("/tz Europe/London", "Time zone set to Europe/London"),
            ("/quiet 22:00-07:00", "Quiet hours 22:00"),
            ("/quiet off", "Quiet hours are off"),
            ("/pause", "paused"),
            ("/resume", "back on"),
            ("/digest daily 08:30", "Daily digest at 08:30"),
            ("/digest off", "Digest is off"),
        ],
    )
    rows = await subscriptions(runtime, Platform.TELEGRAM, chat)
    assert [r.query_text for r in rows] == ["pangolin smuggling"]
    stored = await chat_row(runtime, Platform.TELEGRAM, chat)
    assert stored is not None and stored.timezone == "Europe/London" and stored.lang == "en"
    assert stored.digest_schedule == "off" and not stored.paused and stored.quiet_hours is None
    (confirm,) = await ask(telegram, chat, "/untrack all", chat)
    assert "Remove the 1 subscription" in confirm.plain_text
    datas = [b.get("callback_data") for row in confirm.button_rows() for b in row]
    assert "untrack_all" in datas and "cancel" in datas


async def test_source_why_and_error_commands_in_a_private_chat_in_english(
    runtime: Runtime, telegram: FakeTelegram, feed: NewsFeed
) -> None:
    chat = 510_011
    telegram.add_user(chat, first_name="Tara", language_code="en-GB")
    telegram.add_chat(chat, type="private", first_name="Tara")
    await _run_all_commands(
        telegram,
        runtime,
        chat,
        feed,
        [
            ("/sources", "News sources"),
            ("/addsource {feed}", "Added"),
            ("/addsource https://127.0.0.1:1/x y", "isn't a web address"),
            ("/why", "No alerts in this chat yet"),
            ("/why https://nowhere.example/a", "haven't seen that article"),
            ("/why 4", "There's no alert #4"),
            ("/frobnicate", "I don't know /frobnicate"),
            ("/track", "Usage"),
            ("/mute 1 forever", "as a duration"),
            ("/tz Mars/Olympus", "I don't know the time zone"),
            ("/quiet 25:00-07:00", "isn't a time of day"),
            ("/digest fortnightly", "as a digest schedule"),
            ("/lang fr", "I speak Hindi and English only"),
            ("hello there", "I only understand commands"),
        ],
    )
    (listing,) = await ask(telegram, chat, "/sources", chat)
    numbers = [
        int(line.split(".", 1)[0]) for line in listing.plain_text.splitlines() if line[:1].isdigit()
    ]
    assert len(numbers) == 2, listing.plain_text  # the configured feed and the added one
    (removed,) = await ask(telegram, chat, f"/removesource {max(numbers)}", chat)
    assert f"Removed source #{max(numbers)}" in removed.plain_text
    (kept,) = await ask(telegram, chat, f"/removesource {min(numbers)}", chat)
    assert "configuration file" in kept.plain_text


async def test_every_command_in_a_private_chat_in_hindi(
    runtime: Runtime, telegram: FakeTelegram, feed: NewsFeed
) -> None:
    chat = 510_002
    telegram.add_user(chat, first_name="आशा", language_code="hi")
    telegram.add_chat(chat, type="private", first_name="आशा")
    await _run_all_commands(
        telegram,
        runtime,
        chat,
        feed,
        [
            ("/start", "मैं खबरदार हूँ"),
            ("/help", "मैं ये सब कर सकता हूँ"),
            ("/track टिकटॉक बैन", "ट्रैकिंग #1 शुरू"),
            ('/track "डेटा लीक" -क्रिकेट', "ट्रैकिंग #2 शुरू"),
            ("/list", "इस चैट में ट्रैक हो रहा है (2)"),
            ("/mute 1 2 घंटे", "#1 को"),
            ("/unmute 1", "#1 फिर से चालू है"),
            ("/untrack 2", "#2 की ट्रैकिंग बंद कर दी"),
            ("/tz Asia/Kolkata", "टाइम ज़ोन Asia/Kolkata कर दिया"),
            ("/quiet 23:00-06:00", "शांत समय 23:00"),
            ("/pause", "सारे अलर्ट रोक दिए"),
            ("/resume", "अलर्ट फिर से शुरू हो गए"),
            ("/digest hourly", "हर घंटे"),
            ("/sources", "खबरों के स्रोत"),
            ("/why", "अभी तक कोई अलर्ट नहीं आया"),
            ("/untrack all", "इस चैट की 1 ट्रैकिंग हटा दूँ?"),
            ("/trak बाढ़", "क्या आप /track लिखना चाहते थे"),
            ("/lang en", "I'll write in English"),
        ],
    )
    stored = await chat_row(runtime, Platform.TELEGRAM, chat)
    assert stored is not None and stored.lang == "en"  # the last /lang switched it
    (reply,) = await ask(telegram, chat, "/lang hi", chat)
    assert "अब से इस चैट में हिंदी में" in reply.plain_text


async def test_group_admin_may_track_non_admin_is_refused_anyone_may_list(
    runtime: Runtime, telegram: FakeTelegram
) -> None:
    group, admin, member = -520_001, 520_101, 520_102
    telegram.add_user(admin, first_name="Ravi", language_code="en")
    telegram.add_user(member, first_name="Sunil", language_code="en")
    telegram.add_chat(group, type="group", title="Ward 12 residents", admins=[admin])
    (ok,) = await ask(telegram, group, "/track water logging", admin)
    assert "Tracking #1: water logging" in ok.plain_text
    (refused,) = await ask(telegram, group, "/track pothole repairs", member)
    assert "only this chat's admins can change that" in refused.plain_text
    (refused_untrack,) = await ask(telegram, group, "/untrack 1", member)
    assert "only this chat's admins" in refused_untrack.plain_text
    rows = await subscriptions(runtime, Platform.TELEGRAM, group)
    assert [r.query_text for r in rows] == ["water logging"]  # nothing stored for the member
    (listing,) = await ask(telegram, group, "/list", member)
    assert "1. water logging" in listing.plain_text
    assert telegram.calls("getChatMember"), "the admin check asks Telegram"


async def test_command_addressed_to_this_bot_works_and_to_another_bot_is_ignored(
    runtime: Runtime, telegram: FakeTelegram
) -> None:
    group, admin = -1_005_300_001, 530_101
    telegram.add_user(admin, first_name="Kavya", language_code="en")
    telegram.add_chat(group, type="supergroup", title="Newsroom", admins=[admin])
    (ok,) = await ask(telegram, group, "/track@khabardar_bot river pollution", admin)
    assert "Tracking #1: river pollution" in ok.plain_text
    telegram.push_message(group, "/track@other_bot stock tips", admin)
    (listing,) = await ask(telegram, group, "/list@KhabarDar_Bot", admin)
    assert "river pollution" in listing.plain_text
    await asyncio.sleep(0.3)  # any answer to the other bot's command would have arrived
    assert len(telegram.messages(group)) == 2
    rows = await subscriptions(runtime, Platform.TELEGRAM, group)
    assert [r.query_text for r in rows] == ["river pollution"]


async def test_forum_topic_subscription_keeps_its_thread_and_alerts_go_there(
    runtime: Runtime, telegram: FakeTelegram, feed: NewsFeed
) -> None:
    forum, admin, topic = -1_005_400_001, 540_101, 7
    telegram.add_user(admin, first_name="Farhan", language_code="en")
    telegram.add_chat(
        forum, type="supergroup", title="Desk", is_forum=True, topics=[topic], admins=[admin]
    )
    (ok,) = await ask(telegram, forum, "/track zeppelin museum", admin, thread_id=topic)
    assert ok.message_thread_id == topic
    assert "Tracking #1" in ok.plain_text and "this thread" in ok.plain_text
    (row,) = await subscriptions(runtime, Platform.TELEGRAM, forum)
    assert row.thread_id == str(topic)
    await asyncio.sleep(1.2)  # the subscription is older than the next article
    feed.publish(
        "Zeppelin museum opens in Pune",
        "A zeppelin museum opened its doors on Sunday with a restored airship gondola.",
    )
    messages = await telegram.wait_for_messages(2, chat_id=forum, timeout=15)
    alert = messages[1]
    assert "Zeppelin museum opens in Pune" in alert.plain_text
    assert alert.message_thread_id == topic


async def test_channel_commands_arrive_as_channel_posts_and_work(
    runtime: Runtime, telegram: FakeTelegram
) -> None:
    channel = -1_005_500_001
    telegram.add_chat(channel, type="channel", title="City Alerts", bot_is_admin=True)
    (ok,) = await ask(telegram, channel, "/track metro fares", channel=True)
    assert "Tracking #1: metro fares" in ok.plain_text
    (listing,) = await ask(telegram, channel, "/list", channel=True)
    assert "1. metro fares" in listing.plain_text
    stored = await chat_row(runtime, Platform.TELEGRAM, channel)
    assert stored is not None and stored.kind.value == "channel"
    assert [r.query_text for r in await subscriptions(runtime, Platform.TELEGRAM, channel)] == [
        "metro fares"
    ]


async def test_alert_buttons_and_untrack_all_confirmation_are_answered_and_edit_the_message(
    runtime: Runtime, telegram: FakeTelegram, feed: NewsFeed
) -> None:
    chat = 560_001
    telegram.add_user(chat, first_name="Neha", language_code="en")
    telegram.add_chat(chat, type="private", first_name="Neha")
    await ask(telegram, chat, "/track quokka sanctuary", chat)
    await ask(telegram, chat, "/track glacier survey", chat)
    await asyncio.sleep(1.2)
    feed.publish(
        "Quokka sanctuary planned near Shimla",
        "Officials said the quokka sanctuary would open next spring.",
    )
    messages = await telegram.wait_for_messages(3, chat_id=chat, timeout=15)
    alert = messages[2]
    buttons = {
        str(b.get("callback_data")).split(":")[0]: b for row in alert.button_rows() for b in row
    }
    assert {"mute", "untrack"} <= set(buttons)

    answers, edits = len(telegram.callback_answers()), len(telegram.edits())
    telegram.push_callback_query(
        chat, chat, buttons["mute"]["callback_data"], message_id=alert.message_id
    )
    await wait_until(lambda: len(telegram.edits()) > edits)
    answer = telegram.callback_answers()[answers]
    assert answer.text is not None and "#1 is muted until" in answer.text
    # the alert keeps its text: only its buttons change (Open stays, Unmute replaces Mute)
    edit = telegram.edits()[edits]
    assert edit.method == "editmessagereplymarkup" and edit.message_id == alert.message_id
    assert edit.reply_markup is not None
    rows = edit.reply_markup["inline_keyboard"]
    assert rows[0] == alert.button_rows()[0] and "url" in rows[0][0]
    assert [b["callback_data"] for b in rows[1]] == [
        f"unmute:{buttons['mute']['callback_data'].split(':')[1]}"
    ]
    (row, _) = await subscriptions(runtime, Platform.TELEGRAM, chat)
    assert row.muted_until is not None

    answers, edits = len(telegram.callback_answers()), len(telegram.edits())
    telegram.push_callback_query(
        chat, chat, buttons["untrack"]["callback_data"], message_id=alert.message_id
    )
    await wait_until(lambda: len(telegram.edits()) > edits)
    toast = telegram.callback_answers()[answers].text or ""
    assert toast == "Stopped tracking #1: quokka sanctuary"
    untracked = telegram.edits()[edits]
    assert untracked.method == "editmessagereplymarkup"
    assert untracked.reply_markup is not None
    assert untracked.reply_markup["inline_keyboard"] == [alert.button_rows()[0]]  # only Open
    assert not [e for e in telegram.edits() if e.method == "editmessagetext"]
    assert [r.query_text for r in await subscriptions(runtime, Platform.TELEGRAM, chat)] == [
        "glacier survey"
    ]

    await ask(telegram, chat, "/track tea auction", chat)
    (confirm,) = await ask(telegram, chat, "/untrack all", chat)
    assert "Remove all 2 subscriptions" in confirm.plain_text
    answers, edits = len(telegram.callback_answers()), len(telegram.edits())
    telegram.push_callback_query(chat, chat, "untrack_all", message_id=confirm.message_id)
    await wait_until(lambda: len(telegram.edits()) > edits)
    assert telegram.callback_answers()[answers].text
    assert "Removed all 2 subscriptions" in (telegram.edits()[edits].text or "")
    assert await subscriptions(runtime, Platform.TELEGRAM, chat) == []

    answers = len(telegram.callback_answers())
    telegram.push_callback_query(chat, chat, "mute:999999:8h", message_id=confirm.message_id)
    await wait_until(lambda: len(telegram.callback_answers()) > answers)
    assert telegram.callback_answers()[answers].text == "This button no longer works."


async def test_bot_added_to_a_group_welcomes_and_kicked_makes_the_chat_inactive(
    runtime: Runtime, telegram: FakeTelegram, feed: NewsFeed
) -> None:
    group, admin, control = -570_001, 570_101, 570_002
    telegram.add_user(admin, first_name="Iqbal", language_code="hi")
    telegram.add_chat(group, type="group", title="मोहल्ला समाचार", admins=[admin])
    telegram.add_user(control, first_name="Leela", language_code="en")
    telegram.add_chat(control, type="private", first_name="Leela")
    before = len(telegram.messages(group))
    telegram.push_my_chat_member(group, admin, old_status="left", new_status="member")
    (welcome,) = (await telegram.wait_for_messages(before + 1, chat_id=group))[before:]
    assert "नमस्ते! मैं खबरदार हूँ" in welcome.plain_text  # the adder's language
    stored = await chat_row(runtime, Platform.TELEGRAM, group)
    assert stored is not None and stored.active

    await ask(telegram, group, "/track okapi calf", admin)
    await ask(telegram, control, "/track okapi calf", control)
    telegram.push_my_chat_member(group, admin, old_status="member", new_status="kicked")

    async def inactive() -> bool:
        row = await chat_row(runtime, Platform.TELEGRAM, group)
        return row is not None and not row.active

    await wait_until(inactive)
    sent_to_group = len(telegram.messages(group))
    tried = _send_attempts(telegram, group)
    await asyncio.sleep(1.2)
    feed.publish("Okapi calf born at Mysuru zoo", "The zoo announced the okapi calf on Monday.")
    control_messages = await telegram.wait_for_messages(2, chat_id=control, timeout=15)
    assert "Okapi calf born" in control_messages[1].plain_text
    await asyncio.sleep(0.5)
    assert len(telegram.messages(group)) == sent_to_group  # nothing more to the kicked group
    assert _send_attempts(telegram, group) == tried, "the inactive chat is not even tried"


def _send_attempts(telegram: FakeTelegram, chat_id: int) -> int:
    return sum(
        1 for c in telegram.calls("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)
    )


async def test_command_menus_are_published_in_english_and_hindi(
    runtime: Runtime, telegram: FakeTelegram
) -> None:
    english = telegram.commands()
    hindi = telegram.commands(language_code="hi")
    assert [c["command"] for c in english] == list(MENU_COMMANDS)
    assert [c["command"] for c in hindi] == list(MENU_COMMANDS)
    assert english[2]["description"] == t("menu.track", "en")
    assert hindi[2]["description"] == t("menu.track", "hi")
    assert all(c["description"] != h["description"] for c, h in zip(english, hindi, strict=True))
