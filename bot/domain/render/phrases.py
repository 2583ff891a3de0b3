"""Localised pieces every renderer needs: counted phrases, language names, scores, sources.

All fixed words come from the catalogue (``t``); Babel supplies the plural rules, the names of
languages in the chat's language ("Hindi" / "हिन्दी") and number formatting. Results are plain
text; each renderer escapes them for its format.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from babel import Locale
from babel.numbers import format_decimal

from bot.domain.cards import AlertCard, BacklogFold, DigestCard, DigestEntry, DigestKind
from bot.domain.i18n import catalogue, normalise_language, t
from bot.domain.render.fitting import fit_inline
from bot.domain.render.timefmt import (
    format_date,
    format_date_range,
    format_entry_time,
    format_hour_range,
    format_moment,
)


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_category(count: int, lang: str | None) -> str:
    """CLDR plural category of ``count`` in the chat's language ("one" / "other" / …)."""
    return str(_locale(normalise_language(lang)).plural_form(abs(count)))


def tn(base_key: str, count: int, lang: str | None, /, **params: object) -> str:
    """Render ``base_key.<plural form>`` with ``count``; a missing form falls back to other."""
    key = f"{base_key}.{plural_category(count, lang)}"
    if key not in catalogue():
        key = f"{base_key}.other"
    return t(key, lang, count=count, **params)


def language_name(code: str | None, lang: str | None) -> str:
    """The article language's name in the chat's language, or "" when unknown."""
    if not code:
        return ""
    base = code.strip().lower().replace("_", "-").split("-")[0]
    if not base.isascii() or not base.isalpha():
        return ""
    name = _locale(normalise_language(lang)).languages.get(base)
    return str(name) if name else ""


def format_score(score: float, lang: str | None) -> str:
    """A score with at most two decimals, in the chat's number format ("0.87", "12.5")."""
    return str(format_decimal(score, format="0.##", locale=normalise_language(lang)))


def source_label(source_name: str, url: str, lang: str | None, *, limit: int) -> str:
    """The source's display name: its name, else the link's host, else "Unknown source"."""
    label = fit_inline(source_name, limit)
    if label:
        return label
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    host = host.removeprefix("www.")
    return fit_inline(host, limit) or t("card.alert.unknown_source", lang)


def title_label(title: str, lang: str | None, *, limit: int) -> str:
    """The title as shown (trimmed, never empty)."""
    return fit_inline(title, limit) or t("card.alert.untitled", lang)


# --- pieces shared by the three renderers ------------------------------------------------------

SOURCE_LIMIT = 80
QUERY_LIMIT = 80
TERM_LIMIT = 40
GROUP_LIMIT = 100
MAX_TERMS_SHOWN = 8
MAX_QUERIES_SHOWN = 3
LIST_COMMAND = "/list"
_LAST_INSTANT = timedelta(microseconds=1)


def shown_terms(card: AlertCard) -> list[str]:
    """The matched terms for the "Matched:" line (a few, each short)."""
    terms = [fit_inline(term, TERM_LIMIT) for term in card.matched_terms[:MAX_TERMS_SHOWN]]
    return [term for term in terms if term]


def shown_queries(card: AlertCard) -> tuple[list[str], int]:
    """The subscriptions' queries to name (a few, each short) and how many more there are."""
    queries = [fit_inline(ref.query, QUERY_LIMIT) for ref in card.subscriptions]
    queries = [query for query in queries if query]
    return queries[:MAX_QUERIES_SHOWN], max(0, len(queries) - MAX_QUERIES_SHOWN)


def alert_facts(card: AlertCard) -> list[str]:
    """ "score 0.87", "in Hindi": the small print of an alert."""
    facts = [t("card.alert.score", card.chat_lang, score=format_score(card.score, card.chat_lang))]
    language = language_name(card.article_lang, card.chat_lang)
    if language:
        facts.append(t("card.alert.article_language", card.chat_lang, language=language))
    return facts


def alert_time(card: AlertCard) -> str:
    return format_moment(card.published_at, lang=card.chat_lang, timezone=card.chat_timezone)


def digest_period(card: DigestCard) -> str:
    """ "4 Jul 2020" (daily), "29 Jun – 5 Jul 2020" (weekly), "4 Jul 2020, 5:00–6:00 PM IST"."""
    last = card.period_end - _LAST_INSTANT
    lang, zone = card.chat_lang, card.chat_timezone
    if card.kind is DigestKind.HOURLY:
        return format_hour_range(card.period_start, card.period_end, lang=lang, timezone=zone)
    if card.kind is DigestKind.WEEKLY:
        return format_date_range(card.period_start, last, lang=lang, timezone=zone)
    return format_date(last, lang=lang, timezone=zone)


def digest_title(card: DigestCard) -> str:
    """ "12 stories today · 4 Jul 2020" / "आज की 12 खबरें · 4 जुलाई 2020" (or "Nothing new …")."""
    if card.total == 0:
        headline = t(f"card.digest.empty.{card.kind.value}", card.chat_lang)
    else:
        headline = tn(f"card.digest.header.{card.kind.value}", card.total, card.chat_lang)
    return f"{headline} · {digest_period(card)}"


def group_label(name: str, lang: str | None, *, continued: bool = False) -> str:
    label = fit_inline(name, GROUP_LIMIT)
    if label and continued:
        return t("card.digest.continued", lang, group=label)
    return label


def entry_facts(
    entry: DigestEntry,
    *,
    reference: datetime,
    lang: str | None,
    timezone: str | None,
    with_group: bool = False,
) -> list[str]:
    """ "Aaj Tak", "5:53 PM", "+3 more sources" (and the group, for the backlog fold)."""
    facts = [
        source_label(entry.source_name, entry.url, lang, limit=SOURCE_LIMIT),
        format_entry_time(entry.published_at, reference=reference, lang=lang, timezone=timezone),
    ]
    if entry.other_sources:
        facts.append(tn("card.digest.other_sources", entry.other_sources, lang))
    if with_group and (group := fit_inline(entry.group, QUERY_LIMIT)):
        facts.append(group)
    return facts


def digest_reference(card: DigestCard) -> datetime:
    """The day entry times are relative to: the period's last day."""
    return card.period_end - _LAST_INSTANT


def fold_reference(fold: BacklogFold) -> datetime | None:
    """The newest story's time: entries of that day show only their time."""
    return max((entry.published_at for entry in fold.entries), default=None)


def more_stories(count: int, lang: str | None) -> str:
    return tn("card.digest.more", count, lang)


def list_hint(lang: str | None) -> str:
    return t("card.digest.list_hint", lang, command=LIST_COMMAND)
