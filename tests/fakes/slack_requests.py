"""Requests *from* Slack to a Bolt app: v0 request signing and the payloads Slack sends.

A test plays Slack's part: build a slash command, a button press or an event the way Slack
encodes it, sign it (``signed_headers``) and POST it to the app (``post_signed``). Signing follows
../shared/reference/protocols.md B1: ``v0=`` + hex(HMAC-SHA256(secret, ``v0:{ts}:{raw body}``)),
checked by tests against the official test vector and against slack_sdk's SignatureVerifier.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

DEFAULT_TEAM_ID = "T0KHABAR1"
DEFAULT_APP_ID = "A0KHABAPP"
_trigger_ids = itertools.count(1)
_event_ids = itertools.count(1)


def sign(secret: str, body: str | bytes, timestamp: int | str) -> str:
    """The ``X-Slack-Signature`` value for a raw body sent at ``timestamp`` (unix seconds)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + raw
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    secret: str, body: str | bytes, timestamp: int | str | None = None
) -> dict[str, str]:
    """``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` for ``body`` (now by default)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign(secret, body, stamp)}


def slash_command_body(
    command: str,
    text: str = "",
    *,
    user_id: str = "U0KHABUSR",
    user_name: str = "asha",
    channel_id: str = "C0KHABNEWS",
    channel_name: str = "news",
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = "khabardar-test",
    response_url: str = "https://hooks.slack.com/commands/T0KHABAR1/1/none",
    trigger_id: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
) -> str:
    """The form body of a slash command (``/track tiktok ban``), field order as Slack sends it."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or f"{next(_trigger_ids)}.1.khabardar",
        }
    )


def block_actions_payload(
    *,
    action_id: str,
    value: str | None = None,
    block_id: str = "actions",
    user_id: str = "U0KHABUSR",
    user_name: str = "asha",
    channel_id: str = "C0KHABNEWS",
    message_ts: str = "1700000000.000100",
    response_url: str = "https://hooks.slack.com/actions/T0KHABAR1/1/none",
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    message: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` interactivity payload: a user pressed a button under a message."""
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": action_id},
        "action_ts": f"{time.time():.6f}",
    }
    if value is not None:
        action["value"] = value
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": f"{next(_trigger_ids)}.1.khabardar",
        "team": {"id": team_id, "domain": "khabardar-test"},
        "channel": {"id": channel_id, "name": "news"},
        "message": dict(message or {"type": "message", "ts": message_ts, "text": "alert"}),
        "response_url": response_url,
        "actions": [action],
    }


def interactivity_body(payload: Mapping[str, Any]) -> str:
    """Slack posts interactivity as a form with one field, ``payload``, holding the JSON."""
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def event_callback_body(
    event: Mapping[str, Any],
    *,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
) -> str:
    """The JSON body of an Events API ``event_callback`` wrapping ``event``."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_ids):08d}",
            "event_time": event_time or int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": "U0KHABBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        },
        ensure_ascii=False,
    )


def app_home_opened_event(user_id: str, *, channel: str = "D0KHABDM1") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel,
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }


@dataclass(frozen=True, slots=True)
class SignedResponse:
    """What the app answered: HTTP status, headers, body text."""

    status: int
    headers: Mapping[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


async def post_signed(
    url: str,
    body: str,
    *,
    secret: str,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | str | None = None,
    signature: str | None = None,
    session: aiohttp.ClientSession | None = None,
) -> SignedResponse:
    """POST ``body`` to a Bolt app signed with ``secret`` (``signature`` overrides, to test a
    bad one); ``content_type`` JSON for events, form for commands and interactivity."""
    headers = {"Content-Type": content_type, **signed_headers(secret, body, timestamp)}
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    owned = session is None
    client = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    try:
        async with client.post(url, data=body.encode("utf-8"), headers=headers) as response:
            return SignedResponse(response.status, dict(response.headers), await response.text())
    finally:
        if owned:
            await client.close()
