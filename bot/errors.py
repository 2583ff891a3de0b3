"""One exception tree for the whole project (pure: stdlib only, importable from the domain).

KhabardarError
├── ConfigError            bad settings / config file; message names the variable or entry
├── StorageError           database unreachable or a query failed
├── SourceError            a source could not be fetched or parsed
│   ├── FetchError         network/HTTP/limits/SSRF (``kind`` says which)
│   └── ParseError         not a feed/page, or unreadable
└── DeliveryError          a platform refused or failed a send (mapped at the adapter edge)
    ├── RetryLater         rate limited: wait ``retry_after`` seconds, then resend
    ├── TransientDeliveryError   5xx / network / timeout: retry with backoff
    ├── ChatUnavailable    blocked, kicked, deactivated, chat not found: stop sending
    ├── ChatMigrated       group became a supergroup: resend to ``new_chat_id``
    └── RejectedMessage    400 bad request: log the payload, never retry

Messages never contain secrets (tokens are redacted by the adapters before raising).
"""

from __future__ import annotations


class KhabardarError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(KhabardarError):
    """Invalid configuration; the message is one clear line naming the setting."""


class StorageError(KhabardarError):
    """The database is unreachable or refused an operation."""


class SourceError(KhabardarError):
    """A news source could not be used."""

    def __init__(self, message: str, *, kind: str = "error", source: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.source = source


class FetchError(SourceError):
    """Fetching failed: ``kind`` is one of ssrf, timeout, too_large, http_status, redirects,
    connect, scheme, not_a_feed, ... — stable strings used in health and metrics."""


class ParseError(SourceError):
    """The bytes are not a feed or article page we can read."""


class DeliveryError(KhabardarError):
    """A platform did not accept a message."""


class RetryLater(DeliveryError):
    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientDeliveryError(DeliveryError):
    """Server error, network failure or timeout: worth retrying with backoff."""


class ChatUnavailable(DeliveryError):
    """The bot can no longer post there (blocked, kicked, deactivated, not found).

    ``reason`` says why; ``"auth"`` means the bot's own token was refused, which is not about
    this chat at all: the delivery worker then stops the platform instead of the chat.
    """

    def __init__(self, message: str, *, reason: str = "unavailable") -> None:
        super().__init__(message)
        self.reason = reason


class ChatMigrated(DeliveryError):
    def __init__(self, message: str, *, new_chat_id: str) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class RejectedMessage(DeliveryError):
    """The platform rejected the payload itself (HTTP 400): retrying cannot help."""
