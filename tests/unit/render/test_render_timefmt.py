"""Dates and times in the chat's language and timezone, exactly as people read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.render.timefmt import (
    chat_zone,
    format_date,
    format_date_range,
    format_entry_time,
    format_hour_range,
    format_moment,
    format_time,
    zone_abbreviation,
)

MOMENT = datetime(2020, 7, 4, 12, 23, tzinfo=UTC)  # 17:53 in India


def test_the_alert_time_in_both_languages() -> None:
    assert format_moment(MOMENT, lang="hi", timezone="Asia/Kolkata") == "4 जुलाई 2020, शाम 5:53"
    assert format_moment(MOMENT, lang="en", timezone="Asia/Kolkata") == "4 Jul 2020, 5:53 PM IST"


def test_default_timezone_is_india_and_unknown_zones_fall_back_to_it() -> None:
    assert format_moment(MOMENT, lang="en", timezone=None) == "4 Jul 2020, 5:53 PM IST"
    assert format_moment(MOMENT, lang="hi-IN", timezone="Mars/Olympus") == "4 जुलाई 2020, शाम 5:53"
    assert chat_zone("../etc/passwd") == ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("hour", "hindi"),
    [(0, "रात 12:05"), (6, "सुबह 6:05"), (12, "दोपहर 12:05"), (17, "शाम 5:05"), (21, "रात 9:05")],
)
def test_hindi_day_periods(hour: int, hindi: str) -> None:
    local = datetime(2020, 7, 4, hour, 5, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert format_time(local, lang="hi", timezone="Asia/Kolkata") == hindi


def test_other_zones_are_named_in_both_languages_and_follow_dst() -> None:
    summer = format_moment(MOMENT, lang="en", timezone="Europe/London")
    winter = format_moment(
        datetime(2020, 1, 4, 12, 23, tzinfo=UTC), lang="en", timezone="Europe/London"
    )
    assert summer == "4 Jul 2020, 1:23 PM BST"
    assert winter == "4 Jan 2020, 12:23 PM GMT"
    assert (
        format_moment(MOMENT, lang="hi", timezone="America/New_York") == "4 जुलाई 2020, सुबह 8:23 EDT"
    )
    assert format_moment(MOMENT, lang="en", timezone="Asia/Dubai") == "4 Jul 2020, 4:23 PM UTC+4"
    assert zone_abbreviation(MOMENT, ZoneInfo("Asia/Kathmandu")) == "UTC+5:45"


def test_local_date_changes_across_midnight() -> None:
    late = datetime(2020, 7, 4, 19, 0, tzinfo=UTC)  # 00:30 on 5 July in India
    assert format_date(late, lang="en", timezone="Asia/Kolkata") == "5 Jul 2020"
    assert format_date(late, lang="hi", timezone="Asia/Kolkata") == "5 जुलाई 2020"
    assert format_date(late, lang="en", timezone="UTC") == "4 Jul 2020"


def test_entry_times_show_the_day_only_when_it_differs() -> None:
    ref = datetime(2020, 7, 4, 12, 0, tzinfo=UTC)
    same_day = ref - timedelta(hours=3)
    day_before = ref - timedelta(days=1)
    assert format_entry_time(same_day, reference=ref, lang="en", timezone=None) == "2:30 PM"
    assert (
        format_entry_time(day_before, reference=ref, lang="hi", timezone=None) == "3 जुलाई, शाम 5:30"
    )


def test_hour_ranges() -> None:
    start = datetime(2020, 7, 4, 11, 30, tzinfo=UTC)  # 17:00 IST
    end = start + timedelta(hours=1)
    assert format_hour_range(start, end, lang="en", timezone=None) == "4 Jul 2020, 5:00–6:00 PM IST"
    assert format_hour_range(start, end, lang="hi", timezone=None) == "4 जुलाई 2020, शाम 5:00–6:00"
    noon = datetime(2020, 7, 4, 5, 30, tzinfo=UTC)  # 11:00 IST, crosses AM/PM
    assert (
        format_hour_range(noon, noon + timedelta(hours=1), lang="en", timezone=None)
        == "4 Jul 2020, 11:00 AM – 12:00 PM IST"
    )
    assert (
        format_hour_range(noon, noon + timedelta(hours=1), lang="hi", timezone=None)
        == "4 जुलाई 2020, सुबह 11:00 – दोपहर 12:00"
    )


def test_date_ranges_within_and_across_years() -> None:
    zone = ZoneInfo("Asia/Kolkata")
    first = datetime(2020, 6, 29, tzinfo=zone)
    last = datetime(2020, 7, 5, 23, 59, tzinfo=zone)
    assert format_date_range(first, last, lang="en", timezone=None) == "29 Jun – 5 Jul 2020"
    assert format_date_range(first, last, lang="hi", timezone=None) == "29 जून – 5 जुलाई 2020"
    new_year = format_date_range(
        datetime(2020, 12, 28, tzinfo=zone),
        datetime(2021, 1, 3, tzinfo=zone),
        lang="hi",
        timezone=None,
    )
    assert new_year == "28 दिसंबर 2020 – 3 जनवरी 2021"
    assert format_date_range(first, first, lang="en", timezone=None) == "29 Jun 2020"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_moment(datetime(2020, 7, 4, 12, 0), lang="en", timezone=None)
