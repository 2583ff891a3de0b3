"""``KHABARDAR_COMMANDS_PER_MINUTE`` reaches the running service's command rate limit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.app import Runtime
from bot.domain.models import ChatKind, Platform
from bot.services.conversation import ChatContext
from bot.settings import load_settings

READER = ChatContext(
    platform=Platform.CONSOLE, chat_id="reader", kind=ChatKind.PRIVATE, user_id="asha"
)


@pytest.mark.parametrize(("per_minute", "answered"), [("2", 2), (None, 5)])
async def test_commands_beyond_the_configured_rate_are_refused(
    tmp_path: Path, per_minute: str | None, answered: int
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text("", encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "KHABARDAR_SOURCES": str(sources)}
    if per_minute is not None:
        env["KHABARDAR_COMMANDS_PER_MINUTE"] = per_minute
    runtime = Runtime(
        load_settings(env), console_stream=io.StringIO(), with_console=True, serve_http=False
    )
    await runtime.build()
    try:
        replies = [await runtime.conversation.handle_text(READER, "/list") for _ in range(5)]
    finally:
        await runtime.stop()
    texts = [" ".join(r.plain_text() for r in batch) for batch in replies]
    assert all(text and "a lot of commands" not in text for text in texts[:answered])
    if answered < 5:  # the first refusal says how long to wait; a flood is then ignored
        assert "a lot of commands" in texts[answered]
        assert texts[answered + 1 :] == [""] * (5 - answered - 1)
