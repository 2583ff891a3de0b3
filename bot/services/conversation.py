"""The contract between chat adapters (Telegram, Slack, console) and the command service.

An adapter turns a platform update into a ``ChatContext`` plus the raw text (or callback data),
calls the ``Conversation`` port, and renders the ``Reply`` objects it gets back. Permission facts
that only the platform knows (is this user a chat admin?) are looked up by the adapter and carried
in the context, so the service decides policy without calling any SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.models import ChatKind, Platform
from bot.domain.outgoing import InlineButton
from bot.domain.replies import Reply


@dataclass(frozen=True, slots=True)
class ChatContext:
    """Who wrote, where, and what the platform tells us about them."""

    platform: Platform
    chat_id: str  # the platform's chat/channel id, as text
    kind: ChatKind
    title: str | None = None
    thread_id: str | None = None  # Telegram forum topic / Slack thread
    user_id: str | None = None
    user_name: str | None = None
    user_language: str | None = None  # e.g. Telegram's language_code "hi"
    user_is_admin: bool | None = None  # None: not looked up (private chats need no check)
    workspace_language: str | None = None  # Slack workspace default


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """Answer to a button press: a short toast, and optionally the message's new content.

    ``updated`` replaces the pressed message. ``buttons`` keeps the message — an alert stays
    readable after Mute or Untrack — and puts these in place of its action buttons (link
    buttons such as "Open" stay); an empty tuple removes them.
    """

    toast: str
    updated: Reply | None = None
    buttons: tuple[tuple[InlineButton, ...], ...] | None = None


class Conversation(Protocol):
    async def handle_text(self, ctx: ChatContext, text: str) -> list[Reply]:
        """A message or slash command; returns the replies to show (possibly none)."""
        ...

    async def handle_command(self, ctx: ChatContext, command: str, args: str) -> list[Reply]:
        """A command already split by the platform (Slack slash commands)."""
        ...

    async def handle_callback(self, ctx: ChatContext, data: str) -> CallbackAnswer:
        """A button press carrying ``data``."""
        ...

    async def chat_joined(self, ctx: ChatContext) -> list[Reply]:
        """The bot was added to a chat (or a user started it): register it, say hello."""
        ...

    async def chat_left(self, ctx: ChatContext) -> None:
        """The bot was removed or blocked: stop sending there."""
        ...
