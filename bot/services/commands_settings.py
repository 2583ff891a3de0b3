"""How a chat hears from the bot: /start, /help, /lang, /tz, /quiet, /pause, /resume, /digest.

Settings are stored through ``chats.update_settings``; anything that moves the chat's digest in
time (schedule, timezone) is followed by ``digests.reschedule(chat)`` so its cron job matches.

``/digest`` also sets the delivery mode: ``off`` → real-time alerts only; a schedule → digest
only in groups and channels (one summary instead of a stream), and *both* in private chats (a
person still gets the strongest stories at once, the rest in the digest). A chat already in
*both* mode keeps it when it changes its schedule.
"""

from __future__ import annotations

import logging

from bot.domain.commands import (
    DigestNow,
    help_order,
    parse_digest,
    parse_language,
    parse_quiet,
    parse_timezone,
    weekday_name,
)
from bot.domain.i18n import t
from bot.domain.models import ChatKind, DeliveryMode
from bot.domain.render.timefmt import format_time
from bot.domain.replies import Line, Reply, Span
from bot.domain.schedule import DigestKind, DigestSetting, format_quiet, next_run
from bot.services.commands_context import CommandCall, CommandDependencies
from bot.services.commands_replies import line, message, moment, reply
from bot.services.ports import ChatRow

log = logging.getLogger(__name__)


# --- /start, /help -------------------------------------------------------------------------------


def welcome(lang: str) -> Reply:
    """What the bot does and three /track lines to try, in the chat's language."""
    lines: list[Line] = [
        line("cmd.start.greeting", lang),
        line("cmd.start.about", lang),
        (),
        line("cmd.start.try", lang),
    ]
    for key in ("cmd.start.example1", "cmd.start.example2", "cmd.start.example3"):
        lines.append((Span(t(key, lang), code=True),))
    lines += [(), line("cmd.start.cross_script", lang), line("cmd.start.more", lang)]
    return reply(lines)


async def start(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    return [welcome(call.lang)]


async def help_text(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    """Every command: what it does, then how to write it (with an example) when it takes any."""
    lang = call.lang
    lines: list[Line] = [line("cmd.help.header", lang)]
    for command in help_order():
        lines.append(
            (Span(f"/{command.value}", bold=True), Span(" — " + t(f"cmd.help.{command}", lang)))
        )
        written = t(f"cmd.usage.{command}", lang)
        if written != f"/{command.value}":
            lines.append((Span("    "), Span(written, italic=True)))
    lines.append(line("cmd.help.footer", lang))
    return [reply(lines)]


# --- /lang, /tz, /quiet --------------------------------------------------------------------------


async def set_language(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    lang = parse_language(args)
    await deps.storage.chats.update_settings(call.chat.id, lang=lang)
    return [message("cmd.lang.set", lang, public=call.shared)]


async def set_timezone(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    zone = parse_timezone(args)
    chat = await deps.storage.chats.update_settings(call.chat.id, timezone=zone)
    await deps.digests.reschedule(chat)
    local_time = format_time(call.now, lang=call.lang, timezone=zone)
    return [message("cmd.tz.set", call.lang, tz=zone, local_time=local_time, public=call.shared)]


async def set_quiet(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    quiet = parse_quiet(args)
    await deps.storage.chats.update_settings(call.chat.id, quiet_hours=quiet)
    if quiet is None:
        return [message("cmd.quiet.off", call.lang, public=call.shared)]
    start_clock, end_clock = format_quiet(quiet).split("-")
    key = "cmd.quiet.set_hold" if quiet.hold_for_digest else "cmd.quiet.set"
    return [
        message(
            key,
            call.lang,
            start=start_clock,
            end=end_clock,
            tz=call.chat.timezone,
            public=call.shared,
        )
    ]


# --- /pause, /resume -----------------------------------------------------------------------------


async def pause(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    if call.chat.paused:
        return [message("cmd.pause.already", call.lang)]
    await deps.storage.chats.update_settings(call.chat.id, paused=True)
    return [message("cmd.pause.ok", call.lang, public=call.shared)]


async def resume(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    if not call.chat.paused:
        return [message("cmd.resume.already", call.lang)]
    await deps.storage.chats.update_settings(call.chat.id, paused=False)
    return [message("cmd.resume.ok", call.lang, public=call.shared)]


# --- /digest -------------------------------------------------------------------------------------


def mode_for(setting: DigestSetting, chat: ChatRow) -> DeliveryMode:
    """The delivery mode that goes with a digest setting (see the module docstring)."""
    if not setting.enabled:
        return DeliveryMode.REALTIME
    if chat.mode is DeliveryMode.BOTH or chat.kind is ChatKind.PRIVATE:
        return DeliveryMode.BOTH
    return DeliveryMode.DIGEST


async def digest(deps: CommandDependencies, call: CommandCall, args: str) -> list[Reply]:
    lang = call.lang
    setting = parse_digest(args)
    if isinstance(setting, DigestNow):
        sent = await deps.digests.send_now(call.chat)
        log.info("digest sent on request", extra={"chat": call.chat.id, "stories": sent})
        return [message("cmd.digest.now_sent" if sent else "cmd.digest.now_empty", lang)]
    chat = await deps.storage.chats.update_settings(
        call.chat.id, digest_schedule=setting.to_text(), mode=mode_for(setting, call.chat)
    )
    await deps.digests.reschedule(chat)
    if not setting.enabled:
        return [message("cmd.digest.off", lang, public=call.shared)]
    upcoming = moment(next_run(setting, call.now, chat.timezone), lang=lang, timezone=chat.timezone)
    params: dict[str, object] = {"tz": chat.timezone, "next": upcoming}
    if setting.kind is DigestKind.HOURLY:
        return [message("cmd.digest.hourly", lang, public=call.shared, **params)]
    params["time"] = setting.clock
    if setting.kind is DigestKind.DAILY:
        return [message("cmd.digest.daily", lang, public=call.shared, **params)]
    assert setting.weekday is not None  # a weekly setting always has its day
    params["day"] = weekday_name(setting.weekday, lang)
    return [message("cmd.digest.weekly", lang, public=call.shared, **params)]
