"""``sources check`` and OPML import over a real local server: progress, summary table, reasons."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from bot.adapters.sources.check import (
    check_sources,
    run_opml_import,
    run_sources_check,
    summary_table,
)
from bot.adapters.sources.config import ConfiguredSource, load_sources
from bot.adapters.sources.fetcher import FetchLimits, SourceFetcher
from bot.adapters.sources.opml import write_opml

if TYPE_CHECKING:
    from conftest import FeedServer

FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>देश</title>
<item><title>मानसून ने केरल में दस्तक दी</title><link>https://desh.example.in/monsoon</link>
<pubDate>Sat, 08 Jun 2024 09:00:00 +0530</pubDate></item>
<item><title>दिल्ली में पानी की किल्लत</title><link>https://desh.example.in/water</link>
<pubDate>Fri, 07 Jun 2024 18:00:00 +0530</pubDate></item></channel></rss>"""


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, force_terminal=False, color_system=None), buffer


def _serve(server: FeedServer) -> dict[str, str]:
    return {
        "ok": server.static("/ok.xml", FEED),
        "missing": server.url("/missing.xml"),
        "page": server.static(
            "/home",
            '<html><head><link rel="alternate" type="application/rss+xml" href="/ok.xml"></head>'
            "<body><ul><li>x</li></ul></body></html>",
            content_type="text/html",
        ),
        "image": server.static("/logo.png", b"\x89PNG", content_type="image/png"),
    }


async def test_check_sources_reports_ok_and_reasons(feed_server: FeedServer) -> None:
    urls = _serve(feed_server)
    sources = [
        ConfiguredSource(url=urls["ok"], name="देश"),
        ConfiguredSource(url=urls["missing"]),
        ConfiguredSource(url=urls["page"], name="Home page"),
        ConfiguredSource(url=urls["image"]),
    ]
    console, buffer = _console()
    async with SourceFetcher(
        allow_private=True, limits=FetchLimits(per_host_spacing_s=0)
    ) as fetcher:
        outcomes = await check_sources(sources, fetcher=fetcher, console=console)
    assert [o.ok for o in outcomes] == [True, False, False, False]
    assert outcomes[0].articles == 2
    assert (
        outcomes[0].newest is not None
        and outcomes[0].newest.isoformat() == "2024-06-08T03:30:00+00:00"
    )
    assert (outcomes[1].kind, outcomes[2].kind, outcomes[3].kind) == (
        "http_status",
        "not_a_feed",
        "not_a_feed",
    )
    assert urls["ok"] in (outcomes[2].reason or "")  # the page names the feed it links to
    console.print(summary_table(outcomes))
    table = buffer.getvalue()
    assert "1 ok, 3 failing" in table
    assert "देश" in table and "2024-06-08 09:00" in table
    assert "http_status: HTTP 404 Not Found" in table
    assert "image/png" in table


async def test_run_sources_check_exit_codes(feed_server: FeedServer, tmp_path: Path) -> None:
    urls = _serve(feed_server)
    good = tmp_path / "good.toml"
    good.write_text(f'[[source]]\nurl = "{urls["ok"]}"\nname = "देश"\n', encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[[source]]\nurl = "{urls["ok"]}"\n[[source]]\nurl = "{urls["missing"]}"\n')
    broken = tmp_path / "broken.toml"
    broken.write_text("[[source]]\ninterval = 5\n")
    console, buffer = _console()
    assert await run_sources_check(good, console=console, allow_private=True) == 0
    assert await run_sources_check(bad, console=console, allow_private=True) == 1
    assert await run_sources_check(broken, console=console, allow_private=True) == 2
    text = buffer.getvalue()
    assert "1 ok, 0 failing" in text and "1 ok, 1 failing" in text
    assert "broken.toml: source #1: field 'url': is required" in text


async def test_opml_import_adds_only_working_new_feeds(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    urls = _serve(feed_server)
    sources_path = tmp_path / "sources.toml"
    sources_path.write_text(
        '# keep me\n[[source]]\nurl = "https://already.example.com/feed"\n', encoding="utf-8"
    )
    opml = tmp_path / "reader.opml"
    opml.write_text(
        write_opml(
            [
                ConfiguredSource(url="https://already.example.com/feed"),
                ConfiguredSource(url=urls["ok"], name="देश", lang="hi", interval_s=600),
                ConfiguredSource(url=urls["missing"], name="गायब"),
            ]
        ),
        encoding="utf-8",
    )
    console, buffer = _console()
    status = await run_opml_import(opml, sources_path, console=console, allow_private=True)
    assert status == 1  # one new feed failed and was left out
    imported = load_sources(sources_path)
    assert [s.url for s in imported] == ["https://already.example.com/feed", urls["ok"]]
    assert imported[1] == ConfiguredSource(url=urls["ok"], name="देश", lang="hi", interval_s=600)
    assert sources_path.read_text(encoding="utf-8").startswith("# keep me\n")
    assert "added 1 of 2 new sources" in buffer.getvalue()
    assert await run_opml_import(opml, sources_path, console=console, allow_private=True) == 1
    missing = tmp_path / "nope.opml"
    assert await run_opml_import(missing, sources_path, console=console) == 2
