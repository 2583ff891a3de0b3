"""The SSRF guard: which URLs and addresses the bot may fetch, and the pinned address to use.

Feeds are user-supplied URLs, so every fetch (and every redirect hop) goes through here: only
http/https; the host is resolved once and every address is checked — loopback, private, link-local
(169.254.169.254 cloud metadata), multicast, reserved, unspecified, IPv4-mapped/NAT64/6to4/Teredo
wrappers of those, and odd IPv4 spellings such as ``2130706433`` or ``0177.0.0.1`` are refused.
The checked addresses are remembered for a short while and the connection layer
(:mod:`bot.adapters.sources.transport`) connects only to them, so a DNS answer that changes
between the check and the connect (DNS rebinding) cannot reach an internal address.

``allow_private=True`` (``KHABARDAR_ALLOW_PRIVATE_URLS``) lifts the address rules for local
testing; the scheme rule always holds.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import FetchError

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)


class FetchFailed(FetchError):
    """A fetch did not produce a usable response.

    ``kind`` is a stable word for health and metrics (ssrf, scheme, timeout, too_large,
    http_status, throttled, redirects, connect, network, protocol, decode, not_a_feed);
    ``status`` is the HTTP status when there was one; ``retry_after`` (seconds) is set when
    the server asked us to come back later (429/503 ``Retry-After``), so the scheduler can set
    ``next_poll_at`` from it.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        source: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, kind=kind, source=source)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class CheckedHost:
    """A host name and the addresses it resolved to, all of which passed the check."""

    host: str
    port: int
    addresses: tuple[str, ...]


def literal_ip(host: str) -> IPAddress | None:
    """The IP address a URL host spells, including the legacy IPv4 forms ``inet_aton`` accepts
    (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``) that resolvers and browsers honour."""
    text = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if text and all(part for part in text.split(".")) and _looks_numeric(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def _looks_numeric(text: str) -> bool:
    return all(part.isdigit() or part.lower().startswith("0x") for part in text.split("."))


def refusal_reason(ip: IPAddress) -> str | None:
    """Why the bot must not connect to ``ip``, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = refusal_reason(embedded)
            return f"{inner} (IPv4 {embedded} inside IPv6)" if inner else None
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        if str(ip) == "169.254.169.254":
            return "link-local address (cloud metadata service)"
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_reserved:
        return "reserved address"
    if ip.is_private:
        return "private address"
    if not ip.is_global:
        return "address that is not publicly routable"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if any(ip in net for net in _NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the system resolver (``getaddrinfo`` in a thread, as asyncio does)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def split_target(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL the bot may try, or a ``FetchFailed`` saying why not."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchFailed(f"not a valid URL: {exc}", kind="scheme", source=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "none"
        raise FetchFailed(
            f"only http:// and https:// URLs can be fetched (scheme: {shown})",
            kind="scheme",
            source=url,
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchFailed("the URL has no host name", kind="scheme", source=url)
    return scheme, host, port or (443 if scheme == "https" else 80)


class SsrfGuard:
    """Checks hosts before any connection and pins them to the addresses that passed.

    ``resolver`` is the DNS seam (the system resolver by default). Passing checks are cached for
    ``cache_ttl_s`` so a poll cycle resolves each host once; refusals are never cached.
    ``allowed_networks`` lets chosen private networks through (an intranet feed server) while
    everything else stays refused.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_networks: Sequence[str] = (),
        resolver: Resolver | None = None,
        cache_ttl_s: float = 60.0,
    ) -> None:
        self.allow_private = allow_private
        self._allowed = tuple(ipaddress.ip_network(net, strict=False) for net in allowed_networks)
        self._resolver = resolver or system_resolver
        self._ttl = cache_ttl_s
        self._pinned: dict[tuple[str, int], tuple[float, CheckedHost]] = {}

    async def check_url(self, url: str) -> CheckedHost:
        """Check a URL (scheme, host, every address); raise ``FetchFailed`` when refused."""
        _scheme, host, port = split_target(url)
        return await self.check_host(host, port, url=url)

    async def check_host(self, host: str, port: int, *, url: str | None = None) -> CheckedHost:
        """The pinned addresses for ``host:port``, resolving and checking them if needed."""
        key = (host.lower(), port)
        cached = self._pinned.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        literal = literal_ip(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                addresses = await self._resolver(host, port)
            except (OSError, UnicodeError) as exc:
                raise FetchFailed(
                    f"cannot resolve host {host!r}: {exc}", kind="connect", source=url
                ) from None
            if not addresses:
                raise FetchFailed(f"host {host!r} has no address", kind="connect", source=url)
        checked = CheckedHost(host=host, port=port, addresses=self._checked(host, addresses, url))
        if len(self._pinned) > 10_000:
            self._pinned.clear()
        self._pinned[key] = (now + self._ttl, checked)
        return checked

    def _checked(self, host: str, addresses: list[str], url: str | None) -> tuple[str, ...]:
        unique: list[str] = []
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            allowed = self.allow_private or any(ip in net for net in self._allowed)
            reason = None if allowed else refusal_reason(ip)
            if reason is not None:
                log.warning("refused fetch", extra={"host": host, "address": str(ip)})
                shown = host if host == str(ip) else f"{host} ({ip})"
                raise FetchFailed(
                    f"refusing to fetch {shown}: {reason}; set KHABARDAR_ALLOW_PRIVATE_URLS=1 "
                    "only for local testing",
                    kind="ssrf",
                    source=url,
                )
            if str(ip) not in unique:
                unique.append(str(ip))
        return tuple(unique)
