"""Cards → Telegram messages in HTML parse mode, always within what Telegram accepts.

Rules kept here (../shared/reference/protocols.md A3/A4):

* Every feed or user string is escaped (``html.escape``; with quotes inside ``href``), so a title
  like ``a < b & <script>`` can never cause "can't parse entities".
* Only ``b``, ``i``, ``code`` and ``a href`` are produced, always balanced: markup is built from
  pieces that carry their own visible text, and trimming happens on the plain text *before* it is
  marked up — never inside a tag, an entity, a surrogate pair or a grapheme cluster.
* The visible text (entities decoded, tags removed) is at most 4096 UTF-16 code units, and the
  raw text stays under Telegram's 32 768-byte pre-parse limit. An alert gives up its snippet
  first, then its title; a digest is split into as few messages as fit, only between entries.

An alert looks like::

    🔔 <b><a href="…">टिकटॉक पर फिर से प्रतिबंध की तैयारी</a></b>
    🗞 Aaj Tak · 4 जुलाई 2020, शाम 5:53

    सरकार ने <b>टिकटॉक</b> समेत 59 चीनी ऐप्स पर …

    🎯 मिलान: टिकटॉक · प्रतिबंध
    🔎 ट्रैकिंग: <code>tiktok ban</code> · स्कोर 0.87 · हिन्दी में

with an inline keyboard: Open (URL) on the first row, Mute 8h and Untrack on the second.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.domain.cards import AlertCard, BacklogFold, DigestCard, DigestEntry
from bot.domain.i18n import t
from bot.domain.outgoing import InlineButton, TelegramMessage
from bot.domain.render.alert_actions import mute_data, untrack_data
from bot.domain.render.fitting import clean_inline, trim_to_units, utf16_units
from bot.domain.render.highlight import split_highlighted
from bot.domain.render.links import safe_link
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

TEXT_LIMIT: Final = 4096  # UTF-16 code units of visible text, after entity parsing
RAW_LIMIT: Final = 32_000  # bytes of raw text; Telegram refuses more than 32 768 before parsing
TITLE_LIMIT: Final = 1024  # an alert's title is cut here even when the message has room
ENTRY_TITLE_LIMIT: Final = 300  # a digest entry's title
MIN_SNIPPET: Final = 40  # a shorter snippet is dropped rather than shown as a stub
MUTE_HOURS: Final = 8
_SLOT: Final = "\x00"  # placeholder for markup inside a catalogue text (never in cleaned text)


@dataclass(frozen=True, slots=True)
class Html:
    """A piece of Telegram HTML and the text Telegram will show for it."""

    markup: str
    text: str

    @property
    def units(self) -> int:
        return utf16_units(self.text)

    @property
    def size(self) -> int:
        return len(self.markup.encode("utf-8"))

    def fits(self) -> bool:
        return self.units <= TEXT_LIMIT and self.size <= RAW_LIMIT


def plain(text: str) -> Html:
    return Html(html.escape(text, quote=False), text)


def _wrap(tag: str, inner: Html) -> Html:
    return Html(f"<{tag}>{inner.markup}</{tag}>", inner.text) if inner.text else inner


def bold(inner: Html) -> Html:
    return _wrap("b", inner)


def italic(inner: Html) -> Html:
    return _wrap("i", inner)


def code(inner: Html) -> Html:
    return _wrap("code", inner)


def link(inner: Html, url: str | None) -> Html:
    if not url or not inner.text:
        return inner
    return Html(f'<a href="{html.escape(url, quote=True)}">{inner.markup}</a>', inner.text)


def join(parts: Iterable[Html], separator: str = "") -> Html:
    items = [part for part in parts if part.text]
    return Html(
        html.escape(separator, quote=False).join(part.markup for part in items),
        separator.join(part.text for part in items),
    )


def localised(key: str, lang: str | None, slot: str, value: Html, /, **params: object) -> Html:
    """Catalogue text ``key`` with placeholder ``slot`` filled by markup ``value``."""
    before, _, after = t(key, lang, **{slot: _SLOT}, **params).partition(_SLOT)
    return join([plain(before), value, plain(after)])


def highlighted(snippet: str, terms: Sequence[str]) -> Html:
    """The snippet with each matched term in bold."""
    pieces = [
        bold(plain(piece)) if is_term else plain(piece)
        for piece, is_term in split_highlighted(snippet, terms)
    ]
    return join(pieces)


# --- alerts ---------------------------------------------------------------------------------


def _alert_tail(card: AlertCard) -> list[Html]:
    lang = card.chat_lang
    lines: list[Html] = []
    terms = shown_terms(card)
    if terms:
        lines.append(plain("🎯 " + t("card.alert.matched", lang, terms=" · ".join(terms))))
    queries, more = shown_queries(card)
    facts = [plain(fact) for fact in alert_facts(card)]
    if queries:
        names = join([code(plain(query)) for query in queries], ", ")
        if more:
            names = join([names, plain(t("card.alert.more_queries", lang, count=more))], " ")
        facts.insert(0, localised("card.alert.tracking", lang, "queries", names))
    lines.append(join([plain("🔎 "), join(facts, " · ")]))
    return lines


def _alert_html(card: AlertCard, title: str, snippet: str) -> Html:
    url = safe_link(card.url)
    source = source_label(card.source_name, card.url, card.chat_lang, limit=SOURCE_LIMIT)
    head = join(
        [
            join([plain("🔔 "), bold(link(plain(title), url))]),
            plain(f"🗞 {source} · {alert_time(card)}"),
        ],
        "\n",
    )
    body = highlighted(snippet, card.matched_terms) if snippet else plain("")
    return join([head, body, join(_alert_tail(card), "\n")], "\n\n")


def _alert_buttons(card: AlertCard, mute_hours: int) -> tuple[tuple[InlineButton, ...], ...]:
    lang = card.chat_lang
    rows: list[tuple[InlineButton, ...]] = []
    url = safe_link(card.url)
    if url:
        rows.append((InlineButton(t("card.alert.button.open", lang), url=url),))
    if card.subscription_id is not None:
        rows.append(
            (
                InlineButton(
                    t("card.alert.button.mute", lang, hours=mute_hours),
                    callback_data=mute_data(card.subscription_id, mute_hours),
                ),
                InlineButton(
                    t("card.alert.button.untrack", lang),
                    callback_data=untrack_data(card.subscription_id),
                ),
            )
        )
    return tuple(rows)


def _smaller(budget: int, excess_units: int) -> int:
    """The next, smaller budget: cut the excess units, or a quarter when bytes are the issue."""
    return budget - excess_units if excess_units > 0 else budget * 3 // 4


def _fitted_alert(card: AlertCard, title_limit: int) -> Html:
    """The alert's HTML, trimming the snippet first and then the title until it fits."""
    lang = card.chat_lang
    snippet = trim_to_units(clean_inline(card.snippet), TEXT_LIMIT)  # never more is shown
    title_budget = title_limit
    message = _alert_html(card, title_label(card.title, lang, limit=title_budget), snippet)
    if not message.fits():
        excess = message.units - TEXT_LIMIT
        budget = utf16_units(snippet) - max(excess, 0)
        while budget >= MIN_SNIPPET:
            snippet = trim_to_units(snippet, budget)
            message = _alert_html(card, title_label(card.title, lang, limit=title_budget), snippet)
            if message.fits():
                return message
            budget = _smaller(budget, message.units - TEXT_LIMIT)
        snippet = ""
        message = _alert_html(card, title_label(card.title, lang, limit=title_budget), snippet)
    while not message.fits() and title_budget > 1:
        title_budget = max(1, _smaller(title_budget, message.units - TEXT_LIMIT))
        message = _alert_html(card, title_label(card.title, lang, limit=title_budget), snippet)
    return message


def render_alert(
    card: AlertCard,
    *,
    mute_hours: int = MUTE_HOURS,
    silent: bool = False,
    title_limit: int = TITLE_LIMIT,
) -> TelegramMessage:
    """One alert as a sendMessage call (parse_mode=HTML), with its keyboard and link preview.

    ``silent`` sends it without a notification (quiet hours).
    """
    message = _fitted_alert(card, min(title_limit, TEXT_LIMIT))
    return TelegramMessage(
        text=message.markup,
        buttons=_alert_buttons(card, mute_hours),
        preview_url=safe_link(card.url),
        disable_notification=silent,
    )


# --- digests and the backlog fold -------------------------------------------------------------


def _entry_html(
    entry: DigestEntry,
    *,
    card: DigestCard | BacklogFold,
    reference: datetime,
    with_group: bool = False,
) -> Html:
    lang = card.chat_lang
    title = title_label(entry.title, lang, limit=ENTRY_TITLE_LIMIT)
    facts = entry_facts(
        entry, reference=reference, lang=lang, timezone=card.chat_timezone, with_group=with_group
    )
    return join(
        [
            join([plain("• "), link(plain(title), safe_link(entry.url))]),
            join([plain("    "), italic(plain(" · ".join(facts)))]),
        ],
        "\n",
    )


class _Pages:
    """Packs sections of lines, in order, into as few messages as fit Telegram's limits."""

    def __init__(self) -> None:
        self.pages: list[list[list[Html]]] = [[]]
        self._units = 0
        self._size = 0

    def _cost(self, lines: Sequence[Html], new_section: bool) -> tuple[int, int]:
        separators = len(lines) - 1
        if self.pages[-1]:
            separators += 2 if new_section else 1
        units = sum(line.units for line in lines) + separators
        size = sum(line.size for line in lines) + separators
        return units, size

    def fits(
        self, lines: Sequence[Html], *, new_section: bool, reserve: Html | None = None
    ) -> bool:
        """Whether ``lines`` fit on this page (leaving room for a ``reserve`` section after)."""
        units, size = self._cost(lines, new_section)
        if reserve is not None:
            units += reserve.units + 2
            size += reserve.size + 2
        return self._units + units <= TEXT_LIMIT and self._size + size <= RAW_LIMIT

    @property
    def page_is_empty(self) -> bool:
        return not self.pages[-1]

    def add(self, lines: Sequence[Html], *, new_section: bool) -> None:
        units, size = self._cost(lines, new_section)
        page = self.pages[-1]
        if new_section or not page:
            page.append(list(lines))
        else:
            page[-1].extend(lines)
        self._units += units
        self._size += size

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])
            self._units = self._size = 0

    def rendered(self) -> list[Html]:
        return [
            join([join(section, "\n") for section in page], "\n\n") for page in self.pages if page
        ]


def render_digest(card: DigestCard, *, silent: bool = False) -> list[TelegramMessage]:
    """A digest as one or more messages (as few as fit), never split inside an entry.

    A group that continues in the next message repeats its heading, marked "(contd.)".
    """
    lang = card.chat_lang
    reference = digest_reference(card)
    pages = _Pages()
    pages.add([join([plain("🗞 "), bold(plain(digest_title(card)))])], new_section=True)
    for group in card.groups:
        heading = group_label(group.name, lang)
        for index, entry in enumerate(group.entries):
            entry_html = _entry_html(entry, card=card, reference=reference)
            lines = [entry_html]
            new_section = index == 0
            if new_section and heading:
                lines.insert(0, join([plain("🔎 "), bold(plain(heading))]))
            if not pages.fits(lines, new_section=new_section):
                pages.new_page()
                if heading and not new_section:
                    contd = group_label(group.name, lang, continued=True)
                    lines.insert(0, join([plain("🔎 "), bold(plain(contd))]))
                new_section = True
            pages.add(lines, new_section=new_section)
    if card.omitted:
        footer = [plain("➕ " + more_stories(card.omitted, lang)), italic(plain(list_hint(lang)))]
        if not pages.fits(footer, new_section=True):
            pages.new_page()
        pages.add(footer, new_section=True)
    return [
        TelegramMessage(text=page.markup, preview_url=None, disable_notification=silent)
        for page in pages.rendered()
    ]


def render_backlog_fold(fold: BacklogFold, *, silent: bool = False) -> TelegramMessage:
    """The "+N more stories" message: as many titles as fit one message, the rest counted."""
    lang = fold.chat_lang
    header = [
        join([plain("📚 "), bold(plain(tn("card.fold.header", fold.total, lang)))]),
        italic(plain(t("card.fold.intro", lang))),
    ]
    # Room for the "…and N more" line whatever N turns out to be.
    reserve = plain(tn("card.fold.unlisted", fold.total, lang))
    pages = _Pages()
    pages.add(header, new_section=True)
    listed = 0
    reference = fold_reference(fold)
    for index, entry in enumerate(fold.entries):
        if reference is None:
            break
        lines = [_entry_html(entry, card=fold, reference=reference, with_group=True)]
        if not pages.fits(lines, new_section=index == 0, reserve=reserve):
            break
        pages.add(lines, new_section=index == 0)
        listed += 1
    unlisted = fold.total - listed
    if unlisted:
        pages.add([plain(tn("card.fold.unlisted", unlisted, lang))], new_section=True)
    (page,) = pages.rendered()
    return TelegramMessage(text=page.markup, preview_url=None, disable_notification=silent)
