"""FakeTelegram speaks the Bot API wire protocol: envelopes, encodings, errors, limits, updates.

Raw HTTP (aiohttp) checks the exact bytes a client sees; the real python-telegram-bot ``Bot``
checks that what the fake returns de-serialises; the Bot API 10.0 spec checks required fields.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.fakes.faults import RandomFaults
from tests.fakes.rate_limits import ManualClock
from tests.fakes.telegram_objects import ChatFault
from tests.fakes.telegram_server import FakeTelegram, TelegramRateLimits

HINDI_HEADLINE = "सरकार ने टिकटॉक पर लगी पाबंदी की समीक्षा का आदेश दिया"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    tg: FakeTelegram,
    method: str,
    *,
    form: dict[str, str] | None = None,
    json_body: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
    token: str | None = None,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    async with http.post(
        tg.method_url(method, token=token), data=form, json=json_body, params=query
    ) as response:
        return response.status, await response.json(), dict(response.headers)


# ---------------------------------------------------------------------- envelopes and encodings


async def test_success_envelope_and_all_three_encodings(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await call(http, telegram, "sendMessage", form={"chat_id": "42", "text": "a"})
    assert status == 200 and body["ok"] is True and body["result"]["text"] == "a"
    _, body, _ = await call(http, telegram, "sendMessage", json_body={"chat_id": 42, "text": "b"})
    assert body["result"]["text"] == "b"
    _, body, _ = await call(http, telegram, "sendMessage", query={"chat_id": "42", "text": "c"})
    assert body["result"]["text"] == "c"
    assert [m.message_id for m in telegram.messages(42)] == [1, 2, 3]


async def test_method_names_are_case_insensitive(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await call(http, telegram, "SENDMESSAGE", form={"chat_id": "7", "text": "x"})
    assert status == 200 and body["ok"] is True
    assert telegram.calls("sendMessage")[0].method == "sendmessage"


async def test_error_envelope_is_exact(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    status, body, _ = await call(http, telegram, "sendMessage", form={"chat_id": "42"})
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }


async def test_wrong_token_and_unknown_method(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await call(http, telegram, "getMe", token="123456:wrong-token-value")
    assert (status, body["description"], body["error_code"]) == (401, "Unauthorized", 401)
    status, body, _ = await call(http, telegram, "getMe", token="not-a-token")
    assert (status, body["description"]) == (404, "Not Found")
    status, body, _ = await call(http, telegram, "sendPhotoAlbum")
    assert (status, body["description"]) == (404, "Not Found")


# ---------------------------------------------------------------------- sendMessage rules


@pytest.mark.parametrize(
    ("text", "description"),
    [
        (
            "<b>अधूरी खबर",
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            "मूल्य < 5 रुपये",
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 16',
        ),
        (
            "<script>x</script>",
            'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 0',
        ),
        ("<b></b>", "Bad Request: message must be non-empty"),
    ],
)
async def test_html_is_validated_like_telegram(
    telegram: FakeTelegram, http: aiohttp.ClientSession, text: str, description: str
) -> None:
    status, body, _ = await call(
        http, telegram, "sendMessage", form={"chat_id": "42", "text": text, "parse_mode": "HTML"}
    )
    assert (status, body["description"]) == (400, description)
    assert telegram.messages() == []


async def test_valid_html_is_stored_with_entities(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    text = f'<b>{HINDI_HEADLINE}</b>\n<a href="https://example.in/x?a=1&amp;b=2">पूरी ख़बर</a> AT&T'
    _, body, _ = await call(
        http, telegram, "sendMessage", form={"chat_id": "42", "text": text, "parse_mode": "html"}
    )
    result = body["result"]
    assert result["text"] == f"{HINDI_HEADLINE}\nपूरी ख़बर AT&T"
    assert [e["type"] for e in result["entities"]] == ["bold", "text_link"]
    assert result["entities"][1]["url"] == "https://example.in/x?a=1&b=2"
    [sent] = telegram.messages(42)
    assert sent.text == text and sent.plain_text == result["text"] and sent.parse_mode == "html"


async def test_4096_limit_counts_utf16_units_after_parsing(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    async def send(text: str) -> tuple[int, str | None]:
        status, body, _ = await call(
            http, telegram, "sendMessage", form={"chat_id": "5", "text": text, "parse_mode": "HTML"}
        )
        return status, body.get("description")

    assert await send("<b>" + "क" * 4096 + "</b>") == (200, None)  # markup does not count
    assert await send("&amp;" * 4096) == (200, None)  # each entity is one character
    assert await send("क" * 4097) == (400, "Bad Request: message is too long")
    assert await send("😀" * 2048) == (200, None)  # 2048 emoji = 4096 UTF-16 units
    assert await send("😀" * 2049) == (400, "Bad Request: message is too long")
    assert await send("ख" * 11000) == (400, "Bad Request: text is too long")  # > 32768 bytes


async def test_reply_markup_is_checked(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    def markup(button: dict[str, Any]) -> str:
        return json.dumps({"inline_keyboard": [[button]]})

    cases = [
        ({"text": "x", "callback_data": "m" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x"}, "Bad Request: text buttons are unallowed in the inline keyboard"),
    ]
    for button, description in cases:
        _, body, _ = await call(
            http,
            telegram,
            "sendMessage",
            form={"chat_id": "42", "text": "x", "reply_markup": markup(button)},
        )
        assert body["description"] == description
    _, body, _ = await call(
        http,
        telegram,
        "sendMessage",
        form={"chat_id": "42", "text": "x", "reply_markup": "{not json"},
    )
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    ok_button = {"text": "म्यूट", "callback_data": "mute:" + "९" * 19}  # 64 bytes exactly
    _, body, _ = await call(
        http,
        telegram,
        "sendMessage",
        form={"chat_id": "42", "text": "x", "reply_markup": markup(ok_button)},
    )
    assert (
        body["ok"] is True and body["result"]["reply_markup"]["inline_keyboard"][0][0] == ok_button
    )


@pytest.mark.parametrize(
    ("chat_id", "chat_type", "fault", "status", "description"),
    [
        (11, "private", ChatFault.BLOCKED, 403, "Forbidden: bot was blocked by the user"),
        (12, "private", ChatFault.DEACTIVATED, 403, "Forbidden: user is deactivated"),
        (
            13,
            "private",
            ChatFault.NOT_STARTED,
            403,
            "Forbidden: bot can't initiate conversation with a user",
        ),
        (-14, "group", ChatFault.KICKED, 403, "Forbidden: bot was kicked from the group chat"),
        (
            -1000000000015,
            "supergroup",
            ChatFault.KICKED,
            403,
            "Forbidden: bot was kicked from the supergroup chat",
        ),
        (
            -1000000000016,
            "channel",
            ChatFault.KICKED,
            403,
            "Forbidden: bot was kicked from the channel chat",
        ),
        (
            -1000000000017,
            "supergroup",
            ChatFault.NOT_MEMBER,
            403,
            "Forbidden: bot is not a member of the supergroup chat",
        ),
        (18, "private", ChatFault.NOT_FOUND, 400, "Bad Request: chat not found"),
    ],
)
async def test_per_chat_faults_answer_with_telegrams_exact_text(
    telegram: FakeTelegram,
    http: aiohttp.ClientSession,
    chat_id: int,
    chat_type: str,
    fault: ChatFault,
    status: int,
    description: str,
) -> None:
    telegram.add_chat(chat_id, type=chat_type)
    telegram.set_chat_fault(chat_id, fault)
    got_status, body, _ = await call(
        http, telegram, "sendMessage", form={"chat_id": str(chat_id), "text": "x"}
    )
    assert (got_status, body) == (
        status,
        {"ok": False, "error_code": status, "description": description},
    )


async def test_migrated_group_names_the_new_supergroup(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    telegram.set_chat_fault(-555, ChatFault.MIGRATED, migrate_to_chat_id=-1001234567890)
    status, body, _ = await call(
        http, telegram, "sendMessage", form={"chat_id": "-555", "text": "x"}
    )
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -1001234567890},
    }
    status, body, _ = await call(
        http, telegram, "sendMessage", form={"chat_id": "-1001234567890", "text": "x"}
    )
    assert status == 200 and body["result"]["chat"]["type"] == "supergroup"


async def test_strict_chats_and_usernames(http: aiohttp.ClientSession) -> None:
    async with FakeTelegram(rate_limits=None, strict_chats=True) as tg:
        _, body, _ = await call(http, tg, "sendMessage", form={"chat_id": "99", "text": "x"})
        assert body["description"] == "Bad Request: chat not found"
        tg.add_chat(-1000000000077, type="channel", title="खबरें", username="khabar_channel")
        _, body, _ = await call(
            http, tg, "sendMessage", form={"chat_id": "@khabar_channel", "text": "x"}
        )
        assert body["ok"] is True
        assert body["result"]["sender_chat"]["title"] == "खबरें" and "from" not in body["result"]


async def test_forum_topics(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    telegram.add_chat(-1000000000100, is_forum=True, topics=[7])
    _, body, _ = await call(
        http,
        telegram,
        "sendMessage",
        form={"chat_id": "-1000000000100", "text": "x", "message_thread_id": "7"},
    )
    assert body["result"]["message_thread_id"] == 7 and body["result"]["is_topic_message"]
    _, body, _ = await call(
        http,
        telegram,
        "sendMessage",
        form={"chat_id": "-1000000000100", "text": "x", "message_thread_id": "8"},
    )
    assert body["description"] == "Bad Request: message thread not found"
    assert telegram.messages()[0].message_thread_id == 7


async def test_edit_and_callback_flow(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    keyboard = json.dumps({"inline_keyboard": [[{"text": "म्यूट", "callback_data": "mute:1"}]]})
    _, sent, _ = await call(
        http,
        telegram,
        "sendMessage",
        form={"chat_id": "42", "text": "खबर", "reply_markup": keyboard},
    )
    message_id = str(sent["result"]["message_id"])
    update = telegram.push_callback_query(42, 42, "mute:1")
    query_id = update["callback_query"]["id"]
    assert update["callback_query"]["message"]["message_id"] == int(message_id)
    _, body, _ = await call(
        http, telegram, "answerCallbackQuery", form={"callback_query_id": query_id, "text": "ठीक है"}
    )
    assert body == {"ok": True, "result": True}
    _, body, _ = await call(
        http, telegram, "answerCallbackQuery", form={"callback_query_id": query_id}
    )
    assert body["description"].startswith("Bad Request: query is too old")
    _, body, _ = await call(
        http,
        telegram,
        "editMessageText",
        form={
            "chat_id": "42",
            "message_id": message_id,
            "text": "<i>म्यूट किया</i>",
            "parse_mode": "HTML",
        },
    )
    assert body["result"]["text"] == "म्यूट किया" and "reply_markup" not in body["result"]
    _, body, _ = await call(
        http,
        telegram,
        "editMessageText",
        form={
            "chat_id": "42",
            "message_id": message_id,
            "text": "<i>म्यूट किया</i>",
            "parse_mode": "HTML",
        },
    )
    assert body["description"].startswith("Bad Request: message is not modified")
    _, body, _ = await call(
        http,
        telegram,
        "editMessageReplyMarkup",
        form={"chat_id": "42", "message_id": message_id, "reply_markup": keyboard},
    )
    assert body["result"]["reply_markup"] == json.loads(keyboard)
    _, body, _ = await call(http, telegram, "editMessageText", form={"chat_id": "42", "text": "x"})
    assert body["description"] == "Bad Request: message identifier is not specified"
    _, body, _ = await call(
        http, telegram, "editMessageText", form={"chat_id": "42", "message_id": "999", "text": "x"}
    )
    assert body["description"] == "Bad Request: message to edit not found"
    assert [e.method for e in telegram.edits()] == ["editmessagetext", "editmessagereplymarkup"]
    assert [a.text for a in telegram.callback_answers()] == ["ठीक है"]


# ---------------------------------------------------------------------- rate limits


async def test_per_chat_burst_then_429_with_retry_after(http: aiohttp.ClientSession) -> None:
    limits = TelegramRateLimits(per_chat_per_s=1.0, per_chat_burst=2)
    clock = ManualClock()
    async with FakeTelegram(rate_limits=limits, clock=clock) as tg:
        statuses = []
        for _ in range(3):
            status, body, headers = await call(
                http, tg, "sendMessage", form={"chat_id": "1", "text": "x"}
            )
            statuses.append(status)
        assert statuses == [200, 200, 429]
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        assert headers["Retry-After"] == "1"
        status, _, _ = await call(http, tg, "sendMessage", form={"chat_id": "2", "text": "x"})
        assert status == 200  # another chat is unaffected
        assert tg.http_429_count == 1 and tg.stats()["rate_limited_429"] == 1
        assert len(tg.messages()) == 3  # refused sends are not recorded as messages
        clock.advance(1.0)  # one token back after retry_after
        status, _, _ = await call(http, tg, "sendMessage", form={"chat_id": "1", "text": "x"})
        assert status == 200


async def test_group_window_and_global_ceiling(http: aiohttp.ClientSession) -> None:
    limits = TelegramRateLimits(
        per_chat_per_s=100.0,
        per_chat_burst=100,
        group_limit=3,
        group_period_s=30.0,
        global_limit=5,
        global_period_s=30.0,
    )
    clock = ManualClock()
    async with FakeTelegram(rate_limits=limits, clock=clock) as tg:
        group = [
            (await call(http, tg, "sendMessage", form={"chat_id": "-77", "text": "x"}))[0]
            for _ in range(4)
        ]
        assert group == [200, 200, 200, 429]
        others = [
            (await call(http, tg, "sendMessage", form={"chat_id": str(500 + i), "text": "x"}))[0]
            for i in range(3)
        ]
        assert others == [200, 200, 429]  # 5 accepted in the window, bot-wide
        clock.advance(10)
        _, body, _ = await call(http, tg, "sendMessage", form={"chat_id": "600", "text": "x"})
        assert body["parameters"]["retry_after"] == 20  # the first send leaves the window at 30
        clock.advance(20)
        status, _, _ = await call(http, tg, "sendMessage", form={"chat_id": "600", "text": "x"})
        assert status == 200


# ---------------------------------------------------------------------- updates


async def test_long_poll_waits_for_a_pushed_update(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    poll = asyncio.create_task(call(http, telegram, "getUpdates", form={"timeout": "5"}))
    await asyncio.sleep(0.2)
    assert not poll.done()
    pushed = telegram.push_message(-1000000000042, '/track@khabardar_bot "डेटा लीक"', 111)
    status, body, _ = await asyncio.wait_for(poll, 3)
    assert status == 200 and [u["update_id"] for u in body["result"]] == [pushed["update_id"]]
    message = body["result"][0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    # Confirming with offset = last + 1 drops it; an empty poll with timeout 0 returns [].
    _, body, _ = await call(
        http, telegram, "getUpdates", form={"offset": str(pushed["update_id"] + 1), "timeout": "0"}
    )
    assert body["result"] == [] and telegram.pending_updates() == []


async def test_allowed_updates_filter_and_limit(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    telegram.push_message(5, "नमस्ते", 5)
    telegram.push_my_chat_member(-100, 9, old_status="left", new_status="member")
    telegram.push_channel_post(-1000000000009, "/sources")
    _, body, _ = await call(
        http,
        telegram,
        "getUpdates",
        form={"allowed_updates": json.dumps(["my_chat_member", "channel_post"]), "limit": "1"},
    )
    assert [next(k for k in u if k != "update_id") for u in body["result"]] == ["my_chat_member"]


async def test_a_second_poller_terminates_the_first(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    first = asyncio.create_task(call(http, telegram, "getUpdates", form={"timeout": "5"}))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(call(http, telegram, "getUpdates", form={"timeout": "0"}))
    status, body, _ = await asyncio.wait_for(first, 3)
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
        "is running"
    )
    status, body, _ = await asyncio.wait_for(second, 3)
    assert status == 200 and body["result"] == []


async def test_webhook_delivery_with_secret_and_conflict_with_polling(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    answers = iter([500, 200, 200])

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=next(answers))

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    telegram.updates.webhook_retry_s = 0.1
    try:
        _, body, _ = await call(
            http, telegram, "setWebhook", form={"url": url, "secret_token": "s3cret_token-1"}
        )
        assert body == {"ok": True, "result": True}
        _, body, _ = await call(http, telegram, "getUpdates")
        assert body["error_code"] == 409 and body["description"].startswith("Conflict: can't use")
        update = telegram.push_message(42, "/start", 42)
        for _ in range(50):
            if telegram.pending_updates() == []:
                break
            await asyncio.sleep(0.05)
        assert [payload["update_id"] for _, payload in received] == [update["update_id"]] * 2
        assert {secret for secret, _ in received} == {"s3cret_token-1"}
        _, info, _ = await call(http, telegram, "getWebhookInfo")
        assert info["result"]["url"] == url and info["result"]["pending_update_count"] == 0
        assert "500" in info["result"]["last_error_message"]
        _, body, _ = await call(
            http, telegram, "setWebhook", form={"url": url, "secret_token": "bad token!"}
        )
        assert body["description"] == "Bad Request: secret token contains unallowed characters"
        await call(http, telegram, "deleteWebhook")
        _, body, _ = await call(http, telegram, "getUpdates")
        assert body["ok"] is True
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------------- commands and members


async def test_bot_commands_per_language_and_validation(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    hindi = [{"command": "/track", "description": "ख़बरों पर नज़र रखें"}]
    _, body, _ = await call(
        http, telegram, "setMyCommands", form={"commands": json.dumps(hindi), "language_code": "hi"}
    )
    assert body == {"ok": True, "result": True}
    assert telegram.commands(language_code="hi") == [
        {"command": "track", "description": "ख़बरों पर नज़र रखें"}
    ]
    assert telegram.commands() == []  # the default language is separate
    invalid = [
        (
            {"commands": json.dumps(hindi), "language_code": "hin"},
            "invalid language code specified",
        ),
        ({"commands": json.dumps(hindi), "language_code": "HI"}, "invalid language code specified"),
        (
            {"commands": json.dumps([{"command": "Track", "description": "x"}])},
            "BOT_COMMAND_INVALID",
        ),
        (
            {"commands": json.dumps([{"command": "track-news", "description": "x"}])},
            "BOT_COMMAND_INVALID",
        ),
        (
            {"commands": json.dumps([{"command": "t" * 33, "description": "x"}])},
            "command length must not exceed 32",
        ),
        (
            {"commands": json.dumps([{"command": "t", "description": " "}])},
            "command description must be non-empty",
        ),
        (
            {"commands": json.dumps([{"command": "t", "description": "d" * 257}])},
            "command description length must not exceed 256",
        ),
        (
            {
                "commands": json.dumps(
                    [{"command": f"c{i}", "description": "x"} for i in range(101)]
                )
            },
            "BOT_COMMANDS_TOO_MUCH",
        ),
    ]
    for form, detail in invalid:
        _, body, _ = await call(http, telegram, "setMyCommands", form=form)
        assert body["description"] == f"Bad Request: {detail}"
    scope = json.dumps({"type": "chat_administrators", "chat_id": -1000000000200})
    await call(
        http, telegram, "setMyCommands", form={"commands": json.dumps(hindi), "scope": scope}
    )
    _, body, _ = await call(http, telegram, "getMyCommands", form={"scope": scope})
    assert [c["command"] for c in body["result"]] == ["track"]
    await call(http, telegram, "deleteMyCommands", form={"scope": scope})
    _, body, _ = await call(http, telegram, "getMyCommands", form={"scope": scope})
    assert body["result"] == []


async def test_admins_per_chat(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    telegram.add_chat(-1000000000300, title="न्यूज़ डेस्क", admins=[21], creator=20)
    _, body, _ = await call(
        http, telegram, "getChatMember", form={"chat_id": "-1000000000300", "user_id": "21"}
    )
    assert body["result"]["status"] == "administrator"
    _, body, _ = await call(
        http, telegram, "getChatMember", form={"chat_id": "-1000000000300", "user_id": "22"}
    )
    assert body["result"]["status"] == "member"
    _, body, _ = await call(
        http, telegram, "getChatAdministrators", form={"chat_id": "-1000000000300"}
    )
    assert [(m["status"], m["user"]["id"]) for m in body["result"]] == [
        ("creator", 20),
        ("administrator", 21),
    ]
    telegram.set_admins(-1000000000300, [22])
    _, body, _ = await call(
        http, telegram, "getChatMember", form={"chat_id": "-1000000000300", "user_id": "22"}
    )
    assert body["result"]["status"] == "administrator"
    _, body, _ = await call(http, telegram, "getChatAdministrators", form={"chat_id": "42"})
    assert body["description"] == "Bad Request: there are no administrators in the private chat"


async def test_my_chat_member_changes_what_sends_do(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    update = telegram.push_my_chat_member(31, 31, old_status="member", new_status="kicked")
    assert update["my_chat_member"]["new_chat_member"] == {
        "status": "kicked",
        "user": telegram.bot_user,
        "until_date": 0,
    }
    _, body, _ = await call(http, telegram, "sendMessage", form={"chat_id": "31", "text": "x"})
    assert body["description"] == "Forbidden: bot was blocked by the user"
    telegram.push_my_chat_member(31, 31, old_status="kicked", new_status="member")
    _, body, _ = await call(http, telegram, "sendMessage", form={"chat_id": "31", "text": "x"})
    assert body["ok"] is True


# ---------------------------------------------------------------------- faults


async def test_random_faults_statistics_match_what_the_client_saw(
    http: aiohttp.ClientSession,
) -> None:
    faults = RandomFaults(
        seed=11, rate_limited=0.2, server_error=0.1, bad_gateway=0.1, disconnect=0.1
    )
    async with FakeTelegram(rate_limits=None, faults=faults) as tg:
        seen: dict[str, int] = {}
        for i in range(200):
            try:
                async with http.post(
                    tg.method_url("sendMessage"), data={"chat_id": str(i), "text": "x"}
                ) as response:
                    key = str(response.status)
                    await response.read()
            except aiohttp.ClientError:
                key = "dropped"
            seen[key] = seen.get(key, 0) + 1
        injected = tg.stats()["injected"]
        assert seen.get("429", 0) == injected["rate_limited"] == tg.http_429_count
        assert seen.get("500", 0) == injected["server_error"]
        assert seen.get("502", 0) == injected["bad_gateway"]
        assert seen.get("dropped", 0) == injected["disconnect"]
        assert seen["200"] == len(tg.messages()) == 200 - sum(injected.values())
        assert 20 <= injected["rate_limited"] <= 60 and injected["disconnect"] > 5
        # getMe is not a sending method: untouched by default.
        async with http.get(tg.method_url("getMe")) as response:
            assert response.status == 200


async def test_timeout_fault_never_answers(http: aiohttp.ClientSession) -> None:
    async with FakeTelegram(rate_limits=None, faults=RandomFaults(timeout=1.0, hang_s=5)) as tg:
        with pytest.raises(TimeoutError):
            async with http.post(
                tg.method_url("sendMessage"),
                data={"chat_id": "1", "text": "x"},
                timeout=aiohttp.ClientTimeout(total=0.3),
            ) as response:
                await response.read()
        tg.set_random_faults(None)
        async with http.post(tg.method_url("sendMessage"), data={"chat_id": "1", "text": "x"}) as r:
            assert r.status == 200


# ---------------------------------------------------------------------- the real client


async def test_python_telegram_bot_reads_every_reply(telegram: FakeTelegram) -> None:
    telegram.add_user(111, first_name="आशा", username="asha", language_code="hi")
    telegram.add_chat(-1000000000400, title="समाचार", is_forum=True, admins=[111])
    async with Bot(telegram.token, base_url=telegram.bot_base_url) as bot:
        assert bot.username == "khabardar_bot"
        chat = await bot.get_chat(-1000000000400)
        assert chat.title == "समाचार" and chat.is_forum
        member = await bot.get_chat_member(-1000000000400, 111)
        assert member.status == "administrator" and member.user.language_code == "hi"
        telegram.push_message(-1000000000400, "/track टिकटॉक", 111, thread_id=7)
        telegram.push_channel_post(-1000000000401, "/sources")
        telegram.push_my_chat_member(
            -1000000000402, 111, old_status="left", new_status="administrator"
        )
        sent = await bot.send_message(-1000000000400, "ठीक है", message_thread_id=7)
        telegram.push_callback_query(-1000000000400, 111, "untrack:3", message_id=sent.message_id)
        updates = await bot.get_updates(timeout=1)
        assert [type(u) for u in updates] == [Update] * 4
        assert updates[0].message is not None and updates[0].message.message_thread_id == 7
        assert updates[0].message.from_user is not None
        assert updates[0].message.from_user.first_name == "आशा"
        assert updates[1].channel_post is not None and updates[1].channel_post.text == "/sources"
        assert updates[2].my_chat_member is not None
        assert updates[2].my_chat_member.new_chat_member.status == "administrator"
        assert (
            updates[3].callback_query is not None and updates[3].callback_query.data == "untrack:3"
        )
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="abc")
        info = await bot.get_webhook_info()
        assert info.url == "http://127.0.0.1:9/hook"


# ---------------------------------------------------------------------- the spec


def spec_violations(spec: dict[str, Any], type_name: str, value: Any, path: str = "$") -> list[str]:
    """Where ``value`` breaks the Bot API spec for ``type_name`` (required and unknown fields)."""
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected an array"]
        inner = type_name[len("Array of ") :]
        return [
            v
            for i, item in enumerate(value)
            for v in spec_violations(spec, inner, item, f"{path}[{i}]")
        ]
    primitive = {
        "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "String": lambda v: isinstance(v, str),
        "Boolean": lambda v: isinstance(v, bool),
        "True": lambda v: v is True,
        "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    if type_name in primitive:
        return [] if primitive[type_name](value) else [f"{path}: expected {type_name}"]
    definition = spec["types"].get(type_name)
    if definition is None:
        return []
    if definition.get("subtypes"):
        options = [spec_violations(spec, sub, value, path) for sub in definition["subtypes"]]
        return [] if any(not o for o in options) else min(options, key=len)
    if not isinstance(value, dict):
        return [f"{path}: expected a {type_name} object"]
    fields = {f["name"]: f for f in definition.get("fields", [])}
    problems = [
        f"{path}: unknown field {name!r} in {type_name}" for name in value if name not in fields
    ]
    for name, field in fields.items():
        if name not in value:
            if field["required"]:
                problems.append(f"{path}: {type_name}.{name} is required")
            continue
        options = [spec_violations(spec, t, value[name], f"{path}.{name}") for t in field["types"]]
        if all(options):
            problems.extend(min(options, key=len))
        fixed = re.search(r'always "([^"]+)"', field.get("description", ""))
        if fixed and value[name] != fixed.group(1):
            problems.append(f"{path}.{name}: must be {fixed.group(1)!r} in {type_name}")
    return problems


async def test_every_reply_and_update_follows_the_bot_api_spec(
    telegram: FakeTelegram, http: aiohttp.ClientSession, telegram_spec: dict[str, Any]
) -> None:
    telegram.add_chat(-1000000000500, title="डेस्क", admins=[3], creator=2, is_forum=True)
    telegram.add_chat(-1000000000501, type="channel", title="चैनल")
    keyboard = json.dumps({"inline_keyboard": [[{"text": "खोलें", "url": "https://example.in"}]]})
    calls: list[tuple[str, dict[str, str]]] = [
        ("getMe", {}),
        (
            "sendMessage",
            {
                "chat_id": "-1000000000500",
                "text": "<b>ख़बर</b>",
                "parse_mode": "HTML",
                "reply_markup": keyboard,
                "message_thread_id": "3",
                "link_preview_options": json.dumps({"url": "https://example.in"}),
            },
        ),
        ("sendMessage", {"chat_id": "-1000000000501", "text": "चैनल पोस्ट"}),
        ("editMessageText", {"chat_id": "-1000000000500", "message_id": "1", "text": "नई ख़बर"}),
        ("getChat", {"chat_id": "-1000000000500"}),
        ("getChat", {"chat_id": "42"}),
        ("getChatMember", {"chat_id": "-1000000000500", "user_id": "2"}),
        ("getChatMember", {"chat_id": "-1000000000500", "user_id": "3"}),
        ("getChatMember", {"chat_id": "-1000000000500", "user_id": "4"}),
        ("getChatAdministrators", {"chat_id": "-1000000000500"}),
        ("setMyCommands", {"commands": json.dumps([{"command": "help", "description": "मदद"}])}),
        ("getMyCommands", {}),
        ("getWebhookInfo", {}),
    ]
    for method, form in calls:
        _, body, _ = await call(http, telegram, method, form=form)
        assert body["ok"] is True, (method, body)
        returns = telegram_spec["methods"][method]["returns"]
        options = [spec_violations(telegram_spec, r, body["result"]) for r in returns]
        assert not all(options), (method, min(options, key=len))
    telegram.push_message(-1000000000500, "/list", 3, thread_id=3)
    telegram.push_channel_post(-1000000000501, "/sources")
    telegram.push_my_chat_member(77, 77, old_status="member", new_status="kicked")
    telegram.push_my_chat_member(-1000000000500, 2, old_status="member", new_status="administrator")
    telegram.push_callback_query(-1000000000500, 3, "mute:1:24h", message_id=1)
    for update in telegram.pending_updates():
        assert spec_violations(telegram_spec, "Update", update) == [], update


def test_the_spec_checker_notices_missing_and_unknown_fields(telegram_spec: dict[str, Any]) -> None:
    message = {"message_id": 1, "chat": {"id": 1, "type": "private"}, "txt": "x"}
    assert spec_violations(telegram_spec, "Message", message) == [
        "$: unknown field 'txt' in Message",
        "$: Message.date is required",
    ]
    member = {"status": "administrator", "user": {"id": 1, "is_bot": False, "first_name": "A"}}
    assert spec_violations(telegram_spec, "ChatMember", member) != []


async def test_a_polling_application_answers_a_command(telegram: FakeTelegram) -> None:
    """The whole PTB polling lifecycle works against the fake: getMe, deleteWebhook, getUpdates
    with confirmations, a CommandHandler (matched by the bot_command entity) and a reply."""
    telegram.add_user(321, first_name="सुनीता", language_code="hi")

    async def track(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"ट्रैक हो रहा है: {' '.join(context.args or [])}")

    application = ApplicationBuilder().token(telegram.token).base_url(telegram.bot_base_url).build()
    application.add_handler(CommandHandler("track", track))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        telegram.push_message(-1000000000800, "/track@khabardar_bot मानसून", 321)
        telegram.push_message(-1000000000800, "/track@other_bot मानसून", 321)  # not for us
        [reply] = await telegram.wait_for_messages(1, chat_id=-1000000000800)
        await application.updater.stop()
        await application.stop()
    assert reply.plain_text == "ट्रैक हो रहा है: मानसून"
    methods = [c.method for c in telegram.calls()]
    assert methods[:2] == ["getme", "deletewebhook"] and "getupdates" in methods
    assert telegram.pending_updates() == []  # the final getUpdates confirmed both


async def test_admin_api_configures_limits_and_refuses_bad_input(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    admin = f"{telegram.base_url}/_admin"
    async with http.post(f"{admin}/rate_limits", json={"per_chat_burst": 1}) as response:
        assert response.status == 200
    statuses = [
        (await call(http, telegram, "sendMessage", form={"chat_id": "8", "text": "x"}))[0]
        for _ in range(2)
    ]
    assert statuses == [200, 429]
    async with http.post(f"{admin}/rate_limits", json={}) as response:
        assert response.status == 200
    status, _, _ = await call(http, telegram, "sendMessage", form={"chat_id": "8", "text": "x"})
    assert status == 200
    async with http.post(f"{admin}/push_message", json={"text": "no chat"}) as response:
        assert response.status == 400 and "chat_id" in (await response.json())["error"]
    async with http.get(f"{admin}/teleport") as response:
        assert response.status == 404
    async with http.post(f"{admin}/reset", json={}) as response:
        assert response.status == 200
    assert telegram.messages() == [] and telegram.http_429_count == 0
