"""Which links go into messages, and how they are made acceptable to the platforms."""

from __future__ import annotations

import pytest

from bot.domain.render.links import MAX_LINK_LENGTH, safe_link


def test_hindi_slugs_are_percent_encoded_and_the_rest_kept() -> None:
    url = "https://www.amarujala.com/india-news/टिकटॉक-बैन?utm=rss&a=b c#top"
    assert safe_link(url) == (
        "https://www.amarujala.com/india-news/"
        "%E0%A4%9F%E0%A4%BF%E0%A4%95%E0%A4%9F%E0%A5%89%E0%A4%95-%E0%A4%AC%E0%A5%88%E0%A4%A8"
        "?utm=rss&a=b%20c#top"
    )


def test_internationalised_hosts_use_idna_and_ports_and_ipv6_survive() -> None:
    assert (
        safe_link("https://हिंदी.भारत/खबर")
        == "https://xn--i1b6e8byah.xn--h2brj9c/%E0%A4%96%E0%A4%AC%E0%A4%B0"
    )
    assert safe_link("http://news.example:8080/a") == "http://news.example:8080/a"
    assert safe_link("http://[::1]:8080/a") == "http://[::1]:8080/a"


def test_characters_that_break_markup_are_encoded() -> None:
    assert safe_link('https://x.example/a|b<c>"d') == "https://x.example/a%7Cb%3Cc%3E%22d"


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://x.example/file",
        "//x.example/relative",
        "/just/a/path",
        "https:///no-host",
        "http://user:secret@x.example/",
        "http://x.example:99999/",
        "https://x.example/\u200b",
        "https://x.example/a\nb",
        "https://x.example/\ud800",
        "https://x.example/" + "a" * MAX_LINK_LENGTH,
    ],
)
def test_unsafe_or_unusable_links_are_refused(url: str | None) -> None:
    assert safe_link(url) is None
