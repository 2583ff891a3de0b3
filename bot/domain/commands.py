"""Chat commands as people type them: recognising a command, and reading its arguments.

This module owns the pure first step of every command on every platform: ``parse_command``
turns the *raw* message text (Telegram, console) into a ``ParsedCommand`` — the lowercase name
and the argument text exactly as written, so ``/track "data leak" -cricket`` keeps its quotes
for the query parser (``bot.domain.query``, not here) — and ``ParsedCommand.from_slack`` does
the same for Slack's already-split slash commands. The argument parsers read durations, quiet
hours, digest settings, languages, time zones and subscription numbers, in English and Hindi;
every problem is a ``CommandArgumentError`` whose ``code`` names a catalogue message
(``cmd.error.<code>``, texts in ``bot/domain/i18n/messages_commands.py``). Button callback data
(≤ 64 bytes) is encoded and decoded here too, and decoding never raises.

Nothing here raises anything but ``CommandArgumentError`` for any input text (property-tested).
"""

from __future__ import annotations

import difflib
import logging
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum, StrEnum
from functools import cache
from typing import Final, Literal, TypeAlias
from urllib.parse import urlsplit

import regex
from babel import Locale
from babel.dates import get_day_names

from bot.domain.i18n import t
from bot.domain.models import QuietHours
from bot.domain.schedule import DigestSetting
from bot.errors import KhabardarError

log = logging.getLogger(__name__)


class CommandName(StrEnum):
    """Every command the bot knows, in the order /help lists them."""

    START = "start"
    HELP = "help"
    TRACK = "track"
    UNTRACK = "untrack"
    LIST = "list"
    MUTE = "mute"
    UNMUTE = "unmute"
    PAUSE = "pause"
    RESUME = "resume"
    DIGEST = "digest"
    QUIET = "quiet"
    LANG = "lang"
    TZ = "tz"
    WHY = "why"
    SOURCES = "sources"
    ADDSOURCE = "addsource"
    REMOVESOURCE = "removesource"


# Commands that change what the chat receives or how: in groups only admins may use them.
CHANGES_CHAT: Final = frozenset(
    {
        CommandName.TRACK,
        CommandName.UNTRACK,
        CommandName.MUTE,
        CommandName.UNMUTE,
        CommandName.PAUSE,
        CommandName.RESUME,
        CommandName.DIGEST,
        CommandName.QUIET,
        CommandName.LANG,
        CommandName.TZ,
        CommandName.ADDSOURCE,
        CommandName.REMOVESOURCE,
    }
)
# Commands that change the bot's shared source list: chat admins only, in every kind of chat.
ADMIN_ONLY: Final = frozenset({CommandName.ADDSOURCE, CommandName.REMOVESOURCE})

MAX_COMMAND_NAME: Final = 64
MAX_ARGUMENT_LENGTH: Final = 200  # for every argument but /track's query (the query has its own)
MAX_URL_LENGTH: Final = 2048
MAX_NUMBER: Final = 1_000_000
MIN_DURATION: Final = timedelta(minutes=1)
MAX_DURATION: Final = timedelta(days=365)
DEFAULT_MUTE: Final = timedelta(hours=8)
DEFAULT_DIGEST_HOUR: Final = 9
CALLBACK_MAX_BYTES: Final = 64
_ECHO_LIMIT: Final = 40  # user text echoed in an error is cut to this many characters


class CommandArgumentError(KhabardarError):
    """Arguments that cannot be used. ``code`` names ``cmd.error.<code>``; ``params`` fill it.

    ``command`` (when known) adds the command's usage example to the message.
    """

    def __init__(
        self,
        code: str,
        params: Mapping[str, object] | None = None,
        /,
        *,
        command: CommandName | None = None,
    ) -> None:
        self.code = code
        self.params: dict[str, object] = dict(params or {})
        self.command = command
        super().__init__(f"{code}: {self.params}" if self.params else code)

    @property
    def key(self) -> str:
        return f"cmd.error.{self.code}"

    def for_command(self, command: CommandName) -> CommandArgumentError:
        """The same error, attributed to ``command`` (so its message shows that usage)."""
        return CommandArgumentError(self.code, self.params, command=command)

    def message(self, lang: str | None) -> str:
        """The problem, then (when the command is known) how to write it, in ``lang``."""
        text = t(self.key, lang, **self.params)
        if self.command is not None:
            text += "\n" + usage(self.command, lang)
        return text


def usage(command: CommandName, lang: str | None) -> str:
    """``Usage: /mute N DURATION — e.g. /mute 2 8h`` in the chat's language."""
    return t("cmd.error.usage_line", lang, usage=t(f"cmd.usage.{command.value}", lang))


def _echo(text: str) -> str:
    """User text for an error message: one line, at most ``_ECHO_LIMIT`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _ECHO_LIMIT else flat[: _ECHO_LIMIT - 1] + "…"


# --- text folding ------------------------------------------------------------------------------

# Devanagari digits are common in Hindi input (२ घंटे); only these and ASCII count as digits.
_DIGITS: Final = {ord("०") + i: str(i) for i in range(10)}
# Invisible joiners and the nukta: "हफ़्ते" (any encoding) and "हफ्ते" must read the same.
_FOLD_DROP: Final = {ord(ch): None for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u093c"}


def fold(text: str) -> str:
    """Comparison form of a short argument: NFC, joiners and nukta removed, digits to ASCII,
    chandrabindu → anusvara, case-folded, spaces collapsed.

    Written here rather than reusing ``bot.domain.text.normalise`` because arguments need only
    these few folds and must keep ``:``/``-``/``.`` that the matcher's form treats differently.
    """
    text = unicodedata.normalize("NFC", text).translate(_FOLD_DROP).translate(_DIGITS)
    text = text.replace("\u0901", "\u0902").casefold()
    return " ".join(text.split())


# --- recognising a command ---------------------------------------------------------------------

_COMMAND_HEAD: Final = regex.compile(
    rf"/(?P<name>[\p{{L}}\p{{M}}\p{{N}}_]{{1,{MAX_COMMAND_NAME}}})"
    r"(?:@(?P<bot>[A-Za-z0-9_]{1,64}))?(?=\s|\Z)",
    regex.VERSION1,
)
# Command words people use by habit from other bots, for the "did you mean" suggestion only.
_HABITS: Final = {
    "subscribe": CommandName.TRACK,
    "follow": CommandName.TRACK,
    "add": CommandName.TRACK,
    "watch": CommandName.TRACK,
    "unsubscribe": CommandName.UNTRACK,
    "unfollow": CommandName.UNTRACK,
    "remove": CommandName.UNTRACK,
    "delete": CommandName.UNTRACK,
    "stop": CommandName.PAUSE,
    "subscriptions": CommandName.LIST,
    "language": CommandName.LANG,
    "timezone": CommandName.TZ,
    "time": CommandName.TZ,
    "silence": CommandName.MUTE,
    "settings": CommandName.HELP,
    "commands": CommandName.HELP,
    "feeds": CommandName.SOURCES,
    "addfeed": CommandName.ADDSOURCE,
    "removefeed": CommandName.REMOVESOURCE,
    "ट्रैक": CommandName.TRACK,
    "मदद": CommandName.HELP,
    "सूची": CommandName.LIST,
    "भाषा": CommandName.LANG,
    "क्यों": CommandName.WHY,
}
_KNOWN: Final = {name.value: name for name in CommandName}
_SLACK_NAME: Final = regex.compile(rf"[\p{{L}}\p{{M}}\p{{N}}_\-]{{1,{MAX_COMMAND_NAME}}}")


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command as typed: its lowercase ``name`` (known or not) and the raw ``args`` text.

    ``mentioned`` is True for the ``/track@ThisBot`` form (the message was addressed to us).
    """

    name: str
    args: str
    mentioned: bool = False

    @property
    def command(self) -> CommandName | None:
        """The known command, or None for a name the bot does not have."""
        return _KNOWN.get(self.name)

    def suggestion(self) -> CommandName | None:
        """The known command closest to an unknown name (for "did you mean /track?")."""
        return suggest_command(self.name)

    @classmethod
    def from_slack(cls, command: str, text: str) -> ParsedCommand | None:
        """A Slack slash command: ``command`` is ``/track``, ``text`` is everything after it.

        Slack escapes ``&``, ``<`` and ``>`` in the text; they are unescaped here so the
        arguments read as the person typed them. None when ``command`` is not a command name.
        """
        name = command.strip().removeprefix("/").lower()
        if not _SLACK_NAME.fullmatch(name):
            return None
        args = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return cls(name=name, args=args.strip())


def parse_command(text: str, *, bot_username: str | None = None) -> ParsedCommand | None:
    """The command in a raw message, or None when the message is not a command for us.

    ``/name args`` and ``/name@Bot args`` (the bot name compared case-insensitively with
    ``bot_username``; a command addressed to another bot is not ours). Without a known
    ``bot_username`` (console) any ``@name`` is accepted. The argument text is returned as
    written, only trimmed, so quotes, dashes and line breaks survive.
    """
    stripped = text.lstrip()
    head = _COMMAND_HEAD.match(stripped)
    if head is None:
        return None
    addressed_to = head.group("bot")
    if (
        addressed_to is not None
        and bot_username is not None
        and addressed_to.casefold() != bot_username.removeprefix("@").casefold()
    ):
        return None
    return ParsedCommand(
        name=head.group("name").lower(),
        args=stripped[head.end() :].strip(),
        mentioned=addressed_to is not None,
    )


def suggest_command(name: str) -> CommandName | None:
    """The known command a mistyped ``name`` most likely meant, or None (difflib, cutoff 0.6)."""
    key = fold(name).removeprefix("/")
    if key in _KNOWN:
        return _KNOWN[key]
    if key in _HABITS:
        return _HABITS[key]
    close = difflib.get_close_matches(key, list(_KNOWN) + list(_HABITS), n=1, cutoff=0.6)
    if not close:
        return None
    return _KNOWN.get(close[0]) or _HABITS[close[0]]


def help_order() -> tuple[CommandName, ...]:
    """The commands in the order /help and menus list them."""
    return tuple(CommandName)


# --- numbers -----------------------------------------------------------------------------------

_NUMBER: Final = regex.compile(r"#?([0-9]{1,7})")


def parse_number(text: str, *, command: CommandName | None = None) -> int:
    """A list number as people write it: ``3``, ``#3`` or ``३`` (1 … 1,000,000)."""
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_number", command=command)
    match = _NUMBER.fullmatch(value)
    if match is None or not 1 <= int(match.group(1)) <= MAX_NUMBER:
        raise CommandArgumentError("bad_number", {"value": _echo(text)}, command=command)
    return int(match.group(1))


# --- durations ---------------------------------------------------------------------------------

_UNIT_SECONDS: Final = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "सेकंड", "सेकेंड"), 1),
    **dict.fromkeys(
        ("m", "min", "mins", "minute", "minutes", "मिनट", "मिनटों", "मि"),
        60,
    ),
    **dict.fromkeys(
        ("h", "hr", "hrs", "hour", "hours", "घंटा", "घंटे", "घंटों", "घण्टा", "घण्टे", "घं"),
        3600,
    ),
    **dict.fromkeys(("d", "day", "days", "दिन", "दिनों"), 86_400),
    **dict.fromkeys(
        ("w", "wk", "wks", "week", "weeks", "हफ्ता", "हफ्ते", "हफ्तों", "सप्ताह", "सप्ताहों"),
        7 * 86_400,
    ),
    **dict.fromkeys(("mo", "month", "months", "महीना", "महीने", "महीनों"), 30 * 86_400),
    **dict.fromkeys(("y", "yr", "year", "years", "साल", "वर्ष"), 365 * 86_400),
}
_UNIT_SECONDS_FOLDED: Final = {fold(unit): seconds for unit, seconds in _UNIT_SECONDS.items()}
# One or more "<number><unit>" parts: 8h, 90 min, 1h30m, "1 घंटा 30 मिनट", "2.5h".
# The input is capped at MAX_ARGUMENT_LENGTH first, so backtracking stays small.
_DURATION: Final = regex.compile(
    r"(?:(?P<num>[0-9]{1,6}(?:[.,][0-9]{1,3})?)\s*(?P<unit>[\p{L}\p{M}]+)\.?"
    r"(?:\s*(?:,|\band\b|और)\s*|\s+|(?=[0-9])|\Z))+",
    regex.VERSION1,
)


def parse_duration(text: str) -> timedelta:
    """``30m``, ``8h``, ``2d``, ``1w``, ``90 min``, ``1h30m``, ``2 घंटे``, ``1 हफ़्ता`` → timedelta.

    Between 1 minute and 365 days. A bare number is refused (minutes or hours would be a guess).
    """
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_duration")
    if len(value) > MAX_ARGUMENT_LENGTH:
        raise CommandArgumentError("bad_duration", {"value": _echo(text)})
    if regex.fullmatch(r"[0-9]{1,9}(?:[.,][0-9]+)?", value):
        raise CommandArgumentError("duration_needs_unit", {"value": _echo(text)})
    match = _DURATION.fullmatch(value)
    if match is None:
        raise CommandArgumentError("bad_duration", {"value": _echo(text)})
    seconds = 0.0
    for number, unit in zip(match.captures("num"), match.captures("unit"), strict=True):
        unit_seconds = _UNIT_SECONDS_FOLDED.get(unit)
        if unit_seconds is None:
            raise CommandArgumentError("bad_duration", {"value": _echo(text)})
        seconds += float(number.replace(",", ".")) * unit_seconds
    if seconds > MAX_DURATION.total_seconds():
        raise CommandArgumentError("duration_too_long", {"max_days": MAX_DURATION.days})
    duration = timedelta(seconds=round(seconds))
    if duration < MIN_DURATION:
        raise CommandArgumentError("duration_too_short")
    return duration


def format_duration(duration: timedelta) -> str:
    """The compact form ``parse_duration`` reads back: ``8h``, ``90m``, ``2d``, ``1w``, ``1d2h``."""
    total_minutes = int(duration.total_seconds() // 60)
    if total_minutes <= 0:
        raise ValueError("a duration shorter than a minute has no compact form")
    parts = []
    for unit, size in (("w", 7 * 1440), ("d", 1440), ("h", 60), ("m", 1)):
        count, total_minutes = divmod(total_minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


# --- clock times, quiet hours --------------------------------------------------------------------

_CLOCK: Final = regex.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
)
_OFF_WORDS: Final = frozenset(fold(w) for w in ("off", "none", "no", "disable", "stop", "बंद"))


def parse_clock(text: str) -> tuple[int, int]:
    """A local time of day: ``22:00``, ``7:30``, ``07.30``, ``9``, ``9am``, ``9:30 pm``,
    ``२२:००``."""
    value = fold(text)
    match = _CLOCK.fullmatch(value) if len(value) <= 12 else None
    if match is None:
        raise CommandArgumentError("bad_time", {"value": _echo(text)})
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    ampm = match.group("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise CommandArgumentError("bad_time", {"value": _echo(text)})
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise CommandArgumentError("bad_time", {"value": _echo(text)})
    return hour, minute


_QUIET_RANGE: Final = regex.compile(
    r"(?:से\s+)?(?P<start>[^\s\-–—]+(?:\s*(?:am|pm))?)\s*(?:-|–|—|to|से)\s*"
    r"(?P<end>[^\s\-–—]+(?:\s*(?:am|pm))?)(?:\s*तक)?(?:\s+(?P<hold>hold|digest|डाइजेस्ट))?",
    regex.VERSION1,
)


def parse_quiet(text: str) -> QuietHours | None:
    """``22:00-07:00`` (may cross midnight) → QuietHours; ``off``/``बंद`` → None.

    A trailing ``hold`` (or ``digest``) keeps alerts in the window for the next digest instead
    of sending them silently. Also ``22:00 to 07:00`` and ``22:00 से 07:00 तक``.
    """
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_argument", command=CommandName.QUIET)
    if value in _OFF_WORDS:
        return None
    match = _QUIET_RANGE.fullmatch(value) if len(value) <= MAX_ARGUMENT_LENGTH else None
    if match is None:
        raise CommandArgumentError("bad_quiet", {"value": _echo(text)}, command=CommandName.QUIET)
    try:
        start_hour, start_minute = parse_clock(match.group("start"))
        end_hour, end_minute = parse_clock(match.group("end"))
    except CommandArgumentError as exc:
        raise exc.for_command(CommandName.QUIET) from None
    start, end = start_hour * 60 + start_minute, end_hour * 60 + end_minute
    if start == end:
        raise CommandArgumentError("quiet_same_times", command=CommandName.QUIET)
    return QuietHours(
        start_minute=start, end_minute=end, hold_for_digest=match.group("hold") is not None
    )


# --- digests -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestNow:
    """``/digest now``: send the current digest immediately (not a schedule)."""


DIGEST_NOW: Final = DigestNow()

_DIGEST_WORDS: Final = {
    **dict.fromkeys(("off", "none", "no", "disable", "stop", "बंद"), "off"),
    **dict.fromkeys(("hourly", "hour", "every hour", "हर घंटे", "घंटेवार", "प्रति घंटा"), "hourly"),
    **dict.fromkeys(("daily", "day", "every day", "रोज़", "रोजाना", "रोज़ाना", "दैनिक"), "daily"),
    **dict.fromkeys(("weekly", "week", "every week", "साप्ताहिक", "हर हफ़्ते"), "weekly"),
    **dict.fromkeys(("now", "अभी"), "now"),
}
_DIGEST_WORDS_FOLDED: Final = {fold(word): kind for word, kind in _DIGEST_WORDS.items()}
_DIGEST_HEAD: Final = regex.compile(
    "(?P<kind>" + "|".join(sorted(map(regex.escape, _DIGEST_WORDS_FOLDED), key=len)[::-1]) + ")"
    r"(?:\s+(?P<rest>.*))?",
    regex.VERSION1 | regex.DOTALL,
)
_EXTRA_DAY_NAMES: Final = {
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
    "बृहस्पतिवार": 3,
    "वीरवार": 3,
    "इतवार": 6,
}


@cache
def _day_names() -> Mapping[str, int]:
    """Weekday names → 0..6 from Babel's English and Hindi data (wide and abbreviated)."""
    names: dict[str, int] = {}
    for locale in ("en", "hi"):
        for width in ("wide", "abbreviated"):
            for weekday, name in get_day_names(width, locale=locale).items():
                names[fold(name)] = int(weekday)
    names.update({fold(name): weekday for name, weekday in _EXTRA_DAY_NAMES.items()})
    return names


def parse_weekday(text: str) -> int:
    """``mon``, ``Monday``, ``सोमवार``, ``सोम`` … → 0 (Monday) … 6 (Sunday)."""
    weekday = _day_names().get(fold(text).rstrip("."))
    if weekday is None:
        raise CommandArgumentError("bad_weekday", {"value": _echo(text)})
    return weekday


def weekday_name(weekday: int, lang: str | None) -> str:
    """The weekday's full name in the chat's language (Babel): Monday / सोमवार."""
    locale = "hi" if lang == "hi" else "en"
    return str(get_day_names("wide", locale=locale)[weekday])


def parse_digest(text: str) -> DigestSetting | DigestNow:
    """``off`` | ``hourly`` | ``daily 09:00`` | ``weekly mon 09:00`` | ``weekly सोमवार 9:00`` |
    ``now`` (also ``रोज़ 9:00``, ``साप्ताहिक शुक्रवार 18:00``, ``अभी``).

    ``daily`` and ``weekly DAY`` without a time mean 09:00; day and time may come in either
    order. Returns ``DIGEST_NOW`` for ``now``.
    """
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_argument", command=CommandName.DIGEST)
    match = _DIGEST_HEAD.fullmatch(value) if len(value) <= MAX_ARGUMENT_LENGTH else None
    if match is None:
        raise CommandArgumentError("bad_digest", {"value": _echo(text)}, command=CommandName.DIGEST)
    kind = _DIGEST_WORDS_FOLDED[match.group("kind")]
    rest = (match.group("rest") or "").split()
    try:
        return _digest_setting(kind, rest, text)
    except CommandArgumentError as exc:
        raise exc.for_command(CommandName.DIGEST) from None


# Hindi times of day ("रोज़ सुबह 9 बजे", "शाम 6 बजे") turn a 12-hour clock into 24 hours.
_DAYPARTS: Final = {
    fold("सुबह"): "morning",
    fold("सवेरे"): "morning",
    fold("दोपहर"): "afternoon",
    fold("शाम"): "evening",
    fold("रात"): "night",
}


def _apply_daypart(hour: int, daypart: str, text: str) -> int:
    """24-hour clock from a 12-hour one plus सुबह/दोपहर/शाम/रात (a 24-hour time is kept)."""
    if hour > 12:
        if daypart == "morning":
            raise CommandArgumentError("bad_time", {"value": _echo(text)})
        return hour
    if daypart == "morning":
        return 0 if hour == 12 else hour
    if daypart == "afternoon":
        return hour + 12 if 1 <= hour <= 5 else hour
    if daypart == "evening":
        return hour + 12 if 1 <= hour <= 11 else hour
    return hour + 12 if 6 <= hour <= 11 else (0 if hour == 12 else hour)  # night


def _digest_setting(kind: str, rest: list[str], text: str) -> DigestSetting | DigestNow:
    rest = [word for word in rest if word not in ("at", "on", "को", "बजे")]
    if kind in ("off", "hourly", "now"):
        if rest:
            raise CommandArgumentError("bad_digest", {"value": _echo(text)})
        if kind == "now":
            return DIGEST_NOW
        return DigestSetting.off() if kind == "off" else DigestSetting.hourly()
    clock_words = [w for w in rest if w[:1].isdigit() or w in ("am", "pm", "a.m.", "p.m.")]
    dayparts = [_DAYPARTS[w] for w in rest if w in _DAYPARTS]
    day_words = [w for w in rest if w not in clock_words and w not in _DAYPARTS]
    if len(dayparts) > 1 or (dayparts and not clock_words):
        raise CommandArgumentError("bad_time", {"value": _echo(" ".join(rest))})
    hour, minute = parse_clock(" ".join(clock_words)) if clock_words else (DEFAULT_DIGEST_HOUR, 0)
    if dayparts:
        hour = _apply_daypart(hour, dayparts[0], " ".join(rest))
    if kind == "daily":
        if day_words:
            raise CommandArgumentError("bad_digest", {"value": _echo(text)})
        return DigestSetting.daily(hour=hour, minute=minute)
    if not day_words:
        raise CommandArgumentError("digest_needs_day")
    if len(day_words) > 1:
        raise CommandArgumentError("bad_weekday", {"value": _echo(" ".join(day_words))})
    return DigestSetting.weekly(weekday=parse_weekday(day_words[0]), hour=hour, minute=minute)


# --- language, time zone -----------------------------------------------------------------------

_LANGUAGE_WORDS: Final = {
    **dict.fromkeys(
        ("hi", "hin", "hindi", "हिंदी", "हिन्दी", "हिं", "hi-in", "hi_in", "हिंदी में"), "hi"
    ),
    **dict.fromkeys(
        (
            "en",
            "eng",
            "english",
            "अंग्रेज़ी",
            "अंग्रेजी",
            "इंग्लिश",
            "en-in",
            "en_in",
            "en-us",
            "en_us",
            "en-gb",
            "en_gb",
        ),
        "en",
    ),
}
_LANGUAGE_WORDS_FOLDED: Final = {fold(word): code for word, code in _LANGUAGE_WORDS.items()}


def parse_language(text: str) -> Literal["hi", "en"]:
    """``hi`` | ``en`` | ``hindi`` | ``हिंदी`` | ``english`` | ``अंग्रेज़ी`` … → ``"hi"``/``"en"``."""
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_argument", command=CommandName.LANG)
    code = _LANGUAGE_WORDS_FOLDED.get(value)
    if code == "hi":
        return "hi"
    if code == "en":
        return "en"
    raise CommandArgumentError("unknown_language", {"value": _echo(text)}, command=CommandName.LANG)


_ZONE_ALIASES: Final = {
    "ist": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "भारत": "Asia/Kolkata",
    "भारतीय समय": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata",
    "asia/calcutta": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "दिल्ली": "Asia/Kolkata",
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "nepal": "Asia/Kathmandu",
    "kathmandu": "Asia/Kathmandu",
    "npt": "Asia/Kathmandu",
    "pkt": "Asia/Karachi",
    "dubai": "Asia/Dubai",
    "gst": "Asia/Dubai",
    "london": "Europe/London",
    "uk": "Europe/London",
    "new york": "America/New_York",
    "us eastern": "America/New_York",
    "et": "America/New_York",
    "pt": "America/Los_Angeles",
    "us pacific": "America/Los_Angeles",
    "sgt": "Asia/Singapore",
    "aest": "Australia/Sydney",
}
_NOT_ZONES: Final = frozenset({"localtime", "Factory", "posixrules", "posix", "right"})


@cache
def _zone_names() -> Mapping[str, str]:
    """Case-folded IANA names (and unique city names, ``_`` read as space) → the IANA name."""
    names = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if zone not in _NOT_ZONES and not zone.startswith(("posix/", "right/"))
    )
    by_key: dict[str, str] = {zone.casefold(): zone for zone in names}
    cities: dict[str, list[str]] = {}
    for zone in names:
        if "/" in zone:
            city = zone.rsplit("/", 1)[1].replace("_", " ").casefold()
            cities.setdefault(city, []).append(zone)
    for city, zones in cities.items():
        if len(zones) == 1 and city not in by_key:
            by_key[city] = zones[0]
    return by_key


def parse_timezone(text: str) -> str:
    """An IANA zone name (``Asia/Kolkata``), matched case-insensitively; also ``IST``,
    ``India``, ``UTC``, a unique city (``kolkata``, ``new york``). Unknown → an error that
    suggests the closest name.
    """
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_argument", command=CommandName.TZ)
    if len(value) > 64:
        raise CommandArgumentError(
            "unknown_timezone", {"value": _echo(text)}, command=CommandName.TZ
        )
    names = _zone_names()
    spaced = value.replace("_", " ")
    for key in (value, spaced):
        if key in _ZONE_ALIASES:
            return _ZONE_ALIASES[key]
        if key in names:
            return names[key]
    close = difflib.get_close_matches(value, list(names), n=1, cutoff=0.75)
    if close:
        raise CommandArgumentError(
            "unknown_timezone_suggest",
            {"value": _echo(text), "suggestion": names[close[0]]},
            command=CommandName.TZ,
        )
    raise CommandArgumentError("unknown_timezone", {"value": _echo(text)}, command=CommandName.TZ)


# --- subscription targets ----------------------------------------------------------------------


class TargetAll(Enum):
    """``/untrack all``: every subscription of the chat."""

    ALL = "all"


ALL: Final = TargetAll.ALL
UntrackTarget: TypeAlias = int | Literal[TargetAll.ALL] | str
_ALL_WORDS: Final = frozenset(fold(w) for w in ("all", "everything", "*", "सब", "सभी", "सारे"))


def parse_untrack_target(text: str) -> UntrackTarget:
    """``3``/``#3`` → 3; ``all``/``सब`` → ``ALL``; anything else → the query text (trimmed)."""
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_argument", command=CommandName.UNTRACK)
    if value in _ALL_WORDS:
        return ALL
    if _NUMBER.fullmatch(value):
        return parse_number(value, command=CommandName.UNTRACK)
    return text.strip()


def parse_mute(text: str) -> tuple[int, timedelta]:
    """``3 8h`` → (3, 8 hours); ``3`` alone mutes for ``DEFAULT_MUTE`` (8 hours)."""
    number_text, _, duration_text = " ".join(text.split()).partition(" ")
    if not number_text:
        raise CommandArgumentError("missing_argument", command=CommandName.MUTE)
    try:
        number = parse_number(number_text)
        duration = parse_duration(duration_text) if duration_text.strip() else DEFAULT_MUTE
    except CommandArgumentError as exc:
        raise exc.for_command(CommandName.MUTE) from None
    return number, duration


def parse_url(text: str, *, command: CommandName | None = None) -> str:
    """An http(s) URL, also in Slack's ``<url>``/``<url|label>`` or Telegram's ``<url>`` form."""
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].split("|", 1)[0].strip()
    if not value:
        raise CommandArgumentError("missing_argument", command=command)
    if len(value) > MAX_URL_LENGTH or any(ch.isspace() for ch in value):
        raise CommandArgumentError("bad_url", {"value": _echo(text)}, command=command)
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
        _ = parts.port  # a non-numeric port raises ValueError here
    except ValueError:
        raise CommandArgumentError("bad_url", {"value": _echo(text)}, command=command) from None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        raise CommandArgumentError("bad_url", {"value": _echo(text)}, command=command)
    return value


WhyTarget: TypeAlias = int | str


def parse_why(text: str) -> WhyTarget:
    """``3`` (an alert or list number) → 3; ``https://…`` → the URL."""
    value = fold(text)
    if not value:
        raise CommandArgumentError("missing_argument", command=CommandName.WHY)
    if _NUMBER.fullmatch(value):
        return parse_number(value, command=CommandName.WHY)
    return parse_url(text, command=CommandName.WHY)


# --- button callbacks --------------------------------------------------------------------------


class CallbackAction(StrEnum):
    MUTE = "mute"  # mute:<subscription id>:<duration, e.g. 8h>
    UNMUTE = "unmute"  # unmute:<subscription id>
    UNTRACK = "untrack"  # untrack:<subscription id>
    UNTRACK_ALL = "untrack_all"  # confirm removing every subscription of the chat
    CANCEL = "cancel"


_CALLBACK_ARITY: Final = {
    CallbackAction.MUTE: 2,
    CallbackAction.UNMUTE: 1,
    CallbackAction.UNTRACK: 1,
    CallbackAction.UNTRACK_ALL: 0,
    CallbackAction.CANCEL: 0,
}
_CALLBACK_ARG: Final = regex.compile(r"[A-Za-z0-9_.\-]{1,40}")


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press. The service must still check the subscription is the chat's:
    callback data comes from the client and can be forged."""

    action: CallbackAction
    subscription_id: int | None = None
    duration: timedelta | None = None


def encode_callback(action: CallbackAction | str, *args: int | str | timedelta) -> str:
    """``mute:12:8h``-style callback data (≤ 64 bytes); ``ValueError`` for a wrong shape.

    Arguments: MUTE (subscription id, duration), UNMUTE/UNTRACK (subscription id), UNTRACK_ALL
    and CANCEL (none). A programming error here must not reach users, hence ValueError.
    """
    kind = CallbackAction(action)
    if len(args) != _CALLBACK_ARITY[kind]:
        raise ValueError(f"{kind} takes {_CALLBACK_ARITY[kind]} arguments, got {len(args)}")
    parts = [kind.value]
    for arg in args:
        text = format_duration(arg) if isinstance(arg, timedelta) else str(arg)
        if not _CALLBACK_ARG.fullmatch(text):
            raise ValueError(f"callback argument {text!r} is not allowed")
        parts.append(text)
    data = ":".join(parts)
    if len(data.encode()) > CALLBACK_MAX_BYTES:
        raise ValueError(f"callback data is longer than {CALLBACK_MAX_BYTES} bytes")
    decoded = decode_callback(data)
    if decoded is None:
        raise ValueError(f"callback data {data!r} would not decode")
    return data


def decode_callback(data: str | None) -> Callback | None:
    """The button press in ``data``, or None for anything that is not ours (never raises)."""
    if not data or len(data.encode("utf-8", "replace")) > CALLBACK_MAX_BYTES:
        return None
    action_text, *args = data.split(":")
    try:
        action = CallbackAction(action_text)
    except ValueError:
        return None
    if len(args) != _CALLBACK_ARITY[action] or not all(_CALLBACK_ARG.fullmatch(a) for a in args):
        return None
    if action in (CallbackAction.UNTRACK_ALL, CallbackAction.CANCEL):
        return Callback(action)
    if not args[0].isascii() or not args[0].isdigit() or not 1 <= int(args[0]) <= 2**63 - 1:
        return None
    subscription_id = int(args[0])
    if action is not CallbackAction.MUTE:
        return Callback(action, subscription_id=subscription_id)
    try:
        duration = parse_duration(args[1])
    except CommandArgumentError:
        return None
    return Callback(action, subscription_id=subscription_id, duration=duration)


# --- counted messages --------------------------------------------------------------------------


def count_key(base: str, count: int, lang: str | None) -> str:
    """``base.none`` for 0, else ``base.one``/``base.other`` by the language's plural rule
    (Babel's CLDR data: Hindi and English differ, e.g. Hindi treats 0 and 1 alike)."""
    if count == 0:
        return f"{base}.none"
    form = Locale("hi" if lang == "hi" else "en").plural_form(count)
    return f"{base}.one" if form == "one" else f"{base}.other"


__all__ = [
    "ADMIN_ONLY",
    "ALL",
    "CALLBACK_MAX_BYTES",
    "CHANGES_CHAT",
    "DEFAULT_MUTE",
    "DIGEST_NOW",
    "MAX_DURATION",
    "MIN_DURATION",
    "Callback",
    "CallbackAction",
    "CommandArgumentError",
    "CommandName",
    "DigestNow",
    "ParsedCommand",
    "TargetAll",
    "UntrackTarget",
    "WhyTarget",
    "count_key",
    "decode_callback",
    "encode_callback",
    "fold",
    "format_duration",
    "help_order",
    "parse_clock",
    "parse_command",
    "parse_digest",
    "parse_duration",
    "parse_language",
    "parse_mute",
    "parse_number",
    "parse_quiet",
    "parse_timezone",
    "parse_untrack_target",
    "parse_url",
    "parse_weekday",
    "parse_why",
    "suggest_command",
    "usage",
    "weekday_name",
]
