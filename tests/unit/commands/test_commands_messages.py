"""The command catalogue: complete, both languages, same placeholders, every error code covered."""

from __future__ import annotations

import inspect
import re
import string

import pytest

from bot.domain import commands
from bot.domain.commands import (
    CommandArgumentError,
    CommandName,
    count_key,
    parse_command,
    usage,
)
from bot.domain.i18n import catalogue, t
from bot.domain.i18n.messages_commands import MESSAGES

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# Keys whose text is only commands, numbers and placeholders (the same in both languages).
LANGUAGE_NEUTRAL = {
    "cmd.usage.start",
    "cmd.usage.help",
    "cmd.usage.list",
    "cmd.usage.pause",
    "cmd.usage.resume",
    "cmd.usage.sources",
    "cmd.start.example3",
    "cmd.list.item",
    "cmd.sources.item",
    "cmd.track.example_item",
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_prefixed_and_bilingual() -> None:
    for key, texts in MESSAGES.items():
        assert key.startswith("cmd."), key
        assert set(texts) == {"en", "hi"}, key
        assert texts["en"].strip() and texts["hi"].strip(), key


def test_english_and_hindi_use_the_same_placeholders() -> None:
    for key, texts in MESSAGES.items():
        assert fields(texts["en"]) == fields(texts["hi"]), key


def test_hindi_is_written_in_devanagari() -> None:
    for key, texts in MESSAGES.items():
        if key in LANGUAGE_NEUTRAL:
            continue
        assert DEVANAGARI.search(texts["hi"]), f"{key} has no Hindi text"


def test_the_catalogue_merges_without_clashes() -> None:
    merged = catalogue()
    for key in MESSAGES:
        assert merged[key] is MESSAGES[key]


def test_every_key_renders_with_its_fields() -> None:
    for key, texts in MESSAGES.items():
        params = {name: f"<{name}>" for name in fields(texts["en"])}
        for lang in ("en", "hi"):
            rendered = t(key, lang, **params)
            assert "{" not in rendered, key
            for value in params.values():
                assert value in rendered, (key, lang)


@pytest.mark.parametrize("command", list(CommandName))
def test_every_command_has_help_and_usage(command: CommandName) -> None:
    assert f"cmd.help.{command.value}" in MESSAGES
    for lang in ("en", "hi"):
        assert t(f"cmd.usage.{command.value}", lang).startswith(f"/{command.value}")
        assert usage(command, lang).endswith(t(f"cmd.usage.{command.value}", lang))


def test_every_error_code_raised_by_the_parsers_has_a_message() -> None:
    source = inspect.getsource(commands)
    codes = set(re.findall(r'CommandArgumentError\(\s*"([a-z_]+)"', source))
    assert len(codes) >= 15
    for code in codes:
        assert f"cmd.error.{code}" in MESSAGES, code


def test_counted_messages_have_all_forms() -> None:
    bases = {key.rsplit(".", 1)[0] for key in MESSAGES if key.endswith(".one")}
    assert {"cmd.track.backtest", "cmd.untrack.all_removed", "cmd.untrack.confirm_all"} <= bases
    for base in bases:
        for form in ("none", "one", "other"):
            assert f"{base}.{form}" in MESSAGES, f"{base}.{form}"


def test_count_key_follows_each_languages_plural_rule() -> None:
    base = "cmd.track.backtest"
    assert count_key(base, 0, "en") == f"{base}.none"
    assert count_key(base, 1, "en") == f"{base}.one"
    assert count_key(base, 2, "en") == f"{base}.other"
    assert count_key(base, 1, "hi") == f"{base}.one"
    assert count_key(base, 5, "hi") == f"{base}.other"
    assert t(count_key(base, 5, "hi"), "hi", count=5) == (
        "पिछले 48 घंटों की 5 खबरें इससे मेल खातीं। इनमें सबसे अहम:"
    )
    assert t(count_key(base, 1, "hi"), "hi", count=1) == "पिछले 48 घंटों की 1 खबर इससे मेल खाती:"


def test_start_examples_are_real_track_commands_in_the_chats_language() -> None:
    hindi = [t(f"cmd.start.example{n}", "hi") for n in (1, 2, 3)]
    assert hindi == ["/track टिकटॉक बैन", '/track "डेटा लीक" -क्रिकेट', "/track #ban lang:hi"]
    for lang in ("en", "hi"):
        for n in (1, 2, 3):
            parsed = parse_command(t(f"cmd.start.example{n}", lang))
            assert parsed is not None
            assert parsed.command is CommandName.TRACK
            assert parsed.args


def test_argument_error_message_shows_problem_then_usage() -> None:
    error = CommandArgumentError("bad_number", {"value": "तीन"}, command=CommandName.UNMUTE)
    assert error.message("hi") == "“तीन” सूची का कोई नंबर नहीं है।\nऐसे लिखें: /unmute नंबर — जैसे /unmute 2"
    assert (
        error.message("en")
        == "“तीन” isn't a number from the list.\nUsage: /unmute N — e.g. /unmute 2"
    )
    assert error.key == "cmd.error.bad_number"
    bare = CommandArgumentError("duration_too_short")
    assert bare.message("en") == "That's less than a minute; the shortest is 1m."


def test_the_replies_the_brief_lists_exist() -> None:
    required = [
        "cmd.track.ok",
        "cmd.track.explain",
        "cmd.track.already",
        "cmd.list.header",
        "cmd.list.item",
        "cmd.list.empty",
        "cmd.untrack.ok",
        "cmd.untrack.not_found_number",
        "cmd.untrack.not_found_query",
        "cmd.untrack.button_confirm_all",
        "cmd.untrack.button_cancel",
        "cmd.lang.set",
        "cmd.tz.set",
        "cmd.quiet.set",
        "cmd.quiet.off",
        "cmd.mute.ok",
        "cmd.unmute.ok",
        "cmd.pause.ok",
        "cmd.resume.ok",
        "cmd.digest.hourly",
        "cmd.digest.daily",
        "cmd.digest.weekly",
        "cmd.digest.off",
        "cmd.digest.now_sent",
        "cmd.digest.now_empty",
        "cmd.sources.header",
        "cmd.sources.item",
        "cmd.sources.health.ok",
        "cmd.sources.health.failing",
        "cmd.addsource.ok",
        "cmd.addsource.refused",
        "cmd.error.not_admin",
        "cmd.removesource.ok",
        "cmd.why.sent_header",
        "cmd.why.not_sent_header",
        "cmd.why.reason.no_match",
        "cmd.why.reason.below_threshold",
        "cmd.why.reason.duplicate",
        "cmd.why.reason.muted",
        "cmd.why.reason.quiet_hours",
        "cmd.why.reason.paused",
        "cmd.why.unknown_article",
        "cmd.error.unknown_command",
        "cmd.error.unknown_command_suggest",
        "cmd.error.rate_limited",
        "cmd.error.subscription_cap",
        "cmd.error.query_too_long",
        "cmd.error.internal",
    ]
    missing = [key for key in required if key not in MESSAGES]
    assert not missing


def test_unknown_command_suggestion_reads_naturally() -> None:
    assert t("cmd.error.unknown_command_suggest", "en", name="trak", suggestion="track") == (
        "I don't know /trak. Did you mean /track? (/help lists everything.)"
    )
    assert "क्या आप /track लिखना चाहते थे?" in t(
        "cmd.error.unknown_command_suggest", "hi", name="trak", suggestion="track"
    )
