"""Slack chat adapter (slack-bolt AsyncApp): slash commands, buttons and App Home.

HTTP mode: the web server forwards POSTs on ``/slack/events`` here; Bolt verifies the request
signature (5-minute replay window) before any listener runs. Socket Mode is used when an app
token is configured. Slash commands are acknowledged within Slack's 3 seconds: with the answer
itself when it is ready in time, otherwise with an empty ack and the answer through
``response_url``. Answers are ephemeral, except confirmations of channel-wide changes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import ChatKind, Platform
from bot.domain.outgoing import InlineButton
from bot.domain.replies import Reply, to_slack_mrkdwn
from bot.services.conversation import ChatContext, Conversation

log = logging.getLogger(__name__)

SLASH_COMMANDS = (
    "track",
    "untrack",
    "list",
    "digest",
    "lang",
    "why",
    "sources",
    "addsource",
    "removesource",
    "tz",
    "quiet",
    "mute",
    "unmute",
    "pause",
    "resume",
)
ACK_BUDGET_S = 2.5  # Slack gives 3 s; keep a margin for the network
ADMIN_CACHE_S = 300.0


def reply_blocks(reply: Reply) -> list[dict[str, Any]]:
    """A reply as Block Kit: one mrkdwn section (split at 3000 chars) plus its buttons."""
    text = to_slack_mrkdwn(reply) or " "
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[i : i + 3000]}}
        for i in range(0, len(text), 3000)
    ][:45]
    elements = [_button(b, n) for n, b in enumerate(b for row in reply.buttons for b in row)]
    if elements:
        blocks.append({"type": "actions", "elements": elements[:25]})
    return blocks


def _button(button: InlineButton, index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75]},
        "action_id": f"khabardar_{index}",
    }
    if button.url:
        element["url"] = button.url
    if button.callback_data:
        element["value"] = button.callback_data
    return element


def _swap_action_buttons(
    blocks: list[dict[str, Any]], actions: tuple[tuple[InlineButton, ...], ...]
) -> list[dict[str, Any]]:
    """The message's blocks as they were, its action buttons replaced by ``actions`` (link
    buttons such as "Open" stay): pressing Mute must not wipe the alert off the channel."""
    new = [_button(b, n) for n, b in enumerate(b for row in actions for b in row)]
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") != "actions":
            out.append(block)
            continue
        kept = [e for e in block.get("elements", ()) if e.get("url")]
        elements = (kept + new)[:25]
        new = []  # the first actions block takes them
        if elements:
            out.append({**block, "elements": elements})
    if new:
        out.append({"type": "actions", "elements": new[:25]})
    return out


class _CallableClock(Clock):
    """slack_sdk's verifier wants an object with ``now()``; tests pass a fixed time."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SlackChat:
    """Wires a Bolt AsyncApp to the Conversation port."""

    def __init__(
        self,
        *,
        conversation: Conversation,
        bot_token: str,
        signing_secret: str,
        api_url: str,
        managers: str = "anyone",
        default_language: str | None = None,
        signature_clock: Callable[[], float] = time.time,
    ) -> None:
        self._conversation = conversation
        # We verify HTTP requests ourselves with slack_sdk's SignatureVerifier (what Bolt uses
        # inside) so the clock of the 5-minute replay window can be set — the official signing
        # test vector is from 2018 — and a malformed timestamp is a 401, not a crash.
        self._verifier = SignatureVerifier(signing_secret, clock=_CallableClock(signature_clock))
        self._managers = managers
        self._default_language = default_language
        self._admin_cache: dict[str, tuple[float, bool]] = {}
        self.client = AsyncWebClient(token=bot_token, base_url=api_url)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret,
            request_verification_enabled=False,  # done in handle_http, before Bolt sees it
        )
        for name in SLASH_COMMANDS:
            self.app.command(f"/{name}")(self._on_command)
        self.app.action(re.compile(r".+"))(self._on_action)  # our replies and alert buttons
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.event("member_joined_channel")(self._on_member_joined)
        self.app.event("channel_left")(self._on_channel_left)
        self.app.error(self._on_error)
        self._socket_handler: Any = None

    # -- transports -----------------------------------------------------------------------
    async def handle_http(self, request: web.Request) -> web.Response:
        """The aiohttp route for /slack/events: signature and replay window checked first."""
        body = await request.read()
        if not self._signature_valid(body, request):
            log.info("refused a Slack request with a missing, bad or stale signature")
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    def _signature_valid(self, body: bytes, request: web.Request) -> bool:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not timestamp or not signature or not timestamp.strip().isascii():
            return False
        try:
            return self._verifier.is_valid(body, timestamp, signature)
        except ValueError:  # a timestamp that is not a number
            return False

    async def start_socket_mode(self, app_token: str) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        self._socket_handler = AsyncSocketModeHandler(self.app, app_token)
        await self._socket_handler.connect_async()

    async def stop(self) -> None:
        if self._socket_handler is not None:
            await self._socket_handler.close_async()

    # -- context --------------------------------------------------------------------------
    async def _context(
        self,
        *,
        channel_id: str,
        user_id: str | None,
        title: str | None,
        thread_ts: str | None = None,
    ) -> ChatContext:
        kind = ChatKind.PRIVATE if channel_id.startswith("D") else ChatKind.CHANNEL
        is_admin: bool | None = None
        if kind is ChatKind.CHANNEL:
            is_admin = True if self._managers == "anyone" else await self._is_admin(user_id)
        return ChatContext(
            platform=Platform.SLACK,
            chat_id=channel_id,
            kind=kind,
            title=title,
            thread_id=thread_ts,
            user_id=user_id,
            user_is_admin=is_admin,
            workspace_language=self._default_language,
        )

    async def _is_admin(self, user_id: str | None) -> bool:
        if not user_id:
            return False
        cached = self._admin_cache.get(user_id)
        if cached and time.monotonic() - cached[0] < ADMIN_CACHE_S:
            return cached[1]
        try:
            info = await self.client.users_info(user=user_id)
            user = info.get("user") or {}
            is_admin = bool(user.get("is_admin") or user.get("is_owner"))
        except SlackApiError as exc:
            log.warning("slack admin check failed", extra={"error": exc.response.get("error")})
            return False
        self._admin_cache[user_id] = (time.monotonic(), is_admin)
        return is_admin

    # -- listeners ------------------------------------------------------------------------
    async def _on_command(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        ctx = await self._context(
            channel_id=command["channel_id"],
            user_id=command.get("user_id"),
            title=command.get("channel_name"),
        )
        name = command["command"].lstrip("/")
        work = asyncio.ensure_future(
            self._conversation.handle_command(ctx, name, command.get("text") or "")
        )
        try:
            replies = await asyncio.wait_for(asyncio.shield(work), timeout=ACK_BUDGET_S)
        except TimeoutError:
            await ack()
            replies = await work
            for reply in replies:
                await respond(**self._payload(reply))
            return
        if not replies:
            await ack()
            return
        await ack(**self._payload(replies[0]))
        for reply in replies[1:]:
            await respond(**self._payload(reply))

    @staticmethod
    def _payload(reply: Reply) -> dict[str, Any]:
        return {
            "text": to_slack_mrkdwn(reply)[:3000] or " ",
            "blocks": reply_blocks(reply),
            "response_type": "in_channel" if reply.public else "ephemeral",
        }

    async def _on_action(self, ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id"
        )
        if not channel or not action.get("value"):
            return
        ctx = await self._context(
            channel_id=channel, user_id=(body.get("user") or {}).get("id"), title=None
        )
        answer = await self._conversation.handle_callback(ctx, action["value"])
        message = body.get("message") or {}
        if answer.buttons is not None and message.get("blocks"):
            await respond(
                replace_original=True,
                text=message.get("text") or " ",
                blocks=_swap_action_buttons(message["blocks"], answer.buttons),
            )
            await respond(text=answer.toast, response_type="ephemeral", replace_original=False)
        elif answer.updated is not None:
            await respond(replace_original=True, **self._payload(answer.updated))
        else:
            await respond(text=answer.toast, response_type="ephemeral", replace_original=False)

    async def _on_home_opened(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        user_id = event.get("user")
        if not user_id or event.get("tab", "home") != "home":
            return
        home = getattr(self._conversation, "home_view", None)
        if home is None:
            return
        reply: Reply = await home(Platform.SLACK, user_id)
        await client.views_publish(
            user_id=user_id, view={"type": "home", "blocks": reply_blocks(reply)[:100]}
        )

    async def _on_member_joined(self, event: dict[str, Any], context: Any) -> None:
        if event.get("user") != context.get("bot_user_id"):
            return
        ctx = await self._context(
            channel_id=event["channel"], user_id=event.get("inviter"), title=None
        )
        for reply in await self._conversation.chat_joined(ctx):
            await self.client.chat_postMessage(
                channel=ctx.chat_id, text=to_slack_mrkdwn(reply)[:3000], blocks=reply_blocks(reply)
            )

    async def _on_channel_left(self, event: dict[str, Any]) -> None:
        ctx = await self._context(channel_id=event["channel"], user_id=None, title=None)
        await self._conversation.chat_left(ctx)

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("slack request failed", exc_info=error, extra={"type": body.get("type")})
