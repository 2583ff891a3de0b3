"""Logging: one line per event with stable keys (key=value text, or JSON), tokens redacted.

Use ``logger.info("alert sent", extra={"chat": 42, "story": "s1"})``; the extras become keys.
Redaction runs on the final formatted line — message, extras and tracebacks alike — so a token
that reaches a log through a library (httpx logs request URLs, and Telegram URLs embed the bot
token) is masked too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

# Shapes of credentials that must never be printed, even when we do not know the value itself.
_TOKEN_PATTERNS = (
    re.compile(
        r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{20,}"
    ),  # Telegram bot token (also inside /bot<token>/)
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"),  # Slack bot/user tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{8,}"),  # Slack app-level token
)
_NOISY_LIBRARIES = (
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "aiosqlite",
    "asyncio",
    "slack_bolt",
    "slack_sdk",
    "trafilatura",
    "htmldate",
    "courlan",
    "charset_normalizer",
    "sqlalchemy",
    "alembic",
    "aiohttp.access",
)
# LogRecord attributes that are not user extras.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class Redactor:
    """Masks known secret values and anything shaped like a token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        for pattern in _TOKEN_PATTERNS:
            text = pattern.sub("[REDACTED]", text)
        return text


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}


def _quote(value: object) -> str:
    text = str(value)
    if text == "" or any(c in text for c in ' "=\n\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


class KeyValueFormatter(logging.Formatter):
    """``ts=… level=info logger=bot.delivery event="alert sent" chat=42``."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        parts = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            **_extras(record),
        }
        line = " ".join(f"{k}={_quote(v)}" for k, v in parts.items())
        if record.exc_info:
            line += " exc=" + json.dumps(self.formatException(record.exc_info), ensure_ascii=False)
        return self._redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the same keys as the text format."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload.update({k: v for k, v in _extras(record).items()})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return self._redact(json.dumps(payload, ensure_ascii=False, default=str))


def configure_logging(
    *,
    level: str = "INFO",
    fmt: str = "text",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Install the project's single handler on the root logger (idempotent)."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else KeyValueFormatter(redact))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_level = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in _NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(quiet_level)
