"""/sources with health, /addsource through the probe port, /removesource with ownership."""

from __future__ import annotations

from datetime import timedelta

from commands_harness import Bot, BotFactory, group, private, spans

from bot.domain.models import SourceKind, SourceSpec
from bot.services.commands import ProbeResult

FEED = "https://feeds.example.in/hindi/rss.xml"


async def _configured(bot: Bot) -> None:
    """Three sources from the configuration file: healthy, failing, never polled."""
    now = bot.clock()
    rows = []
    for spec in (
        SourceSpec(url="https://ok.example/rss", name="Samachar Daily"),
        SourceSpec(url="https://broken.example/rss", name="Broken Times"),
        SourceSpec(url="https://new.example/rss"),
    ):
        rows += await bot.store.sources.upsert_from_config([spec], default_interval_s=600, now=now)
    await bot.store.sources.record_success(
        rows[0].id,
        etag=None,
        last_modified=None,
        content_hash=None,
        next_poll_at=now + timedelta(minutes=10),
        polled_at=now - timedelta(minutes=5),
    )
    await bot.store.sources.record_failure(
        rows[1].id,
        error="HTTP 503 from server",
        failures=3,
        next_poll_at=now + timedelta(hours=1),
        paused=False,
        polled_at=now - timedelta(minutes=2),
    )


async def test_sources_lists_every_source_with_its_health(bot: Bot) -> None:
    await _configured(bot)
    replies = await bot.say(group(admin=False), "/sources")
    lines = replies[0].plain_text().splitlines()
    assert lines[0] == "📰 News sources (3):"
    assert lines[1].startswith("1. Samachar Daily (https://ok.example/rss) — ✅ working")
    assert "28 Nov 2026, 8:25 AM IST" in lines[1]
    assert lines[2].endswith("⚠️ failing (3 times in a row): HTTP 503 from server")
    assert lines[3] == "3. new.example (https://new.example/rss) — ⏳ not checked yet"
    assert len(lines) == 4  # no admin footer for a non-admin
    admin_view = await bot.said(group(admin=True), "/sources")
    assert "Admins: /addsource URL" in admin_view


async def test_sources_empty(bot: Bot) -> None:
    assert await bot.said(private(), "/sources") == "No news sources are configured yet."


async def test_addsource_probes_first_and_stores_a_working_feed(bot: Bot) -> None:
    bot.probe.results[FEED] = ProbeResult(ok=True, kind="feed", title="हिंदी समाचार", articles=25)
    ctx = group(admin=True)

    [answer] = await bot.say(ctx, f"/addsource <{FEED}>")

    assert answer.plain_text() == (
        "✅ Added “हिंदी समाचार” as source #1 (25 items found). I'll check it regularly from now on."
    )
    assert answer.public
    assert bot.probe.probed == [FEED]
    stored = await bot.store.sources.get_by_url(FEED)
    chat = await bot.chat(ctx)
    assert stored is not None
    assert (stored.name, stored.kind, stored.added_by_chat_id) == (
        "हिंदी समाचार",
        SourceKind.FEED,
        chat.id,
    )
    assert stored.next_poll_at == bot.clock()  # polled at the next round
    # the same URL again is recognised without fetching it again
    assert "already on the list as #1" in await bot.said(ctx, f"/addsource {FEED}")
    assert bot.probe.probed == [FEED]


async def test_addsource_refusals_explain_the_reason_in_the_chats_language(bot: Bot) -> None:
    bot.probe.results["http://10.0.0.7/feed"] = ProbeResult(ok=False, kind="ssrf")
    bot.probe.results["https://gone.example/rss"] = ProbeResult(
        ok=False, kind="http_status", message="HTTP 404 Not Found"
    )
    bot.probe.results["https://odd.example/rss"] = ProbeResult(
        ok=False, kind="protocol", message="bad chunked encoding"
    )
    hindi = private(language="hi")
    ssrf = await bot.said(hindi, "/addsource http://10.0.0.7/feed")
    assert ssrf == (
        "❌ http://10.0.0.7/feed नहीं जोड़ पाया: "
        "यह किसी निजी या लोकल पते की ओर जाता है, ऐसे पते मैं नहीं खोलता।"
    )
    english = private("777")
    assert "(HTTP 404)" in await bot.said(english, "/addsource https://gone.example/rss")
    assert "(bad chunked encoding)" in await bot.said(english, "/addsource https://odd.example/rss")
    assert "couldn't reach the site" in await bot.said(
        english, "/addsource https://nowhere.example/"
    )
    assert "isn't a web address" in await bot.said(english, "/addsource ftp://files.example/x")
    assert await bot.store.sources.list_all() == []


async def test_addsource_is_for_admins_and_capped_per_chat(make_bot: BotFactory) -> None:
    bot = make_bot(max_sources_per_chat=1)
    for n in (1, 2):
        bot.probe.results[f"https://s{n}.example/rss"] = ProbeResult(ok=True, title=f"S{n}")
    assert "only this chat's admins" in await bot.said(
        group(admin=False), "/addsource https://s1.example/rss"
    )
    assert bot.probe.probed == []
    assert "as source #1" in await bot.said(group(admin=True), "/addsource https://s1.example/rss")
    assert "already added 1 sources" in await bot.said(
        group(admin=True), "/addsource https://s2.example/rss"
    )
    assert bot.probe.probed == ["https://s1.example/rss"]


async def test_a_page_source_and_a_redirected_url_are_stored_as_probed(bot: Bot) -> None:
    bot.probe.results["http://news.example/latest"] = ProbeResult(
        ok=True, kind="page", title="Latest", articles=1, url="https://news.example/latest"
    )
    assert "as source #1" in await bot.said(private(), "/addsource http://news.example/latest")
    stored = await bot.store.sources.get_by_url("https://news.example/latest")
    assert stored is not None and stored.kind is SourceKind.PAGE


async def test_removesource_only_what_this_chat_added(bot: Bot) -> None:
    await _configured(bot)
    bot.probe.results[FEED] = ProbeResult(ok=True, title="Hindi Feed")
    ours, theirs = group(admin=True), group(admin=True, chat_id="-100333")
    await bot.say(ours, f"/addsource {FEED}")

    assert "comes from the bot's configuration file" in await bot.said(ours, "/removesource 1")
    assert "added by another chat" in await bot.said(theirs, "/removesource 4")
    assert "There's no source #9" in await bot.said(ours, "/removesource 9")
    assert "Usage: /removesource" in await bot.said(ours, "/removesource")

    [removed] = await bot.say(ours, "/removesource #4")
    assert removed.plain_text() == "🗑 Removed source #4: Hindi Feed"
    assert await bot.store.sources.get_by_url(FEED) is None
    assert len(await bot.store.sources.list_all()) == 3


async def test_source_names_link_to_the_source(bot: Bot) -> None:
    await _configured(bot)
    links = [span.url for span in spans(await bot.say(private(), "/sources")) if span.url]
    assert links == [
        "https://ok.example/rss",
        "https://broken.example/rss",
        "https://new.example/rss",
    ]
