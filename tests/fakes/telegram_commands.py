"""Bot command lists (setMyCommands) validated the way Telegram validates them.

First tdlib's own checks (td/telegram/BotCommand.cpp: language code empty or two lowercase ASCII
letters; command trimmed, one leading "/" removed, 1–32 characters; description trimmed,
1–256 characters), then the server's MTProto codes: ``BOT_COMMAND_INVALID`` for anything but
lowercase English letters, digits and underscores, ``BOT_COMMANDS_TOO_MUCH`` above 100 commands.
Server messages get the Bot API's ``Bad Request: `` prefix with a lower-cased first letter
(protocols.md A2, A8).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.request_params import BodyParseError, as_json
from tests.fakes.telegram_objects import bad_request

MAX_COMMANDS = 100
_COMMAND_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


def check_language_code(language_code: str) -> None:
    valid = language_code == "" or (
        len(language_code) == 2 and all("a" <= ch <= "z" for ch in language_code)
    )
    if not valid:
        raise bad_request("invalid language code specified")


def validated_commands(raw: Any) -> list[dict[str, str]]:
    """The cleaned command list, or ``TelegramApiError`` with Telegram's description."""
    try:
        commands = as_json(raw) if raw not in (None, "") else None
    except BodyParseError:
        commands = None
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(item.get("command") or "").strip()
        if name.startswith("/"):
            name = name[1:]
        if not name:
            raise bad_request("command must be non-empty")
        if len(name) > 32:
            raise bad_request("command length must not exceed 32")
        description = str(item.get("description") or "").strip()
        if not description:
            raise bad_request("command description must be non-empty")
        if len(description) > 256:
            raise bad_request("command description length must not exceed 256")
        cleaned.append({"command": name, "description": description})
    if any(not set(command["command"]) <= _COMMAND_NAME_CHARS for command in cleaned):
        raise bad_request("BOT_COMMAND_INVALID")
    if len(cleaned) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    return cleaned
