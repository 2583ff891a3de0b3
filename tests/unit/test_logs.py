"""Structured logging: stable keys, JSON on request, tokens redacted everywhere."""

from __future__ import annotations

import io
import json
import logging

from bot.logs import configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _capture(fmt: str, secrets: tuple[str, ...] = ()) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt=fmt, secrets=secrets, stream=stream)
    return stream


def test_key_value_lines_carry_extras() -> None:
    stream = _capture("text")
    logging.getLogger("bot.delivery").info("alert sent", extra={"chat": 42, "story": "s 1"})
    line = stream.getvalue().strip()
    assert "level=info" in line and "logger=bot.delivery" in line
    assert 'event="alert sent"' in line and "chat=42" in line and 'story="s 1"' in line


def test_json_lines_parse() -> None:
    stream = _capture("json")
    logging.getLogger("bot.poll").warning("source failed", extra={"source": "https://x.in/rss"})
    payload = json.loads(stream.getvalue())
    assert payload["event"] == "source failed"
    assert payload["level"] == "warning"
    assert payload["source"] == "https://x.in/rss"


def test_tokens_are_redacted_in_messages_urls_extras_and_tracebacks() -> None:
    secret = "pg-password-xyz"
    stream = _capture("text", secrets=(secret,))
    log = logging.getLogger("httpx_like")
    log.warning("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
    log.warning("db", extra={"url": f"postgresql://u:{secret}@h/db"})
    log.warning("slack token xoxb-1234-5678-abcdefghij and xapp-1-A0-123-abcdef")
    try:
        raise RuntimeError(f"failed with {TOKEN}")
    except RuntimeError:
        log.exception("boom")
    out = stream.getvalue()
    assert TOKEN not in out and secret not in out
    assert "xoxb-1234-5678-abcdefghij" not in out and "xapp-1-A0-123-abcdef" not in out
    assert out.count("[REDACTED]") >= 5


def test_noisy_libraries_are_quiet() -> None:
    _capture("text")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("telegram").getEffectiveLevel() == logging.WARNING
