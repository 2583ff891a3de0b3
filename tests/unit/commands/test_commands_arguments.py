"""Argument parsers: valid and invalid input in English and Hindi, with the error codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.commands import (
    ALL,
    DEFAULT_MUTE,
    DIGEST_NOW,
    CommandArgumentError,
    CommandName,
    fold,
    format_duration,
    parse_clock,
    parse_digest,
    parse_duration,
    parse_language,
    parse_mute,
    parse_number,
    parse_quiet,
    parse_timezone,
    parse_untrack_target,
    parse_url,
    parse_weekday,
    parse_why,
    weekday_name,
)
from bot.domain.models import QuietHours
from bot.domain.schedule import DigestKind, DigestSetting


def error_of(call: object, *args: object) -> CommandArgumentError:
    with pytest.raises(CommandArgumentError) as info:
        call(*args)  # type: ignore[operator]
    return info.value


# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("8h", timedelta(hours=8)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("90 min", timedelta(minutes=90)),
        ("90 Minutes", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("2 hours and 30 minutes", timedelta(hours=2, minutes=30)),
        ("1.5h", timedelta(minutes=90)),
        ("1,5 h", timedelta(minutes=90)),
        ("120s", timedelta(minutes=2)),
        ("1 month", timedelta(days=30)),
        ("1y", timedelta(days=365)),
        ("365d", timedelta(days=365)),
        ("1m", timedelta(minutes=1)),
        ("2 घंटे", timedelta(hours=2)),
        ("1 घंटा", timedelta(hours=1)),
        ("३ घंटे", timedelta(hours=3)),
        ("45 मिनट", timedelta(minutes=45)),
        ("1 घंटा 30 मिनट", timedelta(minutes=90)),
        ("2 घंटे और 15 मिनट", timedelta(hours=2, minutes=15)),
        ("3 दिन", timedelta(days=3)),
        ("1 हफ्ता", timedelta(weeks=1)),
        ("2 ह\u095e\u094dते", timedelta(weeks=2)),  # precomposed फ़ (U+095E)
        ("2 हफ\u093c\u094dते", timedelta(weeks=2)),  # फ + nukta
        ("1 सप्ताह", timedelta(weeks=1)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_duration"),
        ("   ", "missing_duration"),
        ("5", "duration_needs_unit"),
        ("२", "duration_needs_unit"),
        ("0m", "duration_too_short"),
        ("30s", "duration_too_short"),
        ("366d", "duration_too_long"),
        ("53w", "duration_too_long"),
        ("2y", "duration_too_long"),
        ("forever", "bad_duration"),
        ("हमेशा", "bad_duration"),
        ("8 parsecs", "bad_duration"),
        ("h8", "bad_duration"),
        ("8h tomorrow", "bad_duration"),
        ("-8h", "bad_duration"),
        ("8" * 300 + "h", "bad_duration"),
    ],
)
def test_bad_durations(text: str, code: str) -> None:
    assert error_of(parse_duration, text).code == code


def test_duration_errors_render_in_both_languages() -> None:
    error = error_of(parse_duration, "400d")
    assert "365" in error.message("en")
    assert "365 दिन" in error.message("hi")
    echoed = error_of(parse_duration, "कल तक")
    assert "कल तक" in echoed.message("hi")


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(hours=8), "8h"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(days=2), "2d"),
        (timedelta(weeks=1), "1w"),
        (timedelta(days=9, hours=1, minutes=5), "1w2d1h5m"),
    ],
)
def test_format_duration_round_trips(duration: timedelta, text: str) -> None:
    assert format_duration(duration) == text
    assert parse_duration(text) == duration


def test_format_duration_refuses_less_than_a_minute() -> None:
    with pytest.raises(ValueError):
        format_duration(timedelta(seconds=30))


# --- numbers and subscription targets ----------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("#12", 12), (" ४२ ", 42), ("007", 7)])
def test_numbers(text: str, number: int) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "missing_number"), ("0", "bad_number"), ("-1", "bad_number"), ("3a", "bad_number")],
)
def test_bad_numbers(text: str, code: str) -> None:
    assert error_of(parse_number, text).code == code


def test_untrack_targets() -> None:
    assert parse_untrack_target("3") == 3
    assert parse_untrack_target("#3") == 3
    assert parse_untrack_target("३") == 3
    assert parse_untrack_target("all") is ALL
    assert parse_untrack_target("ALL") is ALL
    assert parse_untrack_target("सब") is ALL
    assert parse_untrack_target("सभी") is ALL
    assert parse_untrack_target("  tiktok ban ") == "tiktok ban"
    assert parse_untrack_target('"डेटा लीक" -क्रिकेट') == '"डेटा लीक" -क्रिकेट'


def test_untrack_errors_carry_the_usage() -> None:
    missing = error_of(parse_untrack_target, "  ")
    assert missing.code == "missing_argument"
    assert missing.command is CommandName.UNTRACK
    assert "/untrack 2" in missing.message("en")
    assert "/untrack 2" in missing.message("hi")
    assert error_of(parse_untrack_target, "0").code == "bad_number"


def test_mute() -> None:
    assert parse_mute("3 8h") == (3, timedelta(hours=8))
    assert parse_mute("#2   30m") == (2, timedelta(minutes=30))
    assert parse_mute("२ 2 घंटे") == (2, timedelta(hours=2))
    assert parse_mute("5 1 हफ़्ता") == (5, timedelta(weeks=1))
    assert parse_mute("4") == (4, DEFAULT_MUTE)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_argument"),
        ("8h", "bad_number"),
        ("x 8h", "bad_number"),
        ("3 forever", "bad_duration"),
        ("3 8", "duration_needs_unit"),
        ("3 400d", "duration_too_long"),
    ],
)
def test_bad_mute(text: str, code: str) -> None:
    error = error_of(parse_mute, text)
    assert error.code == code
    assert error.command is CommandName.MUTE
    assert "/mute 2 8h" in error.message("en")
    assert "/mute 2 2 घंटे" in error.message("hi")


# --- URLs and /why -----------------------------------------------------------------------------


def test_urls() -> None:
    assert parse_url("https://example.com/rss") == "https://example.com/rss"
    assert parse_url(" <https://example.com/a?x=1> ") == "https://example.com/a?x=1"
    assert parse_url("<https://example.com/a|example.com/a>") == "https://example.com/a"
    assert parse_url("http://हिंदी.भारत/खबर") == "http://हिंदी.भारत/खबर"


@pytest.mark.parametrize(
    "text",
    [
        "example.com/rss",
        "ftp://example.com/x",
        "javascript:alert(1)",
        "https://",
        "https://exa mple.com",
        "https://example.com:port/",
        "https://[::1",
        "https://example.com/" + "a" * 2100,
    ],
)
def test_bad_urls(text: str) -> None:
    error = error_of(parse_url, text)
    assert error.code == "bad_url"


def test_why() -> None:
    assert parse_why("3") == 3
    assert parse_why("#7") == 7
    assert parse_why("https://www.bhaskar.com/news/1") == "https://www.bhaskar.com/news/1"
    assert error_of(parse_why, "").code == "missing_argument"
    bad = error_of(parse_why, "वो वाली खबर")
    assert bad.code == "bad_url"
    assert bad.command is CommandName.WHY
    assert "/why 3" in bad.message("hi")


# --- clock, quiet hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00", (22, 0)),
        ("7:30", (7, 30)),
        ("07.30", (7, 30)),
        ("9", (9, 0)),
        ("0:00", (0, 0)),
        ("23:59", (23, 59)),
        ("9am", (9, 0)),
        ("9:30 PM", (21, 30)),
        ("12am", (0, 0)),
        ("12pm", (12, 0)),
        ("२२:००", (22, 0)),
    ],
)
def test_clock(text: str, expected: tuple[int, int]) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "7:60", "7:5", "13pm", "0am", "noon", "", "9:00:00"])
def test_bad_clock(text: str) -> None:
    assert error_of(parse_clock, text).code == "bad_time"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-07:00", QuietHours(start_minute=22 * 60, end_minute=7 * 60)),
        ("22:00 - 07:00", QuietHours(start_minute=22 * 60, end_minute=7 * 60)),
        ("22:00–07:00", QuietHours(start_minute=22 * 60, end_minute=7 * 60)),
        ("13:30-14:15", QuietHours(start_minute=13 * 60 + 30, end_minute=14 * 60 + 15)),
        ("23-6", QuietHours(start_minute=23 * 60, end_minute=6 * 60)),
        ("10pm to 6am", QuietHours(start_minute=22 * 60, end_minute=6 * 60)),
        ("22:00 से 07:00 तक", QuietHours(start_minute=22 * 60, end_minute=7 * 60)),
        ("२२:०० - ०७:००", QuietHours(start_minute=22 * 60, end_minute=7 * 60)),
        (
            "22:00-07:00 hold",
            QuietHours(start_minute=22 * 60, end_minute=7 * 60, hold_for_digest=True),
        ),
        (
            "22:00-07:00 डाइजेस्ट",
            QuietHours(start_minute=22 * 60, end_minute=7 * 60, hold_for_digest=True),
        ),
    ],
)
def test_quiet(text: str, expected: QuietHours) -> None:
    assert parse_quiet(text) == expected


@pytest.mark.parametrize("text", ["off", "OFF", "none", "बंद"])
def test_quiet_off(text: str) -> None:
    assert parse_quiet(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_argument"),
        ("22:00", "bad_quiet"),
        ("night", "bad_quiet"),
        ("22:00-07:00 please", "bad_quiet"),
        ("25:00-07:00", "bad_time"),
        ("22:00-7:61", "bad_time"),
        ("22:00-22:00", "quiet_same_times"),
        ("7-07:00", "quiet_same_times"),
    ],
)
def test_bad_quiet(text: str, code: str) -> None:
    error = error_of(parse_quiet, text)
    assert error.code == code
    assert error.command is CommandName.QUIET
    assert "/quiet 22:00-07:00" in error.message("hi")


# --- digests -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("off", DigestSetting.off()),
        ("hourly", DigestSetting.hourly()),
        ("daily 09:00", DigestSetting.daily(hour=9)),
        ("daily 9", DigestSetting.daily(hour=9)),
        ("Daily at 18:30", DigestSetting.daily(hour=18, minute=30)),
        ("daily 7pm", DigestSetting.daily(hour=19)),
        ("daily", DigestSetting.daily(hour=9)),
        ("weekly mon 09:00", DigestSetting.weekly(weekday=0, hour=9)),
        ("weekly Friday 17:45", DigestSetting.weekly(weekday=4, hour=17, minute=45)),
        ("weekly 08:00 sun", DigestSetting.weekly(weekday=6, hour=8)),
        ("weekly thurs", DigestSetting.weekly(weekday=3, hour=9)),
        ("weekly सोमवार 9:00", DigestSetting.weekly(weekday=0, hour=9)),
        ("weekly शुक्र 20:00", DigestSetting.weekly(weekday=4, hour=20)),
        ("साप्ताहिक रविवार 10:00", DigestSetting.weekly(weekday=6, hour=10)),
        ("हर हफ़्ते बृहस्पतिवार 9 बजे", DigestSetting.weekly(weekday=3, hour=9)),
        ("रोज़ 8:30", DigestSetting.daily(hour=8, minute=30)),
        ("रोज सुबह 9 बजे", DigestSetting.daily(hour=9)),
        ("रोज़ाना शाम 6 बजे", DigestSetting.daily(hour=18)),
        ("रोज़ रात 10 बजे", DigestSetting.daily(hour=22)),
        ("रोज़ दोपहर 2 बजे", DigestSetting.daily(hour=14)),
        ("रोज़ रात 12 बजे", DigestSetting.daily(hour=0)),
        ("हर घंटे", DigestSetting.hourly()),
        ("बंद", DigestSetting.off()),
    ],
)
def test_digest_settings(text: str, expected: DigestSetting) -> None:
    assert parse_digest(text) == expected


@pytest.mark.parametrize("text", ["now", "NOW", "अभी"])
def test_digest_now(text: str) -> None:
    assert parse_digest(text) is DIGEST_NOW


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_argument"),
        ("monthly", "bad_digest"),
        ("dailyish", "bad_digest"),
        ("hourly 09:00", "bad_digest"),
        ("off please", "bad_digest"),
        ("daily mon 09:00", "bad_digest"),
        ("daily 25:00", "bad_time"),
        ("weekly", "digest_needs_day"),
        ("weekly 09:00", "digest_needs_day"),
        ("weekly funday 09:00", "bad_weekday"),
        ("weekly mon tue 09:00", "bad_weekday"),
        ("रोज़ सुबह", "bad_time"),
        ("रोज़ सुबह 18:00", "bad_time"),
    ],
)
def test_bad_digest(text: str, code: str) -> None:
    error = error_of(parse_digest, text)
    assert error.code == code
    assert error.command is CommandName.DIGEST
    assert "weekly mon 09:00" in error.message("en")
    assert "weekly सोमवार 09:00" in error.message("hi")


def test_weekday_names_in_both_languages() -> None:
    assert [parse_weekday(d) for d in ("mon", "Tuesday", "बुधवार", "गुरुवार", "शुक्रवार")] == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert parse_weekday("शनि") == 5
    assert parse_weekday("इतवार") == 6
    assert weekday_name(0, "hi") == "सोमवार"
    assert weekday_name(6, "en") == "Sunday"
    assert error_of(parse_weekday, "someday").code == "bad_weekday"


def test_digest_setting_kinds() -> None:
    setting = parse_digest("weekly सोमवार 9:00")
    assert isinstance(setting, DigestSetting)
    assert setting.kind is DigestKind.WEEKLY
    assert setting.to_text() == "weekly mon 09:00"


# --- language, time zone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hi", "hi"),
        ("HI", "hi"),
        ("hindi", "hi"),
        ("Hindi", "hi"),
        ("हिंदी", "hi"),
        ("हिन्दी", "hi"),
        ("hi-IN", "hi"),
        ("en", "en"),
        ("english", "en"),
        ("English", "en"),
        ("अंग्रेज़ी", "en"),
        ("अंग्रेजी", "en"),
        ("इंग्लिश", "en"),
        ("en_US", "en"),
    ],
)
def test_languages(text: str, code: str) -> None:
    assert parse_language(text) == code


def test_bad_languages() -> None:
    assert error_of(parse_language, "").code == "missing_argument"
    error = error_of(parse_language, "français")
    assert error.code == "unknown_language"
    assert "français" in error.message("hi")
    assert "/lang hi" in error.message("en")


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("asia/kolkata", "Asia/Kolkata"),
        ("ASIA/KOLKATA", "Asia/Kolkata"),
        ("IST", "Asia/Kolkata"),
        ("ist", "Asia/Kolkata"),
        ("India", "Asia/Kolkata"),
        ("भारत", "Asia/Kolkata"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("kolkata", "Asia/Kolkata"),
        ("America/New_York", "America/New_York"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("europe/london", "Europe/London"),
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("Asia/Kathmandu", "Asia/Kathmandu"),
        ("Etc/GMT-5", "Etc/GMT-5"),
    ],
)
def test_timezones(text: str, zone: str) -> None:
    assert parse_timezone(text) == zone


def test_timezone_typos_get_a_suggestion() -> None:
    error = error_of(parse_timezone, "Asia/Kolkatta")
    assert error.code == "unknown_timezone_suggest"
    assert error.params["suggestion"] == "Asia/Kolkata"
    assert "Asia/Kolkata" in error.message("hi")
    assert "/tz Asia/Kolkata" in error.message("en")


@pytest.mark.parametrize("text", ["Mars/Olympus", "xyz", "../../etc/passwd", "localtime", "a" * 80])
def test_unknown_timezones(text: str) -> None:
    assert error_of(parse_timezone, text).code == "unknown_timezone"


def test_timezone_missing() -> None:
    assert error_of(parse_timezone, " ").code == "missing_argument"


# --- folding -----------------------------------------------------------------------------------


def test_fold_treats_spelling_variants_alike() -> None:
    assert fold("ह\u095e\u094dते") == fold("हफ\u093c\u094dते") == fold("हफ्ते")
    assert fold("हूँ") == fold("हूं")
    assert fold("  Weekly   MON ") == "weekly mon"
    assert fold("२२:३०") == "22:30"
    assert fold("ट्र\u200dैक") == fold("ट्रैक")
