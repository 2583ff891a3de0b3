"""Recognising commands in raw message text (Telegram, console) and in Slack's split form."""

from __future__ import annotations

import pytest

from bot.domain.commands import (
    ADMIN_ONLY,
    CHANGES_CHAT,
    CommandName,
    ParsedCommand,
    parse_command,
    suggest_command,
)

BOT = "khabardar_bot"


def test_command_name_covers_every_command_of_the_brief() -> None:
    assert {c.value for c in CommandName} == {
        "start",
        "help",
        "track",
        "untrack",
        "list",
        "lang",
        "tz",
        "quiet",
        "mute",
        "unmute",
        "pause",
        "resume",
        "digest",
        "sources",
        "addsource",
        "removesource",
        "why",
    }


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/start", "start", ""),
        ("/help   ", "help", ""),
        ("/track tiktok ban", "track", "tiktok ban"),
        ('/track "data leak" -cricket', "track", '"data leak" -cricket'),
        ('/track "डेटा लीक" -क्रिकेट', "track", '"डेटा लीक" -क्रिकेट'),
        ("/track “smart quotes” OR (a | b)", "track", "“smart quotes” OR (a | b)"),
        ("/TRACK TikTok Ban", "track", "TikTok Ban"),
        ("  /list", "list", ""),
        ("/track\ttiktok\nban", "track", "tiktok\nban"),
        ("/digest weekly सोमवार 9:00", "digest", "weekly सोमवार 9:00"),
        ("/start deep_link_payload", "start", "deep_link_payload"),
    ],
)
def test_commands_keep_their_raw_arguments(text: str, name: str, args: str) -> None:
    parsed = parse_command(text, bot_username=BOT)
    assert parsed == ParsedCommand(name=name, args=args, mentioned=False)


def test_quoted_phrase_survives_exactly() -> None:
    parsed = parse_command('/track "data  leak"   -cricket  ', bot_username=BOT)
    assert parsed is not None
    assert parsed.args == '"data  leak"   -cricket'  # inner spacing kept, only ends trimmed


@pytest.mark.parametrize("mention", ["khabardar_bot", "Khabardar_Bot", "KHABARDAR_BOT"])
def test_addressed_form_is_accepted_for_this_bot_case_insensitively(mention: str) -> None:
    parsed = parse_command(f"/track@{mention} tiktok ban", bot_username=BOT)
    assert parsed == ParsedCommand(name="track", args="tiktok ban", mentioned=True)


def test_bot_username_may_be_given_with_at_sign() -> None:
    parsed = parse_command("/list@Khabardar_bot", bot_username="@khabardar_bot")
    assert parsed == ParsedCommand(name="list", args="", mentioned=True)


def test_command_for_another_bot_is_not_ours() -> None:
    assert parse_command("/track@other_bot tiktok", bot_username=BOT) is None
    assert parse_command("/start@khabardar_bot2", bot_username=BOT) is None


def test_without_a_known_username_any_mention_is_accepted() -> None:
    parsed = parse_command("/track@whoever tiktok")
    assert parsed == ParsedCommand(name="track", args="tiktok", mentioned=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello /track tiktok",
        "track tiktok",
        "/",
        "/ track",
        "//track",
        "/usr/bin/python",
        "/track@ tiktok",
        "/track-now tiktok",
        "https://example.com/track",
        "/" + "a" * 65,
        "टिकटॉक बैन",
    ],
)
def test_non_commands_are_none(text: str) -> None:
    assert parse_command(text, bot_username=BOT) is None


def test_unknown_commands_are_still_parsed_with_a_suggestion() -> None:
    parsed = parse_command("/trak tiktok", bot_username=BOT)
    assert parsed is not None
    assert parsed.name == "trak"
    assert parsed.command is None
    assert parsed.suggestion() is CommandName.TRACK


def test_hindi_command_word_is_parsed_as_unknown_and_suggests_the_real_one() -> None:
    parsed = parse_command("/ट्रैक टिकटॉक बैन", bot_username=BOT)
    assert parsed is not None
    assert parsed.command is None
    assert parsed.args == "टिकटॉक बैन"
    assert parsed.suggestion() is CommandName.TRACK


def test_known_commands_resolve_to_the_enum() -> None:
    parsed = parse_command("/RemoveSource 3", bot_username=BOT)
    assert parsed is not None
    assert parsed.command is CommandName.REMOVESOURCE
    assert parsed.args == "3"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("untrak", CommandName.UNTRACK),
        ("lsit", CommandName.LIST),
        ("digets", CommandName.DIGEST),
        ("sorces", CommandName.SOURCES),
        ("subscribe", CommandName.TRACK),
        ("unsubscribe", CommandName.UNTRACK),
        ("language", CommandName.LANG),
        ("timezone", CommandName.TZ),
        ("मदद", CommandName.HELP),
        ("/help", CommandName.HELP),
    ],
)
def test_suggestions(typed: str, expected: CommandName) -> None:
    assert suggest_command(typed) is expected


def test_no_suggestion_for_something_unrelated() -> None:
    assert suggest_command("xyzzyqq") is None
    assert suggest_command("") is None


def test_slack_form() -> None:
    parsed = ParsedCommand.from_slack("/track", '  "data leak" -cricket ')
    assert parsed == ParsedCommand(name="track", args='"data leak" -cricket')
    assert parsed.command is CommandName.TRACK


def test_slack_form_unescapes_the_three_entities_slack_escapes() -> None:
    parsed = ParsedCommand.from_slack("/why", "&lt;https://a.example/x?a=1&amp;b=2&gt;")
    assert parsed is not None
    assert parsed.args == "<https://a.example/x?a=1&b=2>"
    literal = ParsedCommand.from_slack("/track", "AT&amp;amp;T")
    assert literal is not None
    assert literal.args == "AT&amp;T"  # a literal "&amp;" typed by the person stays


def test_slack_form_unknown_and_invalid_names() -> None:
    parsed = ParsedCommand.from_slack("/Subscribe", "x")
    assert parsed is not None
    assert parsed.command is None
    assert parsed.suggestion() is CommandName.TRACK
    renamed = ParsedCommand.from_slack("/kh-track", "tiktok")  # a workspace-prefixed command
    assert renamed == ParsedCommand(name="kh-track", args="tiktok")
    assert ParsedCommand.from_slack("/", "x") is None
    assert ParsedCommand.from_slack("/a b", "x") is None


def test_policy_sets() -> None:
    assert CommandName.LIST not in CHANGES_CHAT
    assert CommandName.WHY not in CHANGES_CHAT
    assert CommandName.TRACK in CHANGES_CHAT
    assert ADMIN_ONLY <= CHANGES_CHAT
    assert {CommandName.ADDSOURCE, CommandName.REMOVESOURCE} == ADMIN_ONLY
