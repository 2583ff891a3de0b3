"""Property: no text typed after any command, no plain message and no button data makes a
handler fail. The service never raises by construction, so "fails" means: it had to fall back
to the internal-error answer, or logged an error. One store serves all examples of a test."""

from __future__ import annotations

import logging

import pytest
from commands_harness import Bot, channel, group, private, slack_channel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.commands import CommandName
from bot.domain.i18n import t
from bot.domain.replies import Reply
from bot.services.conversation import CallbackAnswer

INTERNAL = {t("cmd.error.internal", "en"), t("cmd.error.internal", "hi")}
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    # one store per test function on purpose: examples share it (and its growing state)
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

CONTEXTS = st.sampled_from(
    [
        private(),
        private("502", language="hi"),
        group(admin=True),
        group(admin=False, user="603"),
        group(admin=True, thread_id="5"),
        channel(),
        slack_channel(),
    ]
)
COMMANDS = st.sampled_from([c.value for c in CommandName] + ["trak", "x", "TRACK", "ट्रैक"])
TRICKY = st.sampled_from(
    [
        "",
        " ",
        '"',
        '"unclosed phrase',
        "((((((((tiktok",
        "-",
        "-tiktok",
        "#",
        "#nosuchtopic",
        "site:",
        "lang:xx",
        "all",
        "0",
        "#0",
        "99999999999",
        "१२",
        "1 0m",
        "1 400d",
        "https://",
        "http://[::1",
        "<https://example.com/rss|feed>",
        "javascript:alert(1)",
        "weekly",
        "daily 25:00",
        "weekly someday 9",
        "22:00-22:00",
        "Mars/Olympus",
        "\x00\x1b[31m",
        "टिकटॉक OR (बैन -क्रिकेट)",
        "a" * 450,
        "tiktok " * 40,
    ]
)
TEXT = TRICKY | st.text(max_size=120) | st.builds(" ".join, st.lists(TRICKY, max_size=4))


def _check(replies: object) -> None:
    assert isinstance(replies, list)
    for reply in replies:
        assert isinstance(reply, Reply)
        assert reply.plain_text() not in INTERNAL


@PROPERTY_SETTINGS
@given(ctx=CONTEXTS, command=COMMANDS, args=TEXT)
async def test_no_command_arguments_crash_a_handler(
    bot: Bot, caplog: pytest.LogCaptureFixture, ctx, command: str, args: str
) -> None:  # type: ignore[no-untyped-def]
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        _check(await bot.service.handle_text(ctx, f"/{command} {args}"))
        _check(await bot.service.handle_command(ctx, f"/{command}", args))
        _check(await bot.service.handle_text(ctx, args))
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


CALLBACK_DATA = (
    st.text(max_size=80)
    | st.builds(
        "{}:{}:{}".format,
        st.sampled_from(["mute", "unmute", "untrack", "untrack_all", "cancel", "x"]),
        st.integers(min_value=-5, max_value=2**70) | st.text(max_size=5),
        st.text(max_size=8) | st.sampled_from(["8h", "1d2h", "0m", "99999d"]),
    )
    | st.builds(
        "{}:{}".format,
        st.sampled_from(["untrack", "unmute"]),
        st.integers(min_value=1, max_value=40),
    )
)


@PROPERTY_SETTINGS
@given(ctx=CONTEXTS, data=CALLBACK_DATA)
async def test_no_button_data_crashes_the_callback_handler(
    bot: Bot, caplog: pytest.LogCaptureFixture, ctx, data: str
) -> None:  # type: ignore[no-untyped-def]
    if not bot.tracking:  # some real subscriptions for ids 1..40 to hit
        for query in ("tiktok ban", "data leak", "pubg"):
            await bot.say(private(), f"/track {query}")
            await bot.say(group(admin=True), f"/track {query}")
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        answer = await bot.service.handle_callback(ctx, data)
    assert isinstance(answer, CallbackAnswer)
    assert answer.toast and answer.toast not in INTERNAL
    if answer.updated is not None:
        _check([answer.updated])
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
