"""The command service: what the bot does when someone types a command or presses a button.

``CommandService`` implements the ``Conversation`` port for every chat adapter (Telegram, Slack,
console). For each command it (1) applies the per-user rate limit, (2) registers the chat —
``get_or_create`` with defaults, reactivating a chat the bot had left — (3) checks permissions,
(4) runs the handler of the command's family (``commands_tracking``, ``commands_settings``,
``commands_sources``, ``commands_why``) and (5) turns every problem into a reply: argument and
query errors into their catalogue message plus the command's usage, anything unexpected into
``cmd.error.internal`` (logged). No exception leaves a ``handle_*`` method.

Chat defaults (first contact):

* language: the user's Telegram ``language_code`` (``hi*`` → Hindi, anything else → English),
  else the Slack workspace language, else ``default_language``; timezone ``default_timezone``.
* private chats and groups: real-time alerts, digest off.
* channels (Telegram channels, Slack channels): ``channel_mode`` / ``channel_digest``, by
  default *both* with a daily 09:00 digest — strong stories at once, the rest in one summary,
  the default the digest issue suggests for busy channels.

Permissions: in groups, supergroups and channels only ``ctx.user_is_admin is True`` may change
subscriptions or settings (``CHANGES_CHAT``); everyone may use /start, /help, /list, /sources
and /why. Private chats may do everything. Button presses that change something follow the
same rule.

Rate limit: at most ``rate_limit.count`` commands (and button presses) per user in any
``rate_limit.seconds``. The first refused command is answered with the wait; further ones in the
same window are dropped silently (answering a flood would only make it louder).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Final

from bot.domain import scoring
from bot.domain.commands import (
    CHANGES_CHAT,
    CommandArgumentError,
    CommandName,
    ParsedCommand,
    decode_callback,
    parse_command,
    usage,
)
from bot.domain.i18n import normalise_language, t
from bot.domain.lexicon import Lexicon
from bot.domain.models import ChatKind, DeliveryMode, Platform
from bot.domain.query import MAX_QUERY_LENGTH, QueryError
from bot.domain.replies import Reply
from bot.domain.schedule import DigestSetting, zone_for
from bot.services import (
    commands_settings,
    commands_sources,
    commands_tracking,
    commands_why,
)
from bot.services.commands_context import (
    CommandCall,
    CommandDependencies,
    DigestScheduler,
    ProbeResult,
    SourceProbe,
)
from bot.services.commands_replies import cut, message, reply, text_lines
from bot.services.conversation import CallbackAnswer, ChatContext
from bot.services.pacing import SlidingWindow, WindowLimit
from bot.services.ports import ChatDefaults, ChatRow, Storage
from bot.services.tracking import TrackingIndex

log = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT: Final = WindowLimit(count=20, seconds=60.0)
DEFAULT_TIMEZONE: Final = "Asia/Kolkata"

Handler = Callable[[CommandDependencies, CommandCall, str], Awaitable[list[Reply]]]

HANDLERS: Final[dict[CommandName, Handler]] = {
    CommandName.START: commands_settings.start,
    CommandName.HELP: commands_settings.help_text,
    CommandName.TRACK: commands_tracking.track,
    CommandName.UNTRACK: commands_tracking.untrack,
    CommandName.LIST: commands_tracking.list_subscriptions,
    CommandName.MUTE: commands_tracking.mute,
    CommandName.UNMUTE: commands_tracking.unmute,
    CommandName.PAUSE: commands_settings.pause,
    CommandName.RESUME: commands_settings.resume,
    CommandName.DIGEST: commands_settings.digest,
    CommandName.QUIET: commands_settings.set_quiet,
    CommandName.LANG: commands_settings.set_language,
    CommandName.TZ: commands_settings.set_timezone,
    CommandName.WHY: commands_why.why,
    CommandName.SOURCES: commands_sources.list_sources,
    CommandName.ADDSOURCE: commands_sources.add_source,
    CommandName.REMOVESOURCE: commands_sources.remove_source,
}


class CommandRateLimiter:
    """Per-user sliding windows (``bot.services.pacing``), forgotten once they are empty."""

    def __init__(self, limit: WindowLimit) -> None:
        if limit.count < 1 or limit.seconds <= 0:
            raise ValueError(f"a rate limit needs a positive count and window, not {limit}")
        self._limit = limit
        self._windows: dict[str, tuple[SlidingWindow, float]] = {}  # key → (window, last use)
        self._told_until: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._windows)

    def admit(self, key: str, now: float) -> float | None:
        """None: go ahead (the command is counted). Otherwise the seconds until one fits."""
        self._forget_idle(now)
        window, _ = self._windows.get(key) or (SlidingWindow(self._limit), now)
        self._windows[key] = (window, now)
        free_at = window.free_at(now)
        if free_at <= now:
            window.book(now)
            return None
        return free_at - now

    def first_refusal(self, key: str, now: float, wait: float) -> bool:
        """True once per refused stretch: the user is told once, then not again until free."""
        if now < self._told_until.get(key, float("-inf")):
            return False
        self._told_until[key] = now + wait
        return True

    def _forget_idle(self, now: float) -> None:
        horizon = now - self._limit.seconds
        if len(self._windows) < 1024:
            return
        for key in [k for k, (_, used) in self._windows.items() if used < horizon]:
            del self._windows[key]
            self._told_until.pop(key, None)


class CommandService:
    """The ``Conversation`` port's implementation (see the module docstring)."""

    def __init__(
        self,
        *,
        storage: Storage,
        tracking: TrackingIndex,
        lexicon: Lexicon,
        clock: Callable[[], datetime],
        source_probe: SourceProbe,
        digests: DigestScheduler,
        default_timezone: str = DEFAULT_TIMEZONE,
        default_language: str = "en",
        max_subscriptions: int = 50,
        max_query_length: int = MAX_QUERY_LENGTH,
        rate_limit: WindowLimit = DEFAULT_RATE_LIMIT,
        high_score_default: float = 2.0,
        match_threshold: float = scoring.DEFAULT_THRESHOLD,
        max_sources_per_chat: int = 20,
        source_interval_s: int = 900,
        backtest_window: timedelta = timedelta(hours=48),
        backtest_limit: int = 500,
        canonical_url: Callable[[str], str | None] | None = None,
        channel_mode: DeliveryMode = DeliveryMode.BOTH,
        channel_digest: str = "daily 09:00",
        bot_username: str | None = None,
    ) -> None:
        zone_for(default_timezone)  # ValueError now rather than on the first new chat
        DigestSetting.from_text(channel_digest)
        if max_subscriptions < 1 or max_query_length < 1 or max_sources_per_chat < 0:
            raise ValueError("subscription, query and source limits must be positive")
        self._deps = CommandDependencies(
            storage=storage,
            tracking=tracking,
            lexicon=lexicon,
            clock=clock,
            source_probe=source_probe,
            digests=digests,
            default_timezone=default_timezone,
            default_language=normalise_language(default_language),
            max_subscriptions=max_subscriptions,
            max_query_length=min(max_query_length, MAX_QUERY_LENGTH),
            max_sources_per_chat=max_sources_per_chat,
            high_score_default=high_score_default,
            match_threshold=match_threshold,
            source_interval_s=source_interval_s,
            backtest_window=backtest_window,
            backtest_limit=backtest_limit,
            canonical_url=canonical_url,
        )
        self._limiter = CommandRateLimiter(rate_limit)
        self._channel_mode = channel_mode
        self._channel_digest = channel_digest
        self._bot_username = bot_username

    # --- the Conversation port -------------------------------------------------------------

    async def handle_text(self, ctx: ChatContext, text: str) -> list[Reply]:
        try:
            parsed = parse_command(text, bot_username=self._bot_username)
            if parsed is None:
                return await self._not_a_command(ctx, text)
            return await self._answer(ctx, parsed)
        except Exception:
            log.exception("command failed", extra={"platform": ctx.platform, "chat": ctx.chat_id})
            return [message("cmd.error.internal", self._language_of(ctx))]

    async def handle_command(self, ctx: ChatContext, command: str, args: str) -> list[Reply]:
        try:
            parsed = ParsedCommand.from_slack(command, args)
            if parsed is None:
                return await self._refuse_unknown(ctx, command)
            return await self._answer(ctx, parsed)
        except Exception:
            log.exception("command failed", extra={"platform": ctx.platform, "chat": ctx.chat_id})
            return [message("cmd.error.internal", self._language_of(ctx))]

    async def handle_callback(self, ctx: ChatContext, data: str) -> CallbackAnswer:
        lang = self._language_of(ctx)
        try:
            now = self._deps.clock()
            key = self._rate_key(ctx)
            wait = self._limiter.admit(key, now.timestamp())
            if wait is not None:
                return CallbackAnswer(toast=t("cmd.error.rate_limited", lang, seconds=_ceil(wait)))
            callback = decode_callback(data)
            if callback is None:
                log.info("unreadable button data", extra={"chat": ctx.chat_id})
                return CallbackAnswer(toast=t("cmd.callback.expired", lang))
            chat = await self._register(ctx)
            if not self._may_change(ctx):
                return CallbackAnswer(toast=t("cmd.error.not_admin", chat.lang))
            return await commands_tracking.press(self._deps, CommandCall(ctx, chat, now), callback)
        except Exception:
            log.exception("button failed", extra={"platform": ctx.platform, "chat": ctx.chat_id})
            return CallbackAnswer(toast=t("cmd.error.internal", lang))

    async def chat_joined(self, ctx: ChatContext) -> list[Reply]:
        try:
            chat = await self._register(ctx)
            return [commands_settings.welcome(chat.lang)]
        except Exception:
            log.exception("chat registration failed", extra={"chat": ctx.chat_id})
            return [message("cmd.error.internal", self._language_of(ctx))]

    async def chat_left(self, ctx: ChatContext) -> None:
        """Stop everything for the chat; its subscriptions stay for a later return."""
        try:
            chat = await self._deps.storage.chats.get_by_platform_id(ctx.platform, ctx.chat_id)
            if chat is None:
                return
            left = await self._deps.storage.chats.set_active(chat.id, False)
            skipped = await self._deps.storage.outbox.mark_skipped_for_chat(
                chat.id, reason="the bot was removed from the chat"
            )
            if left is not None:
                await self._deps.digests.reschedule(left)
            log.info("chat left", extra={"chat": chat.id, "skipped": skipped})
        except Exception:
            log.exception("leaving a chat failed", extra={"chat": ctx.chat_id})

    async def home_view(self, platform: Platform, user_id: str) -> Reply:
        """Slack App Home: the user's subscriptions and those of the chats they track in."""
        try:
            return await commands_tracking.home_view(self._deps, platform, user_id)
        except Exception:
            log.exception("home view failed", extra={"platform": platform})
            return message("cmd.error.internal", self._deps.default_language)

    # --- one command -----------------------------------------------------------------------

    async def _answer(self, ctx: ChatContext, parsed: ParsedCommand) -> list[Reply]:
        now = self._deps.clock()
        refusal = self._rate_limited(ctx, now)
        if refusal is not None:
            return refusal
        chat = await self._register(ctx)
        lang = chat.lang
        command = parsed.command
        if command is None:
            return [self._unknown(parsed.name, parsed.suggestion(), lang)]
        if command in CHANGES_CHAT and not self._may_change(ctx):
            log.info("refused: not an admin", extra={"chat": chat.id, "command": command})
            return [message("cmd.error.not_admin", lang)]
        call = CommandCall(ctx, chat, now)
        try:
            return await HANDLERS[command](self._deps, call, parsed.args)
        except CommandArgumentError as exc:
            error = exc if exc.command is not None else exc.for_command(command)
            return [reply(text_lines(error.message(lang)))]
        except QueryError as exc:
            text = exc.message(lang) + "\n" + usage(command, lang)
            return [reply(text_lines(text))]
        except Exception:
            log.exception("command failed", extra={"chat": chat.id, "command": command})
            return [message("cmd.error.internal", lang)]

    def _rate_limited(self, ctx: ChatContext, now: datetime) -> list[Reply] | None:
        """None when the user may go ahead; else the refusal (empty after the first one)."""
        key = self._rate_key(ctx)
        wait = self._limiter.admit(key, now.timestamp())
        if wait is None:
            return None
        log.info("command rate limited", extra={"platform": ctx.platform, "chat": ctx.chat_id})
        if not self._limiter.first_refusal(key, now.timestamp(), wait):
            return []
        return [message("cmd.error.rate_limited", self._language_of(ctx), seconds=_ceil(wait))]

    async def _not_a_command(self, ctx: ChatContext, text: str) -> list[Reply]:
        """Plain text: a hint in private chats (never chatter in groups)."""
        stripped = text.strip()
        if stripped.startswith("/"):
            return await self._refuse_unknown(ctx, stripped.split()[0])
        if ctx.kind is not ChatKind.PRIVATE or not stripped:
            return []
        now = self._deps.clock()
        refusal = self._rate_limited(ctx, now)
        if refusal is not None:
            return refusal
        chat = await self._register(ctx)
        return [message("cmd.error.not_a_command", chat.lang, text=cut(stripped))]

    async def _refuse_unknown(self, ctx: ChatContext, name: str) -> list[Reply]:
        refusal = self._rate_limited(ctx, self._deps.clock())
        if refusal is not None:
            return refusal
        chat = await self._register(ctx)
        shown = cut(name.strip().lstrip("/"), 40) or "?"
        return [self._unknown(shown, None, chat.lang)]

    @staticmethod
    def _unknown(name: str, suggestion: CommandName | None, lang: str) -> Reply:
        if suggestion is not None:
            return message(
                "cmd.error.unknown_command_suggest", lang, name=name, suggestion=suggestion.value
            )
        return message("cmd.error.unknown_command", lang, name=name)

    # --- chats and people ------------------------------------------------------------------

    @staticmethod
    def _may_change(ctx: ChatContext) -> bool:
        return ctx.kind is ChatKind.PRIVATE or ctx.user_is_admin is True

    @staticmethod
    def _rate_key(ctx: ChatContext) -> str:
        who = f"user:{ctx.user_id}" if ctx.user_id else f"chat:{ctx.chat_id}"
        return f"{ctx.platform.value}:{who}"

    def _language_of(self, ctx: ChatContext) -> str:
        """The language of someone new: theirs, else their workspace's, else the default."""
        for code in (ctx.user_language, ctx.workspace_language):
            if code and code.strip():
                return normalise_language(code)
        return self._deps.default_language

    def _defaults(self, ctx: ChatContext) -> ChatDefaults:
        channel = ctx.kind is ChatKind.CHANNEL
        return ChatDefaults(
            kind=ctx.kind,
            title=ctx.title,
            lang=self._language_of(ctx),
            timezone=self._deps.default_timezone,
            mode=self._channel_mode if channel else DeliveryMode.REALTIME,
            digest_schedule=self._channel_digest if channel else "off",
        )

    async def _register(self, ctx: ChatContext) -> ChatRow:
        """The chat's row: created with defaults on first contact, kept current, reactivated."""
        chats = self._deps.storage.chats
        chat, created = await chats.get_or_create(
            ctx.platform, ctx.chat_id, defaults=self._defaults(ctx)
        )
        if created:
            log.info("chat registered", extra={"chat": chat.id, "kind": chat.kind})
            if DigestSetting.from_text(chat.digest_schedule).enabled:
                await self._deps.digests.reschedule(chat)
            return chat
        if (ctx.title and ctx.title != chat.title) or ctx.kind is not chat.kind:
            chat = await chats.update_settings(
                chat.id,
                title=ctx.title if ctx.title else chat.title,
                kind=ctx.kind,
            )
        if not chat.active:
            chat = await chats.set_active(chat.id, True) or chat
            log.info("chat reactivated", extra={"chat": chat.id})
            await self._deps.digests.reschedule(chat)
        return chat


def _ceil(seconds: float) -> int:
    return max(1, int(-(-seconds // 1)))


__all__ = [
    "DEFAULT_RATE_LIMIT",
    "HANDLERS",
    "CommandRateLimiter",
    "CommandService",
    "DigestScheduler",
    "ProbeResult",
    "SourceProbe",
]
