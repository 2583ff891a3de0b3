"""Dates and times as a chat reads them: in its timezone, in Hindi or English, via Babel.

The shapes are chosen for Indian readers and checked against Babel's output:

* English: "4 Jul 2020, 5:53 PM IST" — day-month-year with the short month, 12-hour clock, zone.
* Hindi: "4 जुलाई 2020, शाम 5:53" — full month name and Babel's Hindi day period (सुबह, दोपहर,
  शाम, रात; CLDR pattern letter ``B``) before the time, the way people say it. For India time
  the zone is left out (it goes without saying); any other zone is named, e.g. "… सुबह 9:15 BST".

The zone abbreviation is the tz database's own (IST, BST, EDT, CET); where the database has only
a number ("+04") it is written "UTC+4". Babel's ``z`` is not used for it because its output
depends on the locale's metazone data: plain ``en`` gives "+0530" for India while ``en_IN`` and
``hi`` give "IST".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime

from bot.domain.i18n import normalise_language

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE: Final = "Asia/Kolkata"
_INDIA_OFFSET: Final = timedelta(hours=5, minutes=30)

# Babel patterns per chat language (locale "en" gives "Jul"/"Sep" and "PM"; "hi" gives जुलाई).
_DATE: Final = {"en": "d MMM y", "hi": "d MMMM y"}
_DAY_MONTH: Final = {"en": "d MMM", "hi": "d MMMM"}
_TIME: Final = {"en": "h:mm a", "hi": "B h:mm"}
_CLOCK: Final = "h:mm"
_PERIOD: Final = {"en": "a", "hi": "B"}


@lru_cache(maxsize=256)
def chat_zone(name: str | None) -> ZoneInfo:
    """The chat's timezone; an unknown or empty name falls back to India time (logged once)."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            log.warning("unknown timezone %r, using %s", name, DEFAULT_TIMEZONE)
    return ZoneInfo(DEFAULT_TIMEZONE)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {moment.isoformat()}")


@lru_cache(maxsize=4096)
def _babel(moment: datetime, pattern: str, lang: str, zone: ZoneInfo) -> str:
    """Babel's formatting, cached: one story fanned out to thousands of chats repeats it."""
    return format_datetime(moment, pattern, tzinfo=zone, locale=lang)


def zone_abbreviation(moment: datetime, zone: ZoneInfo) -> str:
    """IST, BST, EDT … as the tz database names it at that moment; numeric ones as UTC+4."""
    local = moment.astimezone(zone)
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def _is_india_time(moment: datetime, zone: ZoneInfo) -> bool:
    local = moment.astimezone(zone)
    return local.utcoffset() == _INDIA_OFFSET and local.tzname() == "IST"


def _zone_suffix(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    if lang == "hi" and _is_india_time(moment, zone):
        return ""
    return " " + zone_abbreviation(moment, zone)


def format_date(moment: datetime, *, lang: str | None, timezone: str | None) -> str:
    """ "4 Jul 2020" / "4 जुलाई 2020" in the chat's timezone."""
    _require_aware(moment)
    code = normalise_language(lang)
    return _babel(moment, _DATE[code], code, chat_zone(timezone))


def format_day_month(moment: datetime, *, lang: str | None, timezone: str | None) -> str:
    """ "4 Jul" / "4 जुलाई" in the chat's timezone."""
    _require_aware(moment)
    code = normalise_language(lang)
    return _babel(moment, _DAY_MONTH[code], code, chat_zone(timezone))


def format_time(moment: datetime, *, lang: str | None, timezone: str | None) -> str:
    """ "5:53 PM" / "शाम 5:53" in the chat's timezone (no zone name)."""
    _require_aware(moment)
    code = normalise_language(lang)
    return _babel(moment, _TIME[code], code, chat_zone(timezone))


def format_moment(moment: datetime, *, lang: str | None, timezone: str | None) -> str:
    """An alert's time: "4 Jul 2020, 5:53 PM IST" / "4 जुलाई 2020, शाम 5:53"."""
    _require_aware(moment)
    code = normalise_language(lang)
    zone = chat_zone(timezone)
    date = _babel(moment, _DATE[code], code, zone)
    time = _babel(moment, _TIME[code], code, zone)
    return f"{date}, {time}{_zone_suffix(moment, zone, code)}"


def format_entry_time(
    moment: datetime, *, reference: datetime, lang: str | None, timezone: str | None
) -> str:
    """A digest entry's time: just "5:53 PM" on the reference day, else "3 Jul, 5:53 PM"."""
    _require_aware(moment)
    _require_aware(reference)
    zone = chat_zone(timezone)
    time = format_time(moment, lang=lang, timezone=timezone)
    if moment.astimezone(zone).date() == reference.astimezone(zone).date():
        return time
    return f"{format_day_month(moment, lang=lang, timezone=timezone)}, {time}"


def format_hour_range(
    start: datetime, end: datetime, *, lang: str | None, timezone: str | None
) -> str:
    """An hourly period: "4 Jul 2020, 5:00–6:00 PM IST" / "4 जुलाई 2020, शाम 5:00–6:00".

    The day period (PM, शाम) is written once when both ends share it.
    """
    _require_aware(start)
    _require_aware(end)
    code = normalise_language(lang)
    zone = chat_zone(timezone)
    date = _babel(start, _DATE[code], code, zone)
    same_period = _babel(start, _PERIOD[code], code, zone) == _babel(end, _PERIOD[code], code, zone)
    if same_period:
        clock_a = _babel(start, _CLOCK, code, zone)
        clock_b = _babel(end, _CLOCK, code, zone)
        period = _babel(end, _PERIOD[code], code, zone)
        span = f"{period} {clock_a}–{clock_b}" if code == "hi" else f"{clock_a}–{clock_b} {period}"
    else:
        span = f"{_babel(start, _TIME[code], code, zone)} – {_babel(end, _TIME[code], code, zone)}"
    return f"{date}, {span}{_zone_suffix(end, zone, code)}"


def format_date_range(
    first: datetime, last: datetime, *, lang: str | None, timezone: str | None
) -> str:
    """Days from ``first`` to ``last`` inclusive: "29 Jun – 5 Jul 2020" / "29 जून – 5 जुलाई 2020".

    One date when both fall on the same local day; both years when the range crosses a year.
    """
    _require_aware(first)
    _require_aware(last)
    code = normalise_language(lang)
    zone = chat_zone(timezone)
    first_local, last_local = first.astimezone(zone), last.astimezone(zone)
    end = _babel(last, _DATE[code], code, zone)
    if first_local.date() == last_local.date():
        return end
    if first_local.year == last_local.year:
        return f"{_babel(first, _DAY_MONTH[code], code, zone)} – {end}"
    return f"{_babel(first, _DATE[code], code, zone)} – {end}"
