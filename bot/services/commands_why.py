"""/why: why an alert reached this chat, or why an article did not.

``/why`` alone lists the chat's latest alerts, newest first, numbered; ``/why N`` explains the
N-th of that list from its outbox row (the subscriptions it matched, the score, which words were
found where, and whether it was sent, digested, held or failed). ``/why URL`` finds the article
by its canonical URL: if the chat got it (or the same story from another source) that is
explained; otherwise the chat's subscriptions are evaluated on a throwaway ``MatchIndex`` to
tell "no subscription matched" from "matched, but below the threshold".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from bot.domain.commands import parse_why
from bot.domain.i18n import catalogue, t
from bot.domain.matcher import MatchIndex
from bot.domain.models import DeliveryMode, Match, MatchWhy, OutboxStatus
from bot.domain.query import QueryError
from bot.domain.render.phrases import format_score
from bot.domain.replies import Line, Reply, Span
from bot.domain.schedule import is_quiet
from bot.services.commands_context import (
    CommandCall,
    CommandDependencies,
    load_query,
    number_of,
    numbered_subscriptions,
)
from bot.services.commands_replies import cut, line, message, moment, reply, split_replies
from bot.services.ports import OutboxRow, StoredArticle, SubscriptionRow

log = logging.getLogger(__name__)

RECENT_SHOWN: Final = 10  # alerts listed by a bare /why
STORY_SCAN: Final = 200  # recent outbox rows searched for the same story (/why URL)
_EVIDENCE_SHOWN: Final = 6
_TITLE_SHOWN: Final = 100
_BULLET: Final = "• "


async def why(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    if not args.strip():
        return await recent_alerts(deps, call)
    target = parse_why(args)
    if isinstance(target, int):
        return await why_alert(deps, call, target)
    return await why_article(deps, call, target)


# --- the list ------------------------------------------------------------------------------------


def _status(row: OutboxRow, call: CommandCall) -> str:
    lang, zone = call.lang, call.chat.timezone
    if row.status is OutboxStatus.SENT:
        when = moment(row.sent_at or row.created_at, lang=lang, timezone=zone)
        return t("cmd.why.recent_status.sent", lang, when=when)
    if row.status is OutboxStatus.DIGESTED:
        when = moment(row.sent_at or row.created_at, lang=lang, timezone=zone)
        return t("cmd.why.recent_status.digested", lang, when=when)
    if row.status is OutboxStatus.PENDING:
        return t(
            "cmd.why.recent_status.held" if row.hold else "cmd.why.recent_status.pending", lang
        )
    return t("cmd.why.recent_status.failed", lang)


async def recent_alerts(deps: CommandDependencies, call: CommandCall) -> list[Reply]:
    rows = await deps.storage.outbox.recent_for_chat(call.chat.id, limit=RECENT_SHOWN)
    if not rows:
        return [message("cmd.why.recent_empty", call.lang)]
    articles = await deps.storage.articles.get_many([row.article_id for row in rows])
    lines: list[Line] = [line("cmd.why.recent_header", call.lang)]
    for number, row in enumerate(rows, start=1):
        article = articles.get(row.article_id)
        title = Span(
            cut(article.title, _TITLE_SHOWN) if article else "?",
            url=article.canonical_url if article else None,
        )
        lines.append((Span(f"{number}. "), title, Span(" · " + _status(row, call))))
    return split_replies(lines)


# --- /why N --------------------------------------------------------------------------------------


async def why_alert(deps: CommandDependencies, call: CommandCall, number: int) -> list[Reply]:
    rows = await deps.storage.outbox.recent_for_chat(call.chat.id, limit=number)
    article = (
        await deps.storage.articles.get(rows[number - 1].article_id)
        if len(rows) >= number
        else None
    )
    if article is None:
        return [message("cmd.why.unknown_alert", call.lang, number=number)]
    return split_replies(await _explain_row(deps, call, rows[number - 1], article))


def _header(key: str, article: StoredArticle, lang: str) -> Line:
    title = cut(article.title, _TITLE_SHOWN)
    return line(key, lang, title=title, links={"title": article.canonical_url})


def _bullet(reason: Line) -> Line:
    return (Span(_BULLET), *reason)


async def _explain_row(
    deps: CommandDependencies, call: CommandCall, row: OutboxRow, article: StoredArticle
) -> list[Line]:
    lang = call.lang
    subscriptions = await deps.storage.subscriptions.get_many(row.subscription_ids)
    numbered = await numbered_subscriptions(deps, call.chat.id)
    lines: list[Line] = []
    if row.status in (OutboxStatus.SENT, OutboxStatus.DIGESTED):
        lines.append(_header("cmd.why.sent_header", article, lang))
    else:
        lines.append(_header("cmd.why.not_sent_header", article, lang))
        lines.extend(_held_reasons(deps, call, row, list(subscriptions.values()), numbered))
    matches = _row_matches(deps, row, article, subscriptions)
    for subscription_id, match in matches:
        lines.extend(_subscription_lines(subscriptions[subscription_id], match, numbered, lang))
    if row.status is OutboxStatus.SENT:
        when = moment(row.sent_at or row.created_at, lang=lang, timezone=call.chat.timezone)
        lines.append(line("cmd.why.status.sent", lang, when=when))
    elif row.status is OutboxStatus.DIGESTED:
        when = moment(row.sent_at or row.created_at, lang=lang, timezone=call.chat.timezone)
        lines.append(line("cmd.why.status.digested", lang, when=when))
    return lines


def _row_matches(
    deps: CommandDependencies,
    row: OutboxRow,
    article: StoredArticle,
    subscriptions: dict[int, SubscriptionRow],
) -> list[tuple[int, Match]]:
    """The evidence per subscription: the stored one for the best match; the others are
    re-evaluated as at the time the alert was made (same freshness, same score)."""
    found: list[tuple[int, Match]] = []
    others = [sid for sid in row.subscription_ids[1:] if sid in subscriptions]
    explained = _evaluate(deps, [subscriptions[sid] for sid in others], article, at=row.created_at)
    for position, subscription_id in enumerate(row.subscription_ids):
        if subscription_id not in subscriptions:
            continue
        if position == 0:
            found.append((subscription_id, Match(subscription_id, row.score, row.why)))
        elif (match := explained.get(subscription_id)) is not None:
            found.append((subscription_id, match))
    return found


def _held_reasons(
    deps: CommandDependencies,
    call: CommandCall,
    row: OutboxRow,
    subscriptions: Sequence[SubscriptionRow],
    numbered: Sequence[SubscriptionRow],
) -> list[Line]:
    lang, chat = call.lang, call.chat
    if row.status is OutboxStatus.FAILED:
        return [_bullet(line("cmd.why.reason.failed", lang, error=cut(row.error or "?", 120)))]
    if row.status is OutboxStatus.SKIPPED:
        return [_bullet(line("cmd.why.reason.skipped", lang))]
    if not row.hold:
        return [_bullet(line("cmd.why.reason.pending", lang))]
    if chat.paused:
        return [_bullet(line("cmd.why.reason.paused", lang))]
    muted = [
        s for s in subscriptions if s.muted_until is not None and s.muted_until > row.created_at
    ]
    if subscriptions and len(muted) == len(subscriptions):
        first = muted[0]
        assert first.muted_until is not None
        until = moment(first.muted_until, lang=lang, timezone=chat.timezone)
        number = _number_text(first, numbered)
        return [_bullet(line("cmd.why.reason.muted", lang, number=number, until=until))]
    if chat.mode is DeliveryMode.DIGEST:
        return [_bullet(line("cmd.why.reason.digest", lang))]
    bar = chat.high_score if chat.high_score is not None else deps.high_score_default
    if chat.mode is DeliveryMode.BOTH and row.score < bar:
        return [
            _bullet(
                line(
                    "cmd.why.reason.below_realtime",
                    lang,
                    score=format_score(row.score, lang),
                    threshold=format_score(bar, lang),
                )
            )
        ]
    quiet = chat.quiet_hours
    if (
        quiet is not None
        and quiet.hold_for_digest
        and is_quiet(row.created_at, chat.timezone, quiet)
    ):
        return [_bullet(line("cmd.why.reason.quiet_hours", lang))]
    return [_bullet(line("cmd.why.reason.digest", lang))]


def _number_text(row: SubscriptionRow, numbered: Sequence[SubscriptionRow]) -> str:
    """The /list number, or a dash for a subscription no longer listed."""
    number = number_of(numbered, row.id)
    return str(number) if number is not None else "–"


def _subscription_lines(
    row: SubscriptionRow, match: Match, numbered: Sequence[SubscriptionRow], lang: str
) -> list[Line]:
    lines: list[Line] = [
        line(
            "cmd.why.subscription",
            lang,
            number=_number_text(row, numbered),
            query=cut(row.query_text, 80),
            score=format_score(match.score, lang),
            code={"query"},
        )
    ]
    for evidence in _distinct(match.why)[:_EVIDENCE_SHOWN]:
        lines.append(
            line(
                "cmd.why.evidence",
                lang,
                term=cut(evidence.term, 40),
                found=cut(evidence.found or evidence.term, 40),
                field=_label("cmd.why.field", evidence.field_name, lang),
                via=_label("cmd.why.via", evidence.via, lang),
            )
        )
    return lines


def _distinct(evidence: Sequence[MatchWhy]) -> list[MatchWhy]:
    return list(dict.fromkeys(evidence))


def _label(prefix: str, name: str, lang: str) -> str:
    key = f"{prefix}.{name}"
    return t(key, lang) if key in catalogue() else name


# --- /why URL ------------------------------------------------------------------------------------


async def find_article(deps: CommandDependencies, url: str) -> StoredArticle | None:
    """The stored article for a pasted URL: as written, then in canonical form."""
    candidates = [url]
    if deps.canonical_url is not None:
        try:
            canonical = deps.canonical_url(url)
        except Exception:  # a canonicaliser must not turn a question into an error
            log.warning("could not canonicalise a /why URL", exc_info=True)
            canonical = None
        if canonical and canonical not in candidates:
            candidates.append(canonical)
    for candidate in candidates:
        found = await deps.storage.articles.find_by_url(candidate)
        if found is not None:
            return found
    return None


def _evaluate(
    deps: CommandDependencies,
    subscriptions: Sequence[SubscriptionRow],
    article: StoredArticle,
    *,
    at: datetime,
) -> dict[int, Match]:
    """Each subscription's match on the article (even below the threshold) on a throwaway
    index; subscriptions whose query does not hold are absent."""
    index = MatchIndex(deps.lexicon, threshold=deps.match_threshold)
    for row in subscriptions:
        try:
            index.add(row.id, load_query(row.query_text, row.parsed, lexicon=deps.lexicon))
        except QueryError:
            log.warning("subscription cannot be evaluated", extra={"subscription": row.id})
    found: dict[int, Match] = {}
    for row in subscriptions:
        match = index.explain(row.id, article.article, now=at)
        if match is not None:
            found[row.id] = match
    return found


async def why_article(deps: CommandDependencies, call: CommandCall, url: str) -> list[Reply]:
    lang = call.lang
    article = await find_article(deps, url)
    if article is None:
        return [message("cmd.why.unknown_article", lang)]
    rows = await deps.storage.outbox.recent_for_chat(call.chat.id, limit=STORY_SCAN)
    own = next((row for row in rows if row.article_id == article.id), None)
    if own is not None:
        return split_replies(await _explain_row(deps, call, own, article))
    lines = [_header("cmd.why.not_sent_header", article, lang)]
    same_story = next(
        (row for row in rows if article.story_id and row.story_id == article.story_id), None
    )
    if same_story is not None:
        other = await deps.storage.articles.get(same_story.article_id)
        if other is not None:
            reason = line(
                "cmd.why.reason.duplicate",
                lang,
                other=cut(other.title, _TITLE_SHOWN),
                links={"other": other.canonical_url},
            )
            lines.append(_bullet(reason))
            return [reply(lines)]
    numbered = await numbered_subscriptions(deps, call.chat.id)
    at = article.matched_at or article.fetched_at
    matches = _evaluate(deps, numbered, article, at=at)
    if not matches:
        lines.append(_bullet(line("cmd.why.reason.no_match", lang)))
        return [reply(lines)]
    ranked = sorted(matches.items(), key=lambda item: -item[1].score)
    above = [(sid, match) for sid, match in ranked if match.score >= deps.match_threshold]
    rows_by_id = {row.id: row for row in numbered}
    if not above:
        best_id, best = ranked[0]
        lines.append(
            _bullet(
                line(
                    "cmd.why.reason.below_threshold",
                    lang,
                    number=_number_text(rows_by_id[best_id], numbered),
                    score=format_score(best.score, lang),
                    threshold=format_score(deps.match_threshold, lang),
                )
            )
        )
    elif article.matched_at is None:
        lines.append(_bullet(line("cmd.why.reason.pending", lang)))
    elif all(rows_by_id[sid].created_at > article.matched_at for sid, _ in above):
        number = _number_text(rows_by_id[above[0][0]], numbered)
        lines.append(_bullet(line("cmd.why.reason.not_checked", lang, number=number)))
    else:
        lines.append(_bullet(line("cmd.why.reason.inactive", lang)))
    for subscription_id, match in ranked:
        lines.extend(_subscription_lines(rows_by_id[subscription_id], match, numbered, lang))
    return split_replies(lines)
