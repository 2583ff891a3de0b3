"""Platform-shaped messages, produced by the renderers and consumed by the sender adapters.

They are plain data (no SDK types), so rendering stays pure and senders stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class InlineButton:
    """A button under a message: either opens ``url`` or sends ``callback_data`` back."""

    label: str
    url: str | None = None
    callback_data: str | None = None  # Telegram: ≤ 64 bytes; Slack: the action value


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    """A sendMessage call: ``text`` is Telegram HTML (parse_mode=HTML), ≤ 4096 after parsing."""

    text: str
    buttons: tuple[tuple[InlineButton, ...], ...] = ()  # rows of inline keyboard buttons
    preview_url: str | None = None  # link_preview_options.url; None disables the preview
    disable_notification: bool = False


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A chat.postMessage call: Block Kit ``blocks`` plus the plain ``text`` fallback."""

    text: str
    blocks: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    unfurl_links: bool = False


@dataclass(frozen=True, slots=True)
class ConsoleMessage:
    """Plain text for the console chat (demo, local sandbox)."""

    text: str


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What a platform confirmed: its own message id (Telegram message_id, Slack ts)."""

    platform_message_id: str
