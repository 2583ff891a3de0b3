"""Buttons: the alert's mute/untrack buttons, the confirmation buttons, and forged or stale data."""

from __future__ import annotations

from datetime import timedelta

from commands_harness import Bot, group, private

from bot.domain.render.alert_actions import mute_data, untrack_data


async def _tracking(bot: Bot, ctx, *queries: str) -> list[int]:  # type: ignore[no-untyped-def]
    for query in queries:
        await bot.say(ctx, f"/track {query}")
    chat = await bot.chat(ctx)
    return [row.id for row in await bot.store.subscriptions.list_for_chat(chat.id)]


async def test_the_alerts_mute_button_mutes_and_offers_unmute(bot: Bot) -> None:
    ctx = private()
    _, pubg = await _tracking(bot, ctx, "tiktok ban", "pubg")

    answer = await bot.service.handle_callback(ctx, mute_data(pubg, 8))

    # the alert stays readable: the toast confirms, an Unmute button takes the actions' place
    assert answer.toast.startswith("🔕 #2 is muted until 28 Nov 2026, 4:30 PM IST.")
    assert answer.updated is None and answer.buttons is not None
    [[unmute]] = answer.buttons
    assert unmute.callback_data == f"unmute:{pubg}"
    stored = await bot.store.subscriptions.get(pubg)
    assert stored is not None and stored.muted_until == bot.clock() + timedelta(hours=8)
    owner = bot.tracking.owner(pubg)
    assert owner is not None and owner.is_muted(bot.clock())

    again = await bot.service.handle_callback(ctx, unmute.callback_data or "")
    assert again.toast == "🔔 #2 is back on."
    assert again.buttons is not None
    labels = [button.label for row in again.buttons for button in row]
    assert labels == ["🔕 Mute 8h", "✖️ Untrack"]
    owner = bot.tracking.owner(pubg)
    assert owner is not None and not owner.is_muted(bot.clock())


async def test_toasts_speak_the_chats_language(bot: Bot) -> None:
    ctx = private(language="hi")
    [sub] = await _tracking(bot, ctx, "टिकटॉक बैन")
    answer = await bot.service.handle_callback(ctx, f"mute:{sub}:1d2h")
    assert answer.toast.startswith("🔕 #1 को ") and "तक चुप कर दिया" in answer.toast
    untracked = await bot.service.handle_callback(ctx, untrack_data(sub))
    assert untracked.toast == "#1 (टिकटॉक बैन) की ट्रैकिंग बंद कर दी"


async def test_the_untrack_button_removes_from_store_and_index(bot: Bot) -> None:
    ctx = group(admin=True)
    first, second = await _tracking(bot, ctx, "tiktok ban", "data leak")

    answer = await bot.service.handle_callback(ctx, untrack_data(first))

    assert answer.toast == "Stopped tracking #1: tiktok ban"
    assert answer.updated is None and answer.buttons == ()  # the alert keeps only its links
    assert bot.tracking.owner(first) is None and bot.tracking.owner(second) is not None
    # the same button again: the subscription is gone
    stale = await bot.service.handle_callback(ctx, untrack_data(first))
    assert stale.toast == "This button no longer works." and stale.updated is None


async def test_buttons_of_another_chat_or_garbage_do_nothing(bot: Bot) -> None:
    [theirs] = await _tracking(bot, private("900"), "tiktok ban")
    ctx = private("901")
    expired = "This button no longer works."
    for data in (
        untrack_data(theirs),
        mute_data(theirs, 8),
        f"unmute:{theirs}",
        "untrack:999999",
        "mute:1:0h",
        "mute:abc:8h",
        "",
        "💥" * 30,
        "untrack:" + "9" * 30,
        "cancel:extra",
    ):
        answer = await bot.service.handle_callback(ctx, data)
        assert answer.toast == expired, data
        assert answer.updated is None and answer.buttons is None
    owner = bot.tracking.owner(theirs)
    assert owner is not None and not owner.is_muted(bot.clock())


async def test_group_members_cannot_press_changing_buttons(bot: Bot) -> None:
    [sub] = await _tracking(bot, group(admin=True), "tiktok ban")
    answer = await bot.service.handle_callback(group(admin=False), untrack_data(sub))
    assert answer.toast == "Sorry, only this chat's admins can change that. Anyone can see /list."
    assert bot.tracking.owner(sub) is not None
