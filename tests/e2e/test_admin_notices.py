"""A paused source is reported to the chat that added it (in its language), not to everyone."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from bot.app import AdminNotices, Runtime
from bot.domain.models import ChatKind, Platform, SourceSpec
from bot.services.ports import ChatDefaults
from bot.settings import load_settings


async def test_paused_source_notice_goes_to_the_chat_that_added_it(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text("", encoding="utf-8")
    stream = io.StringIO()
    runtime = Runtime(
        load_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
                       "KHABARDAR_SOURCES": str(sources)}),
        console_stream=stream,
        with_console=True,
        serve_http=False,
    )
    await runtime.build()
    try:
        adder, _ = await runtime.store.chats.get_or_create(
            Platform.CONSOLE, "सूचना-डेस्क", defaults=ChatDefaults(kind=ChatKind.GROUP, lang="hi")
        )
        await runtime.store.chats.get_or_create(
            Platform.CONSOLE, "reader", defaults=ChatDefaults(kind=ChatKind.PRIVATE, lang="en")
        )
        source, _ = await runtime.store.sources.add(
            SourceSpec(url="https://broken.example/rss", name="टूटा फ़ीड"),
            default_interval_s=300, added_by_chat_id=adder.id, now=datetime.now(UTC),
        )
        await AdminNotices(runtime).source_paused(source, "http_status: HTTP 500")
    finally:
        await runtime.stop()
    out = stream.getvalue()
    assert "[सूचना-डेस्क]" in out and "टूटा फ़ीड" in out and "रोक दिया" in out
    assert "HTTP 500" in out
    assert "[reader]" not in out
