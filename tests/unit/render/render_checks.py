"""Independent checkers for rendered messages: Telegram HTML rules and Slack Block Kit limits.

``telegram_visible_text`` parses a message with the standard library's ``html.parser`` and fails
on anything Telegram's HTML mode would reject (or that we never mean to produce): unknown tags,
attributes other than ``href`` on ``a``, unbalanced or crossing tags, ``a``/``code`` nested in
each other, named entities other than ``lt gt amp quot``, and any raw ``<``, ``>`` or ``&``
left in text. It returns the text as Telegram would show it (entities decoded, tags removed).

When the team's port of tdlib's own parser is present (``tests/fakes/telegram_html.py``), the
same text is also run through it and both must agree.

``check_slack_message`` checks the Block Kit limits from ../shared/reference/protocols.md B4,
mrkdwn escaping (only ``&amp; &lt; &gt;`` and ``<url|label>`` links), and round-trips every block
through slack_sdk's own block models, whose validators enforce the same limits.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import regex
from slack_sdk.models.blocks import Block

from bot.domain.outgoing import SlackMessage, TelegramMessage

TELEGRAM_LIMIT = 4096
TELEGRAM_RAW_LIMIT = 32_768
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class TelegramHtmlError(AssertionError):
    pass


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.pieces: list[str] = []

    def fail(self, why: str) -> None:
        raise TelegramHtmlError(f"{why} at {self.getpos()}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.fail(f"tag <{tag}> is not allowed by Telegram")
        if tag == "a":
            if len(attrs) != 1 or attrs[0][0] != "href" or not attrs[0][1]:
                self.fail(f"<a> must have exactly one href, got {attrs}")
            href = attrs[0][1] or ""
            if not href.startswith(("http://", "https://")) or regex.search(r"\s", href):
                self.fail(f"bad href {href!r}")
        elif attrs:
            self.fail(f"<{tag}> must not have attributes, got {attrs}")
        if tag in ("a", "code", "pre") and any(t in ("a", "code", "pre") for t in self.stack):
            self.fail(f"<{tag}> nested in {self.stack}")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.fail(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self.fail(f"unexpected </{tag}>")
        if self.stack[-1] != tag:
            self.fail(f"</{tag}> closes <{self.stack[-1]}>")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.fail(f"raw {char!r} in text {data[:40]!r}")
        self.pieces.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.fail(f"entity &{name}; is not supported by Telegram")
        self.pieces.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        self.pieces.append(chr(code))

    def handle_comment(self, data: str) -> None:
        self.fail("comment")

    def handle_decl(self, decl: str) -> None:
        self.fail("declaration")

    def handle_pi(self, data: str) -> None:
        self.fail("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.fail("unknown declaration")


@cache
def _tdlib_port() -> ModuleType | None:
    """tests/fakes/telegram_html.py (a port of tdlib's parse_html), when the tree has it."""
    path = Path(__file__).resolve().parents[2] / "fakes" / "telegram_html.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("_render_checks_tdlib_port", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:  # a half-written sibling file must not break these tests
        sys.modules.pop(spec.name, None)
        return None
    return module if hasattr(module, "parse_html") else None


def telegram_visible_text(markup: str) -> str:
    """The text Telegram shows for ``markup``; raises TelegramHtmlError if it is invalid."""
    parser = _TelegramHtml()
    parser.feed(markup)
    parser.close()
    if parser.rawdata:
        raise TelegramHtmlError(f"unparsed trailing input {parser.rawdata[:40]!r}")
    if parser.stack:
        raise TelegramHtmlError(f"unclosed tags {parser.stack}")
    visible = "".join(parser.pieces)
    port = _tdlib_port()
    if port is not None:
        parsed = port.parse_html(markup)  # raises its HtmlParseError on what Telegram rejects
        if parsed.text != visible:
            raise TelegramHtmlError("tdlib port and html.parser disagree on the visible text")
    return visible


def check_telegram_message(message: TelegramMessage) -> str:
    """Assert the message is what sendMessage accepts; return its visible text."""
    assert isinstance(message.text, str) and message.text
    assert len(message.text.encode("utf-8")) <= TELEGRAM_RAW_LIMIT
    visible = telegram_visible_text(message.text)
    assert visible.strip(), "Telegram rejects an empty message"
    assert utf16(visible) <= TELEGRAM_LIMIT, f"{utf16(visible)} UTF-16 units > {TELEGRAM_LIMIT}"
    for row in message.buttons:
        assert row
        for button in row:
            assert button.label
            assert (button.url is None) != (button.callback_data is None)
            if button.callback_data is not None:
                assert 1 <= len(button.callback_data.encode("utf-8")) <= 64
            if button.url is not None:
                assert button.url.startswith(("http://", "https://"))
    if message.preview_url is not None:
        assert message.preview_url.startswith(("http://", "https://"))
    return visible


# --- Slack -------------------------------------------------------------------------------------

_LINK = regex.compile(r"<(https?://[^|<>\s]+)\|([^<>]*)>")
_ENTITY = regex.compile(r"&(?!(?:amp|lt|gt);)")


def check_mrkdwn(text: str) -> None:
    assert text, "empty mrkdwn text"
    outside = _LINK.sub("", text)
    assert "<" not in outside and ">" not in outside, f"unescaped < or > in {text[:80]!r}"
    assert _ENTITY.search(text) is None, f"bare & in {text[:80]!r}"
    for match in _LINK.finditer(text):
        assert "|" not in match.group(2), "a | in a link label"


def _plain_text(obj: dict[str, Any], limit: int) -> int:
    assert obj["type"] == "plain_text"
    size = utf16(obj["text"])
    assert 1 <= size <= limit, f"plain_text of {size} units (limit {limit})"
    return size


def check_slack_message(message: SlackMessage) -> None:
    """Assert the payload is within Block Kit's limits and correctly escaped."""
    assert message.text.strip(), "the fallback text must not be empty"
    check_mrkdwn(message.text)
    blocks = list(message.blocks)
    assert 1 <= len(blocks) <= 50
    total = 0
    action_ids: set[str] = set()
    block_ids: set[str] = set()
    for block in blocks:
        parsed = Block.parse(block)  # slack_sdk's own model, whose to_dict() validates limits
        assert parsed is not None and parsed.to_dict() == block
        kind = block["type"]
        if "block_id" in block:
            assert len(block["block_id"]) <= 255 and block["block_id"] not in block_ids
            block_ids.add(block["block_id"])
        if kind == "header":
            total += _plain_text(block["text"], 150)
        elif kind == "section":
            assert block["text"]["type"] == "mrkdwn"
            size = utf16(block["text"]["text"])
            assert 1 <= size <= 3000, f"section of {size} units"
            check_mrkdwn(block["text"]["text"])
            total += size
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            for element in block["elements"]:
                assert element["type"] == "mrkdwn"
                assert 1 <= utf16(element["text"]) <= 3000
                check_mrkdwn(element["text"])
                total += utf16(element["text"])
        elif kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
            for element in block["elements"]:
                assert element["type"] == "button"
                total += _plain_text(element["text"], 75)
                assert element["action_id"] not in action_ids
                assert 1 <= len(element["action_id"]) <= 255
                action_ids.add(element["action_id"])
                if "value" in element:
                    assert 1 <= len(element["value"]) <= 2000
                if "url" in element:
                    assert len(element["url"]) <= 3000
                    assert element["url"].startswith(("http://", "https://"))
        else:
            assert kind == "divider", f"unexpected block type {kind}"
    assert total <= 12_000, f"{total} units of block text risks msg_blocks_too_long"
