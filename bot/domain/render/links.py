"""Which article links may go into a message, and in what form.

A link becomes a title link, an Open button and the link preview only when it is an absolute
http(s) URL with a host, at most ``MAX_LINK_LENGTH`` characters, without control characters.
Non-ASCII paths (Hindi slugs) are percent-encoded and non-ASCII hosts IDNA-encoded, so the
platforms' URL validators accept them; everything else about the URL is kept as the feed gave it.
Anything else renders as plain text: a bad link must not make the platform reject the alert.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, urlsplit, urlunsplit

import regex

MAX_LINK_LENGTH: Final = 3000  # Slack's limit for a button URL; Hindi slugs grow 9× when encoded
_CONTROL: Final = regex.compile(r"[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]")
# Characters RFC 3986 allows in a URL as they are, plus '%' so existing escapes survive.
_URL_SAFE: Final = "/:?#[]@!$&'()*+,;=%~-._"


def safe_link(url: str | None) -> str | None:
    """The URL ready for a message, or None when it cannot be linked safely."""
    if not url:
        return None
    candidate = url.strip()
    if not candidate or _CONTROL.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    netloc = host if port is None else f"{host}:{port}"
    if parts.username or parts.password:
        return None  # credentials in a feed link are a phishing trick, not news
    rebuilt = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )
    return rebuilt if len(rebuilt) <= MAX_LINK_LENGTH else None
