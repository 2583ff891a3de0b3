"""The news sources as chats see them: /sources (with health), /addsource, /removesource.

Sources are shared by every chat. ``/addsource`` asks the ``SourceProbe`` port first (SSRF
guard, one real fetch) and refuses with the probe's reason; a chat may add at most
``max_sources_per_chat`` and may remove only the sources it added itself (the ones from the
configuration file belong to whoever runs the bot).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.domain.commands import CommandName, parse_number, parse_url
from bot.domain.i18n import catalogue, t
from bot.domain.models import SourceKind, SourceSpec
from bot.domain.replies import Line, Reply
from bot.services.commands_context import CommandCall, CommandDependencies, ProbeResult
from bot.services.commands_replies import cut, line, message, moment, split_replies
from bot.services.ports import SourceRow

log = logging.getLogger(__name__)

_NAME_SHOWN = 60
_STATUS = re.compile(r"\b[1-5][0-9]{2}\b")
_ERROR_SHOWN = 80


def source_name(row: SourceRow) -> str:
    return cut(row.name or urlsplit(row.url).hostname or row.url, _NAME_SHOWN)


def _number(rows: Sequence[SourceRow], source_id: int) -> int:
    return next((n for n, row in enumerate(rows, start=1) if row.id == source_id), len(rows))


def _health(row: SourceRow, call: CommandCall) -> str:
    lang = call.lang
    if row.failures > 0:
        error = cut(row.last_error or "?", _ERROR_SHOWN)
        return t("cmd.sources.health.failing", lang, failures=row.failures, error=error)
    checked = row.last_polled_at or row.last_ok_at
    if checked is None:
        return t("cmd.sources.health.new", lang)
    when = moment(checked, lang=lang, timezone=call.chat.timezone)
    return t("cmd.sources.health.ok", lang, when=when)


async def list_sources(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    lang = call.lang
    rows = await deps.storage.sources.list_all()
    if not rows:
        return [message("cmd.sources.empty", lang)]
    lines: list[Line] = [line("cmd.sources.header", lang, count=len(rows))]
    for number, row in enumerate(rows, start=1):
        lines.append(
            line(
                "cmd.sources.item",
                lang,
                number=number,
                name=source_name(row),
                health=_health(row, call),
                links={"name": row.url},
            )
        )
    if call.ctx.user_is_admin or not call.shared:
        lines.append(line("cmd.sources.footer_admin", lang))
    return split_replies(lines)


def refusal_reason(result: ProbeResult, lang: str) -> str:
    """The probe's reason in the chat's language (``cmd.addsource.reason.<kind>``)."""
    key = f"cmd.addsource.reason.{result.kind}"
    if result.kind == "http_status":
        found = _STATUS.search(result.message)
        status = result.http_status or (found.group(0) if found else "?")
        return t(key, lang, status=status)
    if result.kind != "other" and key in catalogue():
        return t(key, lang)
    return t("cmd.addsource.reason.other", lang, detail=cut(result.message or result.kind))


async def add_source(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    lang = call.lang
    url = parse_url(args, command=CommandName.ADDSOURCE)
    rows = await deps.storage.sources.list_all()
    known = next((row for row in rows if row.url == url), None)
    if known is not None:
        return [message("cmd.addsource.exists", lang, number=_number(rows, known.id))]
    mine = sum(1 for row in rows if row.added_by_chat_id == call.chat.id)
    if mine >= deps.max_sources_per_chat:
        return [message("cmd.addsource.cap", lang, cap=deps.max_sources_per_chat)]
    try:
        result = await deps.source_probe.probe(url)
    except Exception as exc:  # the port must not raise; a broken probe still gets an answer
        log.exception("source probe failed", extra={"url": url})
        result = ProbeResult(ok=False, kind="other", message=type(exc).__name__)
    if not result.ok:
        log.info("source refused", extra={"url": url, "reason": result.kind})
        refused = line(
            "cmd.addsource.refused",
            lang,
            url=cut(url, 80),
            reason=refusal_reason(result, lang),
            code={"url"},
        )
        return [Reply(lines=(refused,))]
    spec = SourceSpec(
        url=result.url or url,
        name=cut(result.title, 120) if result.title else None,
        lang=result.lang,
        kind=SourceKind.PAGE if result.kind == SourceKind.PAGE.value else SourceKind.FEED,
    )
    row, created = await deps.storage.sources.add(
        spec,
        default_interval_s=deps.source_interval_s,
        added_by_chat_id=call.chat.id,
        now=call.now,
    )
    rows = await deps.storage.sources.list_all()
    number = _number(rows, row.id)
    if not created:
        return [message("cmd.addsource.exists", lang, number=number)]
    log.info("source added", extra={"chat": call.chat.id, "source": row.id})
    return [
        message(
            "cmd.addsource.ok",
            lang,
            name=source_name(row),
            number=number,
            items=result.articles,
            public=call.shared,
        )
    ]


async def remove_source(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    lang = call.lang
    number = parse_number(args, command=CommandName.REMOVESOURCE)
    rows = await deps.storage.sources.list_all()
    if not 1 <= number <= len(rows):
        return [message("cmd.removesource.not_found", lang, number=number)]
    row = rows[number - 1]
    if row.added_by_chat_id is None:
        return [message("cmd.removesource.configured", lang, number=number)]
    if row.added_by_chat_id != call.chat.id:
        return [message("cmd.removesource.other_chat", lang, number=number)]
    if not await deps.storage.sources.remove(row.id):
        return [message("cmd.removesource.not_found", lang, number=number)]
    log.info("source removed", extra={"chat": call.chat.id, "source": row.id})
    return [
        message(
            "cmd.removesource.ok", lang, number=number, name=source_name(row), public=call.shared
        )
    ]
