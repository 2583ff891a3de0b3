"""/start, /help, /lang, /tz, /quiet, /pause, /resume, /digest: stored, rescheduled, localised."""

from __future__ import annotations

import regex
from commands_harness import Bot, channel, group, private, slack_channel, text_of

from bot.domain.commands import CommandName
from bot.domain.models import ChatKind, DeliveryMode, QuietHours

DEVANAGARI = regex.compile(r"\p{Devanagari}")


async def test_start_welcomes_with_three_track_examples_in_the_users_language(bot: Bot) -> None:
    english = await bot.said(private("1", language="en-GB"), "/start")
    assert "I'm Khabardar" in english
    assert [line for line in english.splitlines() if line.startswith("/track")] == [
        "/track tiktok ban",
        '/track "data leak" -cricket',
        "/track #ban lang:en",
    ]
    hindi = await bot.said(private("2", language="hi"), "/start")
    assert "नमस्ते! मैं खबरदार हूँ" in hindi
    assert "/track टिकटॉक बैन" in hindi
    assert (await bot.chat(private("2"))).lang == "hi"
    assert (await bot.chat(private("1"))).lang == "en"


async def test_help_lists_every_command(bot: Bot) -> None:
    text = await bot.said(private(), "/help")
    for command in CommandName:
        assert f"/{command.value} — " in text
    assert "/mute N DURATION" in text
    hindi = await bot.said(private("9", language="hi"), "/help")
    assert "मैं ये सब कर सकता हूँ" in hindi


async def test_lang_switches_the_chat_and_every_later_reply(bot: Bot) -> None:
    ctx = private(language="en")
    assert await bot.said(ctx, "/lang हिंदी") == "ठीक है, अब से इस चैट में हिंदी में बात करूँगा।"
    assert (await bot.chat(ctx)).lang == "hi"
    assert DEVANAGARI.search(await bot.said(ctx, "/list"))
    assert await bot.said(ctx, "/lang english") == "Done — I'll write in English here from now on."
    refused = await bot.said(ctx, "/lang french")
    assert "Hindi and English only" in refused and "Usage: /lang" in refused
    assert (await bot.chat(ctx)).lang == "en"


async def test_tz_stores_the_zone_reschedules_and_tells_the_local_time(bot: Bot) -> None:
    ctx = private()
    text = await bot.said(ctx, "/tz new york")
    assert text == "🕒 Time zone set to America/New_York. It's 10:00 PM there now."
    chat = await bot.chat(ctx)
    assert chat.timezone == "America/New_York"
    assert [c.timezone for c in bot.digests.rescheduled] == ["America/New_York"]
    suggestion = await bot.said(ctx, "/tz Europe/Londn")
    assert "Did you mean Europe/London?" in suggestion
    assert (await bot.chat(ctx)).timezone == "America/New_York"


async def test_a_new_chat_starts_in_the_default_timezone(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot = make_bot(default_timezone="Europe/London")
    await bot.say(private(), "/list")
    assert (await bot.chat(private())).timezone == "Europe/London"


async def test_quiet_hours_set_hold_and_off(bot: Bot) -> None:
    ctx = private(language="hi")
    text = await bot.said(ctx, "/quiet 22:00 से 07:00 तक")
    assert text.startswith("🌙 शांत समय 22:00–07:00 (Asia/Kolkata)")
    assert (await bot.chat(ctx)).quiet_hours == QuietHours(22 * 60, 7 * 60)
    held = await bot.said(ctx, "/quiet 23:30-6:00 hold")
    assert "अगले डाइजेस्ट में मिलेंगे" in held
    assert (await bot.chat(ctx)).quiet_hours == QuietHours(23 * 60 + 30, 6 * 60, True)
    assert "शांत समय हटा दिया" in await bot.said(ctx, "/quiet बंद")
    assert (await bot.chat(ctx)).quiet_hours is None
    assert "ऐसे लिखें: /quiet" in await bot.said(ctx, "/quiet 22:00-22:00")


async def test_pause_and_resume(bot: Bot) -> None:
    ctx = private()
    assert "aren't paused" in await bot.said(ctx, "/resume")
    assert "All alerts in this chat are paused" in await bot.said(ctx, "/pause")
    assert (await bot.chat(ctx)).paused
    assert "already paused" in await bot.said(ctx, "/pause")
    assert "Alerts are back on" in await bot.said(ctx, "/resume")
    assert not (await bot.chat(ctx)).paused


async def test_digest_schedule_is_stored_with_its_mode_and_rescheduled(bot: Bot) -> None:
    ctx = private()
    text = await bot.said(ctx, "/digest daily 7pm")
    assert text == "🗞 Daily digest at 19:00 (Asia/Kolkata). Next one: 28 Nov 2026, 7:00 PM IST."
    chat = await bot.chat(ctx)
    assert (chat.digest_schedule, chat.mode) == ("daily 19:00", DeliveryMode.BOTH)
    assert bot.digests.rescheduled[-1].digest_schedule == "daily 19:00"

    hourly = await bot.said(ctx, "/digest hourly")
    assert (
        hourly
        == "🗞 Digest every hour, on the hour (Asia/Kolkata). Next one at 28 Nov 2026, 9:00 AM IST."
    )

    assert "Digest is off" in await bot.said(ctx, "/digest off")
    chat = await bot.chat(ctx)
    assert (chat.digest_schedule, chat.mode) == ("off", DeliveryMode.REALTIME)
    assert len(bot.digests.rescheduled) == 3


async def test_weekly_digest_in_hindi_names_the_day(bot: Bot) -> None:
    ctx = private(language="hi")
    text = await bot.said(ctx, "/digest weekly शुक्रवार 18:00")
    assert "हर शुक्रवार 18:00 बजे" in text and "4 दिसंबर 2026" in text
    assert (await bot.chat(ctx)).digest_schedule == "weekly fri 18:00"


async def test_digest_in_a_group_means_digest_only(bot: Bot) -> None:
    ctx = group(admin=True)
    [confirmation] = await bot.say(ctx, "/digest weekly mon 09:00")
    assert confirmation.public  # a channel-wide change is announced (Slack in_channel)
    chat = await bot.chat(ctx)
    assert (chat.kind, chat.mode) == (ChatKind.SUPERGROUP, DeliveryMode.DIGEST)


async def test_digest_now_sends_at_once_and_says_how_it_went(bot: Bot) -> None:
    ctx = private()
    assert await bot.said(ctx, "/digest now") == "Nothing new since the last digest."
    bot.digests.stories_to_send = 4
    assert "Here's your digest" in await bot.said(ctx, "/digest अभी")
    assert [c.platform_chat_id for c in bot.digests.sent_now] == ["501", "501"]
    assert "Usage: /digest" in await bot.said(ctx, "/digest sometimes")


async def test_channel_defaults_both_modes_with_a_daily_digest_and_schedules_it(bot: Bot) -> None:
    ctx = channel()
    await bot.say(ctx, "/list")
    chat = await bot.chat(ctx)
    assert (chat.mode, chat.digest_schedule) == (DeliveryMode.BOTH, "daily 09:00")
    assert [c.id for c in bot.digests.rescheduled] == [chat.id]
    # changing the schedule keeps "both"
    await bot.say(ctx, "/digest daily 18:00")
    assert (await bot.chat(ctx)).mode is DeliveryMode.BOTH


async def test_slack_workspace_language_sets_a_new_channels_language(bot: Bot) -> None:
    replies = await bot.service.handle_command(
        slack_channel(workspace_language="hi"), "/digest", "off"
    )
    assert "डाइजेस्ट बंद कर दिया" in text_of(replies)
    chat = await bot.chat(slack_channel())
    assert chat.lang == "hi"
