"""Cards → readable plain text for the console chat (the demo and ``run`` without tokens).

No markup and no length limit to respect, but the same cleaning as the other renderers (no
control characters from a feed can reach the terminal) and the same words from the catalogue.
The buttons become the commands that do the same thing (``/mute 3 8h``, ``/untrack 3``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.domain.cards import AlertCard, BacklogFold, DigestCard, DigestEntry
from bot.domain.i18n import t
from bot.domain.outgoing import ConsoleMessage
from bot.domain.render.fitting import clean_inline
from bot.domain.render.phrases import (
    SOURCE_LIMIT,
    alert_facts,
    alert_time,
    digest_reference,
    digest_title,
    entry_facts,
    fold_reference,
    group_label,
    list_hint,
    more_stories,
    shown_queries,
    shown_terms,
    source_label,
    title_label,
    tn,
)

TITLE_LIMIT: Final = 1024
MUTE_HOURS: Final = 8
_INDENT: Final = "   "


def render_alert(card: AlertCard, *, mute_hours: int = MUTE_HOURS) -> ConsoleMessage:
    """One alert as a few indented lines."""
    lang = card.chat_lang
    source = source_label(card.source_name, card.url, lang, limit=SOURCE_LIMIT)
    lines = [
        f"🔔 {title_label(card.title, lang, limit=TITLE_LIMIT)}",
        f"{_INDENT}{t('card.alert.source', lang, source=source)} · {alert_time(card)}",
    ]
    url = clean_inline(card.url)
    if url:
        lines.append(f"{_INDENT}🔗 {url}")
    snippet = clean_inline(card.snippet)
    if snippet:
        lines.append(f"{_INDENT}{snippet}")
    terms = shown_terms(card)
    if terms:
        lines.append(f"{_INDENT}🎯 {t('card.alert.matched', lang, terms=' · '.join(terms))}")
    facts = alert_facts(card)
    queries, more = shown_queries(card)
    if queries:
        names = ", ".join(f"“{query}”" for query in queries)
        if more:
            names += " " + t("card.alert.more_queries", lang, count=more)
        facts.insert(0, t("card.alert.tracking", lang, queries=names))
    lines.append(f"{_INDENT}🔎 {' · '.join(facts)}")
    # No "/mute N" hint: commands number subscriptions by their place in /list, which the
    # card does not know (it carries database ids), and a wrong number would mute another one.
    return ConsoleMessage("\n".join(lines))


def _entry(
    entry: DigestEntry, card: DigestCard | BacklogFold, reference: datetime, group: bool
) -> list[str]:
    lang = card.chat_lang
    facts = entry_facts(
        entry, reference=reference, lang=lang, timezone=card.chat_timezone, with_group=group
    )
    lines = [f"{_INDENT}• {title_label(entry.title, lang, limit=300)}"]
    lines.append(f"{_INDENT}  {' · '.join(facts)}")
    url = clean_inline(entry.url)
    if url:
        lines.append(f"{_INDENT}  {url}")
    return lines


def render_digest(card: DigestCard) -> ConsoleMessage:
    """The whole digest in one text (the console has no length limit)."""
    lang = card.chat_lang
    reference = digest_reference(card)
    lines = [f"🗞 {digest_title(card)}"]
    for group in card.groups:
        lines.append("")
        heading = group_label(group.name, lang)
        if heading:
            lines.append(f"🔎 {heading}")
        for entry in group.entries:
            lines.extend(_entry(entry, card, reference, group=False))
    if card.omitted:
        lines += ["", f"➕ {more_stories(card.omitted, lang)}", list_hint(lang)]
    return ConsoleMessage("\n".join(lines))


def render_backlog_fold(fold: BacklogFold) -> ConsoleMessage:
    """The "+N more stories" message, every listed title with its source and time."""
    lang = fold.chat_lang
    lines = [f"📚 {tn('card.fold.header', fold.total, lang)}", t("card.fold.intro", lang), ""]
    reference = fold_reference(fold)
    if reference is not None:
        for entry in fold.entries:
            lines.extend(_entry(entry, fold, reference, group=True))
    if fold.unlisted:
        lines.append(tn("card.fold.unlisted", fold.unlisted, lang))
    return ConsoleMessage("\n".join(lines))
