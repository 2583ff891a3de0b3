"""Publication times from the strings feeds and pages actually contain, as tz-aware UTC.

Feed parsers silently treat a date without a zone as UTC, which puts Indian news 5½ hours in
the future; here a missing (or unknown) zone means the source's own time zone. Handles RFC 822
(with "IST"), ISO 8601 / W3C-DTF, epoch seconds and milliseconds, the long forms news sites
print ("Friday, January 29, 2021 04:42 PM", "Published : Jul 04, 2020, 05:53 PM IST") and Hindi
month names; feedparser's date handlers are the last resort for odd legacy formats.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedparser.datetimes import _parse_date as feedparser_parse_date

DEFAULT_TIMEZONE = "Asia/Kolkata"
_MIN_YEAR = 1990
_MAX_FUTURE = timedelta(days=366)

_ZONE_OFFSETS_MIN = {
    "Z": 0,
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "IST": 330,  # India (not Israel or Ireland: this is an Indian news bot)
    "PKT": 300,
    "NPT": 345,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "SGT": 480,
    "JST": 540,
    "AEST": 600,
}
_TRAILING_ZONE = re.compile(
    r"\s*(?:(?P<name>[A-Za-z]{1,5})?\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?)|(?P<alone>[A-Za-z]{1,5}))$"
)
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{8}T")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?$"
)
_ANY_ZONE = re.compile(r"(?:^|\s)(?:[+-]\d{2}:?\d{2}|[A-Z]{1,5})(?:\s|$)")
_HINDI_MONTHS = {
    "जनवरी": "January",
    "फ़रवरी": "February",
    "फरवरी": "February",
    "मार्च": "March",
    "अप्रैल": "April",
    "अप्रेल": "April",
    "मई": "May",
    "जून": "June",
    "जुलाई": "July",
    "अगस्त": "August",
    "सितंबर": "September",
    "सितम्बर": "September",
    "अक्टूबर": "October",
    "अक्तूबर": "October",
    "नवंबर": "November",
    "नवम्बर": "November",
    "दिसंबर": "December",
    "दिसम्बर": "December",
}
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_FORMATS = (
    "%A, %B %d, %Y %I:%M %p",
    "%A, %B %d, %Y, %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y, %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y, %I:%M %p",
    "%a, %d %b %Y %I:%M %p",
    "%d %b %Y %I:%M %p",
    "%d %b %Y, %I:%M %p",
    "%d %B %Y %I:%M %p",
    "%d %B %Y, %I:%M %p",
    "%A, %d %B %Y %H:%M:%S",
    "%A, %d %B %Y %H:%M",
    "%a, %d %B %Y %H:%M:%S",
    "%d %B %Y %H:%M",
    "%B %d, %Y %H:%M",
    "%b %d, %Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%A, %B %d, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
)


@lru_cache(maxsize=64)
def zone(name: str | None) -> tzinfo:
    """The ``ZoneInfo`` for an IANA name (default ``Asia/Kolkata``); unknown names raise."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def parse_datetime(
    value: str | float | None, *, default_tz: tzinfo | None = None, now: datetime | None = None
) -> datetime | None:
    """A tz-aware UTC datetime from a feed or page date, or None when there is none usable.

    ``default_tz`` applies when the text carries no zone (or a zone we cannot trust).
    """
    if value is None or value == "":
        return None
    local = default_tz or zone(None)
    try:
        parsed = _parse(value, local)
    except (ValueError, OverflowError, OSError):
        parsed = None
    if parsed is None:
        return None
    parsed = parsed.astimezone(UTC)
    limit = (now or datetime.now(UTC)) + _MAX_FUTURE
    if parsed.year < _MIN_YEAR or parsed > limit:
        return None
    return parsed


def _parse(value: str | float, local: tzinfo) -> datetime | None:
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = " ".join(value.replace("\\", "").split())
    if not text:
        return None
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    if _ISO_START.match(text):
        iso = _from_iso(text, local)
        if iso is not None:
            return iso
    if not text.isascii():
        text = _anglicise(text)
    rest, offset = _split_zone(text)
    fixed: tzinfo = timezone(timedelta(minutes=offset)) if offset is not None else local
    if _RFC822.match(rest):
        fields = parsedate_tz(rest)
        if fields is not None:
            year = fields[0] + (2000 if fields[0] < 50 else 1900 if fields[0] < 100 else 0)
            return datetime(year, *fields[1:6], tzinfo=fixed)
    for pattern in _FORMATS:
        try:
            return datetime.strptime(rest, pattern).replace(tzinfo=fixed)
        except ValueError:
            continue
    has_zone = offset is not None or any(
        token.strip() in _ZONE_OFFSETS_MIN or token.strip()[0] in "+-"
        for token in _ANY_ZONE.findall(text)
    )
    return _from_feedparser(text, has_zone=has_zone, local=local)


def _from_epoch(number: float) -> datetime:
    if number > 1e11:  # milliseconds (JSON APIs, JavaScript)
        number /= 1000.0
    return datetime.fromtimestamp(number, UTC)


def _from_iso(text: str, local: tzinfo) -> datetime | None:
    candidate = text.replace(" IST", "+05:30").replace(" UTC", "+00:00").replace(" GMT", "+00:00")
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=local)


def _split_zone(text: str) -> tuple[str, int | None]:
    """``("Jul 04, 2020, 05:53 PM", 330)`` from ``"Jul 04, 2020, 05:53 PM IST"``."""
    match = _TRAILING_ZONE.search(text)
    if match is None:
        return text, None
    rest = text[: match.start()].rstrip(" ,")
    if match.group("offset"):
        name = (match.group("name") or "").upper()
        if name and name not in ("GMT", "UTC", "UT"):
            return text, None  # "PM +5" and similar are not zones we understand
        return rest, _offset_minutes(match.group("offset"))
    name = match.group("alone").upper()
    if name in ("AM", "PM"):
        return text, None
    if name in _ZONE_OFFSETS_MIN:
        return rest, _ZONE_OFFSETS_MIN[name]
    if len(name) >= 3 and name.isupper() and match.group("alone").isupper():
        return rest, None  # an unknown zone abbreviation: fall back to the source's zone
    return text, None


def _offset_minutes(offset: str) -> int | None:
    sign = -1 if offset.startswith("-") else 1
    digits = offset[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 14 or minutes >= 60:
        return None
    return sign * (hours * 60 + minutes)


def _anglicise(text: str) -> str:
    text = text.translate(_DEVANAGARI_DIGITS)
    for hindi, english in _HINDI_MONTHS.items():
        if hindi in text:
            text = text.replace(hindi, english)
    return text


def _from_feedparser(text: str, *, has_zone: bool, local: tzinfo) -> datetime | None:
    # feedparser's legacy handlers (asctime, Korean, Greek, Hungarian, W3C variants) return a
    # UTC struct_time; without a zone in the text its fields are the source's local time.
    struct = feedparser_parse_date(text)
    if struct is None:
        return None
    naive = datetime(*struct[:6])
    return naive.replace(tzinfo=UTC) if has_zone else naive.replace(tzinfo=local)
