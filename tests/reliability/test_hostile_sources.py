"""Hostile sources: feeds that try to exhaust, hang, trick or read the bot, in the real service.

One ``khabardar run`` process (SQLite, fake Telegram) polls every hostile case of
:mod:`tests.reliability.hostile_server` — gzip bomb, 60 MB bodies, an endless chunked stream, a
slowloris, redirect loops and chains, redirects to a loopback and to the cloud-metadata address,
invalid UTF-8, billion laughs, XXE in a feed and in an XHTML page, 100,000 items, a 1 MB title —
plus every file of ``../shared/corpus/feeds/hostile/`` and one good Hindi feed whose new stories
a chat tracking ``डेटा लीक`` must keep receiving throughout.

The SSRF guard stays on: the service gets ``KHABARDAR_ALLOWED_NETWORKS=127.0.0.1/32`` (only the
test servers' address), not ``KHABARDAR_ALLOW_PRIVATE_URLS``, so the redirects to ``127.0.0.2``
(a listener there counts requests) and to ``169.254.169.254`` meet the real guard.

Every hostile path serves a small valid feed until the attack is armed; the service's memory is
read from ``/proc/<pid>/status`` once every source was read (baseline) and at the end (``VmHWM``,
the kernel's high-water mark). The fast variant holds the attack until every case has its health
entry — the slowloris needs the production 30 s deadline, so ~45 s in all; the slow variant
keeps the attack on for three minutes (repeated polls: memory must not creep).

Asserted: the process never exits; each case's source carries the health error expected (a
stable ``kind`` and a one-line message) or reads cleanly; every corpus file ends as "ok" or a
clear ``parse``/``not_a_feed`` error; no poll crashes; every good story is alerted; the secret
file's marker appears in no article, message, log or database byte; 127.0.0.2 saw no request;
peak RSS growth stays under a bound. Figures: a table per case and one ``key=value`` line.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.adapters.sources.text import DEFAULT_TITLE_CHARS
from bot.adapters.storage.store import Store
from bot.services.ports import SourceRow
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegram
from tests.reliability.hostile_server import (
    CASES,
    CORPUS_HOSTILE,
    HUGE_TITLE_SLUG,
    SLOWLORIS_BYTE_EVERY_S,
    HostileServer,
)
from tests.reliability.service_harness import (
    QUERY,
    FeedServer,
    ServiceProcess,
    rss_item,
    seed_telegram_chats,
    serve_feed,
    service_env,
)

CHAT = 7_300_001
TOTAL_DEADLINE_S = 30.0  # FetchLimits.total_timeout_s, the production value (not configurable)
# What each case's source must record; the words are what makes the message actionable.
EXPECTED_ERRORS: dict[str, tuple[str, str]] = {
    "gzip-bomb": ("too_large", "decompressed response is larger than 20 MB"),
    "huge-declared": ("too_large", "response is larger than 5 MB"),
    "huge-undeclared": ("too_large", "response is larger than 5 MB"),
    "endless-chunked": ("too_large", "response is larger than 5 MB"),
    "slowloris": ("timeout", "no complete answer within 30 s"),
    "redirect-loop": ("redirects", "redirect loop"),
    "redirect-chain": ("redirects", "more than 5 redirects"),
    "redirect-private": ("ssrf", "refusing to fetch 127.0.0.2: loopback address"),
    "redirect-metadata": ("ssrf", "169.254.169.254: link-local address (cloud metadata"),
}
READ_CLEANLY = ("invalid-utf8", "billion-laughs", "xxe", "xxe-page", "many-items", "huge-title")
CORPUS_ERROR_KINDS = ("parse", "not_a_feed")
# Real, distinct stories, each with its own lead (a shared lead would make the story clustering
# fold them into one story, which reaches a chat once), each matching the tracked query.
GOOD_STORIES = (
    (
        "रेलवे टिकट ऐप से यात्रियों का डेटा लीक होने का दावा, मंत्रालय ने मांगी रिपोर्ट",
        "एक सुरक्षा शोधकर्ता ने बताया कि बुकिंग के दौरान दर्ज नाम, उम्र और मोबाइल नंबर एक खुले सर्वर पर मिले।",
    ),
    (
        "अस्पताल के मरीज़ों का डेटा लीक: साइबर पुलिस ने दो लोगों को हिरासत में लिया",
        "पुलिस के अनुसार आरोपी जांच रिपोर्ट और बीमारी का ब्योरा बेचने की कोशिश कर रहे थे।",
    ),
    (
        "बिजली कंपनी के उपभोक्ताओं का डेटा लीक, आधार से जुड़ी जानकारी बाहर आई",
        "कंपनी ने माना कि बिलिंग सॉफ़्टवेयर में खामी थी और सभी पासवर्ड बदलवाए जा रहे हैं।",
    ),
    (
        "विश्वविद्यालय के छात्रों का डेटा लीक, परीक्षा परिणाम पोर्टल दो दिन के लिए बंद",
        "कुलसचिव ने कहा कि अंकपत्र और पते गलती से सार्वजनिक फ़ोल्डर में डाल दिए गए थे।",
    ),
    (
        "बीमा कंपनी का डेटा लीक, पॉलिसीधारकों को फ़र्ज़ी कॉल से सतर्क रहने की सलाह",
        "ग्राहकों को ऐसे कॉल आ रहे हैं जिनमें ठग पॉलिसी नंबर बताकर प्रीमियम मांगते हैं।",
    ),
    (
        "सरकारी पोर्टल से किसानों का डेटा लीक, विभाग ने सुरक्षा ऑडिट शुरू किया",
        "कृषि विभाग के मुताबिक़ ज़मीन के रिकॉर्ड और बैंक खाते की जानकारी प्रभावित हुई है।",
    ),
    (
        "टेलीकॉम कंपनी के ग्राहकों का डेटा लीक, सिम बदलवाने वालों की सूची इंटरनेट पर मिली",
        "दूरसंचार विभाग ने कंपनी से चौबीस घंटे के भीतर पूरी घटना का ब्योरा मांगा है।",
    ),
    (
        "फ़ूड डिलीवरी ऐप का डेटा लीक, लाखों पते और फ़ोन नंबर बिक्री के लिए पेश",
        "एक हैकर फ़ोरम पर यह सूची सस्ते दाम पर बेची जा रही थी, ऐप ने जांच की पुष्टि की।",
    ),
    (
        "नगर निगम की वेबसाइट से करदाताओं का डेटा लीक, आयुक्त ने जांच समिति बनाई",
        "संपत्ति कर की रसीदों में मकान मालिकों के नाम और पैन नंबर साफ़ दिख रहे थे।",
    ),
    (
        "ऑनलाइन परीक्षा एजेंसी का डेटा लीक, अभ्यर्थियों के प्रवेश पत्र सार्वजनिक हुए",
        "एजेंसी ने कहा कि परीक्षा तय समय पर होगी और नए प्रवेश पत्र जारी किए जाएंगे।",
    ),
    (
        "हवाई अड्डे के वाई-फ़ाई से यात्रियों का डेटा लीक, कंपनी ने सेवा रोकी",
        "लॉग-इन के लिए दिए गए पासपोर्ट नंबर बिना सुरक्षा के एक फ़ाइल में जमा हो रहे थे।",
    ),
    (
        "स्कूल प्रबंधन ऐप का डेटा लीक, अभिभावकों के फ़ोन नंबर ठगों तक पहुंचे",
        "कई अभिभावकों ने शिकायत की कि उन्हें फ़ीस के नाम पर फ़र्ज़ी भुगतान लिंक भेजे गए।",
    ),
    (
        "सहकारी बैंक का डेटा लीक, खाताधारकों की केवाईसी फ़ाइलें ऑनलाइन मिलीं",
        "रिज़र्व बैंक ने बैंक से सुरक्षा खामियों पर विस्तृत रिपोर्ट तलब की है।",
    ),
    (
        "जिम चेन के सदस्यों का डेटा लीक, फ़िटनेस ऐप ने माफ़ी मांगी",
        "ऐप के अनुसार सदस्यों के वज़न, उम्र और फ़ोन नंबर वाली एक पुरानी फ़ाइल चोरी हुई।",
    ),
)
OLD_LEAD = "यह खबर कई साल पुरानी है और अब किसी काम की नहीं।"
ALERT_GIVE_UP_S = 90.0
MAX_PEAK_GROWTH_MB = 200  # measured ~80 MB; it was ~230 before huge feeds were cut pre-parse
MAX_CREEP_MB = 100


def _memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values


def _sources_toml(hostile: HostileServer, good_url: str) -> str:
    entries = [(good_url, "हिंदी खबरें")]
    entries += [(hostile.url(case.name), case.name) for case in CASES]
    entries += [(url, f"corpus {name}") for name, url in hostile.corpus_urls().items()]
    return "".join(f'[[source]]\nurl = "{url}"\nname = "{name}"\n\n' for url, name in entries)


async def _health(database_url: str) -> dict[str, SourceRow]:
    store = Store.open(database_url)
    try:
        return {row.url: row for row in await store.sources.list_all()}
    finally:
        await store.close()


def _articles(db: Path) -> list[tuple[str, str, str, str]]:
    """(source url, title, summary, body) of every stored article, read-only."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return connection.execute(
            "SELECT s.url, a.title, a.summary, a.body FROM articles a "
            "JOIN sources s ON s.id = a.source_id"
        ).fetchall()


def _kind(row: SourceRow) -> str:
    if row.failures == 0 or not row.last_error:
        return "ok"
    return row.last_error.split(":", 1)[0]


@dataclass
class GoodFeed:
    """Publishes a new matching story every ``every_s`` seconds (each story once) and times
    each one's alert: from publication to the fake Telegram accepting it."""

    feed: FeedServer
    telegram: FakeTelegram
    every_s: float
    latencies: list[float] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` (at least two stories), then wait for the last alerts."""
        pending: dict[str, float] = {}
        number = 0
        next_at = time.monotonic()
        while True:
            now = time.monotonic()
            publishing = (not stop.is_set() or number < 2) and number < len(GOOD_STORIES)
            if publishing and now >= next_at:
                pending[self._publish(number)] = now
                number += 1
                next_at = now + self.every_s
            elif not publishing and not pending:
                return
            sent = " ".join(m.text for m in self.telegram.messages(CHAT))
            for slug, added in list(pending.items()):
                if slug in sent:
                    self.latencies.append(now - added)
                    del pending[slug]
                elif now - added > ALERT_GIVE_UP_S:
                    self.missing.append(slug)
                    del pending[slug]
            await asyncio.sleep(0.05)

    def _publish(self, number: int) -> str:
        title, lead = GOOD_STORIES[number]
        slug = f"good-{number}-{secrets.token_hex(3)}"
        self.feed.items.insert(0, rss_item(title, slug, lead))
        return slug


async def _settled(database_url: str, hostile: HostileServer) -> bool:
    """Every hostile case and corpus file has a health entry from its hostile content.

    Dormant reads never fail, so any failure is the attack's; a success counts once it was
    recorded after the hostile content went out (a success records its end time, a failure
    the time its poll started)."""
    rows = await _health(database_url)
    targets = {case.name: hostile.url(case.name) for case in CASES}
    targets.update({f"corpus/{name}": url for name, url in hostile.corpus_urls().items()})
    for key, url in targets.items():
        armed, row = hostile.first_armed.get(key), rows[url]
        if armed is None:
            return False
        if row.failures == 0 and (row.last_polled_at is None or row.last_polled_at < armed):
            return False
    return all(rows[targets[case]].failures > 0 for case in EXPECTED_ERRORS)


async def _scenario(
    tmp_path: Path, service_factory: list[ServiceProcess], *, hold_s: float, good_every_s: float
) -> dict[str, object]:
    marker = f"KHABARDAR-XXE-CANARY-{secrets.token_hex(12)}"
    secret = tmp_path / "secret-notes.txt"
    secret.write_text(f"{marker}\nroot:x:0:0:root:/root:/bin/bash\n", "utf-8")
    db = tmp_path / "khabardar.db"
    database_url = f"sqlite:///{db}"
    await seed_telegram_chats(database_url, [CHAT], query=QUERY)
    corpus = CORPUS_HOSTILE if CORPUS_HOSTILE.is_dir() else None
    async with (
        HostileServer(secret, corpus=corpus) as hostile,
        serve_feed() as good_feed,
        FakeTelegram(rate_limits=None) as telegram,
    ):
        telegram.add_chat(CHAT, type="private", first_name="आशा")
        old = datetime(2020, 1, 1, tzinfo=UTC)
        good_feed.items = [rss_item("पुरानी खबर", "old-story", OLD_LEAD, published=old)]
        sources = tmp_path / "sources.toml"
        sources.write_text(_sources_toml(hostile, good_feed.url), "utf-8")
        env = service_env(
            tmp_path,
            token=DEFAULT_TOKEN,
            telegram_url=telegram.base_url,
            sources=sources,
            KHABARDAR_ALLOW_PRIVATE_URLS="false",
            KHABARDAR_ALLOWED_NETWORKS="127.0.0.1/32",
        )
        service = ServiceProcess(tmp_path, env)
        service_factory.append(service)
        startup_s = await service.start()
        dormant_started = time.monotonic()
        assert service.process is not None
        pid = service.process.pid
        hostile_urls = {case.name: hostile.url(case.name) for case in CASES}
        corpus_urls = hostile.corpus_urls()
        all_urls = [good_feed.url, *hostile_urls.values(), *corpus_urls.values()]

        deadline = time.monotonic() + 60
        while True:  # dormant: every source reads a small valid feed once
            rows = await _health(database_url)
            if all(rows.get(u) and rows[u].last_ok_at for u in all_urls):
                break
            assert time.monotonic() < deadline, "sources not all read before the attack"
            await asyncio.sleep(0.2)
        baseline = _memory(pid)
        dormant_s = time.monotonic() - dormant_started

        hostile.arm()
        attack_started = time.monotonic()
        stop = asyncio.Event()
        good = GoodFeed(good_feed, telegram, every_s=good_every_s)
        good_task = asyncio.create_task(good.run(stop))
        rss_peak_sampled = baseline["VmRSS"]
        deadline = time.monotonic() + hold_s + TOTAL_DEADLINE_S + 60
        first_round: dict[str, float] = {}  # memory once every case had its health entry
        while True:
            assert service.process.returncode is None, "the service died under attack"
            rss_peak_sampled = max(rss_peak_sampled, _memory(pid)["VmRSS"])
            if not first_round and await _settled(database_url, hostile):
                first_round = _memory(pid)
                first_round["at"] = time.monotonic() - attack_started
            if first_round and time.monotonic() - attack_started >= hold_s:
                break
            assert time.monotonic() < deadline, "hostile sources did not all get a health entry"
            await asyncio.sleep(0.25)
        attack_s = time.monotonic() - attack_started
        rows = await _health(database_url)  # before the attack ends and the sources recover
        after = _memory(pid)
        stop.set()
        hostile.disarm()  # frees the poll tick the slowloris holds, for the last good stories
        wrapup_started = time.monotonic()
        await good_task
        last_alerts_s = time.monotonic() - wrapup_started

        async with httpx.AsyncClient() as client:
            healthz = await client.get(f"http://127.0.0.1:{env['PORT']}/healthz")
        assert healthz.status_code == 200
        stored = _articles(db)
        messages = telegram.messages(CHAT)
        assert await service.terminate() == 0
        output = service.output()
        private_hits = hostile.private_hits
        slowloris_bytes = hostile.bytes_sent["slowloris"]
        endless_bytes = hostile.bytes_sent["endless-chunked"]
        endless_hits = hostile.hits["endless-chunked"]

    # -- what each hostile case did -----------------------------------------------------------
    table: list[tuple[str, str, str]] = []
    for case in CASES:
        row = rows[hostile_urls[case.name]]
        table.append((case.name, _kind(row), (row.last_error or "read cleanly")[:150]))
        if case.name in EXPECTED_ERRORS:
            kind, words = EXPECTED_ERRORS[case.name]
            assert row.failures >= 1, f"{case.name}: no failure recorded"
            assert row.last_error is not None and row.last_error.startswith(f"{kind}: "), (
                case.name,
                row.last_error,
            )
            assert words in row.last_error, (case.name, row.last_error)
            assert "\n" not in row.last_error and len(row.last_error) <= 500
        else:
            assert row.failures == 0 and row.last_error is None, (case.name, row.last_error)
    per_source: dict[str, list[tuple[str, str, str]]] = {}
    for url, title, summary, body in stored:
        per_source.setdefault(url, []).append((title, summary, body))
    for name in READ_CLEANLY:
        assert per_source.get(hostile_urls[name]), f"{name}: no article stored"
    many = per_source[hostile_urls["many-items"]]
    assert 500 <= len(many) <= 501  # the newest 500 (+ the dormant item)
    giant = [t for t, _s, _b in per_source[hostile_urls["huge-title"]] if len(t) > 100]
    assert giant and all(len(t) <= DEFAULT_TITLE_CHARS for t in giant)
    for title, summary, body in per_source[hostile_urls["billion-laughs"]]:
        assert "lollollol" not in title + summary + body
    assert all(len(t) <= DEFAULT_TITLE_CHARS for t, _s, _b in (a[1:] for a in stored))
    huge_alerts = [m for m in messages if HUGE_TITLE_SLUG in m.text]
    assert len(huge_alerts) == 1 and len(huge_alerts[0].plain_text) <= 4096

    # -- no local file content anywhere -------------------------------------------------------
    for title, summary, body in (a[1:] for a in stored):
        assert marker not in title + summary + body
        assert "root:x:0:0" not in title + summary + body
    assert not any(marker in m.text for m in telegram.messages())
    assert marker not in output
    for path in tmp_path.glob("khabardar.db*"):
        assert marker.encode() not in path.read_bytes(), path.name
    assert private_hits == 0  # the guard refused the loopback redirect before connecting

    # -- the corpus, the service, the good feed -----------------------------------------------
    corpus_kinds: dict[str, int] = {}
    for name, url in corpus_urls.items():
        row = rows[url]
        kind = _kind(row)
        assert kind == "ok" or kind in CORPUS_ERROR_KINDS, (name, row.last_error)
        corpus_kinds[kind] = corpus_kinds.get(kind, 0) + 1
    assert "poll crashed" not in output and "scheduled job failed" not in output
    assert not good.missing, f"good stories never alerted: {good.missing}"
    assert len(good.latencies) >= 2
    assert rows[good_feed.url].failures == 0
    # Slowloris: cut by the total deadline, not by the read timeout its drip keeps resetting.
    assert slowloris_bytes <= (attack_s / SLOWLORIS_BYTE_EVERY_S + 2) * 2

    peak = max(after["VmHWM"], rss_peak_sampled)
    growth = peak - baseline["VmRSS"]
    print(f"\nhostile sources: query {QUERY!r}; each case, its health after {attack_s:.0f} s:")
    for name, kind, error in table:
        print(f"  {name:18s} {kind:10s} {error}")
    print(f"  corpus ({len(corpus_urls)} files): {corpus_kinds}")
    figures: dict[str, object] = {
        "sources": len(all_urls),
        "hostile_cases": len(CASES),
        "corpus_files": len(corpus_urls),
        "errored": sum(1 for _n, kind, _e in table if kind != "ok")
        + sum(v for k, v in corpus_kinds.items() if k != "ok"),
        "read_cleanly": sum(1 for _n, kind, _e in table if kind == "ok")
        + corpus_kinds.get("ok", 0),
        "good_alerts": len(good.latencies),
        "good_alert_max_s": round(max(good.latencies), 1),
        "good_alert_median_s": round(sorted(good.latencies)[len(good.latencies) // 2], 1),
        "baseline_rss_mb": round(baseline["VmRSS"], 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_growth_mb": round(growth, 1),
        "first_round_s": round(first_round["at"], 1),
        "first_round_rss_mb": round(first_round["VmRSS"], 1),
        "end_rss_mb": round(after["VmRSS"], 1),
        "endless_mb_sent": round(endless_bytes / 1048576, 1),
        "endless_fetches": endless_hits,
        "slowloris_bytes": slowloris_bytes,
        "private_hits": private_hits,
        "secret_leaks": 0,
        "startup_s": round(startup_s, 1),
        "first_reads_s": round(dormant_s, 1),
        "attack_s": round(attack_s, 1),
        "last_alerts_s": round(last_alerts_s, 1),
    }
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    assert growth < MAX_PEAK_GROWTH_MB, f"peak RSS grew by {growth:.0f} MB"
    # Polled again and again, the same attack must not keep taking memory.
    assert after["VmRSS"] - first_round["VmRSS"] < MAX_CREEP_MB
    # A poll tick waits for its slowest source, so the slowloris holds the good feed's next read
    # for up to the whole deadline; then the stories queue at Telegram's 1 message/s per chat.
    assert max(good.latencies) < TOTAL_DEADLINE_S + len(GOOD_STORIES) + 10
    return figures


async def test_hostile_sources_do_not_hurt_the_service(
    tmp_path: Path, service_factory: list[ServiceProcess]
) -> None:
    await _scenario(tmp_path, service_factory, hold_s=0, good_every_s=4)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_hostile_sources_for_three_minutes(
    tmp_path: Path, service_factory: list[ServiceProcess]
) -> None:
    await _scenario(tmp_path, service_factory, hold_s=180, good_every_s=16)
