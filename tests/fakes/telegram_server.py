"""FakeTelegram: a real HTTP server on loopback that speaks the Telegram Bot API wire protocol.

Point a real client at it — ``telegram.Bot(token, base_url=f"{tg.base_url}/bot")`` or the app's
``TELEGRAM_API_BASE_URL=tg.base_url`` — and it answers ``{root}/bot<token>/<method>`` the way
api.telegram.org does (../shared/reference/protocols.md, Part A):

* envelopes ``{"ok":true,"result":…}`` / ``{"ok":false,"error_code":N,"description":…}`` with
  ``parameters`` only when non-empty and the HTTP status equal to ``error_code``; method names
  case-insensitive; query-string, form, multipart and JSON bodies;
* the server's exact error texts (blocked, kicked, deactivated, migrated + ``migrate_to_chat_id``,
  chat not found, message is too long, can't parse entities, 429 + ``retry_after``, …);
* HTML parse mode validated by a port of tdlib's parser; the 4096 limit measured in UTF-16
  code units of the text after parsing;
* rate limits like Telegram's (per chat ~1/s with a small burst, 20/min per group, 30/s per
  bot — all configurable) answered with 429 + ``retry_after`` + ``Retry-After``;
* long-polling ``getUpdates`` over a queue the test feeds (``push_message`` & co.), webhooks
  (updates POSTed with ``X-Telegram-Bot-Api-Secret-Token``), bot commands per scope/language,
  chat administrators, fixed per-chat faults and seeded random faults.

Everything accepted or attempted is recorded for assertions (``messages()``, ``calls()``, …),
readable from any thread. ``python -m tests.fakes.telegram_server --port N`` runs it standalone
with an ``/_admin/`` HTTP API (see tests/fakes/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.faults import FaultInjector, FaultKind, RandomFaults
from tests.fakes.rate_limits import (
    Clock,
    Limiter,
    SlidingWindow,
    TokenBucket,
    acquire_all,
    retry_after_seconds,
)
from tests.fakes.request_params import BodyParseError, as_bool, as_int, as_json, read_params
from tests.fakes.standalone import admin_handler, serve_until_signal
from tests.fakes.telegram_admin import telegram_admin_action
from tests.fakes.telegram_commands import SCOPE_TYPES, check_language_code, validated_commands
from tests.fakes.telegram_html import HtmlParseError, ParsedText, TextEntity, parse_html
from tests.fakes.telegram_objects import (
    ChatFault,
    FakeChat,
    TelegramApiError,
    bad_request,
    chat_member_json,
    command_entities,
    infer_chat_type,
    inline_keyboard_error,
    user_json,
)
from tests.fakes.telegram_records import (
    TELEGRAM_FLOOD_LIMITS,
    CallbackAnswer,
    EditedTelegramMessage,
    SentTelegramMessage,
    TelegramCall,
    TelegramRateLimits,
)
from tests.fakes.telegram_updates import UpdateQueue, Wakeup

__all__ = [
    "DEFAULT_TOKEN",
    "CallbackAnswer",
    "ChatFault",
    "EditedTelegramMessage",
    "FakeTelegram",
    "SentTelegramMessage",
    "TelegramApiError",
    "TelegramCall",
    "TelegramRateLimits",
]

logger = logging.getLogger(__name__)

# The shape of a real token (bot id, colon, 35 characters), so log redaction can be tested too.
DEFAULT_TOKEN = "7000000001:AAH-fake-token-for-khabardar-tests0"
DEFAULT_BOT_ID = 7000000001
MAX_TEXT_UTF16 = 4096
MAX_RAW_TEXT_BYTES = 32768
SEND_METHODS = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup"})
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeTelegram:
    """A fake Bot API server; ``async with FakeTelegram() as tg:`` then use ``tg.base_url``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_id: int = DEFAULT_BOT_ID,
        bot_username: str = "khabardar_bot",
        bot_first_name: str = "Khabardar",
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: TelegramRateLimits | None = TELEGRAM_FLOOD_LIMITS,
        faults: RandomFaults | None = None,
        strict_chats: bool = False,
        max_long_poll_s: float = 50.0,
        webhook_retry_s: float = 1.0,
        first_update_id: int = 100_000,
        clock: Clock = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_user = user_json(
            bot_id, first_name=bot_first_name, username=bot_username, is_bot=True
        )
        self.host = host
        self._requested_port = port
        self.port = 0
        self.strict_chats = strict_chats
        self.updates = UpdateQueue(
            first_update_id=first_update_id,
            max_long_poll_s=max_long_poll_s,
            webhook_retry_s=webhook_retry_s,
        )
        self._rate_limits = rate_limits
        self._clock = clock  # drives the rate limiters; a test can pass a fake clock
        self._faults = FaultInjector(faults, default_methods=SEND_METHODS)
        self._lock = threading.RLock()
        self._chats: dict[int, FakeChat] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._calls: list[TelegramCall] = []
        self._sent: list[SentTelegramMessage] = []
        self._edits: list[EditedTelegramMessage] = []
        self._answers: list[CallbackAnswer] = []
        self._commands: dict[tuple[str, int | None, int | None, str], list[dict[str, str]]] = {}
        self._callback_ids = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._http_429 = 0
        self._limiter_429 = 0
        self._chat_buckets: dict[int, TokenBucket] = {}
        self._group_windows: dict[int, SlidingWindow] = {}
        self._global_window: SlidingWindow | None = None
        self._closing: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._new_messages = Wakeup()
        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "getchat": self._get_chat,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """The root for ``TELEGRAM_API_BASE_URL``: clients call ``{root}/bot{token}/{method}``."""
        if not self.port:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def bot_base_url(self) -> str:
        """What python-telegram-bot wants as ``base_url`` (it appends the token)."""
        return f"{self.base_url}/bot"

    def method_url(self, method: str, *, token: str | None = None) -> str:
        return f"{self.base_url}/bot{token or self.token}/{method}"

    async def start(self) -> FakeTelegram:
        self._new_messages.bind()
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        admin = admin_handler(functools.partial(telegram_admin_action, self))
        app.router.add_route("*", "/_admin/{action}", admin)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        await self.updates.start()
        return self

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()
        self._new_messages.wake()
        await self.updates.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ configuration

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        is_forum: bool = False,
        topics: Iterable[int] | None = None,
        admins: Iterable[int] = (),
        creator: int | None = None,
        bot_is_admin: bool = False,
    ) -> dict[str, Any]:
        """Register a chat (private / group / supergroup / channel); returns its Chat JSON."""
        chat_type = type or infer_chat_type(chat_id)
        if chat_type not in ("private", "group", "supergroup", "channel"):
            raise ValueError(f"unknown chat type {chat_type!r}")
        with self._lock:
            chat = FakeChat(
                id=chat_id,
                type=chat_type,
                title=title,
                username=username.lstrip("@") if username else None,
                first_name=first_name,
                last_name=last_name,
                is_forum=is_forum,
                topics=frozenset(topics) if topics is not None else None,
                creator=creator,
                admins=set(admins),
                bot_is_admin=bot_is_admin,
            )
            self._chats[chat_id] = chat
            return chat.to_json()

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
    ) -> dict[str, Any]:
        """Register a user so updates and getChatMember show their real name and language."""
        data = user_json(
            user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_bot=is_bot,
        )
        with self._lock:
            self._users[user_id] = data
        return data

    def set_admins(
        self, chat_id: int, admins: Iterable[int], *, creator: int | None = None
    ) -> None:
        with self._lock:
            chat = self._chat_for_config(chat_id)
            chat.admins = set(admins)
            if creator is not None:
                chat.creator = creator

    def set_chat_fault(
        self,
        chat_id: int,
        fault: ChatFault | str | None,
        *,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make every send to ``chat_id`` fail the way Telegram fails it (``None`` clears)."""
        kind = ChatFault(fault) if fault is not None else None
        if kind is ChatFault.MIGRATED and migrate_to_chat_id is None:
            raise ValueError("a migrated chat needs migrate_to_chat_id")
        with self._lock:
            chat = self._chat_for_config(chat_id)
            chat.fault = kind
            chat.migrate_to_chat_id = migrate_to_chat_id
            if kind is ChatFault.MIGRATED and migrate_to_chat_id not in self._chats:
                self.add_chat(migrate_to_chat_id, type="supergroup", title=chat.title)  # type: ignore[arg-type]

    def set_random_faults(self, faults: RandomFaults | None) -> None:
        self._faults.configure(faults)

    def set_rate_limits(self, limits: TelegramRateLimits | None) -> None:
        with self._lock:
            self._rate_limits = limits
            self._chat_buckets.clear()
            self._group_windows.clear()
            self._global_window = None

    def _chat_for_config(self, chat_id: int) -> FakeChat:
        chat = self._chats.get(chat_id)
        if chat is None:
            self.add_chat(chat_id)
            chat = self._chats[chat_id]
        return chat

    # ------------------------------------------------------------------ updates the test pushes

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw Update (``update_id`` assigned if missing); returns it."""
        return self.updates.push(update)

    def _user(self, user: int | Mapping[str, Any] | None, default_id: int) -> dict[str, Any]:
        if isinstance(user, Mapping):
            return dict(user)
        user_id = default_id if user is None else user
        with self._lock:
            return dict(self._users.get(user_id) or user_json(user_id))

    def _chat_known(self, chat: int | Mapping[str, Any]) -> FakeChat:
        chat_id = int(chat["id"]) if isinstance(chat, Mapping) else chat
        with self._lock:
            known = self._chats.get(chat_id)
            if known is None:
                self.add_chat(
                    chat_id,
                    type=chat.get("type") if isinstance(chat, Mapping) else None,
                    title=chat.get("title") if isinstance(chat, Mapping) else None,
                )
                known = self._chats[chat_id]
            return known

    def push_message(
        self,
        chat: int | Mapping[str, Any],
        text: str,
        from_user: int | Mapping[str, Any] | None = None,
        *,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        date: int | None = None,
    ) -> dict[str, Any]:
        """A user writes ``text`` in ``chat`` (bot commands marked as Telegram marks them)."""
        known = self._chat_known(chat)
        sender = self._user(from_user, known.id if known.type == "private" else 1)
        with self._lock:
            message: dict[str, Any] = {
                "message_id": known.take_message_id(),
                "date": date or int(time.time()),
                "chat": known.to_json(),
                "from": sender,
                "text": text,
            }
            entities = command_entities(text)
            if entities:
                message["entities"] = entities
            if thread_id is not None:
                message["message_thread_id"] = thread_id
                if known.is_forum:
                    message["is_topic_message"] = True
            if reply_to_message_id is not None and reply_to_message_id in known.messages:
                message["reply_to_message"] = known.messages[reply_to_message_id]
            known.messages[message["message_id"]] = message
        return self.push_update({"message": message})

    def push_channel_post(
        self, chat: int | Mapping[str, Any], text: str, *, author_signature: str | None = None
    ) -> dict[str, Any]:
        """A post in a channel (commands there arrive this way; there is no ``from``)."""
        known = self._chat_known(chat)
        with self._lock:
            post: dict[str, Any] = {
                "message_id": known.take_message_id(),
                "date": int(time.time()),
                "chat": known.to_json(),
                "sender_chat": known.to_json(),
                "text": text,
            }
            entities = command_entities(text)
            if entities:
                post["entities"] = entities
            if author_signature:
                post["author_signature"] = author_signature
            known.messages[post["message_id"]] = post
        return self.push_update({"channel_post": post})

    def push_callback_query(
        self,
        chat: int | Mapping[str, Any],
        from_user: int | Mapping[str, Any] | None,
        data: str,
        *,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user presses an inline button under the bot's message (default: its latest)."""
        known = self._chat_known(chat)
        sender = self._user(from_user, known.id if known.type == "private" else 1)
        with self._lock:
            if message_id is None:
                own = [m for m in known.messages.values() if m.get("from") == self.bot_user]
                if not own:
                    raise ValueError(f"the bot has sent no message in chat {known.id}")
                message_id = max(m["message_id"] for m in own)
            message = known.messages.get(message_id)
            if message is None:
                raise ValueError(f"no message {message_id} in chat {known.id}")
            query_id = str(next(self._callback_ids) * 1_000_003)
            self._open_callbacks.add(query_id)
        return self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender,
                    "message": message,
                    "chat_instance": str(abs(known.id) * 7 + 1),
                    "data": data,
                }
            }
        )

    def push_my_chat_member(
        self,
        chat: int | Mapping[str, Any],
        from_user: int | Mapping[str, Any] | None,
        *,
        old_status: str,
        new_status: str,
    ) -> dict[str, Any]:
        """The bot's own membership changed (added, removed, blocked, promoted).

        The fake's state follows: ``kicked``/``left`` make later sends fail as Telegram's do
        (blocked in a private chat, kicked elsewhere); ``member``/``administrator`` clear that.
        """
        known = self._chat_known(chat)
        sender = self._user(from_user, known.id if known.type == "private" else 1)
        with self._lock:
            if new_status in ("kicked", "left"):
                known.fault = ChatFault.BLOCKED if known.type == "private" else ChatFault.KICKED
            elif new_status in ("member", "administrator", "creator"):
                known.fault = None
                known.bot_is_admin = new_status == "administrator"
            chat_json = known.to_json()
        return self.push_update(
            {
                "my_chat_member": {
                    "chat": chat_json,
                    "from": sender,
                    "date": int(time.time()),
                    "old_chat_member": chat_member_json(self.bot_user, old_status),
                    "new_chat_member": chat_member_json(self.bot_user, new_status),
                }
            }
        )

    # ------------------------------------------------------------------ records (any thread)

    def messages(self, chat_id: int | None = None) -> list[SentTelegramMessage]:
        with self._lock:
            return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    def calls(self, method: str | None = None) -> list[TelegramCall]:
        with self._lock:
            wanted = method.lower() if method else None
            return [c for c in self._calls if wanted is None or c.method == wanted]

    def edits(self) -> list[EditedTelegramMessage]:
        with self._lock:
            return list(self._edits)

    def callback_answers(self) -> list[CallbackAnswer]:
        with self._lock:
            return list(self._answers)

    def commands(
        self,
        *,
        scope: Mapping[str, Any] | None = None,
        language_code: str = "",
    ) -> list[dict[str, str]]:
        """The command list set for a scope (default scope) and language ('' = all languages)."""
        key = self._scope_key(dict(scope or {"type": "default"}), language_code)
        with self._lock:
            return [dict(c) for c in self._commands.get(key, [])]

    def webhook(self) -> dict[str, Any]:
        """The webhook settings (``url`` empty when polling), including ``secret_token``."""
        return self.updates.webhook()

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates or accepted by the webhook."""
        return self.updates.pending()

    def chat(self, chat_id: int) -> dict[str, Any] | None:
        with self._lock:
            known = self._chats.get(chat_id)
            return known.to_json() if known else None

    @property
    def http_429_count(self) -> int:
        with self._lock:
            return self._http_429

    def stats(self) -> dict[str, Any]:
        """Counters for assertions and benchmarks."""
        with self._lock:
            statuses: dict[str, int] = {}
            for call in self._calls:
                statuses[str(call.status)] = statuses.get(str(call.status), 0) + 1
            return {
                "calls": len(self._calls),
                "messages": len(self._sent),
                "http_429": self._http_429,
                "rate_limited_429": self._limiter_429,
                "statuses": statuses,
                "injected": self._faults.snapshot(),
                "faults_considered": self._faults.calls_considered,
            }

    def reset_records(self) -> None:
        with self._lock:
            self._calls.clear()
            self._sent.clear()
            self._edits.clear()
            self._answers.clear()
            self._http_429 = 0
            self._limiter_429 = 0

    async def wait_for_messages(
        self, count: int, *, chat_id: int | None = None, timeout: float = 5.0
    ) -> list[SentTelegramMessage]:
        """Wait until at least ``count`` messages (to ``chat_id``) were accepted; return them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.messages(chat_id)
            if len(found) >= count:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"expected {count} messages, the fake received {len(found)}")
            await self._new_messages.wait(remaining)

    # ------------------------------------------------------------------ plumbing

    def _record_call(
        self, method: str, params: dict[str, Any], status: int, desc: str | None
    ) -> None:
        with self._lock:
            self._calls.append(TelegramCall(method, dict(params), status, desc, time.time()))
            if status == 429:
                self._http_429 += 1

    @staticmethod
    def _envelope(error: TelegramApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.error_code,
            "description": error.description,
        }
        headers = {}
        if error.parameters:
            body["parameters"] = error.parameters
            if "retry_after" in error.parameters:
                headers["Retry-After"] = str(error.parameters["retry_after"])
        return web.json_response(body, status=error.error_code, headers=headers)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"].lower()
        token = request.match_info["token"]
        fault = self._faults.pick(method)
        if fault is not None:
            return await self._inject(request, method, fault)
        try:
            params = await read_params(request)
        except BodyParseError:
            params = {}
            error: TelegramApiError | None = bad_request("can't parse JSON object")
        else:
            error = None
        if error is None:
            if ":" not in token or not token.split(":", 1)[0].isdigit():
                error = TelegramApiError(404, "Not Found")
            elif token != self.token:
                error = TelegramApiError(401, "Unauthorized")
            elif method not in self._handlers:
                error = TelegramApiError(404, "Not Found")
        if error is None:
            try:
                result = await self._handlers[method](params)
            except TelegramApiError as exc:
                error = exc
        if error is not None:
            self._record_call(method, params, error.error_code, error.description)
            return self._envelope(error)
        self._record_call(method, params, 200, None)
        return web.json_response({"ok": True, "result": result})

    async def _inject(
        self, request: web.Request, method: str, fault: FaultKind
    ) -> web.StreamResponse:
        faults = self._faults.faults
        assert faults is not None
        if fault is FaultKind.RATE_LIMITED:
            retry_after = faults.retry_after
            self._record_call(method, {}, 429, "injected")
            return self._envelope(
                TelegramApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
            )
        if fault is FaultKind.SERVER_ERROR:
            self._record_call(method, {}, 500, "injected")
            return self._envelope(TelegramApiError(500, "Internal Server Error"))
        if fault is FaultKind.BAD_GATEWAY:
            self._record_call(method, {}, 502, "injected")
            return web.Response(
                status=502,
                text="<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                content_type="text/html",
            )
        if fault is FaultKind.TIMEOUT:
            self._record_call(method, {}, 0, "injected timeout")
            closing = self._closing
            assert closing is not None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(faults.hang_s):
                    await closing.wait()
        else:
            self._record_call(method, {}, 0, "injected disconnect")
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=504)

    # ------------------------------------------------------------------ parameter helpers

    def _resolve_chat(self, params: dict[str, Any]) -> FakeChat:
        """The chat ``chat_id`` names (an id or ``@username``), or Telegram's 400."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat_id = as_int(raw)
        with self._lock:
            if chat_id is None:
                name = str(raw).lstrip("@").lower()
                for candidate in self._chats.values():
                    if candidate.username and candidate.username.lower() == name:
                        if candidate.fault is ChatFault.NOT_FOUND:
                            break
                        return candidate
                raise bad_request("chat not found")
            known = self._chats.get(chat_id)
            if known is None:
                if self.strict_chats:
                    raise bad_request("chat not found")
                self.add_chat(chat_id)
                known = self._chats[chat_id]
            if known.fault is ChatFault.NOT_FOUND:
                raise bad_request("chat not found")
            return known

    @staticmethod
    def _check_chat_can_receive(chat: FakeChat) -> None:
        fault = chat.fault
        if fault is None:
            return
        if fault is ChatFault.BLOCKED:
            raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
        if fault is ChatFault.KICKED:
            raise TelegramApiError(403, chat.kicked_description())
        if fault is ChatFault.DEACTIVATED:
            raise TelegramApiError(403, "Forbidden: user is deactivated")
        if fault is ChatFault.NOT_STARTED:
            raise TelegramApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if fault is ChatFault.NOT_MEMBER:
            raise TelegramApiError(403, chat.not_member_description())
        if fault is ChatFault.MIGRATED:
            assert chat.migrate_to_chat_id is not None
            raise TelegramApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=chat.migrate_to_chat_id,
            )

    @staticmethod
    def _json_param(params: dict[str, Any], name: str, what: str) -> Any:
        try:
            return as_json(params.get(name))
        except BodyParseError:
            raise bad_request(f"can't parse {what} JSON object") from None

    def _formatted_text(self, params: dict[str, Any]) -> tuple[str, ParsedText, str | None]:
        text = params.get("text")
        if not isinstance(text, str) or text == "":
            raise bad_request("message text is empty")
        if len(text.encode("utf-8", "surrogatepass")) > MAX_RAW_TEXT_BYTES:
            raise bad_request("text is too long")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise bad_request("text must be encoded in UTF-8") from None
        parse_mode = params.get("parse_mode")
        mode = str(parse_mode).strip().lower() if parse_mode else ""
        if mode == "html":
            try:
                parsed = parse_html(text)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc.detail}") from None
        elif mode in ("", "markdown", "markdownv2"):
            # Markdown is not validated by this fake (the bot uses HTML); explicit ``entities``
            # (only without parse_mode) are taken as given.
            entities = self._explicit_entities(params) if mode == "" else ()
            parsed = ParsedText(text=text, entities=entities)
        else:
            raise bad_request("unsupported parse_mode")
        if not parsed.text.strip():
            raise bad_request("message must be non-empty")
        return text, parsed, str(parse_mode) if parse_mode else None

    def _explicit_entities(self, params: dict[str, Any]) -> tuple[TextEntity, ...]:
        if params.get("entities") in (None, ""):
            return ()
        raw = self._json_param(params, "entities", "message entities")
        entities = []
        for item in raw if isinstance(raw, list) else [None]:
            if not isinstance(item, dict):
                raise bad_request("can't parse MessageEntity JSON object")
            offset, length = as_int(item.get("offset")), as_int(item.get("length"))
            if offset is None or length is None or not isinstance(item.get("type"), str):
                raise bad_request("can't parse MessageEntity JSON object")
            entities.append(
                TextEntity(
                    item["type"],
                    offset,
                    length,
                    url=item.get("url"),
                    language=item.get("language"),
                    custom_emoji_id=item.get("custom_emoji_id"),
                )
            )
        return tuple(entities)

    def _reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        if params.get("reply_markup") in (None, ""):
            return None
        try:
            markup = as_json(params["reply_markup"])
        except BodyParseError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
        problem = inline_keyboard_error(markup)
        if problem:
            raise TelegramApiError(400, problem)
        return markup  # type: ignore[no-any-return]

    def _check_thread(self, chat: FakeChat, params: dict[str, Any]) -> int | None:
        raw = params.get("message_thread_id")
        if raw in (None, ""):
            return None
        thread_id = as_int(raw)
        if thread_id is None or thread_id <= 0:
            raise bad_request("message thread not found")
        if not chat.is_forum or (chat.topics is not None and thread_id not in chat.topics):
            raise bad_request("message thread not found")
        return thread_id

    def _take_rate_slot(self, chat: FakeChat) -> None:
        limits = self._rate_limits
        if limits is None:
            return
        with self._lock:
            limiters: list[Limiter] = []
            bucket = self._chat_buckets.get(chat.id)
            if bucket is None:
                bucket = TokenBucket(
                    rate_per_s=limits.per_chat_per_s, burst=limits.per_chat_burst, clock=self._clock
                )
                self._chat_buckets[chat.id] = bucket
            limiters.append(bucket)
            if chat.type != "private":
                window = self._group_windows.get(chat.id)
                if window is None:
                    window = SlidingWindow(
                        limit=limits.group_limit, period_s=limits.group_period_s, clock=self._clock
                    )
                    self._group_windows[chat.id] = window
                limiters.append(window)
            if self._global_window is None:
                self._global_window = SlidingWindow(
                    limit=limits.global_limit, period_s=limits.global_period_s, clock=self._clock
                )
            limiters.append(self._global_window)
            wait = acquire_all(limiters)
            if wait is None:
                return
            self._limiter_429 += 1
        retry_after = retry_after_seconds(wait)
        raise TelegramApiError(
            429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.updates.get_updates(params)

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        raw_text, parsed, parse_mode = self._formatted_text(params)
        markup = self._reply_markup(params)
        preview: dict[str, Any] | None = None
        if params.get("link_preview_options") not in (None, ""):
            preview = self._json_param(params, "link_preview_options", "link preview options")
            if not isinstance(preview, dict):
                raise bad_request("can't parse link preview options JSON object")
        with self._lock:
            self._check_chat_can_receive(chat)
            thread_id = self._check_thread(chat, params)
            if parsed.utf16_length > MAX_TEXT_UTF16:
                raise bad_request("message is too long")
        self._take_rate_slot(chat)
        with self._lock:
            message: dict[str, Any] = {
                "message_id": chat.take_message_id(),
                "date": int(time.time()),
                "chat": chat.to_json(),
                "text": parsed.text,
            }
            if chat.type == "channel":
                message["sender_chat"] = chat.to_json()
            else:
                message["from"] = self.bot_user
            if parsed.entities:
                message["entities"] = [e.to_json() for e in parsed.entities]
            if markup and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            if thread_id is not None:
                message["message_thread_id"] = thread_id
                message["is_topic_message"] = True
            if preview is not None:
                message["link_preview_options"] = preview
            chat.messages[message["message_id"]] = message
            self._sent.append(
                SentTelegramMessage(
                    chat_id=chat.id,
                    message_id=message["message_id"],
                    text=raw_text,
                    plain_text=parsed.text,
                    entities=tuple(message.get("entities", [])),
                    parse_mode=parse_mode,
                    reply_markup=markup,
                    message_thread_id=thread_id,
                    disable_notification=as_bool(params.get("disable_notification")),
                    link_preview_options=preview,
                    at=time.time(),
                    monotonic=time.monotonic(),
                )
            )
        self._new_messages.wake()
        return message

    def _message_to_edit(self, params: dict[str, Any]) -> tuple[FakeChat, dict[str, Any]] | None:
        if params.get("inline_message_id"):
            return None
        message_id = as_int(params.get("message_id"))
        if params.get("chat_id") in (None, "") or message_id is None:
            raise bad_request("message identifier is not specified")
        chat = self._resolve_chat(params)
        with self._lock:
            self._check_chat_can_receive(chat)
            message = chat.messages.get(message_id)
            if message is None:
                raise bad_request("message to edit not found")
            if message.get("from") != self.bot_user and "sender_chat" not in message:
                raise bad_request("message can't be edited")
        return chat, message

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        _raw, parsed, _mode = self._formatted_text(params)
        if parsed.utf16_length > MAX_TEXT_UTF16:
            raise bad_request("message is too long")
        markup = self._reply_markup(params)
        target = self._message_to_edit(params)
        if target is None:
            return True
        chat, message = target
        entities = [e.to_json() for e in parsed.entities]
        new_markup = markup if markup and "inline_keyboard" in markup else None
        with self._lock:
            if (
                message.get("text") == parsed.text
                and message.get("entities", []) == entities
                and message.get("reply_markup") == new_markup
            ):
                raise TelegramApiError(400, NOT_MODIFIED)
            message["text"] = parsed.text
            message["edit_date"] = int(time.time())
            if entities:
                message["entities"] = entities
            else:
                message.pop("entities", None)
            if new_markup:
                message["reply_markup"] = new_markup
            else:
                message.pop("reply_markup", None)
            self._edits.append(
                EditedTelegramMessage(
                    "editmessagetext",
                    chat.id,
                    message["message_id"],
                    parsed.text,
                    new_markup,
                    time.time(),
                )
            )
        return message

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        markup = self._reply_markup(params)
        target = self._message_to_edit(params)
        if target is None:
            return True
        chat, message = target
        new_markup = markup if markup and "inline_keyboard" in markup else None
        with self._lock:
            if message.get("reply_markup") == new_markup:
                raise TelegramApiError(400, NOT_MODIFIED)
            if new_markup:
                message["reply_markup"] = new_markup
            else:
                message.pop("reply_markup", None)
            message["edit_date"] = int(time.time())
            self._edits.append(
                EditedTelegramMessage(
                    "editmessagereplymarkup",
                    chat.id,
                    message["message_id"],
                    None,
                    new_markup,
                    time.time(),
                )
            )
        return message

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        with self._lock:
            if query_id not in self._open_callbacks:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self._open_callbacks.discard(query_id)
            text = params.get("text")
            self._answers.append(
                CallbackAnswer(
                    query_id,
                    str(text) if text is not None else None,
                    as_bool(params.get("show_alert")),
                    time.time(),
                )
            )
        return True

    def _scope_key(
        self, scope: dict[str, Any], language_code: str
    ) -> tuple[str, int | None, int | None, str]:
        kind = str(scope.get("type", "default"))
        if kind not in SCOPE_TYPES:
            raise bad_request("unsupported bot command scope type")
        chat_id: int | None = None
        user_id: int | None = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat = self._resolve_chat({"chat_id": scope.get("chat_id")})
            chat_id = chat.id
        if kind == "chat_member":
            user_id = as_int(scope.get("user_id"))
            if user_id is None or user_id <= 0:
                raise bad_request("invalid user_id specified")
        return kind, chat_id, user_id, language_code

    def _command_target(self, params: dict[str, Any]) -> tuple[str, int | None, int | None, str]:
        language_code = str(params.get("language_code") or "")
        scope: dict[str, Any] = {"type": "default"}
        if params.get("scope") not in (None, ""):
            raw_scope = self._json_param(params, "scope", "BotCommandScope")
            if not isinstance(raw_scope, dict):
                raise bad_request("can't parse BotCommandScope JSON object")
            scope = raw_scope
        key = self._scope_key(scope, language_code)
        check_language_code(language_code)
        return key

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        key = self._command_target(params)
        commands = validated_commands(params.get("commands"))
        with self._lock:
            if commands:
                self._commands[key] = commands
            else:
                self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        key = self._command_target(params)
        with self._lock:
            return [dict(c) for c in self._commands.get(key, [])]

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = self._command_target(params)
        with self._lock:
            self._commands.pop(key, None)
        return True

    def _member(self, chat: FakeChat, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user["id"]:
            status = (
                "kicked"
                if chat.fault in (ChatFault.KICKED, ChatFault.BLOCKED)
                else ("administrator" if chat.bot_is_admin else "member")
            )
            return chat_member_json(self.bot_user, status)
        user = self._user(user_id, user_id)
        if chat.type == "private":
            return chat_member_json(user, "member")
        if chat.creator == user_id:
            return chat_member_json(user, "creator")
        if user_id in chat.admins:
            return chat_member_json(user, "administrator")
        return chat_member_json(user, "member")

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        user_id = as_int(params.get("user_id"))
        if user_id is None or user_id <= 0:
            raise bad_request("invalid user_id specified")
        with self._lock:
            self._check_member_access(chat)
            return self._member(chat, user_id)

    def _check_member_access(self, chat: FakeChat) -> None:
        if chat.fault is ChatFault.KICKED:
            raise TelegramApiError(403, chat.kicked_description())
        if chat.fault is ChatFault.MIGRATED:
            self._check_chat_can_receive(chat)

    async def _get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._resolve_chat(params)
        with self._lock:
            self._check_member_access(chat)
            if chat.type == "private":
                raise bad_request("there are no administrators in the private chat")
            members = []
            if chat.creator is not None:
                members.append(self._member(chat, chat.creator))
            members.extend(self._member(chat, uid) for uid in sorted(chat.admins))
            if chat.bot_is_admin and as_bool(params.get("return_bots")):
                members.append(self._member(chat, self.bot_user["id"]))
            return members

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        with self._lock:
            self._check_member_access(chat)
            return chat.full_info_json()

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        return self.updates.set_webhook(params)

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        return self.updates.delete_webhook(params)

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.updates.webhook_info()


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.fakes.telegram_server --port 0`` → prints ``FAKE_TELEGRAM_URL=…``."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="khabardar_bot")
    parser.add_argument("--no-rate-limits", action="store_true")
    args = parser.parse_args(argv)
    fake = FakeTelegram(
        host=args.host,
        port=args.port,
        token=args.token,
        bot_username=args.bot_username,
        rate_limits=None if args.no_rate_limits else TELEGRAM_FLOOD_LIMITS,
    )

    asyncio.run(serve_until_signal(fake, banner=lambda: f"FAKE_TELEGRAM_URL={fake.base_url}"))


if __name__ == "__main__":
    main()
