"""Console chat: commands typed on stdin, replies and alerts printed on stdout.

It is a real chat for the command service (platform ``console``, one private chat), so the
demo and ``khabardar run`` without tokens exercise the same code paths as Telegram and Slack.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.domain.models import ChatKind, Platform
from bot.domain.outgoing import ConsoleMessage, SentMessage
from bot.domain.replies import Reply, to_console
from bot.services.conversation import ChatContext, Conversation

CONSOLE_CHAT_ID = "local"


def console_context(chat_id: str = CONSOLE_CHAT_ID, *, language: str | None = None) -> ChatContext:
    return ChatContext(
        platform=Platform.CONSOLE,
        chat_id=chat_id,
        kind=ChatKind.PRIVATE,
        title="console",
        user_id="console-user",
        user_name="you",
        user_language=language,
    )


class ConsoleOutput:
    """Writes replies and alerts to a text stream, one block at a time."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._counter = 0

    def write_block(self, text: str) -> None:
        self._stream.write(text.rstrip("\n") + "\n\n")
        self._stream.flush()

    async def send(self, chat_id: str, message: ConsoleMessage) -> SentMessage:
        """The console 'platform' accepts every message; ids are a running counter."""
        self._counter += 1
        prefix = "" if chat_id == CONSOLE_CHAT_ID else f"[{chat_id}] "
        self.write_block(prefix + message.text)
        return SentMessage(platform_message_id=str(self._counter))


class ConsoleChat:
    """Reads commands from a stream until EOF or ``stop()``."""

    def __init__(
        self,
        conversation: Conversation,
        output: ConsoleOutput,
        *,
        language: str | None = None,
        read_line: Callable[[], str] | None = None,
    ) -> None:
        self._conversation = conversation
        self._output = output
        self._ctx = console_context(language=language)
        self._read_line = read_line or sys.stdin.readline
        self._stopped = asyncio.Event()

    async def say(self, text: str) -> None:
        """Handle one line as if typed, printing the replies."""
        replies = await self._conversation.handle_text(self._ctx, text)
        self._print(replies)

    def _print(self, replies: list[Reply]) -> None:
        for reply in replies:
            self._output.write_block(to_console(reply))

    async def run(self) -> None:
        """Greet, then serve stdin lines until EOF (Ctrl-D) or stop()."""
        self._print(await self._conversation.chat_joined(self._ctx))
        loop = asyncio.get_running_loop()
        while not self._stopped.is_set():
            line = await loop.run_in_executor(None, self._read_line)
            if line == "":
                return
            if line.strip():
                await self.say(line.strip())

    def stop(self) -> None:
        self._stopped.set()
