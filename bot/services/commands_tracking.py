"""What a chat tracks: /track, /untrack, /list, /mute, /unmute, their buttons, and App Home.

Every change is stored first and then applied to the live ``TrackingIndex`` at once, so the
next article is matched against the new state. Subscriptions are numbered per chat by creation
order (the numbers /list shows); button data carries subscription ids, which are checked to
belong to the chat pressing the button (callback data can be forged).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from bot.domain.commands import (
    ALL,
    DEFAULT_MUTE,
    Callback,
    CallbackAction,
    CommandArgumentError,
    CommandName,
    count_key,
    encode_callback,
    fold,
    parse_mute,
    parse_number,
    parse_untrack_target,
)
from bot.domain.i18n import t
from bot.domain.models import ChatKind, Platform
from bot.domain.outgoing import InlineButton
from bot.domain.query import QueryError, explain, parse_query
from bot.domain.replies import Line, Reply, Span
from bot.services.commands_context import (
    CommandCall,
    CommandDependencies,
    by_number,
    number_of,
    numbered_subscriptions,
)
from bot.services.commands_replies import (
    Buttons,
    cut,
    line,
    message,
    moment,
    reply,
    split_replies,
)
from bot.services.conversation import CallbackAnswer
from bot.services.ports import ChatRow, NewSubscription, SubscriptionRow
from bot.services.preview import PreviewResult, preview

log = logging.getLogger(__name__)

EXAMPLES: Final = 3  # how many matching stories /track shows
_QUERY_SHOWN: Final = 80  # a query in a list is cut to this many characters
_TITLE_SHOWN: Final = 100


# --- /track --------------------------------------------------------------------------------------


async def track(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    """Validate, refuse duplicates and overflow, back-test on 48 h of articles, then store."""
    lang = call.lang
    query_text = args.strip()
    if len(query_text) > deps.max_query_length:
        return [
            message(
                "cmd.error.query_too_long",
                lang,
                length=len(query_text),
                max_length=deps.max_query_length,
            )
        ]
    parsed = parse_query(query_text, lexicon=deps.lexicon)  # QueryError: the service answers
    rows = await numbered_subscriptions(deps, call.chat.id)
    query_norm = parsed.canonical()
    thread_id = call.ctx.thread_id
    for number, row in enumerate(rows, start=1):
        if row.query_norm == query_norm and row.thread_id == thread_id:
            return [message("cmd.track.already", lang, number=number)]
    if len(rows) >= deps.max_subscriptions:
        return [message("cmd.error.subscription_cap", lang, cap=deps.max_subscriptions)]
    recent = await deps.storage.articles.recent(
        since=call.now - deps.backtest_window, limit=deps.backtest_limit
    )
    # The preview also proves the query can be indexed (QueryError otherwise) before storing.
    # It is pure CPU work (~1 s for 500 long articles): a worker thread keeps the event loop
    # (webhooks, deliveries, other commands) responsive meanwhile.
    results = await asyncio.to_thread(
        preview,
        query_text,
        [stored.article for stored in recent],
        lexicon=deps.lexicon,
        now=call.now,
        threshold=deps.match_threshold,
    )
    added = await deps.storage.subscriptions.add(
        NewSubscription(
            chat_id=call.chat.id,
            query_text=query_text,
            query_norm=query_norm,
            parsed=parsed.to_json(),
            thread_id=thread_id,
            created_by=call.ctx.user_id,
        )
    )
    if not added.created:  # an identical /track won the race
        rows = await numbered_subscriptions(deps, call.chat.id)
        number = number_of(rows, added.subscription.id) or len(rows)
        return [message("cmd.track.already", lang, number=number)]
    deps.tracking.put(added.subscription)
    log.info(
        "subscription added",
        extra={"chat": call.chat.id, "subscription": added.subscription.id},
    )
    lines: list[Line] = [
        line("cmd.track.ok", lang, number=len(rows) + 1, query=query_text, code={"query"}),
        line(
            "cmd.track.explain",
            lang,
            explanation=explain(parsed, lexicon=deps.lexicon, lang=lang),
        ),
        line(count_key("cmd.track.backtest", len(results), lang), lang, count=len(results)),
    ]
    for result in distinct_stories(results)[:EXAMPLES]:
        article = result.article
        lines.append(
            line(
                "cmd.track.example_item",
                lang,
                title=cut(article.title, _TITLE_SHOWN),
                source=article.source_name or urlsplit(article.url).hostname or article.url,
                links={"title": article.url},
            )
        )
    if thread_id is not None:
        lines.append(line("cmd.track.topic_hint", lang))
    return [reply(lines, public=call.shared)]


def distinct_stories(results: Sequence[PreviewResult]) -> list[PreviewResult]:
    """The best article of each story, best first (three feeds running one story is one
    example, not three)."""
    seen: set[str] = set()
    best = []
    for result in results:
        if result.story_id not in seen:
            seen.add(result.story_id)
            best.append(result)
    return best


# --- /untrack ------------------------------------------------------------------------------------


async def untrack(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    lang = call.lang
    target = parse_untrack_target(args)
    rows = await numbered_subscriptions(deps, call.chat.id)
    if target is ALL:
        if not rows:
            return [message("cmd.untrack.confirm_all.none", lang)]
        key = count_key("cmd.untrack.confirm_all", len(rows), lang)
        return [reply([line(key, lang, count=len(rows))], buttons=confirm_all_buttons(lang))]
    if not rows:
        return [message("cmd.untrack.nothing", lang)]
    if isinstance(target, int):
        row = by_number(rows, target)
        if row is None:
            return [message("cmd.untrack.not_found_number", lang, number=target)]
    else:
        row = find_by_query(rows, target, deps=deps, thread_id=call.ctx.thread_id)
        if row is None:
            return [message("cmd.untrack.not_found_query", lang, query=cut(target))]
    number = number_of(rows, row.id)
    removed = await deps.storage.subscriptions.remove(row.id, chat_id=call.chat.id)
    deps.tracking.remove(row.id)
    if removed is None:  # removed meanwhile (a button press, another admin)
        return [message("cmd.untrack.not_found_number", lang, number=number)]
    log.info("subscription removed", extra={"chat": call.chat.id, "subscription": row.id})
    return [
        reply(
            [line("cmd.untrack.ok", lang, number=number, query=row.query_text, code={"query"})],
            public=call.shared,
        )
    ]


def confirm_all_buttons(lang: str) -> Buttons:
    return (
        (
            InlineButton(
                t("cmd.untrack.button_confirm_all", lang),
                callback_data=encode_callback(CallbackAction.UNTRACK_ALL),
            ),
            InlineButton(
                t("cmd.untrack.button_cancel", lang),
                callback_data=encode_callback(CallbackAction.CANCEL),
            ),
        ),
    )


def find_by_query(
    rows: Sequence[SubscriptionRow],
    text: str,
    *,
    deps: CommandDependencies,
    thread_id: str | None,
) -> SubscriptionRow | None:
    """The subscription whose query is ``text``: same meaning ("Ban TikTok" ≡ "tiktok ban") or
    the same words as written; one in the current topic wins over one elsewhere."""
    try:
        query_norm: str | None = parse_query(text, lexicon=deps.lexicon).canonical()
    except QueryError:
        query_norm = None
    written = fold(text)
    found = [
        row
        for row in rows
        if (query_norm is not None and row.query_norm == query_norm)
        or fold(row.query_text) == written
    ]
    found.sort(key=lambda row: row.thread_id != thread_id)
    return found[0] if found else None


# --- /list ---------------------------------------------------------------------------------------


def mute_state(row: SubscriptionRow, chat: ChatRow, *, now: datetime, lang: str) -> str:
    if row.muted_until is not None and row.is_muted(now):
        until = moment(row.muted_until, lang=lang, timezone=chat.timezone)
        return t("cmd.list.muted_until", lang, until=until)
    return t("cmd.list.active", lang)


async def list_subscriptions(
    deps: CommandDependencies, call: CommandCall, args: str
) -> list[Reply]:
    lang, chat = call.lang, call.chat
    rows = await numbered_subscriptions(deps, chat.id)
    lines: list[Line] = []
    if not rows:
        lines.append(line("cmd.list.empty", lang))
    else:
        lines.append(line("cmd.list.header", lang, count=len(rows)))
        mode = t(f"cmd.list.mode.{chat.mode.value}", lang)
        for number, row in enumerate(rows, start=1):
            last_alert = (
                t(
                    "cmd.list.last_alert",
                    lang,
                    when=moment(row.last_alert_at, lang=lang, timezone=chat.timezone),
                )
                if row.last_alert_at is not None
                else t("cmd.list.never_alerted", lang)
            )
            lines.append(
                line(
                    "cmd.list.item",
                    lang,
                    number=number,
                    query=cut(row.query_text, _QUERY_SHOWN),
                    mode=mode,
                    mute_state=mute_state(row, chat, now=call.now, lang=lang),
                    last_alert=last_alert,
                    code={"query"},
                )
            )
    if chat.paused:
        lines.append(line("cmd.list.chat_paused", lang))
    if rows:
        lines.append(line("cmd.list.footer", lang))
    return split_replies(lines)


# --- /mute, /unmute ------------------------------------------------------------------------------


def _no_such(number: int, command: CommandName) -> CommandArgumentError:
    return CommandArgumentError("no_such_subscription", {"number": number}, command=command)


async def mute(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    number, duration = parse_mute(args)
    rows = await numbered_subscriptions(deps, call.chat.id)
    row = by_number(rows, number)
    if row is None:
        raise _no_such(number, CommandName.MUTE)
    until = call.now + duration
    muted = await deps.storage.subscriptions.mute(row.id, until=until)
    if muted is None:
        raise _no_such(number, CommandName.MUTE)
    deps.tracking.put(muted)
    when = moment(until, lang=call.lang, timezone=call.chat.timezone)
    return [message("cmd.mute.ok", call.lang, number=number, until=when, public=call.shared)]


async def unmute(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    number = parse_number(args, command=CommandName.UNMUTE)
    rows = await numbered_subscriptions(deps, call.chat.id)
    row = by_number(rows, number)
    if row is None:
        raise _no_such(number, CommandName.UNMUTE)
    if not row.is_muted(call.now):
        return [message("cmd.unmute.not_muted", call.lang, number=number)]
    unmuted = await deps.storage.subscriptions.unmute(row.id)
    if unmuted is None:
        raise _no_such(number, CommandName.UNMUTE)
    deps.tracking.put(unmuted)
    return [message("cmd.unmute.ok", call.lang, number=number, public=call.shared)]


# --- buttons -------------------------------------------------------------------------------------


def expired(lang: str) -> CallbackAnswer:
    return CallbackAnswer(toast=t("cmd.callback.expired", lang))


def _mute_again_buttons(subscription_id: int, lang: str) -> Buttons:
    hours = int(DEFAULT_MUTE / timedelta(hours=1))
    return (
        (
            InlineButton(
                t("card.alert.button.mute", lang, hours=hours),
                callback_data=encode_callback(CallbackAction.MUTE, subscription_id, DEFAULT_MUTE),
            ),
            InlineButton(
                t("card.alert.button.untrack", lang),
                callback_data=encode_callback(CallbackAction.UNTRACK, subscription_id),
            ),
        ),
    )


async def press(deps: CommandDependencies, call: CommandCall, callback: Callback) -> CallbackAnswer:
    """A button: do it if the subscription is still this chat's, else "no longer works"."""
    lang = call.lang
    if callback.action is CallbackAction.CANCEL:
        return CallbackAnswer(
            toast=t("cmd.untrack.cancelled", lang), updated=message("cmd.untrack.cancelled", lang)
        )
    if callback.action is CallbackAction.UNTRACK_ALL:
        return await _untrack_all(deps, call)
    rows = await numbered_subscriptions(deps, call.chat.id)
    if callback.subscription_id is None:
        return expired(lang)
    number = number_of(rows, callback.subscription_id)
    if number is None:
        return expired(lang)
    row = rows[number - 1]
    if callback.action is CallbackAction.MUTE and callback.duration is not None:
        until = call.now + callback.duration
        muted = await deps.storage.subscriptions.mute(row.id, until=until)
        if muted is None:
            return expired(lang)
        deps.tracking.put(muted)
        when = moment(until, lang=lang, timezone=call.chat.timezone)
        unmute_button = InlineButton(
            t("cmd.callback.button_unmute", lang),
            callback_data=encode_callback(CallbackAction.UNMUTE, row.id),
        )
        # the alert stays as it was; the toast confirms and an Unmute button takes Mute's place
        return CallbackAnswer(
            toast=t("cmd.mute.ok", lang, number=number, until=when),
            buttons=((unmute_button,),),
        )
    if callback.action is CallbackAction.UNMUTE:
        unmuted = await deps.storage.subscriptions.unmute(row.id)
        if unmuted is None:
            return expired(lang)
        deps.tracking.put(unmuted)
        return CallbackAnswer(
            toast=t("cmd.unmute.ok", lang, number=number),
            buttons=_mute_again_buttons(row.id, lang),
        )
    if callback.action is CallbackAction.UNTRACK:
        removed = await deps.storage.subscriptions.remove(row.id, chat_id=call.chat.id)
        deps.tracking.remove(row.id)
        if removed is None:
            return expired(lang)
        return CallbackAnswer(
            toast=t("cmd.callback.untracked", lang, number=number, query=row.query_text),
            buttons=(),
        )
    return expired(lang)


async def _untrack_all(deps: CommandDependencies, call: CommandCall) -> CallbackAnswer:
    lang = call.lang
    count = await deps.storage.subscriptions.remove_all_for_chat(call.chat.id)
    # Every id the chat ever had: also one added between the confirmation and the press.
    for row in await deps.storage.subscriptions.list_for_chat(call.chat.id, include_inactive=True):
        if not row.active:
            deps.tracking.remove(row.id)
    log.info("all subscriptions removed", extra={"chat": call.chat.id, "count": count})
    key = count_key("cmd.untrack.all_removed", count, lang)
    return CallbackAnswer(
        toast=t(key, lang, count=count), updated=message(key, lang, count=count, public=call.shared)
    )


# --- Slack App Home ------------------------------------------------------------------------------


async def home_view(deps: CommandDependencies, platform: Platform, user_id: str) -> Reply:
    """The user's subscriptions and those of every chat where they created one."""
    mine = [
        row
        for row in await deps.storage.subscriptions.list_all_active()
        if row.created_by == user_id
    ]
    chats: list[ChatRow] = []
    for chat_id in dict.fromkeys(row.chat_id for row in mine):
        chat = await deps.storage.chats.get(chat_id)
        if chat is not None and chat.platform == platform and chat.active:
            chats.append(chat)
    chats.sort(key=lambda chat: (chat.kind is not ChatKind.PRIVATE, chat.title or "", chat.id))
    lang = chats[0].lang if chats else deps.default_language
    lines: list[Line] = [line("cmd.home.header", lang)]
    if not chats:
        lines.append(line("cmd.home.empty", lang))
        return reply(lines)
    now = deps.clock()
    for chat in chats:
        lines.append(())
        if chat.kind is ChatKind.PRIVATE:
            lines.append(line("cmd.home.private_chat", lang))
        else:
            title = chat.title or chat.platform_chat_id
            lines.append(line("cmd.home.chat", lang, title=title, bold={"title"}))
        for number, row in enumerate(await numbered_subscriptions(deps, chat.id), start=1):
            lines.append(
                (
                    Span(f"{number}. "),
                    Span(cut(row.query_text, _QUERY_SHOWN), code=True),
                    Span(" · " + mute_state(row, chat, now=now, lang=lang)),
                )
            )
    return reply(lines)
