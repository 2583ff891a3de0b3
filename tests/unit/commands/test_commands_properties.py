"""Property tests: no text makes the command layer fail in any way but CommandArgumentError,
every error renders in both languages, and digest periods tile time exactly in any zone."""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.commands import (
    MAX_DURATION,
    MIN_DURATION,
    CommandArgumentError,
    DigestNow,
    parse_clock,
    parse_command,
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
)
from bot.domain.i18n import catalogue
from bot.domain.schedule import DigestKind, DigestSetting, current_period, next_run

# Pieces that steer generated text into the parsers' deeper paths.
FRAGMENTS = [
    "/",
    "@",
    "track",
    "khabardar_bot",
    " ",
    "\n",
    "\t",
    '"',
    "“",
    "-",
    "–",
    ":",
    ".",
    ",",
    "#",
    "<",
    ">",
    "|",
    "0",
    "7",
    "12",
    "22:00",
    "07.30",
    "99",
    "९",
    "२२",
    "h",
    "m",
    "d",
    "w",
    "min",
    "hours",
    "घंटे",
    "मिनट",
    "हफ़्ता",
    "दिन",
    "and",
    "और",
    "am",
    "pm",
    "से",
    "तक",
    "off",
    "बंद",
    "hourly",
    "daily",
    "weekly",
    "mon",
    "सोमवार",
    "रोज़",
    "सुबह",
    "शाम",
    "रात",
    "बजे",
    "now",
    "अभी",
    "hold",
    "all",
    "सब",
    "hi",
    "हिंदी",
    "english",
    "Asia/",
    "Kolkata",
    "IST",
    "https://",
    "http://",
    "example.com",
    "[::1",
    ":80x",
    "\u093c",
    "\u200d",
    "\ud800",
    "\x00",
]
plausible_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=14
).map("".join)
any_text = st.one_of(st.text(max_size=80), plausible_text)

PARSERS: list[Callable[[str], object]] = [
    parse_duration,
    parse_quiet,
    parse_digest,
    parse_language,
    parse_timezone,
    parse_untrack_target,
    parse_mute,
    parse_why,
    parse_url,
    parse_number,
    parse_clock,
    parse_weekday,
]


@given(any_text, st.sampled_from([None, "khabardar_bot", "@Khabardar_Bot"]))
def test_parse_command_never_raises(text: str, bot_username: str | None) -> None:
    parsed = parse_command(text, bot_username=bot_username)
    if parsed is not None:
        assert parsed.name == parsed.name.lower()
        assert parsed.args == parsed.args.strip()
        assert parsed.args in text
        if parsed.command is not None:
            assert parsed.suggestion() is parsed.command


@given(any_text)
def test_track_arguments_survive_verbatim(query: str) -> None:
    parsed = parse_command("/track " + query, bot_username="khabardar_bot")
    assert parsed is not None
    assert parsed.args == query.strip()


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=any_text)
def test_argument_parsers_raise_only_argument_errors(
    parser: Callable[[str], object], text: str
) -> None:
    try:
        parser(text)
    except CommandArgumentError as error:
        template = catalogue()[error.key]
        for lang in ("en", "hi"):
            placeholders = {f for _, f, _, _ in string.Formatter().parse(template[lang]) if f}
            assert placeholders <= set(error.params)  # every placeholder has a value
            assert error.message(lang).strip()


@given(any_text)
def test_durations_are_always_within_bounds(text: str) -> None:
    try:
        duration = parse_duration(text)
    except CommandArgumentError:
        return
    assert MIN_DURATION <= duration <= MAX_DURATION


@given(any_text)
def test_quiet_hours_are_always_valid(text: str) -> None:
    try:
        quiet = parse_quiet(text)
    except CommandArgumentError:
        return
    if quiet is not None:
        assert 0 <= quiet.start_minute < 1440
        assert 0 <= quiet.end_minute < 1440
        assert quiet.start_minute != quiet.end_minute


@given(any_text)
def test_parsed_digests_survive_storage(text: str) -> None:
    try:
        setting = parse_digest(text)
    except CommandArgumentError:
        return
    if not isinstance(setting, DigestNow):
        assert DigestSetting.from_text(setting.to_text()) == setting


# --- schedule invariants in awkward zones ---------------------------------------------------------

ZONES = [
    "Asia/Kolkata",
    "America/New_York",
    "Europe/London",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",  # half-hour DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Sao_Paulo",
    "UTC",
]
settings_strategy = st.one_of(
    st.just(DigestSetting.hourly()),
    st.builds(
        lambda h, m: DigestSetting.daily(hour=h, minute=m),
        st.integers(0, 23),
        st.sampled_from([0, 15, 30, 45, 59]),
    ),
    st.builds(
        lambda d, h, m: DigestSetting.weekly(weekday=d, hour=h, minute=m),
        st.integers(0, 6),
        st.integers(0, 23),
        st.sampled_from([0, 30]),
    ),
)
instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=300, deadline=None)
@given(settings_strategy, st.sampled_from(ZONES), instants)
def test_periods_tile_time(setting: DigestSetting, tz: str, now: datetime) -> None:
    period = current_period(setting, now, tz)
    upcoming = next_run(setting, now, tz)
    assert period.start < period.end <= now < upcoming
    following = current_period(setting, upcoming, tz)
    assert following.end == upcoming
    assert following.start == period.end  # no gap, no overlap
    longest = {
        DigestKind.HOURLY: timedelta(hours=1, minutes=30),
        DigestKind.DAILY: timedelta(hours=26),
        DigestKind.WEEKLY: timedelta(days=7, hours=2),
    }[setting.kind]
    assert upcoming - period.end <= longest


@settings(max_examples=300, deadline=None)
@given(settings_strategy, st.sampled_from(ZONES), instants)
def test_runs_happen_at_the_chosen_local_time_or_the_first_valid_one_after(
    setting: DigestSetting, tz: str, now: datetime
) -> None:
    run = next_run(setting, now, tz)
    local = run.astimezone(ZoneInfo(tz))
    if setting.kind is DigestKind.HOURLY:
        assert (local.minute, local.second) == (0, 0)
        return
    if setting.kind is DigestKind.WEEKLY:
        assert local.weekday() == setting.weekday
    wanted = local.replace(hour=setting.hour, minute=setting.minute, tzinfo=None)
    if (local.hour, local.minute) != (setting.hour, setting.minute):
        # The wanted time did not exist that day: we run at the transition right after it.
        just_before = (run - timedelta(seconds=1)).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        assert just_before < wanted < local.replace(tzinfo=None)
    else:
        # It existed (maybe twice: DST shifts of 30 or 60 minutes): we run at its first occurrence.
        for shift in (timedelta(minutes=30), timedelta(hours=1)):
            earlier = (run - shift).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
            assert earlier != wanted
