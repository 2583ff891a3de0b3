"""Subscriptions stored by an older version get this version's normalised form at start-up.

Before hyphenated words became a phrase, ``ban-tiktok`` was stored with the same form as
``tiktok ban``: ``/track tiktok ban`` then said "already tracking" and ``/track ban-tiktok``
added a second copy. A real Runtime on a SQLite file starts over such rows, then a console
chat tracks both queries.
"""

from __future__ import annotations

import io
from pathlib import Path

from bot.app import Runtime
from bot.domain.models import ChatKind, Platform
from bot.services.conversation import ChatContext
from bot.services.ports import ChatDefaults, NewSubscription
from bot.settings import load_settings

DESK = ChatContext(platform=Platform.CONSOLE, chat_id="news-desk", kind=ChatKind.PRIVATE)


def runtime_on(tmp_path: Path) -> Runtime:
    sources = tmp_path / "sources.toml"
    sources.write_text("", encoding="utf-8")
    settings = load_settings(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "KHABARDAR_SOURCES": str(sources)}
    )
    return Runtime(settings, console_stream=io.StringIO(), with_console=True, serve_http=False)


async def test_old_forms_are_rewritten_and_tracking_tells_the_queries_apart(
    tmp_path: Path,
) -> None:
    older = runtime_on(tmp_path)
    await older.build()
    try:
        chat, _ = await older.store.chats.get_or_create(
            Platform.CONSOLE, DESK.chat_id, defaults=ChatDefaults(kind=ChatKind.PRIVATE, lang="en")
        )
        stored = await older.store.subscriptions.add(
            NewSubscription(chat_id=chat.id, query_text="ban-tiktok", query_norm="ban tiktok")
        )
    finally:
        await older.stop()

    runtime = runtime_on(tmp_path)
    await runtime.build()
    try:
        row = await runtime.store.subscriptions.get(stored.subscription.id)
        assert row is not None and row.active and row.query_norm == '"ban tiktok"'
        assert len(runtime.tracking) == 1
        again = await runtime.conversation.handle_text(DESK, "/track ban-tiktok")
        other = await runtime.conversation.handle_text(DESK, "/track tiktok ban")
        rows = await runtime.store.subscriptions.list_for_chat(chat.id)
    finally:
        await runtime.stop()
    assert "already" in again[0].plain_text().lower()
    assert "already" not in " ".join(r.plain_text() for r in other).lower()
    assert [r.query_text for r in rows] == ["ban-tiktok", "tiktok ban"]
