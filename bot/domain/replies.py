"""Command replies as platform-neutral rich text, and their three renderings.

A reply is a few lines of spans (bold, code, links) plus optional buttons. The command service
builds replies from the message catalogue; the Telegram, Slack and console adapters turn them
into HTML, mrkdwn or plain text with the functions below. Every span's text is escaped for the
target format, so user input echoed in a reply (a query, a URL) can never break the markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.domain.outgoing import InlineButton


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str | None = None


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers to a command."""

    lines: tuple[Line, ...]
    buttons: tuple[tuple[InlineButton, ...], ...] = ()
    # Slack: True posts in the channel (a channel-wide change everyone should see); False is an
    # ephemeral answer to the person who typed the command. Telegram/console ignore it.
    public: bool = False
    extras: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def plain(cls, text: str, *, public: bool = False) -> Reply:
        return cls(lines=tuple((Span(line),) for line in text.split("\n")), public=public)

    def plain_text(self) -> str:
        return to_console(self)


def to_telegram_html(reply: Reply) -> str:
    """Telegram HTML (parse_mode=HTML) with every span escaped."""
    return "\n".join("".join(_telegram_span(span) for span in line) for line in reply.lines)


def _telegram_span(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    if span.code:
        text = f"<code>{text}</code>"
    if span.bold:
        text = f"<b>{text}</b>"
    if span.italic:
        text = f"<i>{text}</i>"
    if span.url:
        text = f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    return text


def slack_escape(text: str) -> str:
    """Slack mrkdwn control characters: only &, < and > are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_slack_mrkdwn(reply: Reply) -> str:
    return "\n".join("".join(_slack_span(span) for span in line) for line in reply.lines)


def _slack_span(span: Span) -> str:
    text = slack_escape(span.text)
    if span.url:
        label = text.replace("|", "¦")
        return f"<{slack_escape(span.url).replace('|', '%7C')}|{label}>"
    if span.code:
        text = f"`{text}`"
    if span.bold and text.strip():
        text = f"*{text}*"
    if span.italic and text.strip():
        text = f"_{text}_"
    return text


def to_console(reply: Reply) -> str:
    lines = []
    for line in reply.lines:
        parts = []
        for span in line:
            parts.append(f"{span.text} ({span.url})" if span.url else span.text)
        lines.append("".join(parts))
    text = "\n".join(lines)
    if reply.buttons:
        labels = " ".join(f"[{b.label}]" for row in reply.buttons for b in row)
        text += "\n" + labels
    return text
