"""Cards → Slack chat.postMessage payloads: Block Kit within Slack's limits, plus ``text``.

Limits kept here (../shared/reference/protocols.md B3/B4), all counted in UTF-16 code units
(never fewer than Slack's characters): ≤ 50 blocks per message; header ``plain_text`` ≤ 150,
trimmed at a grapheme boundary; section text 1–3000; ≤ 10 context elements; button text ≤ 75;
and, for the undocumented cumulative limit (``msg_blocks_too_long`` at about 12–13k), at most
``MESSAGE_TEXT_BUDGET`` units of block text per message.

Escaping: in mrkdwn only ``&``, ``<`` and ``>`` are escaped (Slack decodes nothing else, so
``'`` stays ``'``); inside a link ``<url|label>`` the URL is percent-encoded by ``links`` (no
``|``, ``<``, ``>`` left) and a ``|`` in the label becomes ``¦`` so it cannot end the URL part.
``plain_text`` (headers, buttons) is shown literally and is not escaped.

An alert: header "🔔 <title>"; a section with the snippet (matched terms in bold) — led by the
full title as a link when the header had to shorten it; a context line "🗞 <source link> ·
time", "🎯 Matched: …", "🔎 Tracking: “…” · score · language"; and Open / Mute / Untrack buttons.
Digests: a header, one or more sections per group, a "+N more" context; split into a main
message and thread replies ("Part 2 of 3") when one message cannot hold it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from bot.domain.cards import AlertCard, BacklogFold, DigestCard, DigestEntry
from bot.domain.i18n import t
from bot.domain.outgoing import SlackMessage
from bot.domain.render.alert_actions import (
    SLACK_ACTION_MUTE,
    SLACK_ACTION_OPEN,
    SLACK_ACTION_UNTRACK,
    mute_data,
    untrack_data,
)
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

MAX_BLOCKS: Final = 50
HEADER_LIMIT: Final = 150
SECTION_LIMIT: Final = 3000
CONTEXT_ELEMENT_LIMIT: Final = 2000
BUTTON_TEXT_LIMIT: Final = 75
MESSAGE_TEXT_BUDGET: Final = 11_000
FALLBACK_LIMIT: Final = 300
ENTRY_TITLE_LIMIT: Final = 300
ENTRY_TITLE_ESCAPED_LIMIT: Final = 800
SECTION_TITLE_LIMIT: Final = 1000
MIN_SNIPPET: Final = 40
MUTE_HOURS: Final = 8
LINK_LIMIT: Final = 1500  # a longer (escaped) URL is not linked: it would crowd the section


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters, and only those."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_link(url: str | None, label: str) -> str:
    """``<url|label>`` for a safe URL (not too long for a section), else the escaped label."""
    escaped = mrkdwn_escape(label)
    target = mrkdwn_escape(url) if url else ""
    if not target or utf16_units(target) > LINK_LIMIT:
        return escaped
    return f"<{target}|{escaped.replace('|', '¦')}>"


def escaped_within(text: str, limit: int) -> str:
    """``text`` mrkdwn-escaped, trimmed (before escaping, so never inside an entity) to fit."""
    escaped = mrkdwn_escape(text)
    while utf16_units(escaped) > limit and text:
        text = trim_to_units(text, _shrunk(utf16_units(text), utf16_units(escaped), limit))
        escaped = mrkdwn_escape(text)
    return escaped


def _shrunk(budget: int, produced: int, limit: int) -> int:
    """The next budget for source text whose rendering (``produced`` units) exceeds ``limit``.

    Scaled by how much rendering inflates the text (escaping, bold markers), so it converges
    in a step or two; always strictly smaller.
    """
    return min(budget - 1, budget * limit // max(produced, 1))


def bold(text: str) -> str:
    return f"*{text}*" if text.strip() else text


def italic(text: str) -> str:
    return f"_{text}_" if text.strip() else text


def plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": trim_to_units(text, limit) or "…", "emoji": True}


def header_block(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain_text(text, HEADER_LIMIT)}


def section_block(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context_block(*mrkdwn: str) -> dict[str, Any]:
    elements = [{"type": "mrkdwn", "text": text} for text in mrkdwn if text][:10]
    return {"type": "context", "elements": elements}


def block_text_units(block: dict[str, Any]) -> int:
    """How much text a block carries (for the per-message cumulative budget)."""
    if block["type"] in ("header", "section"):
        return utf16_units(block["text"]["text"])
    if block["type"] == "context":
        return sum(utf16_units(element["text"]) for element in block["elements"])
    if block["type"] == "actions":
        return sum(utf16_units(element["text"]["text"]) for element in block["elements"])
    return 0


def highlighted(snippet: str, terms: Sequence[str]) -> str:
    return "".join(
        bold(mrkdwn_escape(piece)) if is_term else mrkdwn_escape(piece)
        for piece, is_term in split_highlighted(snippet, terms)
    )


def _fallback(text: str, lang: str) -> str:
    """The notification text: never empty, even when the feed text is all escapes."""
    return escaped_within(text, FALLBACK_LIMIT) or mrkdwn_escape(t("card.alert.new_story", lang))


# --- alerts ---------------------------------------------------------------------------------


def _alert_section(card: AlertCard, title_shortened: bool) -> str:
    """The snippet (and the full title as a link when the header could not hold it)."""
    lang = card.chat_lang
    url = safe_link(card.url)
    lead = ""
    if title_shortened:
        title_limit = SECTION_TITLE_LIMIT
        while True:
            title = title_label(card.title, lang, limit=title_limit)
            lead = bold(mrkdwn_link(url, title))
            if utf16_units(lead) <= SECTION_LIMIT // 2 or title_limit <= 10:
                break
            title_limit //= 2
    snippet = trim_to_units(clean_inline(card.snippet), SECTION_LIMIT)  # never more is shown
    budget = utf16_units(snippet)
    while True:
        text = "\n".join(part for part in (lead, highlighted(snippet, card.matched_terms)) if part)
        if utf16_units(text) <= SECTION_LIMIT:
            return text
        budget = _shrunk(budget, utf16_units(text), SECTION_LIMIT)
        snippet = trim_to_units(snippet, budget) if budget >= MIN_SNIPPET else ""


def _alert_context(card: AlertCard) -> list[str]:
    lang = card.chat_lang
    source = source_label(card.source_name, card.url, lang, limit=SOURCE_LIMIT)
    elements = [f"🗞 {bold(mrkdwn_link(safe_link(card.url), source))} · {alert_time(card)}"]
    terms = shown_terms(card)
    if terms:
        matched = t("card.alert.matched", lang, terms=" · ".join(terms))
        elements.append(escaped_within("🎯 " + matched, CONTEXT_ELEMENT_LIMIT))
    facts = alert_facts(card)
    queries, more = shown_queries(card)
    if queries:
        names = ", ".join(f"“{query}”" for query in queries)
        if more:
            names += " " + t("card.alert.more_queries", lang, count=more)
        facts.insert(0, t("card.alert.tracking", lang, queries=names))
    elements.append(escaped_within("🔎 " + " · ".join(facts), CONTEXT_ELEMENT_LIMIT))
    return elements


def _button(label: str, action_id: str, **fields: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": plain_text(label, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
        **fields,
    }


def _alert_actions(card: AlertCard, mute_hours: int) -> dict[str, Any] | None:
    lang = card.chat_lang
    elements: list[dict[str, Any]] = []
    url = safe_link(card.url)
    if url:
        elements.append(_button(t("card.alert.button.open", lang), SLACK_ACTION_OPEN, url=url))
    if card.subscription_id is not None:
        elements.append(
            _button(
                t("card.alert.button.mute", lang, hours=mute_hours),
                SLACK_ACTION_MUTE,
                value=mute_data(card.subscription_id, mute_hours),
            )
        )
        elements.append(
            _button(
                t("card.alert.button.untrack", lang),
                SLACK_ACTION_UNTRACK,
                value=untrack_data(card.subscription_id),
            )
        )
    if not elements:
        return None
    return {"type": "actions", "block_id": "alert_actions", "elements": elements}


def render_alert(card: AlertCard, *, mute_hours: int = MUTE_HOURS) -> SlackMessage:
    """One alert as a chat.postMessage payload."""
    lang = card.chat_lang
    prefix = "🔔 "
    header_title = title_label(card.title, lang, limit=HEADER_LIMIT - utf16_units(prefix))
    shortened = header_title != title_label(card.title, lang, limit=SECTION_TITLE_LIMIT)
    blocks: list[dict[str, Any]] = [header_block(prefix + header_title)]
    section = _alert_section(card, title_shortened=shortened)
    if section:
        blocks.append(section_block(section))
    blocks.append(context_block(*_alert_context(card)))
    actions = _alert_actions(card, mute_hours)
    if actions:
        blocks.append(actions)
    queries, _ = shown_queries(card)
    short_title = title_label(card.title, lang, limit=200)
    if queries:
        fallback = t("card.alert.fallback", lang, query=queries[0], title=short_title)
    else:
        fallback = t("card.alert.fallback_plain", lang, title=short_title)
    return SlackMessage(text=_fallback(fallback, lang), blocks=tuple(blocks))


# --- digests and the backlog fold -------------------------------------------------------------


def _entry_lines(
    entry: DigestEntry,
    *,
    card: DigestCard | BacklogFold,
    reference: datetime,
    with_group: bool = False,
) -> str:
    lang = card.chat_lang
    limit = ENTRY_TITLE_LIMIT
    title = title_label(entry.title, lang, limit=limit)
    while utf16_units(mrkdwn_escape(title)) > ENTRY_TITLE_ESCAPED_LIMIT:
        limit = limit * 3 // 4  # escaping made it too long ("&" → "&amp;")
        title = title_label(entry.title, lang, limit=limit)
    facts = entry_facts(
        entry, reference=reference, lang=lang, timezone=card.chat_timezone, with_group=with_group
    )
    # At most 1500 (link) + 800 (title) + 600 (facts) units: always fits one section.
    return (
        f"• {bold(mrkdwn_link(safe_link(entry.url), title))}\n"
        f"      {italic(escaped_within(' · '.join(facts), 600))}"
    )


def _sections(heading: str, continued_heading: str, lines: Sequence[str]) -> list[str]:
    """Lines packed into section texts of at most SECTION_LIMIT units, in order."""
    texts: list[str] = []
    current = heading
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if utf16_units(candidate) <= SECTION_LIMIT:
            current = candidate
            continue
        if current:
            texts.append(current)
        current = f"{continued_heading}\n{line}" if continued_heading else line
    if current:
        texts.append(current)
    return texts


def _pages(
    first: list[dict[str, Any]],
    body: Sequence[dict[str, Any]],
    *,
    reserve_blocks: int = 1,
    reserve_units: int = 300,
) -> list[list[dict[str, Any]]]:
    """Blocks packed into messages (≤ MAX_BLOCKS, ≤ MESSAGE_TEXT_BUDGET), first page first.

    Continuation pages keep room for one "Part k of n" context block. A divider never starts
    or ends a page.
    """
    pages: list[list[dict[str, Any]]] = [list(first)]
    units = sum(block_text_units(block) for block in first)
    for block in body:
        page = pages[-1]
        size = block_text_units(block)
        block_room = MAX_BLOCKS - (reserve_blocks if len(pages) > 1 else 0)
        text_room = MESSAGE_TEXT_BUDGET - (reserve_units if len(pages) > 1 else 0)
        if block["type"] == "divider" and (not page or len(page) + 2 > block_room):
            continue
        if len(page) + 1 > block_room or units + size > text_room:
            while page and page[-1]["type"] == "divider":
                page.pop()
            pages.append([])
            units = 0
            if block["type"] == "divider":
                continue
        pages[-1].append(block)
        units += size
    while pages[-1] and pages[-1][-1]["type"] == "divider":
        pages[-1].pop()
    return [page for page in pages if page]


def _numbered(pages: list[list[dict[str, Any]]], title: str, lang: str) -> list[SlackMessage]:
    messages: list[SlackMessage] = []
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        if number == 1:
            messages.append(SlackMessage(text=_fallback(title, lang), blocks=tuple(page)))
            continue
        part = t("card.digest.part", lang, part=number, total=total)
        label = f"{trim_to_units(title, 200)} · {part}"
        blocks = (context_block(mrkdwn_escape(label)), *page)
        messages.append(SlackMessage(text=_fallback(label, lang), blocks=blocks))
    return messages


def render_digest(card: DigestCard) -> list[SlackMessage]:
    """A digest: the first message is the main one, any others go into its thread."""
    lang = card.chat_lang
    title = digest_title(card)
    reference = digest_reference(card)
    body: list[dict[str, Any]] = []
    for group in card.groups:
        name = group_label(group.name, lang)
        heading = bold(mrkdwn_escape("🔎 " + name)) if name else ""
        continued = group_label(group.name, lang, continued=True)
        continued_heading = bold(mrkdwn_escape("🔎 " + continued)) if continued else ""
        lines = [_entry_lines(entry, card=card, reference=reference) for entry in group.entries]
        if body:
            body.append({"type": "divider"})
        body.extend(section_block(text) for text in _sections(heading, continued_heading, lines))
    if card.omitted:
        body.append(
            context_block(
                mrkdwn_escape("➕ " + more_stories(card.omitted, lang)),
                mrkdwn_escape(list_hint(lang)),
            )
        )
    pages = _pages([header_block("🗞 " + title)], body)
    return _numbered(pages, title, lang)


def render_backlog_fold(fold: BacklogFold) -> SlackMessage:
    """The "+N more stories" message: as many titles as one message holds, the rest counted."""
    lang = fold.chat_lang
    header = tn("card.fold.header", fold.total, lang)
    blocks: list[dict[str, Any]] = [
        header_block("📚 " + header),
        context_block(mrkdwn_escape(t("card.fold.intro", lang))),
    ]
    reserve = utf16_units(tn("card.fold.unlisted", fold.total, lang)) + 10
    units = sum(block_text_units(block) for block in blocks) + reserve
    reference = fold_reference(fold)
    lines: list[str] = []
    listed = 0
    for entry in fold.entries:
        if reference is None:
            break
        line = _entry_lines(entry, card=fold, reference=reference, with_group=True)
        texts = _sections("", "", [*lines, line])
        size = sum(utf16_units(text) for text in texts)
        if len(blocks) + len(texts) + 1 > MAX_BLOCKS or units + size > MESSAGE_TEXT_BUDGET:
            break
        lines.append(line)
        listed += 1
    blocks.extend(section_block(text) for text in _sections("", "", lines))
    if fold.total > listed:
        blocks.append(
            context_block(mrkdwn_escape(tn("card.fold.unlisted", fold.total - listed, lang)))
        )
    return SlackMessage(text=_fallback(header, lang), blocks=tuple(blocks))
