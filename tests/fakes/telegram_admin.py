"""The ``/_admin/`` HTTP API of FakeTelegram: how a test in another process drives the fake.

Every action maps one JSON request onto a public method of ``FakeTelegram`` (see README.md):
GET ``messages`` (``?chat_id=``), ``calls`` (``?method=``), ``edits``, ``callback_answers``,
``stats``, ``webhook``, ``commands`` (``?language_code=&scope=``); POST ``push_update``,
``push_message``, ``push_channel_post``, ``push_callback_query``, ``push_my_chat_member``,
``chats``, ``users``, ``chat_fault``, ``faults``, ``rate_limits``, ``reset``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tests.fakes.faults import RandomFaults
from tests.fakes.request_params import as_int
from tests.fakes.standalone import records_as_dicts
from tests.fakes.telegram_records import TelegramRateLimits

if TYPE_CHECKING:
    from tests.fakes.telegram_server import FakeTelegram


def telegram_admin_action(
    fake: FakeTelegram, action: str, body: dict[str, Any], query: Mapping[str, str]
) -> dict[str, Any] | None:
    """Run one admin action; ``None`` for an unknown one. Bad input raises ValueError/KeyError."""
    if action == "messages":
        return {"messages": records_as_dicts(fake.messages(as_int(query.get("chat_id"))))}
    if action == "calls":
        return {"calls": records_as_dicts(fake.calls(query.get("method")))}
    if action == "edits":
        return {"edits": records_as_dicts(fake.edits())}
    if action == "callback_answers":
        return {"answers": records_as_dicts(fake.callback_answers())}
    if action == "stats":
        return fake.stats()
    if action == "webhook":
        return fake.webhook()
    if action == "commands":
        scope = json.loads(query["scope"]) if "scope" in query else None
        return {
            "commands": fake.commands(scope=scope, language_code=query.get("language_code", ""))
        }
    if action == "push_update":
        return fake.push_update(body["update"])
    if action == "push_message":
        return fake.push_message(
            body["chat_id"], body["text"], body.get("from_user"), thread_id=body.get("thread_id")
        )
    if action == "push_channel_post":
        return fake.push_channel_post(body["chat_id"], body["text"])
    if action == "push_callback_query":
        return fake.push_callback_query(
            body["chat_id"], body.get("from_user"), body["data"], message_id=body.get("message_id")
        )
    if action == "push_my_chat_member":
        return fake.push_my_chat_member(
            body["chat_id"],
            body.get("from_user"),
            old_status=body["old_status"],
            new_status=body["new_status"],
        )
    if action == "chats":
        options = {k: v for k, v in body.items() if k != "chat_id"}
        return fake.add_chat(int(body["chat_id"]), **options)
    if action == "users":
        options = {k: v for k, v in body.items() if k != "user_id"}
        return fake.add_user(int(body["user_id"]), **options)
    if action == "chat_fault":
        fake.set_chat_fault(
            int(body["chat_id"]),
            body.get("fault"),
            migrate_to_chat_id=body.get("migrate_to_chat_id"),
        )
        return {"ok": True}
    if action == "faults":
        fake.set_random_faults(RandomFaults.from_json(body) if body else None)
        return {"ok": True}
    if action == "rate_limits":
        # {} or {"enabled": false} turns limits off; otherwise the TelegramRateLimits fields.
        options = {k: v for k, v in body.items() if k != "enabled"}
        enabled = body.get("enabled", bool(options))
        fake.set_rate_limits(TelegramRateLimits(**options) if enabled else None)
        return {"ok": True}
    if action == "reset":
        fake.reset_records()
        return {"ok": True}
    return None
