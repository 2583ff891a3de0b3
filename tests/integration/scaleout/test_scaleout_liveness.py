"""Liveness on the real PostgreSQL: a dead process's claims are freed in seconds, a live one's
never, and a process whose alive lock dropped stops sending before its claims can move.

In-process part: ``Liveness`` objects on separate engines play the processes. Death is the
alive lock's session ending with the claims left behind (``close`` releases nothing — exactly
what kill -9 leaves); a dropped connection is ``pg_terminate_backend`` on the alive session
while the object keeps running. Process part: two real ``khabardar run`` on one schema with one
Slack bot; the Slack sender is a singleton duty like Telegram's (its claims follow its leadership
lock), and the process holding it is killed with SIGKILL while it holds claims.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.outlets.platforms import SlackOutlet
from bot.adapters.slack.sender import SlackSender
from bot.adapters.storage.engine import create_engine
from bot.adapters.storage.leadership import Leadership, lock_key
from bot.adapters.storage.liveness import (
    FRESH_S,
    GRACE_S,
    SWEEP_S,
    Liveness,
    alive_key,
    is_process_owner,
    process_owner_name,
)
from bot.adapters.storage.store import Store
from bot.domain.lexicon import DEFAULT_TOPICS_PATH, load_lexicon
from bot.domain.models import Article, ChatKind, Platform, SourceSpec
from bot.domain.query import parse_query
from bot.services.delivery import DeliveryPolicy, DeliveryWorker
from bot.services.pacing import PlatformLimits, SendPacer
from bot.services.ports import ChatDefaults, NewSubscription, OutboxEntry
from tests.fakes.slack_server import FakeSlack
from tests.integration.scaleout.cluster_harness import start_service
from tests.reliability.service_harness import (
    ServiceProcess,
    rss_item,
    serve_feed,
    service_env,
    write_sources,
)

pytestmark = pytest.mark.postgres

QUERY = "डेटा लीक"
DUTY_OWNER = "telegram-sender:7000000001"  # claims that follow a leadership lock
TAKEOVER_LIMIT_S = GRACE_S + 2 * SWEEP_S + 2.0  # grace, a sweep, and slack for a busy host
SLACK_CHANNELS = ["C0LIVE0A1", "C0LIVE0B2", "C0LIVE0C3"]
# Ten different data-leak stories (each its own alert), each with its own lead.
STORIES = [
    ("बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक, जांच के आदेश", "बैंक ने कहा कि खातों से कोई रकम नहीं निकली है।"),
    (
        "अस्पताल के मरीजों का डेटा लीक, साइबर पुलिस ने मामला दर्ज किया",
        "मरीजों की जांच रिपोर्ट और फोन नंबर इंटरनेट पर बिकते मिले।",
    ),
    (
        "टेलीकॉम कंपनी के ग्राहकों का डेटा लीक होने की आशंका",
        "कंपनी ने ग्राहकों से सिम कार्ड का पिन बदलने को कहा है।",
    ),
    (
        "ऑनलाइन शॉपिंग ऐप से डेटा लीक, करोड़ों उपयोगकर्ताओं के पते उजागर",
        "ऐप ने माना कि एक पुराने सर्वर में सुरक्षा की खामी थी।",
    ),
    ("परीक्षा बोर्ड की वेबसाइट से छात्रों का डेटा लीक", "मंत्रालय ने बोर्ड से तीन दिन में रिपोर्ट मांगी है।"),
    (
        "बिजली विभाग के उपभोक्ताओं का डेटा लीक, हैकरों ने मांगी फिरौती",
        "विभाग ने बिल भुगतान की सेवा कुछ घंटों के लिए रोक दी।",
    ),
    (
        "एयरलाइन के यात्रियों का डेटा लीक, पासपोर्ट नंबर भी शामिल",
        "एयरलाइन ने यात्रियों को ईमेल भेजकर सतर्क रहने की सलाह दी।",
    ),
    (
        "फूड डिलीवरी कंपनी में डेटा लीक, ग्राहकों के फोन नंबर बिक्री पर",
        "कंपनी का कहना है कि भुगतान की जानकारी सुरक्षित है।",
    ),
    ("नगर निगम के पोर्टल से करदाताओं का डेटा लीक", "निगम आयुक्त ने पोर्टल का ऑडिट कराने के निर्देश दिए।"),
    (
        "बीमा कंपनी के पॉलिसीधारकों का डेटा लीक, नियामक ने जवाब मांगा",
        "नियामक ने कंपनी से सात दिन में जवाब देने को कहा है।",
    ),
]


def story_key(title: str) -> str:
    return title.split(",")[0]


def utc_now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def engines(database_url: str, schema: str) -> AsyncIterator[list[AsyncEngine]]:
    """Four engines on the test schema: three "processes" and the admin the test plays."""
    made = [create_engine(database_url, schema=schema) for _ in range(4)]
    yield made
    for engine in made:
        await engine.dispose()


async def leases(admin: AsyncEngine) -> dict[str, Counter[str]]:
    """Unexpired leases per owner, per table."""
    found: dict[str, Counter[str]] = {}
    async with admin.connect() as connection:
        for table in ("outbox", "sources"):
            rows = await connection.execute(
                text(f"SELECT lease_owner FROM {table} WHERE lease_until > :now"),
                {"now": utc_now()},
            )
            found[table] = Counter(str(row.lease_owner) for row in rows)
    return found


async def kill_alive_session(admin: AsyncEngine, scope: str, owner: str) -> None:
    """End the session holding ``owner``'s alive lock, as a dropped connection would."""
    high, low = (part & 0xFFFF_FFFF for part in alive_key(scope, owner))
    async with admin.connect() as connection:
        [pid] = (
            await connection.scalars(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND objsubid = 2 AND classid::bigint = :high AND objid::bigint = :low"
                ),
                {"high": high, "low": low},
            )
        ).all()
        assert await connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def seed_outbox(store: Store, *, rows: int, platform_chat_id: str) -> list[int]:
    """``rows`` pending alerts for one Slack chat; returns their outbox ids."""
    chat, _ = await store.chats.get_or_create(
        Platform.SLACK,
        platform_chat_id,
        defaults=ChatDefaults(kind=ChatKind.GROUP, title="खबर डेस्क", lang="hi"),
    )
    items = [
        Article(
            url=f"https://hindi-tech.example/{platform_chat_id}/report-{n}.html",
            title=f"डेटा लीक मामले की जांच रिपोर्ट, भाग {n}",
            summary="साइबर पुलिस ने कंपनी के अधिकारियों से पूछताछ की है।",
        )
        for n in range(1, rows + 1)
    ]
    inserted = await store.articles.insert_new(None, items, fetched_at=utc_now())
    await store.outbox.enqueue(
        [
            OutboxEntry(chat_id=chat.id, story_id=f"story-{a.id}", article_id=a.id,
                        subscription_ids=(), score=1.0)
            for a in inserted.new
        ]
    )  # fmt: skip
    return sorted(a.id for a in inserted.new)


async def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> float:
    """Poll ``condition`` (plain or async) until truthy; returns the seconds it took."""
    began = time.monotonic()
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return time.monotonic() - began
        assert time.monotonic() - began < timeout, f"timed out after {timeout} s: {what}"
        await asyncio.sleep(0.02)


def takeovers(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "took over the claims of a dead process"]


async def test_alive_keys_never_meet_leadership_keys_and_only_process_owners_are_swept(
    engines: list[AsyncEngine], schema: str, tmp_path: Path
) -> None:
    owner = process_owner_name()
    assert is_process_owner(owner)
    # Telegram sender claims follow its duty; an owner without the mark holds no alive lock.
    assert not is_process_owner(DUTY_OWNER)
    assert not is_process_owner(owner.rsplit(":", 1)[0])
    # A duty named exactly like the owner and the owner's alive lock are two different locks.
    leadership = Leadership(engines[0], scope=schema)
    liveness = Liveness(engines[1], scope=schema, owner=owner)
    try:
        assert await leadership.hold(owner)
        await liveness.start()
        assert liveness.alive()
        key = lock_key(schema, owner) & 0xFFFF_FFFF_FFFF_FFFF
        alive = tuple(part & 0xFFFF_FFFF for part in alive_key(schema, owner))
        async with engines[3].connect() as connection:
            held = {
                (row.objsubid, row.classid, row.objid)
                for row in await connection.execute(
                    text(
                        "SELECT objsubid, classid::bigint AS classid, objid::bigint AS objid "
                        "FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    )
                )
            }
        assert (1, key >> 32, key & 0xFFFF_FFFF) in held  # the duty: the int8 key space
        assert (2, *alive) in held  # the alive lock: the two-int4 key space
    finally:
        await liveness.close()
        await leadership.close()
    # SQLite is one process: no alive lock, always alive, nothing swept.
    sqlite = create_engine(f"sqlite:///{tmp_path}/khabardar.db")
    try:
        inert = Liveness(sqlite, scope="public", owner=owner)
        await inert.start()
        assert inert.alive()
        await inert.close()
        assert inert.alive()
    finally:
        await sqlite.dispose()


async def test_a_dead_processes_claims_are_freed_in_seconds_and_a_live_ones_never(
    engines: list[AsyncEngine], schema: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.storage.liveness")
    live, dead, sweeper = (
        Liveness(engine, scope=schema, owner=process_owner_name()) for engine in engines[:3]
    )
    store = Store(engines[3])
    await seed_outbox(store, rows=6, platform_chat_id="C0LIVE001")
    now = utc_now()
    await store.sources.upsert_from_config(
        [SourceSpec(url=f"https://hindi-news.example/feed-{n}.xml") for n in range(2)],
        default_interval_s=600,
        now=now,
    )
    try:
        for process in (live, dead, sweeper):
            await process.start()
        for owner in (live.owner, dead.owner, DUTY_OWNER):
            claimed = await store.outbox.claim_pending(
                platform=Platform.SLACK, now=now, limit=2, owner=owner, lease_s=120
            )
            assert len(claimed) == 2
        for owner in (live.owner, dead.owner):
            assert len(await store.sources.claim_due(now=now, limit=1, owner=owner, lease_s=120))
        # A digest each is being built: a killed claimer's is finished by the digest leader's
        # next resync instead of after the 10-minute stale check.
        chat, _ = await store.chats.get_or_create(
            Platform.SLACK, "C0LIVE001", defaults=ChatDefaults(kind=ChatKind.GROUP)
        )
        digests = {}
        for day, owner in enumerate((live.owner, dead.owner), start=1):
            start = datetime(2026, 11, day, 3, 30, tzinfo=UTC)
            claimed = await store.digests.claim(
                chat.id, period_start=start, period_end=start + timedelta(days=1), now=now,
                owner=owner,
            )  # fmt: skip
            assert claimed is not None
            digests[owner] = claimed.id
        before = await leases(engines[3])

        # Everyone alive for longer than the grace and two sweeps: nothing moves.
        await asyncio.sleep(GRACE_S + 2 * SWEEP_S)
        assert await leases(engines[3]) == before
        assert takeovers(caplog) == []

        await dead.close()  # its session ends, its claims stay behind: kill -9
        died = time.monotonic()
        await wait_for(
            lambda: holds_nothing(engines[3], dead.owner),
            timeout=TAKEOVER_LIMIT_S,
            what="the dead owner's claims freed",
        )
        takeover_s = time.monotonic() - died
        # Freed rows are claimable at once, by anyone: exactly the dead owner's two.
        taken = await store.outbox.claim_pending(
            platform=Platform.SLACK, now=utc_now(), limit=10, owner=sweeper.owner, lease_s=120
        )
        await asyncio.sleep(2 * SWEEP_S)  # more sweeps: still nothing of the living moves
        after = await leases(engines[3])
        stale = await store.digests.list_unsent(claimed_before=utc_now() - timedelta(minutes=10))
        claimers = await digest_claimers(engines[3])
    finally:
        for process in (live, dead, sweeper):
            await process.close()
        await store.close()

    assert GRACE_S <= takeover_s < TAKEOVER_LIMIT_S
    assert len(taken) == 2
    assert after["outbox"] == Counter({live.owner: 2, DUTY_OWNER: 2, sweeper.owner: 2})
    assert after["sources"] == Counter({live.owner: 1})
    assert [d.id for d in stale] == [digests[dead.owner]]  # retaken by the next resync
    assert claimers == {digests[live.owner]: live.owner, digests[dead.owner]: None}
    [line] = takeovers(caplog)  # one line per takeover, naming the owner and what was freed
    freed = (line.owner, line.alerts, line.sources, line.digests)  # type: ignore[attr-defined]
    assert freed == (dead.owner, 2, 1, 1)
    print(f"\nliveness: claims of a dead owner freed after {takeover_s:.2f} s (lease: 120 s)")


async def digest_claimers(admin: AsyncEngine) -> dict[int, str | None]:
    async with admin.connect() as connection:
        rows = await connection.execute(text("SELECT id, claimed_by FROM digests"))
        return {int(row.id): row.claimed_by for row in rows}


async def holds_nothing(admin: AsyncEngine, owner: str) -> bool:
    """Whether ``owner`` holds no unexpired lease in either table."""
    found = await leases(admin)
    return owner not in found["outbox"] and owner not in found["sources"]


async def test_a_process_whose_alive_lock_drops_stops_sending_before_its_claims_move(
    engines: list[AsyncEngine], schema: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Two delivery workers (real Slack client, each its own fake Slack so every send is known
    by who made it); A's alive session is cut while it sends. A stops within its freshness
    window, B gets A's claims only after the grace, A comes back: every alert sent once.
    (Without a sweeper quicker than A, A often re-takes its own lock first and resumes: also
    without duplicates, since it takes back its leftovers before claiming.)"""
    caplog.set_level(logging.INFO, logger="bot.adapters.storage.liveness")
    rows = 40
    stores = [Store(engine) for engine in engines[:2]]
    assert len(await seed_outbox(stores[0], rows=rows, platform_chat_id="C0LIVE002")) == rows
    # A notices within its check interval and re-takes its lock one interval later; B sweeps
    # every 0.2 s, so B gets A's key first (else A would simply carry on, which is fine too).
    lives = [
        Liveness(engine, scope=schema, owner=process_owner_name(), sweep_s=sweep_s)
        for engine, sweep_s in zip(engines[:2], (SWEEP_S, 0.2), strict=True)
    ]
    policy = DeliveryPolicy(backlog_limit=1000, idle_poll_s=0.1)
    samples: list[tuple[float, bool]] = []
    async with FakeSlack(rate_limits=None) as slack_a, FakeSlack(rate_limits=None) as slack_b:
        senders = [SlackSender(slack.token, slack.api_url) for slack in (slack_a, slack_b)]
        workers = [
            DeliveryWorker(
                storage=store,
                outlet=SlackOutlet(sender),
                pacer=SendPacer(PlatformLimits.slack(per_channel_per_s=10)),
                clock=utc_now,
                owner=liveness.owner,
                policy=policy,
                may_send=liveness.alive,
            )
            for store, sender, liveness in zip(stores, senders, lives, strict=True)
        ]
        tasks: list[asyncio.Task[None]] = []
        try:
            for sender, liveness in zip(senders, lives, strict=True):
                await sender.start()
                await liveness.start()
            tasks.append(asyncio.create_task(workers[0].run()))
            await wait_for(lambda: len(slack_a.messages()) >= 5, timeout=10, what="A sending")
            tasks.append(asyncio.create_task(workers[1].run()))  # A holds every claim

            async def sample() -> None:
                while True:
                    samples.append((time.monotonic(), lives[0].alive()))
                    await asyncio.sleep(0.01)

            tasks.append(asyncio.create_task(sample()))
            await kill_alive_session(engines[3], schema, lives[0].owner)
            cut = time.monotonic()
            await wait_for(
                lambda: len(slack_a.messages()) + len(slack_b.messages()) >= rows,
                timeout=30,
                what="every alert sent",
            )
            await wait_for(lives[0].alive, timeout=10, what="A alive again")
            statuses = await stores[0].outbox.pending_counts()
        finally:
            for worker in workers:
                worker.stop()
            for task in tasks[2:]:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for sender, liveness in zip(senders, lives, strict=True):
                await liveness.close()
                await sender.aclose()
            for store in stores:
                await store.close()

    sent_by = {"A": slack_a.messages(), "B": slack_b.messages()}
    titles = Counter(
        number
        for messages in sent_by.values()
        for m in messages
        for number in set(re.findall(r"जांच रिपोर्ट, भाग (\d+)", m.text or ""))
    )
    assert sorted(map(int, titles)) == list(range(1, rows + 1)), titles
    assert set(titles.values()) == {1}, titles  # each alert sent once, by A or by B
    assert statuses == {}  # nothing pending
    stopped = next(t for t, alive in samples if t > cut and not alive)
    last_a = max(m.monotonic for m in sent_by["A"])
    first_b = min(m.monotonic for m in sent_by["B"])
    # A noticed and stopped within its freshness window; B began only after the grace.
    assert stopped - cut < FRESH_S
    assert last_a < stopped + 0.1  # a send already in flight may still land
    assert first_b - cut >= GRACE_S
    assert last_a < first_b
    messages = [r.getMessage() for r in caplog.records]
    assert "alive lock lost: claiming and sending stop until it is regained" in messages
    assert "alive lock regained: claiming again" in messages
    [line] = takeovers(caplog)
    assert line.owner == lives[0].owner  # type: ignore[attr-defined]
    print(
        f"\nliveness: A stopped {stopped - cut:.2f} s after its alive session was cut, B sent "
        f"from {first_b - cut:.2f} s; sent by A {len(sent_by['A'])}, by B {len(sent_by['B'])}, "
        f"duplicates 0"
    )


async def seed_slack_chats(database_url: str, schema: str, channels: list[str]) -> None:
    parsed = parse_query(QUERY, lexicon=load_lexicon(DEFAULT_TOPICS_PATH))
    async with Store.open(database_url, schema=schema) as store:
        for channel in channels:
            chat, _ = await store.chats.get_or_create(
                Platform.SLACK,
                channel,
                defaults=ChatDefaults(kind=ChatKind.GROUP, title="खबर डेस्क", lang="hi"),
            )
            await store.subscriptions.add(
                NewSubscription(
                    chat_id=chat.id,
                    query_text=QUERY,
                    query_norm=parsed.canonical(),
                    parsed=parsed.to_json(),
                )
            )


async def outbox_rows(admin: AsyncEngine) -> dict[int, str]:
    """Outbox row id → "sent", the lease owner of a pending row, or "-" when unclaimed."""
    async with admin.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT id, CASE WHEN status = 'sent' THEN 'sent' "
                "ELSE coalesce(lease_owner, '-') END AS state FROM outbox"
            )
        )
        return {int(row.id): str(row.state) for row in rows}


@pytest.mark.timeout(120)
async def test_the_slack_sender_is_one_per_deployment_and_a_killed_one_is_replaced_in_seconds(
    tmp_path: Path, database_url: str, schema: str
) -> None:
    """A and B run side by side with the same Slack bot token, each with its own fake Slack
    (so every message is known by who sent it). Only the holder of the ``slack-sender`` duty
    sends: one pacer for the deployment, so Slack's 1 message/s per channel holds however many
    processes run. The holder is killed between two rounds of its sends with claims it has not
    sent; the other takes the duty and those claims at once and sends each alert once."""
    alerts = len(SLACK_CHANNELS) * len(STORIES)
    await seed_slack_chats(database_url, schema, SLACK_CHANNELS)
    admin = create_engine(database_url, schema=schema)
    services: list[ServiceProcess] = []
    try:
        async with serve_feed() as feed, FakeSlack() as slack_a, FakeSlack() as slack_b:
            slacks = [slack_a, slack_b]
            for slack in slacks:
                for channel in SLACK_CHANNELS:
                    slack.add_channel(channel, name=channel.lower())
            feed.items = [
                rss_item("मौसम विभाग ने तेज बारिश का अनुमान जताया", "mausam", "किसान सतर्क रहें।")
            ]
            sources = write_sources(tmp_path / "sources.toml", feed.url)
            for name, slack in zip("AB", slacks, strict=True):
                workdir = tmp_path / name
                workdir.mkdir()
                env = service_env(
                    workdir,
                    token="unused",
                    telegram_url="http://127.0.0.1:9/",
                    sources=sources,
                    DATABASE_URL=database_url,
                    KHABARDAR_DB_SCHEMA=schema,
                    SLACK_BOT_TOKEN=slack.token,
                    SLACK_SIGNING_SECRET=slack.signing_secret,
                    SLACK_API_URL=slack.api_url,
                )
                for telegram in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL"):
                    env.pop(telegram)
                services.append(ServiceProcess(workdir, env))
            for service in services:
                await start_service(service)
            summaries = [
                next(line for line in s.output().splitlines() if "khabardar running" in line)
                for s in services
            ]
            [index] = [i for i, line in enumerate(summaries) if "slack-sender:" in line]
            victim, survivor = services[index], services[1 - index]
            victim_slack, survivor_slack = slacks[index], slacks[1 - index]
            duty = re.search(r"slack-sender:\w+", summaries[index])
            assert duty is not None
            owner = duty.group(0)

            async def first_poll_recorded() -> bool:
                async with Store.open(database_url, schema=schema) as store:
                    return any(s.last_ok_at is not None for s in await store.sources.list_all())

            await wait_for(first_poll_recorded, timeout=20, what="the first poll")
            feed.items[0:0] = [
                rss_item(title, f"leak-{n}", lead) for n, (title, lead) in enumerate(STORIES)
            ]

            async def all_claimed() -> bool:
                states = await outbox_rows(admin)
                return len(states) == alerts and "-" not in states.values()

            await wait_for(all_claimed, timeout=20, what="every alert stored and claimed")
            # Whichever process polled the stories, the duty holder claims every alert.
            assert set((await outbox_rows(admin)).values()) <= {owner, "sent"}

            # Kill the holder between two rounds of its sends: every send so far recorded, its
            # next one most of a second away — no send of the victim's is in flight.
            seen: list[tuple[float, int, int]] = []

            async def between_rounds() -> bool:
                mine = victim_slack.messages()
                if not mine:
                    return False
                quiet = time.monotonic() - max(m.monotonic for m in mine)
                states = await outbox_rows(admin)
                recorded = sum(state == "sent" for state in states.values())
                seen.append((round(quiet, 2), len(mine), recorded))
                return 0.15 < quiet < 0.75 and recorded == len(mine) and recorded < alerts

            try:
                await wait_for(between_rounds, timeout=10, what="a pause between two rounds")
            except AssertionError:
                raise AssertionError(
                    f"no pause in the victim's sends (quiet s, sent, recorded): {seen[-3:]}"
                ) from None
            assert not survivor_slack.messages(), "the standby sent while the holder lived"
            victim.kill()
            killed = time.monotonic()
            assert await victim.wait() == -9
            sent_before_kill = len(victim_slack.messages())
            at_kill = await outbox_rows(admin)
            unsent = [i for i, state in at_kill.items() if state == owner]
            assert unsent, "the victim sent everything before the kill"

            takeover_s = await wait_for(
                lambda: survivor_slack.messages(), timeout=TAKEOVER_LIMIT_S, what="sender moved"
            )

            async def delivered() -> bool:
                return set((await outbox_rows(admin)).values()) == {"sent"}

            await wait_for(delivered, timeout=30, what="every alert sent")
            delivered_s = time.monotonic() - killed
            assert await survivor.terminate() == 0
            final = await outbox_rows(admin)
            posted = slack_a.messages() + slack_b.messages()
            rate_limited = slack_a.http_429_count + slack_b.http_429_count
    finally:
        for service in services:
            await service.aclose()
        await admin.dispose()

    per_alert = Counter(
        (m.channel, story_key(title))
        for m in posted
        for title, _ in STORIES
        if story_key(title) in (m.text or "")
    )
    assert set(per_alert) == {(c, story_key(t)) for c in SLACK_CHANNELS for t, _ in STORIES}
    assert set(per_alert.values()) == {1}, per_alert  # exactly once
    assert len(posted) == alerts
    assert len(victim_slack.messages()) == sent_before_kill
    assert set(final.values()) == {"sent"} and len(final) == alerts
    assert rate_limited == 0
    # One takeover line, in the survivor, with the alerts the victim had not sent.
    lines = [line for line in survivor.output().splitlines() if "took back the claims" in line]
    assert len(lines) == 1 and f'"alerts": {len(unsent)}' in lines[0], lines
    assert takeover_s < TAKEOVER_LIMIT_S
    print(
        f"\nslack sender (processes): alerts={alerts} sent_before_kill={sent_before_kill} "
        f"unsent_at_kill={len(unsent)} sender_takeover_s={takeover_s:.2f} "
        f"all_sent_after_kill_s={delivered_s:.2f} duplicates=0 lost=0 ratelimited=0"
    )
