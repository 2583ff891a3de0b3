"""Command replies built from the message catalogue: styled lines, long lists split in parts.

Every text the command service shows comes from ``bot.domain.i18n`` (keys ``cmd.*``); this
module turns a catalogue entry into a line of ``Span``s, so a placeholder can be styled (a query
in code style, an article title as a link) while the words around it stay in the catalogue.
It also splits long lists into several replies that each fit one Telegram message.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from babel.dates import format_timedelta

from bot.domain.i18n import catalogue, normalise_language, t
from bot.domain.outgoing import InlineButton
from bot.domain.render.timefmt import format_moment
from bot.domain.replies import Line, Reply, Span, to_telegram_html

log = logging.getLogger(__name__)

# Telegram allows 4096 characters after entity parsing; the HTML form is always longer than
# that, so measuring the HTML keeps a margin for free.
REPLY_LIMIT: Final = 3900
ECHO_LIMIT: Final = 60  # user or feed text shown inside a line is cut to this many characters

_FORMATTER: Final = string.Formatter()
Buttons = tuple[tuple[InlineButton, ...], ...]


def line(
    key: str,
    lang: str | None,
    /,
    *,
    code: Collection[str] = (),
    bold: Collection[str] = (),
    links: Mapping[str, str | None] | None = None,
    **params: object,
) -> Line:
    """One catalogue entry as a line; the placeholders named in ``code``/``bold``/``links``
    become their own styled span (``links`` maps a placeholder to its URL)."""
    template = catalogue()[key][normalise_language(lang)]
    links = links or {}
    spans: list[Span] = []
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if literal:
            spans.append(Span(literal))
        if field is None:
            continue
        value = params[field]
        if conversion:
            value = _FORMATTER.convert_field(value, conversion)
        text = format(value, spec or "")
        if field in code or field in bold or links.get(field):
            spans.append(Span(text, code=field in code, bold=field in bold, url=links.get(field)))
        else:
            spans.append(Span(text))
    return _merged(spans)


def _merged(spans: Sequence[Span]) -> Line:
    """Adjacent plain spans joined (fewer, simpler spans render identically)."""
    merged: list[Span] = []
    for span in spans:
        if merged and span == Span(span.text) and merged[-1] == Span(merged[-1].text):
            merged[-1] = Span(merged[-1].text + span.text)
        else:
            merged.append(span)
    return tuple(merged)


def text_lines(text: str) -> list[Line]:
    """Plain text (possibly several lines, e.g. an error and its usage) as lines."""
    return [(Span(part),) for part in text.split("\n")]


def message(key: str, lang: str | None, /, *, public: bool = False, **params: object) -> Reply:
    """A reply that is exactly one catalogue entry."""
    return Reply(lines=tuple(text_lines(t(key, lang, **params))), public=public)


def reply(lines: Iterable[Line], *, buttons: Buttons = (), public: bool = False) -> Reply:
    return Reply(lines=tuple(lines), buttons=buttons, public=public)


def split_replies(
    lines: Sequence[Line], *, buttons: Buttons = (), public: bool = False, limit: int = REPLY_LIMIT
) -> list[Reply]:
    """As few replies as possible, each within ``limit`` characters of Telegram HTML; a line is
    never split. The buttons go under the last part."""
    parts: list[list[Line]] = [[]]
    size = 0
    for current in lines:
        length = len(to_telegram_html(Reply(lines=(current,)))) + 1
        if parts[-1] and size + length > limit:
            parts.append([])
            size = 0
        parts[-1].append(current)
        size += length
    replies = [Reply(lines=tuple(part), public=public) for part in parts if part]
    if not replies:
        return [Reply(lines=(), buttons=buttons, public=public)]
    last = replies[-1]
    replies[-1] = Reply(lines=last.lines, buttons=buttons, public=public)
    return replies


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """One line of at most ``limit`` characters (feed titles, errors, queries in lists)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def moment(at: datetime, *, lang: str | None, timezone: str) -> str:
    """A time as the chat reads it: "28 Nov 2026, 8:30 AM IST" / "28 नवंबर 2026, सुबह 8:30"."""
    return format_moment(at, lang=lang, timezone=timezone)


_DURATION_UNITS: Final = (
    timedelta(weeks=1),
    timedelta(days=1),
    timedelta(hours=1),
    timedelta(minutes=1),
)


def spoken_duration(duration: timedelta, lang: str | None) -> str:
    """ "1 day 2 hours" / "1 दिन 2 घंटे": each unit exact (Babel alone would round 26 h to
    "1 day"), named by Babel's CLDR data in the chat's language."""
    locale = normalise_language(lang)
    remaining = duration
    parts = []
    for unit in _DURATION_UNITS:
        count = remaining // unit
        if count:
            parts.append(format_timedelta(unit * count, threshold=1, locale=locale))
            remaining -= unit * count
    return " ".join(parts) or format_timedelta(duration, locale=locale)
