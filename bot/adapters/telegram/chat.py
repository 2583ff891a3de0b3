"""Telegram chat adapter (python-telegram-bot 22): updates in, command service, replies out.

It turns messages, channel posts, button presses and ``my_chat_member`` updates into calls on the
``Conversation`` port, looks up what only Telegram knows (is this user an admin of this group?,
cached briefly), and sends the replies as HTML. Commands are read from the raw text, so quoted
phrases survive and ``/track@OurBot`` works in groups. Long polling by default; in webhook mode
the web server hands verified updates to ``feed_webhook_update``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.domain.i18n import t
from bot.domain.models import ChatKind, Platform
from bot.domain.outgoing import InlineButton
from bot.domain.replies import Reply, to_telegram_html
from bot.services.conversation import ChatContext, Conversation

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 60.0
MENU_COMMANDS = (
    "start",
    "help",
    "track",
    "untrack",
    "list",
    "lang",
    "digest",
    "tz",
    "quiet",
    "mute",
    "unmute",
    "pause",
    "resume",
    "sources",
    "addsource",
    "removesource",
    "why",
)
_CHAT_KINDS: Mapping[str, ChatKind] = {
    ChatType.PRIVATE: ChatKind.PRIVATE,
    ChatType.GROUP: ChatKind.GROUP,
    ChatType.SUPERGROUP: ChatKind.SUPERGROUP,
    ChatType.CHANNEL: ChatKind.CHANNEL,
}
_ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})
_GONE_STATUSES = frozenset({ChatMember.LEFT, ChatMember.BANNED})


def build_application(
    *, token: str, api_root: str, polling: bool = True
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB Application talking to ``{api_root}/bot{token}/{method}``."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_root}/bot")
        .base_file_url(f"{api_root}/file/bot")
        .concurrent_updates(True)
    )
    if not polling:
        builder = builder.updater(None)
    return builder.build()


def keyboard(buttons: tuple[tuple[InlineButton, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.callback_data or "noop")
                for b in row
            ]
            for row in buttons
        ]
    )


def _swap_action_buttons(
    current: InlineKeyboardMarkup | None, actions: tuple[tuple[InlineButton, ...], ...]
) -> InlineKeyboardMarkup | None:
    """The message's link rows (e.g. "Open") followed by the new action buttons."""
    links = [
        list(row)
        for row in (current.inline_keyboard if current else ())
        if row and all(button.url for button in row)
    ]
    new = keyboard(actions)
    rows = links + [list(row) for row in (new.inline_keyboard if new else ())]
    return InlineKeyboardMarkup(rows) if rows else None


class TelegramChat:
    """Registers handlers on a PTB Application and answers through the Conversation port."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        conversation: Conversation,
        *,
        clock: Any = time.monotonic,
    ) -> None:
        self.application = application
        self._conversation = conversation
        self._clock = clock
        self._admins: dict[tuple[int, int], tuple[float, bool]] = {}
        self._username: str | None = None
        application.add_handler(
            MessageHandler(
                (filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST)
                & (filters.TEXT | filters.CAPTION),
                self._on_text,
            )
        )
        application.add_handler(CallbackQueryHandler(self._on_callback))
        application.add_handler(
            ChatMemberHandler(self._on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        application.add_error_handler(self._on_error)

    # -- life cycle -----------------------------------------------------------------------
    async def start(self, *, polling: bool) -> None:
        await self.application.initialize()
        me = await self.application.bot.get_me()
        self._username = me.username
        await self.publish_menu()
        await self.application.start()
        if polling and self.application.updater is not None:
            await self.application.updater.start_polling(
                allowed_updates=["message", "channel_post", "callback_query", "my_chat_member"],
                timeout=10,
            )

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def publish_menu(self) -> None:
        """setMyCommands in English (default) and Hindi, so Hindi users see a Hindi menu."""
        for language in ("en", "hi"):
            commands = [BotCommand(name, t(f"menu.{name}", language)) for name in MENU_COMMANDS]
            await self.application.bot.set_my_commands(
                commands,
                scope=BotCommandScopeDefault(),
                language_code=None if language == "en" else language,
            )

    async def feed_webhook_update(self, payload: dict[str, Any]) -> None:
        """An update that arrived through the (already verified) webhook."""
        update = Update.de_json(payload, self.application.bot)
        await self.application.process_update(update)

    # -- context --------------------------------------------------------------------------
    async def _context(self, update: Update) -> ChatContext | None:
        chat = update.effective_chat
        if chat is None:
            return None
        kind = _CHAT_KINDS.get(chat.type, ChatKind.PRIVATE)
        user = update.effective_user
        message = update.effective_message
        thread_id = None
        if message is not None and message.is_topic_message and message.message_thread_id:
            thread_id = str(message.message_thread_id)
        is_admin: bool | None = None
        if kind is ChatKind.CHANNEL:
            is_admin = True  # only channel admins can post in a channel
        elif kind in (ChatKind.GROUP, ChatKind.SUPERGROUP) and user is not None:
            is_admin = await self._is_admin(chat.id, user.id)
        return ChatContext(
            platform=Platform.TELEGRAM,
            chat_id=str(chat.id),
            kind=kind,
            title=chat.title or chat.full_name,
            thread_id=thread_id,
            user_id=str(user.id) if user else None,
            user_name=(user.username or user.full_name) if user else None,
            user_language=user.language_code if user else None,
            user_is_admin=is_admin,
        )

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        key = (chat_id, user_id)
        cached = self._admins.get(key)
        now = self._clock()
        if cached is not None and now - cached[0] < ADMIN_CACHE_SECONDS:
            return cached[1]
        try:
            member = await self.application.bot.get_chat_member(chat_id, user_id)
            is_admin = member.status in _ADMIN_STATUSES
        except TelegramError as exc:
            log.warning("admin check failed", extra={"chat": chat_id, "error": str(exc)})
            return False  # refuse politely rather than let a non-admin change settings
        self._admins[key] = (now, is_admin)
        return is_admin

    # -- handlers -------------------------------------------------------------------------
    async def _on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        text = message.text or message.caption or ""
        if not text.startswith("/") and message.chat.type != ChatType.PRIVATE:
            return  # group chatter is not for us; in a private chat the service answers a hint
        ctx = await self._context(update)
        if ctx is None:
            return
        first = text.split(maxsplit=1)[0] if text.startswith("/") else ""
        if "@" in first and self._username:
            addressed_to = first.split("@", 1)[1]
            if addressed_to.lower() != self._username.lower():
                return  # a command for another bot in the same group
            text = first.split("@", 1)[0] + text[len(first) :]
        replies = await self._conversation.handle_text(ctx, text)
        for reply in replies:
            await self.send_reply(ctx, reply)

    async def _on_callback(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        ctx = await self._context(update)
        if ctx is None or query.data is None:
            await query.answer()
            return
        answer = await self._conversation.handle_callback(ctx, query.data)
        await query.answer(answer.toast[:200])
        if answer.buttons is not None and isinstance(query.message, Message):
            try:
                await query.edit_message_reply_markup(
                    reply_markup=_swap_action_buttons(query.message.reply_markup, answer.buttons)
                )
            except TelegramError as exc:
                log.info("could not update the buttons", extra={"error": str(exc)})
        elif answer.updated is not None and query.message is not None:
            try:
                await query.edit_message_text(
                    to_telegram_html(answer.updated),
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(answer.updated.buttons),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except TelegramError as exc:  # e.g. "message is not modified"
                log.info("could not edit message", extra={"error": str(exc)})

    async def _on_my_chat_member(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None:
            return
        ctx = await self._context(update)
        if ctx is None:
            return
        old, new = change.old_chat_member.status, change.new_chat_member.status
        if new in _GONE_STATUSES:
            await self._conversation.chat_left(ctx)
        elif old in _GONE_STATUSES:
            for reply in await self._conversation.chat_joined(ctx):
                await self.send_reply(ctx, reply)

    async def send_reply(self, ctx: ChatContext, reply: Reply) -> None:
        try:
            await self.application.bot.send_message(
                chat_id=int(ctx.chat_id),
                text=to_telegram_html(reply),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons),
                message_thread_id=int(ctx.thread_id) if ctx.thread_id else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except TelegramError as exc:
            log.warning("reply not delivered", extra={"chat": ctx.chat_id, "error": str(exc)})

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error(
            "telegram update failed",
            exc_info=context.error,
            extra={"update_id": getattr(update, "update_id", None)},
        )
