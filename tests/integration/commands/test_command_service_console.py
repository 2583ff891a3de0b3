"""The console chat adapter end to end: lines typed in, the command service, text out."""

from __future__ import annotations

import io
from collections.abc import Callable

from commands_harness import Bot

from bot.adapters.console.chat import ConsoleChat, ConsoleOutput
from bot.domain.models import Platform


def typed(*lines: str) -> Callable[[], str]:
    """``read_line`` for the console: each line with its newline, then EOF ("")."""
    pending = [line + "\n" for line in lines]
    return lambda: pending.pop(0) if pending else ""


async def test_a_console_session_in_hindi_then_english(bot: Bot) -> None:
    stream = io.StringIO()
    chat = ConsoleChat(
        bot.service,
        ConsoleOutput(stream),
        language="hi",
        read_line=typed(
            "/track टिकटॉक बैन",
            "/list",
            "",
            "/lang en",
            "/mute 1 30m",
            "/list",
            "whatsapp leak",
            "/untrack all",
        ),
    )

    await chat.run()

    blocks = stream.getvalue().strip().split("\n\n")
    assert blocks[0].startswith("🙏 नमस्ते! मैं खबरदार हूँ")  # the greeting on start
    output = stream.getvalue()
    assert "✅ ट्रैकिंग #1 शुरू: टिकटॉक बैन" in output
    assert "1. टिकटॉक बैन · तुरंत अलर्ट · 🔔 चालू · अभी तक कोई अलर्ट नहीं" in output
    assert "Done — I'll write in English here from now on." in output
    assert "1. टिकटॉक बैन · instant alerts · 🔕 muted until 28 Nov 2026, 9:00 AM IST" in output
    assert "To follow news about this, send: /track whatsapp leak" in output
    assert output.rstrip().endswith(
        "Remove the 1 subscription of this chat?\n[Yes, remove all] [Cancel]"
    )
    chat_row = await bot.store.chats.get_by_platform_id(Platform.CONSOLE, "local")
    assert chat_row is not None and chat_row.lang == "en"
    [row] = await bot.store.subscriptions.list_for_chat(chat_row.id)
    assert row.created_by == "console-user" and bot.tracking.owner(row.id) is not None
