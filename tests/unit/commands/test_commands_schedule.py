"""Digest periods, next runs, cron fields and quiet hours: exact instants, DST included.

Every expected instant below is written in UTC and was worked out by hand from the zone's
offsets (Kolkata +05:30; New York EST −5 / EDT −4, DST 2024-03-10 02:00 → 03:00 and
2024-11-03 02:00 → 01:00; London GMT / BST, 2024-03-31 01:00 → 02:00 and 2024-10-27 02:00 →
01:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.domain.models import QuietHours
from bot.domain.schedule import (
    DigestKind,
    DigestSetting,
    Period,
    cron_fields,
    current_period,
    format_quiet,
    is_quiet,
    local_instant,
    missed_digest,
    next_run,
    quiet_ends_at,
    zone_for,
)

KOLKATA = "Asia/Kolkata"
NEW_YORK = "America/New_York"
LONDON = "Europe/London"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the setting and its storage text ----------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "text"),
    [
        (DigestSetting.off(), "off"),
        (DigestSetting.hourly(), "hourly"),
        (DigestSetting.daily(hour=9), "daily 09:00"),
        (DigestSetting.daily(hour=23, minute=5), "daily 23:05"),
        (DigestSetting.weekly(weekday=0, hour=9), "weekly mon 09:00"),
        (DigestSetting.weekly(weekday=6, hour=0, minute=30), "weekly sun 00:30"),
    ],
)
def test_storage_text_round_trips(setting: DigestSetting, text: str) -> None:
    assert setting.to_text() == text
    assert DigestSetting.from_text(text) == setting
    assert DigestSetting.from_text(f"  {text.upper()} ") == setting


@pytest.mark.parametrize(
    "text",
    [
        "",
        "never",
        "daily",
        "daily 9:00",
        "daily 24:00",
        "daily 09:60",
        "daily ०९:००",
        "weekly mon",
        "weekly funday 09:00",
        "weekly 09:00 mon",
        "hourly 09:00",
        "off now",
    ],
)
def test_storage_text_is_strict(text: str) -> None:
    with pytest.raises(ValueError):
        DigestSetting.from_text(text)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": DigestKind.DAILY, "hour": 24},
        {"kind": DigestKind.DAILY, "minute": -1},
        {"kind": DigestKind.WEEKLY, "hour": 9},
        {"kind": DigestKind.WEEKLY, "hour": 9, "weekday": 7},
        {"kind": DigestKind.DAILY, "hour": 9, "weekday": 1},
        {"kind": DigestKind.HOURLY, "minute": 15},
        {"kind": "daily", "hour": 9},
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DigestSetting(**kwargs)  # type: ignore[arg-type]


def test_enabled_and_clock() -> None:
    assert not DigestSetting.off().enabled
    assert DigestSetting.daily(hour=7, minute=5).clock == "07:05"
    assert DigestSetting.hourly().enabled


# --- periods: midnight and week boundaries -------------------------------------------------------


def test_daily_period_before_todays_run() -> None:
    setting = DigestSetting.daily(hour=9)  # 09:00 IST = 03:30 UTC
    now = utc(2024, 7, 4, 3, 0)  # 08:30 IST
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 7, 2, 3, 30), utc(2024, 7, 3, 3, 30)
    )
    assert next_run(setting, now, KOLKATA) == utc(2024, 7, 4, 3, 30)


def test_daily_period_exactly_at_the_run_includes_it() -> None:
    setting = DigestSetting.daily(hour=9)
    now = utc(2024, 7, 4, 3, 30)
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 7, 3, 3, 30), utc(2024, 7, 4, 3, 30)
    )
    assert next_run(setting, now, KOLKATA) == utc(2024, 7, 5, 3, 30)


def test_daily_run_just_after_local_midnight_on_the_previous_utc_day() -> None:
    setting = DigestSetting.daily(hour=0, minute=30)  # 00:30 IST = 19:00 UTC the day before
    now = utc(2024, 6, 30, 19, 5)  # 00:35 IST on 1 July
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 6, 29, 19, 0), utc(2024, 6, 30, 19, 0)
    )
    assert next_run(setting, utc(2024, 6, 30, 18, 55), KOLKATA) == utc(2024, 6, 30, 19, 0)


def test_daily_across_the_new_year() -> None:
    setting = DigestSetting.daily(hour=23, minute=45)  # 18:15 UTC
    now = utc(2025, 1, 1, 2, 0)
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 12, 30, 18, 15), utc(2024, 12, 31, 18, 15)
    )
    assert next_run(setting, now, KOLKATA) == utc(2025, 1, 1, 18, 15)


def test_weekly_across_the_week_boundary() -> None:
    setting = DigestSetting.weekly(weekday=6, hour=23)  # Sunday 23:00 IST = 17:30 UTC
    now = utc(2024, 6, 30, 18, 40)  # Monday 1 July 00:10 IST
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 6, 23, 17, 30), utc(2024, 6, 30, 17, 30)
    )
    assert next_run(setting, now, KOLKATA) == utc(2024, 7, 7, 17, 30)


def test_weekly_before_this_weeks_run_uses_last_week() -> None:
    setting = DigestSetting.weekly(weekday=0, hour=9)  # Monday 09:00 IST
    now = utc(2024, 1, 1, 3, 0)  # Monday 1 Jan 08:30 IST
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2023, 12, 18, 3, 30), utc(2023, 12, 25, 3, 30)
    )
    assert next_run(setting, now, KOLKATA) == utc(2024, 1, 1, 3, 30)


def test_hourly_in_a_half_hour_zone() -> None:
    setting = DigestSetting.hourly()
    now = utc(2024, 1, 1, 10, 10)  # 15:40 IST
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 1, 1, 8, 30), utc(2024, 1, 1, 9, 30)
    )
    assert next_run(setting, now, KOLKATA) == utc(2024, 1, 1, 10, 30)


def test_hourly_in_a_quarter_hour_zone() -> None:
    setting = DigestSetting.hourly()
    now = utc(2024, 1, 1, 10, 10)  # 15:55 in Kathmandu (+05:45)
    assert current_period(setting, now, "Asia/Kathmandu") == Period(
        utc(2024, 1, 1, 8, 15), utc(2024, 1, 1, 9, 15)
    )
    assert next_run(setting, now, "Asia/Kathmandu") == utc(2024, 1, 1, 10, 15)


def test_hourly_across_midnight() -> None:
    setting = DigestSetting.hourly()
    now = utc(2024, 12, 31, 18, 31)  # 00:01 IST on 1 Jan
    assert current_period(setting, now, KOLKATA) == Period(
        utc(2024, 12, 31, 17, 30), utc(2024, 12, 31, 18, 30)
    )


# --- periods across daylight-saving changes -------------------------------------------------------


def test_spring_forward_nonexistent_time_runs_at_the_transition() -> None:
    setting = DigestSetting.daily(hour=2, minute=30)  # 02:30 does not exist on 2024-03-10
    assert next_run(setting, utc(2024, 3, 9, 12, 0), NEW_YORK) == utc(2024, 3, 10, 7, 0)
    assert current_period(setting, utc(2024, 3, 10, 12, 0), NEW_YORK) == Period(
        utc(2024, 3, 9, 7, 30),
        utc(2024, 3, 10, 7, 0),  # 02:30 EST → 03:00 EDT
    )
    assert current_period(setting, utc(2024, 3, 11, 12, 0), NEW_YORK) == Period(
        utc(2024, 3, 10, 7, 0),
        utc(2024, 3, 11, 6, 30),  # → 02:30 EDT
    )
    moment = local_instant(datetime(2024, 3, 10).date(), 2, 30, NEW_YORK)
    assert moment.astimezone(ZoneInfo(NEW_YORK)).strftime("%H:%M %Z") == "03:00 EDT"


def test_fall_back_repeated_time_runs_once_at_the_first_occurrence() -> None:
    setting = DigestSetting.daily(hour=1, minute=30)  # 01:30 happens twice on 2024-11-03
    assert next_run(setting, utc(2024, 11, 2, 12, 0), NEW_YORK) == utc(2024, 11, 3, 5, 30)
    # Not again at 01:30 EST (06:30 UTC): the next run is the following day.
    assert next_run(setting, utc(2024, 11, 3, 5, 30), NEW_YORK) == utc(2024, 11, 4, 6, 30)
    assert current_period(setting, utc(2024, 11, 3, 6, 45), NEW_YORK) == Period(
        utc(2024, 11, 2, 5, 30), utc(2024, 11, 3, 5, 30)
    )
    assert current_period(setting, utc(2024, 11, 4, 7, 0), NEW_YORK) == Period(
        utc(2024, 11, 3, 5, 30),
        utc(2024, 11, 4, 6, 30),  # a 25-hour day
    )


def test_daily_morning_digest_across_new_york_dst() -> None:
    setting = DigestSetting.daily(hour=9)
    assert current_period(setting, utc(2024, 3, 10, 14, 0), NEW_YORK) == Period(
        utc(2024, 3, 9, 14, 0),
        utc(2024, 3, 10, 13, 0),  # a 23-hour period
    )
    assert current_period(setting, utc(2024, 11, 3, 15, 0), NEW_YORK) == Period(
        utc(2024, 11, 2, 13, 0),
        utc(2024, 11, 3, 14, 0),  # a 25-hour period
    )


def test_london_spring_forward_and_fall_back() -> None:
    setting = DigestSetting.daily(hour=1, minute=30)
    # 2024-03-31: 01:00 GMT → 02:00 BST; 01:30 does not exist → 01:00 UTC (02:00 BST).
    assert next_run(setting, utc(2024, 3, 30, 12, 0), LONDON) == utc(2024, 3, 31, 1, 0)
    assert next_run(setting, utc(2024, 3, 31, 1, 0), LONDON) == utc(2024, 4, 1, 0, 30)
    # 2024-10-27: 02:00 BST → 01:00 GMT; 01:30 twice → first, 00:30 UTC (01:30 BST).
    assert next_run(setting, utc(2024, 10, 26, 12, 0), LONDON) == utc(2024, 10, 27, 0, 30)
    assert next_run(setting, utc(2024, 10, 27, 0, 30), LONDON) == utc(2024, 10, 28, 1, 30)


def test_weekly_on_the_spring_forward_sunday() -> None:
    setting = DigestSetting.weekly(weekday=6, hour=2, minute=30)
    assert current_period(setting, utc(2024, 3, 10, 8, 0), NEW_YORK) == Period(
        utc(2024, 3, 3, 7, 30), utc(2024, 3, 10, 7, 0)
    )
    assert next_run(setting, utc(2024, 3, 10, 8, 0), NEW_YORK) == utc(2024, 3, 17, 6, 30)


def test_hourly_runs_every_real_hour_across_fall_back() -> None:
    setting = DigestSetting.hourly()
    runs = []
    now = utc(2024, 11, 3, 3, 10)  # 23:10 EDT on 2 Nov
    for _ in range(5):
        now = next_run(setting, now, NEW_YORK)
        runs.append(now)
    # 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST
    assert runs == [utc(2024, 11, 3, h, 0) for h in (4, 5, 6, 7, 8)]
    assert current_period(setting, utc(2024, 11, 3, 6, 20), NEW_YORK) == Period(
        utc(2024, 11, 3, 5, 0), utc(2024, 11, 3, 6, 0)
    )


def test_hourly_across_spring_forward() -> None:
    setting = DigestSetting.hourly()
    # 01:00 EST (06:00 UTC) is followed by 03:00 EDT (07:00 UTC): still one real hour.
    assert current_period(setting, utc(2024, 3, 10, 7, 5), NEW_YORK) == Period(
        utc(2024, 3, 10, 6, 0), utc(2024, 3, 10, 7, 0)
    )


def test_a_day_that_never_happened() -> None:
    setting = DigestSetting.daily(hour=9)
    # Samoa skipped 30 Dec 2011: 29 Dec 23:59:59 (−10) was followed by 31 Dec 00:00 (+14).
    assert current_period(setting, utc(2011, 12, 31, 12, 0), "Pacific/Apia") == Period(
        utc(2011, 12, 30, 10, 0), utc(2011, 12, 30, 19, 0)
    )


def test_off_has_no_period_or_run_or_cron() -> None:
    with pytest.raises(ValueError):
        current_period(DigestSetting.off(), utc(2024, 1, 1), KOLKATA)
    with pytest.raises(ValueError):
        next_run(DigestSetting.off(), utc(2024, 1, 1), KOLKATA)
    with pytest.raises(ValueError):
        cron_fields(DigestSetting.off())


def test_naive_times_and_unknown_zones_are_refused() -> None:
    with pytest.raises(ValueError):
        current_period(DigestSetting.hourly(), datetime(2024, 1, 1), KOLKATA)
    with pytest.raises(ValueError):
        next_run(DigestSetting.hourly(), utc(2024, 1, 1), "Mars/Olympus")
    with pytest.raises(ValueError):
        zone_for("../etc/passwd")


def test_any_aware_timezone_is_accepted_as_now() -> None:
    ist_now = datetime(2024, 7, 4, 8, 30, tzinfo=ZoneInfo(KOLKATA))
    assert next_run(DigestSetting.daily(hour=9), ist_now, KOLKATA) == utc(2024, 7, 4, 3, 30)


# --- cron fields, checked against the real APScheduler CronTrigger -------------------------------


def test_cron_fields() -> None:
    assert cron_fields(DigestSetting.hourly()) == {"hour": "*", "minute": 0, "second": 0}
    assert cron_fields(DigestSetting.daily(hour=9, minute=15)) == {
        "hour": 9,
        "minute": 15,
        "second": 0,
    }
    assert cron_fields(DigestSetting.weekly(weekday=0, hour=9)) == {
        "day_of_week": "mon",
        "hour": 9,
        "minute": 0,
        "second": 0,
    }


def _cron_fires(setting: DigestSetting, tz: str, start: datetime, end: datetime) -> list[datetime]:
    trigger = CronTrigger(timezone=ZoneInfo(tz), **cron_fields(setting))  # type: ignore[arg-type]
    fires: list[datetime] = []
    previous = None
    now = start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire >= end:
            return fires
        fires.append(fire.astimezone(UTC))
        previous = fire
        now = fire.astimezone(UTC) + timedelta(seconds=1)


def _runs(setting: DigestSetting, tz: str, start: datetime, end: datetime) -> list[datetime]:
    runs: list[datetime] = []
    now = start - timedelta(microseconds=1)  # CronTrigger counts a fire exactly at start
    while (now := next_run(setting, now, tz)) < end:
        runs.append(now)
    return runs


@pytest.mark.parametrize(
    ("setting", "tz", "start"),
    [
        (DigestSetting.daily(hour=9), KOLKATA, utc(2024, 6, 25)),
        (DigestSetting.weekly(weekday=0, hour=9, minute=30), KOLKATA, utc(2024, 6, 1)),
        (DigestSetting.hourly(), KOLKATA, utc(2024, 6, 30, 12)),
        (DigestSetting.daily(hour=2, minute=30), NEW_YORK, utc(2024, 3, 7)),
        (DigestSetting.daily(hour=1, minute=30), NEW_YORK, utc(2024, 10, 31)),
        (DigestSetting.hourly(), NEW_YORK, utc(2024, 11, 2, 20)),
        (DigestSetting.hourly(), NEW_YORK, utc(2024, 3, 9, 20)),
        (DigestSetting.weekly(weekday=6, hour=1, minute=30), LONDON, utc(2024, 10, 1)),
    ],
)
def test_every_cron_fire_maps_to_exactly_our_periods(
    setting: DigestSetting, tz: str, start: datetime
) -> None:
    """A cron fire is a wake-up: asking ``current_period`` at each fire yields each of our runs
    once (a repeated fall-back fire maps to the same period, the spring-forward fire is late
    by at most the gap), so the digest claim keyed by period start sends exactly once."""
    end = start + (timedelta(days=30) if setting.kind is DigestKind.WEEKLY else timedelta(days=5))
    fires = _cron_fires(setting, tz, start, end)
    runs = _runs(setting, tz, start, end)
    assert fires, "the trigger must fire in the window"
    period_ends = [current_period(setting, fire, tz).end for fire in fires]
    assert sorted(set(period_ends)) == runs
    for fire, period_end in zip(fires, period_ends, strict=True):
        assert timedelta(0) <= fire - period_end <= timedelta(hours=1)


# --- missed digests ------------------------------------------------------------------------------


def test_missed_digest_within_grace_is_sent() -> None:
    setting = DigestSetting.daily(hour=9)  # 03:30 UTC
    now = utc(2024, 7, 4, 3, 50)  # 20 minutes after the run
    expected = Period(utc(2024, 7, 3, 3, 30), utc(2024, 7, 4, 3, 30))
    grace = timedelta(minutes=30)
    assert missed_digest(utc(2024, 7, 2, 3, 30), setting, now, KOLKATA, grace) == expected
    assert missed_digest(None, setting, now, KOLKATA, grace) == expected


def test_missed_digest_already_taken_or_too_late_is_none() -> None:
    setting = DigestSetting.daily(hour=9)
    now = utc(2024, 7, 4, 3, 50)
    grace = timedelta(minutes=30)
    assert missed_digest(utc(2024, 7, 3, 3, 30), setting, now, KOLKATA, grace) is None
    assert missed_digest(utc(2024, 7, 4, 3, 40), setting, now, KOLKATA, grace) is None
    late = utc(2024, 7, 4, 4, 1)  # 31 minutes after the run
    assert missed_digest(utc(2024, 7, 2, 3, 30), setting, late, KOLKATA, grace) is None
    edge = utc(2024, 7, 4, 4, 0)  # exactly at the end of the grace window: still sent
    assert missed_digest(None, setting, edge, KOLKATA, grace) is not None
    assert missed_digest(None, DigestSetting.off(), now, KOLKATA, grace) is None


def test_missed_digest_refuses_negative_grace() -> None:
    with pytest.raises(ValueError):
        missed_digest(None, DigestSetting.hourly(), utc(2024, 1, 1), KOLKATA, timedelta(-1))


# --- quiet hours ---------------------------------------------------------------------------------

NIGHT = QuietHours(start_minute=22 * 60, end_minute=7 * 60)  # 22:00-07:00 IST
LUNCH = QuietHours(start_minute=13 * 60, end_minute=14 * 60)


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (utc(2024, 7, 4, 16, 29), False),  # 21:59 IST
        (utc(2024, 7, 4, 16, 30), True),  # 22:00
        (utc(2024, 7, 4, 18, 30), True),  # 00:00
        (utc(2024, 7, 5, 1, 29), True),  # 06:59
        (utc(2024, 7, 5, 1, 30), False),  # 07:00
        (utc(2024, 7, 5, 6, 0), False),  # 11:30
    ],
)
def test_quiet_hours_crossing_midnight(now: datetime, quiet: bool) -> None:
    assert is_quiet(now, KOLKATA, NIGHT) is quiet


def test_quiet_hours_within_a_day() -> None:
    assert is_quiet(utc(2024, 7, 4, 7, 30), KOLKATA, LUNCH)  # 13:00
    assert not is_quiet(utc(2024, 7, 4, 8, 30), KOLKATA, LUNCH)  # 14:00
    assert not is_quiet(utc(2024, 7, 4, 7, 29), KOLKATA, LUNCH)  # 12:59
    assert not is_quiet(utc(2024, 7, 4, 7, 30), KOLKATA, None)


def test_quiet_ends_at() -> None:
    assert quiet_ends_at(utc(2024, 7, 4, 17, 30), KOLKATA, NIGHT) == utc(2024, 7, 5, 1, 30)
    assert quiet_ends_at(utc(2024, 7, 4, 21, 30), KOLKATA, NIGHT) == utc(2024, 7, 5, 1, 30)
    assert quiet_ends_at(utc(2024, 7, 4, 12, 0), KOLKATA, NIGHT) is None
    assert quiet_ends_at(utc(2024, 7, 4, 12, 0), KOLKATA, None) is None
    assert quiet_ends_at(utc(2024, 7, 4, 7, 45), KOLKATA, LUNCH) == utc(2024, 7, 4, 8, 30)


def test_quiet_end_skipped_by_spring_forward_ends_at_the_transition() -> None:
    quiet = QuietHours(start_minute=0, end_minute=90)  # 00:00-01:30 London
    now = utc(2024, 3, 31, 0, 45)  # 00:45 GMT, quiet
    assert is_quiet(now, LONDON, quiet)
    assert quiet_ends_at(now, LONDON, quiet) == utc(2024, 3, 31, 1, 0)  # 02:00 BST
    assert not is_quiet(utc(2024, 3, 31, 1, 0), LONDON, quiet)


def test_format_quiet() -> None:
    assert format_quiet(NIGHT) == "22:00-07:00"
    assert format_quiet(QuietHours(start_minute=5, end_minute=13 * 60 + 45)) == "00:05-13:45"
