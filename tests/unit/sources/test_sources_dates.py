"""Publication dates as news feeds and pages print them, to tz-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.sources.dates import parse_datetime, zone

KOLKATA = zone("Asia/Kolkata")
NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 28 Sep 2026 23:05:54 +0530", datetime(2026, 9, 28, 17, 35, 54)),
        ("Sat, 04 Jul 2020 17:53:00 GMT", datetime(2020, 7, 4, 17, 53)),
        ("Sat, 04 Jul 2020 17:53:00 IST", datetime(2020, 7, 4, 12, 23)),
        ("Sat, 04 Jul 2020 17:53:00", datetime(2020, 7, 4, 12, 23)),  # no zone: source's zone
        ("04 Jul 2020 17:53 EST", datetime(2020, 7, 4, 22, 53)),
        ("Sat, 04 Jul 2020 05:53 PM IST", datetime(2020, 7, 4, 12, 23)),
        ("Jul 04, 2020, 05:53 PM IST", datetime(2020, 7, 4, 12, 23)),
        ("Friday, January 29, 2021 04:42 PM", datetime(2021, 1, 29, 11, 12)),
        ("1611918720000", datetime(2021, 1, 29, 11, 12)),  # epoch milliseconds
        ("1611918720", datetime(2021, 1, 29, 11, 12)),  # epoch seconds
        ("2024-09-04T16:20:35+05:30", datetime(2024, 9, 4, 10, 50, 35)),
        ("2024-09-04T16:20:35Z", datetime(2024, 9, 4, 16, 20, 35)),
        ("2020-02-14 21:42:56", datetime(2020, 2, 14, 16, 12, 56)),
        ("2021-10-16\\T17:47:49+05:30", datetime(2021, 10, 16, 12, 17, 49)),  # Aaj Tak's JSON-LD
        ("April 19, 2019", datetime(2019, 4, 18, 18, 30)),
        ("04 जुलाई 2020", datetime(2020, 7, 3, 18, 30)),
        ("०४ जुलाई २०२०", datetime(2020, 7, 3, 18, 30)),
        ("Sun Jan  4 16:29:06 PST 2004", datetime(2004, 1, 5, 0, 29, 6)),
        ("2003-12-31T10:14:55Z", datetime(2003, 12, 31, 10, 14, 55)),
    ],
)
def test_formats(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text, default_tz=KOLKATA, now=NOW)
    assert parsed == expected.replace(tzinfo=UTC)
    assert parsed is not None and parsed.tzinfo is UTC


def test_numbers_are_epochs() -> None:
    assert parse_datetime(1611918720000, now=NOW) == datetime(2021, 1, 29, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["", "garbage", "32 Foo 2020", "0", "1 Jan 1800 10:00 GMT", "2999-01-01T00:00:00Z"]
)
def test_unusable_dates_are_none(text: str) -> None:
    assert parse_datetime(text, default_tz=KOLKATA, now=NOW) is None


def test_the_default_zone_is_kolkata() -> None:
    assert parse_datetime("2020-02-14 21:42:56", now=NOW) == datetime(
        2020, 2, 14, 16, 12, 56, tzinfo=UTC
    )


def test_unknown_zone_names_raise() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        zone("Mars/Olympus")
