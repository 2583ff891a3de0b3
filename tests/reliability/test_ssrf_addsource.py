"""Attackers: ``/addsource`` never makes the bot fetch an internal address (SSRF).

The real ``CommandService`` runs with the real ``FetchingProbe`` over the real ``SourceFetcher``
(``allow_private=False``, the production default). A feed server listens on loopback and counts
every request: loopback URLs in every spelling (``127.0.0.1``, ``0.0.0.0``, ``localhost``,
decimal ``2130706433``, octal ``0177.0.0.1``, ``[::1]``, IPv4-mapped ``[::ffff:127.0.0.1]``)
point at it with its real port, so a guard that let any of them through would show up as a hit.
The private ranges, cloud metadata, ULA and link-local IPv6 and other schemes are refused too.
Every refusal is a clear reply, nothing is stored, and the server sees zero requests.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.sources.articles import canonical_url
from bot.adapters.sources.fetcher import SourceFetcher
from bot.adapters.sources.service_reader import FetchingProbe
from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.domain.lexicon import Lexicon, load_lexicon
from bot.domain.matcher import MatchIndex
from bot.domain.models import ChatKind, Platform
from bot.services.commands import CommandService
from bot.services.commands_context import load_query
from bot.services.conversation import ChatContext
from bot.services.digests import DigestService
from bot.services.pacing import WindowLimit
from bot.services.tracking import TrackingIndex
from tests.reliability.service_harness import (
    MATCHING_LEAD,
    MATCHING_TITLE,
    FeedServer,
    rss_item,
)

PRIVATE_ADDRESS = "it points to a private or local address, which I never fetch."
NOT_WEB = "isn't a web address"
ASHA = ChatContext(
    platform=Platform.TELEGRAM,
    chat_id="42424242",
    kind=ChatKind.PRIVATE,
    title="Asha",
    user_id="42424242",
    user_name="asha",
    user_language="en",
)


def internal_urls(port: int) -> list[str]:
    """Loopback spellings carry the live server's port: a bypass would be a counted hit."""
    return [
        f"http://127.0.0.1:{port}/rss",
        f"http://127.1.2.3:{port}/rss",
        f"http://0.0.0.0:{port}/rss",
        f"http://localhost:{port}/rss",
        f"http://2130706433:{port}/rss",
        f"http://0177.0.0.1:{port}/rss",
        f"http://0x7f.0.0.1:{port}/rss",
        f"http://[::1]:{port}/rss",
        f"http://[::ffff:127.0.0.1]:{port}/rss",
        f"http://[::ffff:7f00:1]:{port}/rss",
        "http://10.0.0.7/feed",
        "http://10.255.255.254:8080/rss",
        "http://172.16.0.1/rss",
        "http://172.31.255.1/rss",
        "http://192.168.1.1/rss",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/rss",
        "http://[fc12:3456::1]/rss",
        "http://[fe80::1]/rss",
        "http://[::ffff:10.0.0.1]/rss",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
    ]


OTHER_SCHEMES = [
    "file:///etc/passwd",
    "gopher://127.0.0.1:70/_GET%20/",
    "ftp://127.0.0.1/feed.xml",
    "dict://127.0.0.1:11211/stats",
]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite:///{tmp_path}/khabardar.db"
    await upgrade_database(url)
    opened = Store.open(url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def utc_now() -> datetime:
    return datetime.now(UTC)


def command_service(store: Store, lexicon: Lexicon, fetcher: SourceFetcher) -> CommandService:
    """The production wiring of ``bot/app.py`` for commands, minus the chat platforms."""
    return CommandService(
        storage=store,
        tracking=TrackingIndex(
            MatchIndex(lexicon), lambda text, parsed: load_query(text, parsed, lexicon=lexicon)
        ),
        lexicon=lexicon,
        clock=utc_now,
        source_probe=FetchingProbe(fetcher, default_timezone="Asia/Kolkata"),
        digests=DigestService(storage=store, outlets={}, clock=utc_now),
        canonical_url=canonical_url,
        rate_limit=WindowLimit(count=1000, seconds=60.0),  # many commands in a row, on purpose
    )


@pytest.fixture
async def service(store: Store, lexicon: Lexicon) -> AsyncIterator[CommandService]:
    fetcher = SourceFetcher(allow_private=False)  # KHABARDAR_ALLOW_PRIVATE_URLS off
    try:
        yield command_service(store, lexicon, fetcher)
    finally:
        await fetcher.aclose()


async def _said(service: CommandService, text: str) -> str:
    replies = await service.handle_text(ASHA, text)
    return "\n".join(reply.plain_text() for reply in replies)


async def test_addsource_refuses_every_internal_address_without_connecting(
    service: CommandService, store: Store, feed_server: FeedServer
) -> None:
    feed_server.items = [rss_item(MATCHING_TITLE, "leak", MATCHING_LEAD)]
    port = int(feed_server.url.rsplit(":", 1)[1].split("/")[0])
    answers = {url: await _said(service, f"/addsource {url}") for url in internal_urls(port)}
    let_through = {url: a for url, a in answers.items() if PRIVATE_ADDRESS not in a}
    assert let_through == {}
    assert feed_server.hits == 0
    assert await store.sources.list_all() == []


async def test_addsource_refuses_other_schemes(
    service: CommandService, store: Store, feed_server: FeedServer
) -> None:
    for url in OTHER_SCHEMES:
        answer = await _said(service, f"/addsource {url}")
        assert NOT_WEB in answer or PRIVATE_ADDRESS in answer, (url, answer)
        assert "root:" not in answer  # no local file content, ever
    assert feed_server.hits == 0
    assert await store.sources.list_all() == []


async def test_with_the_guard_lifted_the_same_feed_is_added(
    store: Store, lexicon: Lexicon, feed_server: FeedServer
) -> None:
    """Control: with the guard lifted the same loopback feed is fetched and added — so the
    refusals above come from the SSRF guard, not from a broken probe or server."""
    feed_server.items = [rss_item(MATCHING_TITLE, "leak", MATCHING_LEAD)]
    fetcher = SourceFetcher(allow_private=True)
    try:
        lifted = command_service(store, lexicon, fetcher)
        answer = "\n".join(
            r.plain_text() for r in await lifted.handle_text(ASHA, f"/addsource {feed_server.url}")
        )
    finally:
        await fetcher.aclose()
    assert PRIVATE_ADDRESS not in answer
    assert feed_server.hits >= 1
    assert [s.url for s in await store.sources.list_all()] == [feed_server.url]


async def test_refusals_are_logged_without_secrets(
    service: CommandService, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = "123456789:AAE-reliability-secret-token-value"
    caplog.set_level(logging.DEBUG)
    await _said(service, f"/addsource http://user:{token}@127.0.0.1:1/rss")
    assert token not in caplog.text
    assert feed_server.hits == 0
