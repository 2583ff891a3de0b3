"""Which addresses the SSRF guard refuses, and how URLs that spell them oddly are read."""

from __future__ import annotations

import ipaddress

import pytest

from bot.adapters.sources.ssrf import FetchFailed, literal_ip, refusal_reason, split_target


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.1", "127.0.0.1"),  # hex, short form
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[fe80::1%eth0]", "fe80::1"),
        ("news.example.in", None),
        ("1e2", None),
        ("256.1.1.1", None),
    ],
)
def test_literal_ip_spellings(host: str, expected: str | None) -> None:
    parsed = literal_ip(host)
    assert (str(parsed) if parsed else None) == expected


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00:ec2::254", "private"),  # IPv6 unique local
        ("169.254.169.254", "cloud metadata"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not publicly routable"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_refused_addresses_say_why(address: str, reason: str) -> None:
    found = refusal_reason(ipaddress.ip_address(address))
    assert found is not None
    assert reason in found


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:70/", "scheme"),
        ("ftp://example.com/feed", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("//example.com/feed", "scheme"),
        ("http:///nohost", "scheme"),
        ("http://example.com:99999/", "scheme"),
    ],
)
def test_only_http_urls_with_a_host(url: str, kind: str) -> None:
    with pytest.raises(FetchFailed) as caught:
        split_target(url)
    assert caught.value.kind == kind
    assert str(caught.value)


def test_targets() -> None:
    assert split_target("https://News.Example.in/feed") == ("https", "news.example.in", 443)
    assert split_target("http://example.com:8080/x") == ("http", "example.com", 8080)
    assert split_target("http://example.com./x") == ("http", "example.com", 80)
