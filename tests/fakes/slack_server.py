"""FakeSlack: a real HTTP server on loopback that speaks the Slack Web API subset the bot uses.

Point ``AsyncWebClient(token, base_url=slack.api_url)`` (or the app's ``SLACK_API_URL``) at it.
It follows ../shared/reference/protocols.md Part B:

* ``POST {api_url}<method>`` with ``Authorization: Bearer`` (or a ``token`` field), JSON or form
  bodies; app errors as HTTP 200 ``{"ok":false,"error":"<code>"}`` (``not_authed``,
  ``invalid_auth``, ``channel_not_found``, ``not_in_channel``, ``is_archived``, ``no_text``,
  ``msg_too_long``, ``invalid_blocks`` with ``errors`` and ``response_metadata.messages``,
  ``msg_blocks_too_long``, …);
* methods: auth.test, chat.postMessage, chat.postEphemeral, chat.update, views.publish,
  conversations.info, conversations.join, users.info — plus response_url targets
  (``new_response_url()``) that record what a Bolt ``respond()`` posts;
* Block Kit validated per B4 (``tests.fakes.slack_blocks``);
* ~1 message/s per channel with a short burst → HTTP 429, ``Retry-After`` and
  ``{"ok":false,"error":"ratelimited"}``; seeded random faults like the Telegram fake.

Requests *to* a Bolt app (signed slash commands, button presses, events) are built and signed
by ``tests.fakes.slack_requests`` (``signed_headers`` is re-exported here).
``python -m tests.fakes.slack_server --port N`` runs it standalone with an ``/_admin/`` API.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.faults import FaultInjector, FaultKind, RandomFaults
from tests.fakes.rate_limits import Clock, TokenBucket, retry_after_seconds
from tests.fakes.request_params import BodyParseError, as_bool, as_json, read_params
from tests.fakes.slack_admin import slack_admin_action
from tests.fakes.slack_blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    block_errors,
    visible_text_length,
)
from tests.fakes.slack_records import (
    SLACK_POSTING_LIMITS,
    PostedSlackMessage,
    ResponseUrlPost,
    SlackCall,
    SlackRateLimits,
)
from tests.fakes.slack_requests import DEFAULT_APP_ID, DEFAULT_TEAM_ID, signed_headers
from tests.fakes.standalone import admin_handler, serve_until_signal

__all__ = [
    "DEFAULT_TOKEN",
    "FakeSlack",
    "PostedSlackMessage",
    "ResponseUrlPost",
    "SlackCall",
    "SlackRateLimits",
    "signed_headers",
]

DEFAULT_TOKEN = "xoxb-1000000001-2000000002-FakeKhabardarSlackToken"
DEFAULT_SIGNING_SECRET = "8f742231b10e8888abcd99fakesecret"
BOT_USER_ID = "U0KHABBOT"
BOT_ID = "B0KHABBOT"
MAX_TEXT_CHARS = 40_000
MAX_RESPONSE_URL_USES = 5
SEND_METHODS = frozenset({"chat.postmessage", "chat.postephemeral", "chat.update"})
_AUTO_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_AUTO_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(slots=True)
class FakeChannel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_archived: bool = False
    is_member: bool = True
    members: set[str] | None = None  # None: everyone is a member
    fault: str | None = None
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "created": 1_700_000_000,
            "is_archived": self.is_archived,
            "is_member": self.is_member,
            "is_private": self.is_private,
            "is_im": self.is_im,
        }
        if self.is_im:
            data["user"] = next(iter(self.members or {"U0KHABUSR"}))
        else:
            data.update(
                {
                    "name": self.name,
                    "is_channel": not self.is_private,
                    "is_group": self.is_private,
                    "is_general": self.name == "general",
                    "name_normalized": self.name,
                    "creator": "U0KHABADM",
                }
            )
        return data


class SlackApiError(Exception):
    """An ``ok:false`` answer (HTTP 200 unless ``status`` says otherwise)."""

    def __init__(self, error: str, *, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class FakeSlack:
    """A fake Slack Web API; ``async with FakeSlack() as slack:`` then use ``slack.api_url``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        signing_secret: str = DEFAULT_SIGNING_SECRET,
        team_id: str = DEFAULT_TEAM_ID,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: SlackRateLimits | None = SLACK_POSTING_LIMITS,
        faults: RandomFaults | None = None,
        strict: bool = False,
        max_total_block_chars: int = 12_000,
        clock: Clock = time.monotonic,
    ) -> None:
        self.token = token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.host = host
        self._requested_port = port
        self.port = 0
        self.strict = strict
        self.max_total_block_chars = max_total_block_chars
        self._rate_limits = rate_limits
        self._clock = clock  # drives the rate limiter; a test can pass a fake clock
        self._faults = FaultInjector(faults, default_methods=SEND_METHODS)
        self._lock = threading.RLock()
        self._channels: dict[str, FakeChannel] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._auth_error: str | None = None
        self._calls: list[SlackCall] = []
        self._posted: list[PostedSlackMessage] = []
        self._response_posts: list[ResponseUrlPost] = []
        self._response_urls: dict[str, int] = {}
        self._home_views: dict[str, dict[str, Any]] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._http_429 = 0
        self._limiter_429 = 0
        self._ts_counter = itertools.count(1)
        self._keys = itertools.count(1)
        self._closing: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "chat.postmessage": self._post_message,
            "chat.postephemeral": self._post_ephemeral,
            "chat.update": self._update,
            "views.publish": self._views_publish,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "users.info": self._users_info,
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("FakeSlack is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``SLACK_API_URL`` / ``AsyncWebClient(base_url=…)`` wants (trailing slash)."""
        return f"{self.base_url}/api/"

    async def start(self) -> FakeSlack:
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response_url/{key}", self._handle_response_url)
        admin = admin_handler(functools.partial(slack_admin_action, self))
        app.router.add_route("*", "/_admin/{action}", admin)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self._requested_port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ configuration

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        is_im: bool = False,
        is_archived: bool = False,
        is_member: bool = True,
        members: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            channel = FakeChannel(
                id=channel_id,
                name=name or channel_id.lower(),
                is_private=is_private,
                is_im=is_im,
                is_archived=is_archived,
                is_member=is_member,
                members=set(members) if members is not None else None,
            )
            self._channels[channel_id] = channel
            return channel.to_json()

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Asia/Kolkata",
        locale: str | None = None,
    ) -> dict[str, Any]:
        """Register a workspace member (users.info answers with it)."""
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name or name,
            "tz": tz,
            "tz_label": "India Standard Time" if tz == "Asia/Kolkata" else tz,
            "tz_offset": 19800 if tz == "Asia/Kolkata" else 0,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": real_name or name,
                "display_name": name,
                "team": self.team_id,
            },
        }
        if locale:
            user["locale"] = locale
        with self._lock:
            self._users[user_id] = user
        return user

    def set_channel_fault(self, channel_id: str, error: str | None) -> None:
        """Every post to ``channel_id`` answers ``{"ok":false,"error":error}`` (None clears).

        ``is_archived`` also marks the channel archived in conversations.info.
        """
        with self._lock:
            channel = self._channels.get(channel_id)
            if channel is None:
                self.add_channel(channel_id)
                channel = self._channels[channel_id]
            channel.fault = error
            if error == "is_archived":
                channel.is_archived = True
            if error == "not_in_channel":
                channel.is_member = False

    def set_auth_error(self, error: str | None) -> None:
        """Make every call with the bot token fail: ``invalid_auth``, ``token_revoked``,
        ``account_inactive``, ``missing_scope`` … (``None`` restores)."""
        with self._lock:
            self._auth_error = error

    def set_random_faults(self, faults: RandomFaults | None) -> None:
        self._faults.configure(faults)

    def set_rate_limits(self, limits: SlackRateLimits | None) -> None:
        with self._lock:
            self._rate_limits = limits
            self._buckets.clear()

    def new_response_url(self) -> str:
        """A ``response_url`` for a slash command or button payload; posts are recorded."""
        key = f"R{next(self._keys):06d}"
        with self._lock:
            self._response_urls[key] = 0
        return f"{self.base_url}/response_url/{key}"

    # ------------------------------------------------------------------ records (any thread)

    def messages(
        self, channel: str | None = None, *, kind: str | None = None
    ) -> list[PostedSlackMessage]:
        with self._lock:
            return [
                m
                for m in self._posted
                if (channel is None or m.channel == channel) and (kind is None or m.kind == kind)
            ]

    def calls(self, method: str | None = None) -> list[SlackCall]:
        with self._lock:
            wanted = method.lower() if method else None
            return [c for c in self._calls if wanted is None or c.method == wanted]

    def response_posts(self, url: str | None = None) -> list[ResponseUrlPost]:
        key = url.rsplit("/", 1)[-1] if url else None
        with self._lock:
            return [p for p in self._response_posts if key is None or p.key == key]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self._home_views.get(user_id)
            return dict(view) if view else None

    @property
    def http_429_count(self) -> int:
        with self._lock:
            return self._http_429

    def stats(self) -> dict[str, Any]:
        with self._lock:
            errors: dict[str, int] = {}
            for call in self._calls:
                if call.error:
                    errors[call.error] = errors.get(call.error, 0) + 1
            return {
                "calls": len(self._calls),
                "messages": len(self._posted),
                "http_429": self._http_429,
                "rate_limited_429": self._limiter_429,
                "errors": errors,
                "injected": self._faults.snapshot(),
                "faults_considered": self._faults.calls_considered,
            }

    def reset_records(self) -> None:
        with self._lock:
            self._calls.clear()
            self._posted.clear()
            self._response_posts.clear()
            self._http_429 = 0
            self._limiter_429 = 0

    # ------------------------------------------------------------------ HTTP plumbing

    def _record(
        self, method: str, params: Mapping[str, Any], status: int, error: str | None
    ) -> None:
        with self._lock:
            self._calls.append(SlackCall(method, dict(params), status, error, time.time()))
            if status == 429:
                self._http_429 += 1

    @staticmethod
    def _error_response(error: SlackApiError) -> web.Response:
        body = {"ok": False, "error": error.error, **error.extra}
        headers = {}
        if "retry_after" in error.extra:
            headers["Retry-After"] = str(body.pop("retry_after"))
        return web.json_response(body, status=error.status, headers=headers)

    def _authenticate(self, request: web.Request, params: dict[str, Any]) -> None:
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else ""
        token = token or str(params.pop("token", "") or "")
        if not token:
            raise SlackApiError("not_authed")
        if token != self.token:
            raise SlackApiError("invalid_auth")
        with self._lock:
            if self._auth_error:
                raise SlackApiError(self._auth_error)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"].lower()
        fault = self._faults.pick(method)
        if fault is not None:
            return await self._inject(request, method, fault)
        params: dict[str, Any] = {}
        try:
            try:
                params = await read_params(request)
            except BodyParseError:
                raise SlackApiError("invalid_json") from None
            self._authenticate(request, params)
            handler = self._handlers.get(method)
            if handler is None:
                raise SlackApiError("unknown_method")
            result = await handler(params)
        except SlackApiError as exc:
            self._record(method, params, exc.status, exc.error)
            return self._error_response(exc)
        self._record(method, params, 200, None)
        return web.json_response({"ok": True, **result})

    async def _inject(
        self, request: web.Request, method: str, fault: FaultKind
    ) -> web.StreamResponse:
        faults = self._faults.faults
        assert faults is not None
        if fault is FaultKind.RATE_LIMITED:
            self._record(method, {}, 429, "ratelimited")
            return self._error_response(
                SlackApiError("ratelimited", status=429, retry_after=faults.retry_after)
            )
        if fault is FaultKind.SERVER_ERROR:
            self._record(method, {}, 500, "fatal_error")
            return self._error_response(SlackApiError("fatal_error", status=500))
        if fault is FaultKind.BAD_GATEWAY:
            self._record(method, {}, 502, "bad_gateway")
            return web.Response(
                status=502,
                text="<html><body>502 Bad Gateway</body></html>",
                content_type="text/html",
            )
        if fault is FaultKind.TIMEOUT:
            self._record(method, {}, 0, "injected_timeout")
            assert self._closing is not None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(faults.hang_s):
                    await self._closing.wait()
        else:
            self._record(method, {}, 0, "injected_disconnect")
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=504)

    # ------------------------------------------------------------------ helpers

    def _channel(self, params: dict[str, Any], *, for_posting: bool) -> FakeChannel:
        raw = str(params.get("channel") or "").strip()
        if not raw:
            raise SlackApiError("channel_not_found")
        with self._lock:
            channel = self._channels.get(raw)
            if channel is None and raw.startswith("#"):
                channel = next((c for c in self._channels.values() if c.name == raw[1:]), None)
            if channel is None:
                if self.strict or not _AUTO_CHANNEL.match(raw):
                    raise SlackApiError("channel_not_found")
                self.add_channel(raw)
                channel = self._channels[raw]
            if channel.fault == "channel_not_found":
                raise SlackApiError("channel_not_found")
            if for_posting and channel.fault:
                raise SlackApiError(channel.fault)
            if for_posting and channel.is_archived:
                raise SlackApiError("is_archived")
            if for_posting and not channel.is_member and not channel.is_im:
                raise SlackApiError("not_in_channel")
            return channel

    def _blocks(self, params: dict[str, Any], *, max_blocks: int) -> list[dict[str, Any]]:
        raw = params.get("blocks")
        if raw in (None, "", []):
            return []
        try:
            blocks = as_json(raw)
        except BodyParseError:
            raise SlackApiError("invalid_blocks_format") from None
        if not isinstance(blocks, list):
            raise SlackApiError("invalid_blocks_format")
        errors = block_errors(blocks, max_blocks=max_blocks)
        if errors:
            raise SlackApiError(
                "invalid_blocks",
                errors=errors,
                response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
            )
        return blocks

    def _content(self, params: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        """Validate text/blocks/attachments of a post; return (text, blocks)."""
        text = params.get("text")
        text = str(text) if text not in (None, "") else None
        if params.get("markdown_text") not in (None, "") and (text or params.get("blocks")):
            raise SlackApiError("markdown_text_conflict")
        blocks = self._blocks(params, max_blocks=MAX_MESSAGE_BLOCKS)
        attachments: Any = params.get("attachments")
        if attachments not in (None, ""):
            try:
                attachments = as_json(attachments)
            except BodyParseError:
                raise SlackApiError("invalid_attachments") from None
            if isinstance(attachments, list) and len(attachments) > 100:
                raise SlackApiError("too_many_attachments")
        if text is None and not blocks and not attachments and not params.get("markdown_text"):
            raise SlackApiError("no_text")
        if text is not None and len(text) > MAX_TEXT_CHARS:
            raise SlackApiError("msg_too_long")
        if blocks and visible_text_length(blocks) > self.max_total_block_chars:
            raise SlackApiError("msg_blocks_too_long")
        return text, blocks

    def _take_rate_slot(self, channel: FakeChannel) -> None:
        limits = self._rate_limits
        if limits is None:
            return
        with self._lock:
            bucket = self._buckets.get(channel.id)
            if bucket is None:
                bucket = TokenBucket(
                    rate_per_s=limits.per_channel_per_s,
                    burst=limits.per_channel_burst,
                    clock=self._clock,
                )
                self._buckets[channel.id] = bucket
            wait = bucket.try_acquire()
            if wait is None:
                return
            self._limiter_429 += 1
        raise SlackApiError("ratelimited", status=429, retry_after=retry_after_seconds(wait))

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts_counter):06d}"

    def _store(
        self,
        kind: str,
        channel: FakeChannel,
        text: str | None,
        blocks: list[dict[str, Any]],
        params: dict[str, Any],
        *,
        ts: str | None = None,
        user: str | None = None,
    ) -> dict[str, Any]:
        ts = ts or self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": DEFAULT_APP_ID,
            "team": self.team_id,
            "ts": ts,
            "text": text or "",
        }
        if blocks:
            message["blocks"] = blocks
        thread_ts = params.get("thread_ts")
        if thread_ts not in (None, ""):
            message["thread_ts"] = str(thread_ts)
        unfurl = params.get("unfurl_links")
        with self._lock:
            if kind != "ephemeral":
                channel.messages[ts] = message
            self._posted.append(
                PostedSlackMessage(
                    kind=kind,
                    channel=channel.id,
                    ts=ts,
                    text=text,
                    blocks=tuple(blocks),
                    thread_ts=message.get("thread_ts"),
                    user=user,
                    unfurl_links=None if unfurl in (None, "") else as_bool(unfurl),
                    at=time.time(),
                    monotonic=time.monotonic(),
                )
            )
        return message

    # ------------------------------------------------------------------ methods

    async def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://khabardar-test.slack.com/",
            "team": "Khabardar Test",
            "user": "khabardar",
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    async def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, for_posting=True)
        text, blocks = self._content(params)
        self._take_rate_slot(channel)
        message = self._store("message", channel, text, blocks, params)
        return {"channel": channel.id, "ts": message["ts"], "message": message}

    async def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, for_posting=True)
        user = str(params.get("user") or "")
        if not user:
            raise SlackApiError("user_not_found")
        if channel.members is not None and user not in channel.members:
            raise SlackApiError("user_not_in_channel")
        text, blocks = self._content(params)
        self._take_rate_slot(channel)
        message = self._store("ephemeral", channel, text, blocks, params, user=user)
        return {"message_ts": message["ts"]}

    async def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, for_posting=True)
        ts = str(params.get("ts") or "")
        with self._lock:
            existing = channel.messages.get(ts)
        if existing is None:
            raise SlackApiError("message_not_found")
        if existing.get("user") != BOT_USER_ID:
            raise SlackApiError("cant_update_message")
        text, blocks = self._content(params)
        message = self._store("update", channel, text, blocks, params, ts=ts)
        return {"channel": channel.id, "ts": ts, "text": text or "", "message": message}

    async def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id") or "")
        if not user_id:
            raise SlackApiError("invalid_arguments")
        self._user(user_id)
        try:
            view = as_json(params.get("view"))
        except BodyParseError:
            raise SlackApiError("invalid_arguments") from None
        if not isinstance(view, dict) or view.get("type") != "home":
            raise SlackApiError(
                "invalid_arguments",
                response_metadata={
                    "messages": ["[ERROR] must be a valid enum value [json-pointer:/view/type]"]
                },
            )
        blocks = view.get("blocks")
        if not isinstance(blocks, list):
            raise SlackApiError(
                "invalid_arguments",
                response_metadata={
                    "messages": ["[ERROR] missing required field: blocks [json-pointer:/view]"]
                },
            )
        errors = block_errors(blocks, max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks")
        if errors:
            raise SlackApiError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
            )
        published = {
            "id": f"V{next(self._keys):08d}",
            "team_id": self.team_id,
            "type": "home",
            "blocks": blocks,
            "private_metadata": str(view.get("private_metadata", "")),
            "callback_id": str(view.get("callback_id", "")),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._keys)}",
            "app_id": DEFAULT_APP_ID,
            "bot_id": BOT_ID,
        }
        with self._lock:
            self._home_views[user_id] = published
        return {"view": published}

    async def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, for_posting=False)
        return {"channel": channel.to_json()}

    async def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params, for_posting=False)
        with self._lock:
            if channel.is_archived:
                raise SlackApiError("is_archived")
            if channel.is_private:
                raise SlackApiError("method_not_supported_for_channel_type")
            channel.is_member = True
            if channel.fault == "not_in_channel":
                channel.fault = None
            return {"channel": channel.to_json()}

    def _user(self, user_id: str) -> dict[str, Any]:
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                if self.strict or not _AUTO_USER.match(user_id):
                    raise SlackApiError("user_not_found")
                user = self.add_user(user_id, name=user_id.lower())
            return user

    async def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"user": self._user(str(params.get("user") or ""))}

    # ------------------------------------------------------------------ response_url

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        with self._lock:
            uses = self._response_urls.get(key)
        if uses is None:
            return web.Response(status=404, text="invalid_token")
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            body = None
        status, answer = 200, "ok"
        if uses >= MAX_RESPONSE_URL_USES:
            status, answer = 404, "used_url"
        elif not isinstance(body, dict):
            status, answer = 400, "invalid_payload"
        elif not body.get("delete_original"):
            blocks = body.get("blocks")
            if blocks and (not isinstance(blocks, list) or block_errors(blocks)):
                status, answer = 400, "invalid_blocks"
            elif not body.get("text") and not blocks:
                status, answer = 400, "no_text"
        with self._lock:
            if status == 200:
                self._response_urls[key] = uses + 1
            self._response_posts.append(
                ResponseUrlPost(key, body if isinstance(body, dict) else {}, status, time.time())
            )
        return web.Response(status=status, text=answer, content_type="text/plain")


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.fakes.slack_server --port 0`` → prints ``FAKE_SLACK_URL=…/api/``."""
    parser = argparse.ArgumentParser(description="Fake Slack Web API server for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--no-rate-limits", action="store_true")
    args = parser.parse_args(argv)
    fake = FakeSlack(
        host=args.host,
        port=args.port,
        token=args.token,
        rate_limits=None if args.no_rate_limits else SLACK_POSTING_LIMITS,
    )
    asyncio.run(serve_until_signal(fake, banner=lambda: f"FAKE_SLACK_URL={fake.api_url}"))


if __name__ == "__main__":
    main()
