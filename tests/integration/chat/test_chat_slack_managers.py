"""KHABARDAR_SLACK_MANAGERS=admins: only workspace admins/owners (users.info on the fake) may
change a channel's subscriptions; everyone may still /list."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.app import Runtime
from bot.domain.models import Platform
from tests.fakes.slack_requests import post_signed, slash_command_body
from tests.fakes.slack_server import FakeSlack
from tests.integration.chat.chat_harness import NewsFeed, running_runtime, subscriptions

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(rate_limits=None) as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtime(
    tmp_path_factory: pytest.TempPathFactory, feed: NewsFeed, slack: FakeSlack
) -> AsyncIterator[Runtime]:
    env = {
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "KHABARDAR_SLACK_MANAGERS": "admins",
    }
    async with running_runtime(tmp_path_factory.mktemp("mgr"), feed, env) as running:
        yield running


async def _slash(runtime: Runtime, slack: FakeSlack, command: str, text: str, user: str) -> dict:
    assert runtime.web is not None
    body = slash_command_body(
        command, text, user_id=user, channel_id="C0WARD0001", response_url=slack.new_response_url()
    )
    answer = await post_signed(
        f"http://127.0.0.1:{runtime.web.port}/slack/events", body, secret=slack.signing_secret
    )
    assert answer.status == 200, answer.text
    return answer.json()


async def test_only_workspace_admins_may_change_a_channel(
    runtime: Runtime, slack: FakeSlack
) -> None:
    slack.add_user("U0ADMIN001", name="priya", is_admin=True)
    slack.add_user("U0OWNER001", name="dev", is_owner=True)
    slack.add_user("U0PLAIN001", name="arjun")
    refused = await _slash(runtime, slack, "/track", "bridge collapse", "U0PLAIN001")
    assert "only this chat's admins can change that" in refused["text"]
    assert refused["response_type"] == "ephemeral"
    assert await subscriptions(runtime, Platform.SLACK, "C0WARD0001") == []

    ok = await _slash(runtime, slack, "/track", "bridge collapse", "U0ADMIN001")
    assert "Tracking #1" in ok["text"] and ok["response_type"] == "in_channel"
    ok_owner = await _slash(runtime, slack, "/track", "flyover cracks", "U0OWNER001")
    assert "Tracking #2" in ok_owner["text"]
    listing = await _slash(runtime, slack, "/list", "", "U0PLAIN001")
    assert "bridge collapse" in listing["text"] and "flyover cracks" in listing["text"]
    refused_untrack = await _slash(runtime, slack, "/untrack", "1", "U0PLAIN001")
    assert "only this chat's admins" in refused_untrack["text"]
    assert len(await subscriptions(runtime, Platform.SLACK, "C0WARD0001")) == 2
    looked_up = {c.params.get("user") for c in slack.calls("users.info")}
    assert {"U0PLAIN001", "U0ADMIN001", "U0OWNER001"} <= looked_up
