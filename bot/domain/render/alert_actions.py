"""The actions under an alert (mute this subscription for a while, untrack it) as button data.

Telegram sends ``callback_data`` back (≤ 64 bytes); Slack sends the button's ``action_id`` and
``value``. Both carry the same compact strings — ``mute:<subscription id>:<hours>h`` and
``untrack:<subscription id>`` — built and parsed only here, so the renderers and the command
handlers cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import regex

CALLBACK_DATA_LIMIT: Final = 64  # bytes, Telegram's limit for callback_data
SLACK_ACTION_OPEN: Final = "alert_open"
SLACK_ACTION_MUTE: Final = "alert_mute"
SLACK_ACTION_UNTRACK: Final = "alert_untrack"

_MUTE: Final = regex.compile(r"mute:(\d{1,18}):(\d{1,4})h")
_UNTRACK: Final = regex.compile(r"untrack:(\d{1,18})")


@dataclass(frozen=True, slots=True)
class AlertAction:
    """A pressed alert button: what to do to which subscription."""

    kind: Literal["mute", "untrack"]
    subscription_id: int
    hours: int | None = None  # for "mute"


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data longer than {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def mute_data(subscription_id: int, hours: int) -> str:
    """``mute:12:8h`` — mute subscription 12 for 8 hours."""
    if subscription_id < 0 or not 1 <= hours <= 9999:
        raise ValueError(f"bad mute action: subscription {subscription_id}, {hours} h")
    return _checked(f"mute:{subscription_id}:{hours}h")


def untrack_data(subscription_id: int) -> str:
    """``untrack:12`` — stop tracking subscription 12."""
    if subscription_id < 0:
        raise ValueError(f"bad subscription id {subscription_id}")
    return _checked(f"untrack:{subscription_id}")


def parse_alert_action(data: str | None) -> AlertAction | None:
    """The action a button carried, or None when ``data`` is not an alert action."""
    if not data:
        return None
    if match := _MUTE.fullmatch(data):
        return AlertAction("mute", int(match.group(1)), int(match.group(2)))
    if match := _UNTRACK.fullmatch(data):
        return AlertAction("untrack", int(match.group(1)))
    return None
