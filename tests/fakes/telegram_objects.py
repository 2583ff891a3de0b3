"""Bot API JSON objects (User, Chat, ChatFullInfo, ChatMember, …) and error answers for the fake.

Every builder emits at least the fields the Bot API 10.0 spec marks required
(../shared/specs/telegram/api-botapi-10.0.json), because python-telegram-bot builds its objects
with ``cls(**data)`` and a missing required field breaks de-serialisation
(../shared/reference/protocols.md A1). A test checks the fake's replies against that spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# /command or /command@bot at a word start, as tdlib's match_bot_commands finds them (ASCII).
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_SUPERGROUP_ID_FLOOR = -1_000_000_000_000  # ids at or below this are -100… (supergroups/channels)


class TelegramApiError(Exception):
    """An error answer: becomes the ``ok:false`` envelope with HTTP status ``error_code``."""

    def __init__(self, error_code: int, description: str, **parameters: int) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters


def bad_request(detail: str) -> TelegramApiError:
    """400 with the server's ``Bad Request: `` prefix."""
    return TelegramApiError(400, f"Bad Request: {detail}")


class ChatFault(StrEnum):
    """Fixed per-chat behaviour of the fake, each answered with Telegram's exact error."""

    BLOCKED = "blocked"  # 403 Forbidden: bot was blocked by the user
    KICKED = "kicked"  # 403 Forbidden: bot was kicked from the group/supergroup/channel chat
    DEACTIVATED = "deactivated"  # 403 Forbidden: user is deactivated
    NOT_STARTED = "not_started"  # 403 Forbidden: bot can't initiate conversation with a user
    NOT_MEMBER = "not_member"  # 403 Forbidden: bot is not a member of the supergroup chat
    MIGRATED = "migrated"  # 400 group chat was upgraded to a supergroup chat (+ new id)
    NOT_FOUND = "not_found"  # 400 Bad Request: chat not found


def infer_chat_type(chat_id: int) -> str:
    """Telegram's id ranges: users are positive, basic groups small negative, -100… the rest."""
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= _SUPERGROUP_ID_FLOOR else "group"


def user_json(
    user_id: int,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user_id,
        "is_bot": is_bot,
        "first_name": first_name or f"User{user_id}",
    }
    for key, value in (
        ("last_name", last_name),
        ("username", username),
        ("language_code", language_code),
    ):
        if value is not None:
            data[key] = value
    return data


@dataclass(slots=True)
class FakeChat:
    """A chat the fake knows: identity, who administers it, the bot's standing, its messages."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    topics: frozenset[int] | None = None  # None: any topic id exists in a forum
    creator: int | None = None
    admins: set[int] = field(default_factory=set)
    bot_is_admin: bool = False
    fault: ChatFault | None = None
    migrate_to_chat_id: int | None = None
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or f"User{self.id}"
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def full_info_json(self) -> dict[str, Any]:
        """``ChatFullInfo`` (getChat): Chat plus the fields Bot API 10.0 requires."""
        return {
            **self.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def kicked_description(self) -> str:
        kind = {"group": "group", "supergroup": "supergroup", "channel": "channel"}.get(
            self.type, "group"
        )
        return f"Forbidden: bot was kicked from the {kind} chat"

    def not_member_description(self) -> str:
        kind = "channel" if self.type == "channel" else "supergroup"
        return f"Forbidden: bot is not a member of the {kind} chat"


_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def chat_member_json(user: dict[str, Any], status: str, *, until_date: int = 0) -> dict[str, Any]:
    """A ``ChatMember`` of the given status with the subtype's required fields."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            {right: right != "is_anonymous" and right != "can_be_edited" for right in _ADMIN_RIGHTS}
        )
        member.update(
            {"can_post_messages": True, "can_edit_messages": True, "can_pin_messages": True}
        )
    elif status == "kicked":
        member["until_date"] = until_date
    elif status == "restricted":
        member.update(
            {
                "is_member": True,
                "can_send_messages": False,
                "can_send_audios": False,
                "can_send_documents": False,
                "can_send_photos": False,
                "can_send_videos": False,
                "can_send_video_notes": False,
                "can_send_voice_notes": False,
                "can_send_polls": False,
                "can_send_other_messages": False,
                "can_add_web_page_previews": False,
                "can_react_to_messages": False,
                "can_edit_tag": False,
                "can_change_info": False,
                "can_invite_users": False,
                "can_pin_messages": False,
                "can_manage_topics": False,
                "until_date": until_date,
            }
        )
    elif status not in ("member", "left"):
        raise ValueError(f"unknown chat member status {status!r}")
    return member


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities as Telegram marks them in an incoming message (UTF-16 offsets)."""
    entities = []
    for match in _BOT_COMMAND.finditer(text):
        prefix = text[: match.start()]
        offset = len(prefix.encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        entities.append({"type": "bot_command", "offset": offset, "length": length})
    return entities


def inline_keyboard_error(markup: Any) -> str | None:
    """Telegram's description for an invalid ``InlineKeyboardMarkup``, or ``None`` if valid."""
    if not isinstance(markup, dict):
        return "Bad Request: can't parse reply keyboard markup JSON object"
    if "inline_keyboard" not in markup:
        return None  # reply keyboards / remove / force_reply: not used by the bot, accepted
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                return (
                    "Bad Request: can't parse inline keyboard button: "
                    'Field "text" must be of type String'
                )
            actions = [
                key for key in button if key not in ("text", "style", "icon_custom_emoji_id")
            ]
            if not actions:
                return "Bad Request: text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= 64
            ):
                return "Bad Request: BUTTON_DATA_INVALID"
            url = button.get("url")
            if url is not None and (not isinstance(url, str) or not url.strip()):
                return "Bad Request: BUTTON_URL_INVALID"
    return None
