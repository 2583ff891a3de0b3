"""The ``/_admin/`` HTTP API of FakeSlack: how a test in another process drives the fake.

GET ``messages`` (``?channel=&kind=``), ``calls`` (``?method=``), ``stats``, ``response_posts``
(``?url=``), ``home_view`` (``?user_id=``); POST ``response_url`` (creates one), ``channels``,
``users``, ``channel_fault``, ``auth_error``, ``faults``, ``rate_limits``, ``reset``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tests.fakes.faults import RandomFaults
from tests.fakes.slack_records import SlackRateLimits
from tests.fakes.standalone import records_as_dicts

if TYPE_CHECKING:
    from tests.fakes.slack_server import FakeSlack


def slack_admin_action(
    fake: FakeSlack, action: str, body: dict[str, Any], query: Mapping[str, str]
) -> dict[str, Any] | None:
    """Run one admin action; ``None`` for an unknown one. Bad input raises ValueError/KeyError."""
    if action == "messages":
        return {
            "messages": records_as_dicts(
                fake.messages(query.get("channel"), kind=query.get("kind"))
            )
        }
    if action == "calls":
        return {"calls": records_as_dicts(fake.calls(query.get("method")))}
    if action == "stats":
        return fake.stats()
    if action == "response_url":
        return {"url": fake.new_response_url()}
    if action == "response_posts":
        return {"posts": records_as_dicts(fake.response_posts(query.get("url")))}
    if action == "home_view":
        return {"view": fake.home_view(query["user_id"])}
    if action == "channels":
        options = {k: v for k, v in body.items() if k != "channel_id"}
        return fake.add_channel(str(body["channel_id"]), **options)
    if action == "users":
        options = {k: v for k, v in body.items() if k != "user_id"}
        return fake.add_user(str(body["user_id"]), **options)
    if action == "channel_fault":
        fake.set_channel_fault(str(body["channel_id"]), body.get("error"))
        return {"ok": True}
    if action == "auth_error":
        fake.set_auth_error(body.get("error"))
        return {"ok": True}
    if action == "faults":
        fake.set_random_faults(RandomFaults.from_json(body) if body else None)
        return {"ok": True}
    if action == "rate_limits":
        options = {k: v for k, v in body.items() if k != "enabled"}
        enabled = body.get("enabled", bool(options))
        fake.set_rate_limits(SlackRateLimits(**options) if enabled else None)
        return {"ok": True}
    if action == "reset":
        fake.reset_records()
        return {"ok": True}
    return None
