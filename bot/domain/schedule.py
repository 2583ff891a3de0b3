"""Digest schedules and quiet hours as pure time arithmetic in a chat's timezone.

This module owns what a digest setting *is* (``off`` | ``hourly`` | ``daily HH:MM`` |
``weekly DAY HH:MM``), its storage text, the digest periods it produces, the cron fields an
adapter needs to schedule it, and whether quiet hours are on. Time is always a parameter: every
function takes ``now`` (timezone-aware UTC) and never reads the clock.

Daylight-saving rule (the one place where wall-clock schedules are ambiguous):

* A scheduled local time that does **not exist** that day (spring forward, e.g. 02:30 on the
  day New York jumps from 02:00 to 03:00) runs at the first valid instant after it: the moment
  of the transition, when the clocks show 03:00.
* A scheduled local time that exists **twice** (fall back, e.g. 01:30 on the day New York goes
  from 02:00 back to 01:00) runs once, at its first occurrence (the earlier UTC instant).
* ``hourly`` means every instant at which the local clock shows a full hour, so it always runs
  once per real hour, including both 01:00s of a fall-back night.

APScheduler's ``CronTrigger`` (which ``cron_fields`` feeds) does not follow this rule on those two
days: it fires at 03:30 instead of 03:00 in the gap and fires twice on fall-back. An adapter
should therefore treat a cron fire only as a wake-up and ask ``current_period(now)`` which period
just ended; the period start is the digest's unique key, so the second fall-back fire is a no-op
and the spring-forward digest covers the right hours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.models import QuietHours

log = logging.getLogger(__name__)

MINUTES_PER_DAY: Final = 24 * 60
WEEKDAY_CODES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
_QUARTER_HOUR: Final = timedelta(minutes=15)
# Every zone in use today has an offset that is a whole number of quarter hours; a full hour on
# the local clock is therefore always on a UTC quarter hour. Searching further than this means
# a historic offset with seconds (local mean time): fall back to UTC hours.
_HOURLY_SEARCH_STEPS: Final = 4 * 30


class DigestKind(StrEnum):
    OFF = "off"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True, slots=True)
class DigestSetting:
    """When a chat gets its digest. ``weekday`` is 0 = Monday … 6 = Sunday (``date.weekday``).

    ``hour``/``minute`` are local wall-clock time in the chat's timezone and only meaningful for
    daily and weekly digests (hourly digests run at every full local hour).
    """

    kind: DigestKind
    hour: int = 0
    minute: int = 0
    weekday: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, DigestKind):
            raise ValueError(f"unknown digest kind {self.kind!r}")
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"digest time out of range: {self.hour}:{self.minute}")
        if self.kind is DigestKind.WEEKLY:
            if self.weekday is None or not 0 <= self.weekday <= 6:
                raise ValueError(f"weekly digest needs a weekday 0..6, not {self.weekday!r}")
        elif self.weekday is not None:
            raise ValueError("only a weekly digest has a weekday")
        if self.kind in (DigestKind.OFF, DigestKind.HOURLY) and (self.hour, self.minute) != (0, 0):
            raise ValueError(f"a digest that is {self.kind} has no time of day")

    @classmethod
    def off(cls) -> DigestSetting:
        return cls(DigestKind.OFF)

    @classmethod
    def hourly(cls) -> DigestSetting:
        return cls(DigestKind.HOURLY)

    @classmethod
    def daily(cls, *, hour: int, minute: int = 0) -> DigestSetting:
        return cls(DigestKind.DAILY, hour=hour, minute=minute)

    @classmethod
    def weekly(cls, *, weekday: int, hour: int, minute: int = 0) -> DigestSetting:
        return cls(DigestKind.WEEKLY, hour=hour, minute=minute, weekday=weekday)

    @property
    def enabled(self) -> bool:
        return self.kind is not DigestKind.OFF

    @property
    def clock(self) -> str:
        """The local time as ``HH:MM`` (for messages and storage)."""
        return f"{self.hour:02d}:{self.minute:02d}"

    def to_text(self) -> str:
        """The storage form: ``off``, ``hourly``, ``daily 09:00``, ``weekly mon 09:00``."""
        if self.kind is DigestKind.DAILY:
            return f"daily {self.clock}"
        if self.kind is DigestKind.WEEKLY:
            assert self.weekday is not None  # guaranteed by __post_init__
            return f"weekly {WEEKDAY_CODES[self.weekday]} {self.clock}"
        return self.kind.value

    @classmethod
    def from_text(cls, text: str) -> DigestSetting:
        """Read the storage form written by ``to_text``; anything else is a ``ValueError``.

        This is deliberately strict (it reads what the bot wrote); people's input goes through
        ``bot.domain.commands.parse_digest``, which is lenient and bilingual.
        """
        parts = text.strip().lower().split()
        match parts:
            case ["off"]:
                return cls.off()
            case ["hourly"]:
                return cls.hourly()
            case ["daily", clock]:
                hour, minute = _storage_clock(clock, text)
                return cls.daily(hour=hour, minute=minute)
            case ["weekly", day, clock] if day in WEEKDAY_CODES:
                hour, minute = _storage_clock(clock, text)
                return cls.weekly(weekday=WEEKDAY_CODES.index(day), hour=hour, minute=minute)
        raise ValueError(f"not a stored digest setting: {text!r}")


def _storage_clock(clock: str, text: str) -> tuple[int, int]:
    hours, sep, minutes = clock.partition(":")
    if not (sep and len(hours) == 2 and len(minutes) == 2 and (hours + minutes).isdigit()):
        raise ValueError(f"not a stored digest setting: {text!r}")
    if not hours.isascii() or not minutes.isascii():
        raise ValueError(f"not a stored digest setting: {text!r}")
    hour, minute = int(hours), int(minutes)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a stored digest setting: {text!r}")
    return hour, minute


class Period(NamedTuple):
    """A digest period ``[start, end)`` in UTC; ``end`` is the scheduled run that closes it."""

    start: datetime
    end: datetime


# --- zones and instants ------------------------------------------------------------------------


@lru_cache(maxsize=256)
def zone_for(tz_name: str) -> ZoneInfo:
    """The zone for an IANA name; ``ValueError`` for a name zoneinfo does not know."""
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {tz_name!r}") from exc


def _require_aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("time must be timezone-aware (UTC)")
    return now.astimezone(UTC)


def local_instant(day: date, hour: int, minute: int, tz_name: str) -> datetime:
    """The UTC instant of local ``day hour:minute``, by the daylight-saving rule above."""
    tz = zone_for(tz_name)
    wall = datetime.combine(day, time(hour, minute))
    early = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    late = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if early == late:
        return early
    if early.astimezone(tz).replace(tzinfo=None) == wall:
        return min(early, late)  # exists twice: the first occurrence
    return _first_instant_at_or_after(wall, tz, low=min(early, late), high=max(early, late))


def _first_instant_at_or_after(
    wall: datetime, tz: ZoneInfo, *, low: datetime, high: datetime
) -> datetime:
    """Binary search (whole seconds) for the transition that skips over ``wall``.

    Inside ``[low, high]`` the local clock is below ``wall`` before the transition and past it
    after, so "local time ≥ wall" is monotonic there; zone transitions are on whole seconds.
    """
    lo, hi = 0, int((high - low).total_seconds())
    while lo < hi:
        mid = (lo + hi) // 2
        if (low + timedelta(seconds=mid)).astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return low + timedelta(seconds=lo)


def _local_date(now: datetime, tz_name: str) -> date:
    return now.astimezone(zone_for(tz_name)).date()


# --- digest periods ----------------------------------------------------------------------------


def _runs_near(setting: DigestSetting, now: datetime, tz_name: str) -> list[datetime]:
    """Daily/weekly run instants from about two weeks before ``now`` to a week after, sorted.

    Computing a window of candidates (instead of stepping one day) keeps odd zones right, e.g.
    a day skipped entirely (Samoa, 30 Dec 2011) whose run lands on the next day's midnight.
    """
    today = _local_date(now, tz_name)
    runs: set[datetime] = set()
    for offset in range(-16, 9):
        day = today + timedelta(days=offset)
        if setting.kind is DigestKind.WEEKLY and day.weekday() != setting.weekday:
            continue
        runs.add(local_instant(day, setting.hour, setting.minute, tz_name))
    return sorted(runs)


def _on_local_hour(instant: datetime, tz: ZoneInfo) -> bool:
    local = instant.astimezone(tz)
    return local.minute == 0 and local.second == 0


def _hour_boundary(now: datetime, tz_name: str, *, after: bool) -> datetime:
    """The latest full local hour ≤ ``now`` (or the first one > ``now`` when ``after``)."""
    tz = zone_for(tz_name)
    floor = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    candidate = floor + _QUARTER_HOUR if after else floor
    step = _QUARTER_HOUR if after else -_QUARTER_HOUR
    for _ in range(_HOURLY_SEARCH_STEPS):
        if _on_local_hour(candidate, tz):
            return candidate
        candidate += step
    utc_floor = now.replace(minute=0, second=0, microsecond=0)
    return utc_floor + timedelta(hours=1) if after else utc_floor


def current_period(setting: DigestSetting, now_utc: datetime, tz_name: str) -> Period:
    """The digest period that ends at the most recent scheduled run ≤ ``now_utc``.

    Hourly: from the full local hour before that to it. Daily: from the previous day's run.
    Weekly: from the previous week's run. ``ValueError`` when the digest is off.
    """
    now = _require_aware(now_utc)
    if setting.kind is DigestKind.OFF:
        raise ValueError("the digest is off: there is no period")
    if setting.kind is DigestKind.HOURLY:
        end = _hour_boundary(now, tz_name, after=False)
        start = _hour_boundary(end - timedelta(microseconds=1), tz_name, after=False)
        return Period(start, end)
    runs = _runs_near(setting, now, tz_name)
    index = max(i for i, run in enumerate(runs) if run <= now)
    return Period(runs[index - 1], runs[index])


def next_run(setting: DigestSetting, now_utc: datetime, tz_name: str) -> datetime:
    """The first scheduled run strictly after ``now_utc`` (``ValueError`` when off).

    A run exactly at ``now_utc`` belongs to ``current_period``, so
    ``current_period(setting, next_run(setting, t, tz), tz).end == next_run(setting, t, tz)``.
    """
    now = _require_aware(now_utc)
    if setting.kind is DigestKind.OFF:
        raise ValueError("the digest is off: there is no next run")
    if setting.kind is DigestKind.HOURLY:
        return _hour_boundary(now, tz_name, after=True)
    return min(run for run in _runs_near(setting, now, tz_name) if run > now)


def cron_fields(setting: DigestSetting) -> dict[str, int | str]:
    """APScheduler ``CronTrigger`` keyword arguments (pass the chat's timezone alongside).

    ``ValueError`` when the digest is off (there is nothing to schedule). See the module
    docstring for how a cron fire maps to a period across daylight-saving changes.
    """
    if setting.kind is DigestKind.HOURLY:
        return {"hour": "*", "minute": 0, "second": 0}
    if setting.kind is DigestKind.DAILY:
        return {"hour": setting.hour, "minute": setting.minute, "second": 0}
    if setting.kind is DigestKind.WEEKLY:
        assert setting.weekday is not None
        return {
            "day_of_week": WEEKDAY_CODES[setting.weekday],
            "hour": setting.hour,
            "minute": setting.minute,
            "second": 0,
        }
    raise ValueError("the digest is off: there is nothing to schedule")


def missed_digest(
    last_period_start: datetime | None,
    setting: DigestSetting,
    now: datetime,
    tz: str,
    grace: timedelta,
) -> Period | None:
    """On start-up: the period whose digest was missed while down, if still worth sending.

    Returns the current period when its digest has not been taken yet (``last_period_start`` is
    None or older than the period's start) and its scheduled time is at most ``grace`` ago.
    Otherwise None: it was sent, or it is too late and its stories fold into the next digest.
    """
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    current_now = _require_aware(now)
    if setting.kind is DigestKind.OFF:
        return None
    period = current_period(setting, current_now, tz)
    if last_period_start is not None and _require_aware(last_period_start) >= period.start:
        return None
    if current_now - period.end > grace:
        return None
    return period


# --- quiet hours -------------------------------------------------------------------------------


def _minute_of_day(now: datetime, tz_name: str) -> int:
    local = now.astimezone(zone_for(tz_name))
    return local.hour * 60 + local.minute


def is_quiet(now_utc: datetime, tz_name: str, quiet: QuietHours | None) -> bool:
    """True while the local clock is inside ``[start, end)``, which may cross midnight."""
    if quiet is None:
        return False
    now = _require_aware(now_utc)
    minute = _minute_of_day(now, tz_name)
    if quiet.start_minute < quiet.end_minute:
        return quiet.start_minute <= minute < quiet.end_minute
    if quiet.start_minute > quiet.end_minute:
        return minute >= quiet.start_minute or minute < quiet.end_minute
    return False  # an empty window (never produced by parse_quiet)


def quiet_ends_at(now_utc: datetime, tz_name: str, quiet: QuietHours | None) -> datetime | None:
    """When the current quiet window ends (UTC), or None when it is not quiet now.

    The end is the next time the local clock shows the end minute, by the daylight-saving
    rule above (a skipped end time ends at the transition).
    """
    now = _require_aware(now_utc)
    if quiet is None or not is_quiet(now, tz_name, quiet):
        return None
    hour, minute = divmod(quiet.end_minute, 60)
    today = _local_date(now, tz_name)
    for offset in (0, 1, 2):
        end = local_instant(today + timedelta(days=offset), hour, minute, tz_name)
        if end > now:
            return end
    raise AssertionError("unreachable: a local time recurs within two days")  # pragma: no cover


def format_quiet(quiet: QuietHours) -> str:
    """``22:00-07:00`` — the form people type and see."""
    start_h, start_m = divmod(quiet.start_minute, 60)
    end_h, end_m = divmod(quiet.end_minute, 60)
    return f"{start_h:02d}:{start_m:02d}-{end_h:02d}:{end_m:02d}"
