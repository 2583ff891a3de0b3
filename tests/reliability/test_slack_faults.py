"""Slack platform faults: 20 % of ``chat.postMessage`` calls fail, and every alert still arrives,
in order, exactly once.

The Slack twin of ``test_platform_faults.py``: the real ``DeliveryWorker`` (real SQLite outbox,
real ``SlackOutlet`` + ``SlackSender`` = slack-sdk's ``AsyncWebClient`` over aiohttp) sends ~100
alerts to 30 conversations (24 channels, 6 DMs; 3–4 alerts each, scores drawn at random) through
``FakeSlack`` with its real per-channel rate limit (1/s, burst 3) and ``RandomFaults`` on 20 % of
``chat.postMessage`` calls: HTTP 429 ``ratelimited`` with ``Retry-After`` 1–5 s (changed every
half second), 500 ``fatal_error``, 502 with an HTML body, a request that never gets an answer,
a dropped connection. Checked:

* every alert delivered exactly once and its outbox row marked sent;
* per conversation, the messages arrive best score first (the order the worker promises);
* no busy loop: no one-second window holds more calls than the Slack pacing allows (30
  conversations at 1/s each), failed calls included, and every failed call is followed by
  exactly one new attempt (calls = alerts + failures);
* a 429's ``Retry-After`` is honoured: the next attempt in that conversation starts no sooner
  than the wait Slack asked for, and no conversation is retried in a tight loop (tries are
  paced ~1 s apart, never under 0.5 s)
  (seen by a recording wrapper around the real sender: channel, start, end, outcome);
* figures: attempts per alert, injected faults, and the delay the faults added compared with the
  pacing's own minimum (fast) or a fault-free run of the same workload (slow).

Fast variant: short client timeout and backoff (2 s timeout, 0.5 s backoff base). Slow variant:
the production policy and the sender's default 15 s timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import shutil
import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.outlets.platforms import SlackOutlet
from bot.adapters.slack.sender import SlackSender
from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.domain.lexicon import DEFAULT_TOPICS_PATH, load_lexicon
from bot.domain.models import Article, ChatKind, OutboxStatus, Platform
from bot.domain.outgoing import SentMessage, SlackMessage
from bot.domain.query import parse_query
from bot.errors import RetryLater
from bot.services.delivery import DeliveryPolicy, DeliveryWorker
from bot.services.pacing import PlatformLimits, SendPacer
from bot.services.ports import ChatDefaults, NewSubscription, OutboxEntry
from tests.fakes.faults import RandomFaults
from tests.fakes.slack_server import DEFAULT_TOKEN, FakeSlack, PostedSlackMessage

CHANNELS = 24
DMS = 6
CHATS = CHANNELS + DMS
HEADLINES = [
    "Data leak at state power utility exposes billing records of 40 lakh consumers",
    "बैंक के सर्वर से लाखों ग्राहकों का डेटा लीक, जांच के आदेश",
    "Hospital chain confirms data leak of patient reports, police complaint filed",
    "रेलवे टिकट बुकिंग साइट का डेटा लीक, यात्रियों के फोन नंबर बाहर आए",
    "Food delivery app data leak: phone numbers and addresses of users found online",
    "विश्वविद्यालय के छात्रों का डेटा लीक, परीक्षा परिणाम भी प्रभावित",
    "Insurance firm's data leak under investigation after documents surface on forum",
    "नगर निगम की वेबसाइट से नागरिकों का डेटा लीक होने का डर, आधार नंबर उजागर",
    "Telecom operator denies data leak, says leaked list is years old",
    "स्वास्थ्य बीमा कंपनी के दस्तावेज इंटरनेट पर मिले, डेटा लीक की जांच शुरू",
]
FAULT_SHARE = 0.04  # each of 429, 500, 502, timeout, dropped connection: 20 % together


@dataclass(frozen=True, slots=True)
class Timings:
    timeout_s: float
    hang_s: float
    policy: DeliveryPolicy


FAST = Timings(
    timeout_s=2.0,
    hang_s=4.0,
    policy=DeliveryPolicy(backoff_base_s=0.5, backoff_max_s=4.0, idle_poll_s=0.2),
)
PRODUCTION = Timings(timeout_s=15.0, hang_s=30.0, policy=DeliveryPolicy())


@dataclass(frozen=True, slots=True)
class Attempt:
    channel: str
    started: float
    ended: float
    retry_after: float | None  # set when Slack answered 429
    ok: bool


class RecordingSender:
    """Passes every call to the real ``SlackSender`` and notes when and how it ended."""

    def __init__(self, sender: SlackSender) -> None:
        self._sender = sender
        self.attempts: list[Attempt] = []

    async def send(
        self, channel: str, message: SlackMessage, *, thread_ts: str | None = None
    ) -> SentMessage:
        started = time.monotonic()
        retry_after: float | None = None
        ok = False
        try:
            sent = await self._sender.send(channel, message, thread_ts=thread_ts)
            ok = True
            return sent
        except RetryLater as exc:
            retry_after = exc.retry_after
            raise
        finally:
            self.attempts.append(Attempt(channel, started, time.monotonic(), retry_after, ok))


def _pacing_figures(attempts: list[Attempt]) -> tuple[float, int, float]:
    """(smallest gap between two attempts in one conversation, 429 waits checked, smallest
    margin by which a retry after a 429 came later than ``Retry-After`` asked)."""
    by_channel: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_channel.setdefault(attempt.channel, []).append(attempt)
    min_gap, waits, min_margin = float("inf"), 0, float("inf")
    for channel, tries in by_channel.items():
        tries.sort(key=lambda a: a.started)
        for before, after in itertools.pairwise(tries):
            assert after.started >= before.ended, f"{channel}: two sends at once"
            min_gap = min(min_gap, after.started - before.started)
            if before.retry_after is not None:
                waits += 1
                margin = after.started - (before.ended + before.retry_after)
                min_margin = min(min_margin, margin)
    return min_gap, waits, min_margin


@dataclass(frozen=True, slots=True)
class RunFigures:
    alerts: int
    attempts: int
    accepted: int
    failed_calls: int
    makespan_s: float
    p50_latency_s: float
    max_latency_s: float
    max_calls_per_s: int
    injected: dict[str, int]
    http_429: int
    limiter_429: int
    max_outbox_attempts: int
    min_gap_s: float
    waits_429: int
    min_wait_margin_s: float


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slack-faults-db") / "template.db"
    asyncio.run(upgrade_database(f"sqlite:///{path}"))
    return path


@pytest.fixture
async def store_factory() -> AsyncIterator[list[Store]]:
    opened: list[Store] = []
    yield opened
    for store in opened:
        await store.close()


def _conversation(n: int) -> tuple[str, ChatKind]:
    if n < CHANNELS:
        return f"C0NEWS{n:04d}", ChatKind.CHANNEL
    return f"D0DESK{n:04d}", ChatKind.PRIVATE


async def _seed(store: Store, rng: random.Random) -> dict[str, list[tuple[str, float]]]:
    """30 conversations, 3–4 alerts each (about 100); returns per channel its (title, score)."""
    now = datetime.now(UTC)
    articles = [
        Article(
            url=f"https://news.example/leaks/{i}",
            title=title,
            summary="Police and the cyber cell are investigating. पुलिस जांच कर रही है।",
            published_at=now - timedelta(minutes=10 + i),
            lang="hi" if i % 2 else "en",
            source_name="Tech Ledger" if i % 2 == 0 else "हिंदी टेक खबर",
        )
        for i, title in enumerate(HEADLINES)
    ]
    stored = (await store.articles.insert_new(None, articles, fetched_at=now)).new
    assert len(stored) == len(HEADLINES)
    parsed = parse_query("data leak", lexicon=load_lexicon(DEFAULT_TOPICS_PATH))
    plan: dict[str, list[tuple[str, float]]] = {}
    entries: list[OutboxEntry] = []
    for n in range(CHATS):
        channel, kind = _conversation(n)
        chat, _ = await store.chats.get_or_create(
            Platform.SLACK, channel, defaults=ChatDefaults(kind=kind, lang="en")
        )
        added = await store.subscriptions.add(
            NewSubscription(
                chat_id=chat.id,
                query_text="data leak",
                query_norm=parsed.canonical(),
                parsed=parsed.to_json(),
            )
        )
        picks = rng.sample(stored, 3 if n % 3 else 4)
        plan[channel] = []
        for article in picks:
            score = round(rng.uniform(0.4, 1.0), 4)
            plan[channel].append((article.article.title, score))
            entries.append(
                OutboxEntry(
                    chat_id=chat.id,
                    story_id=f"story-{article.id}",
                    article_id=article.id,
                    subscription_ids=(added.subscription.id,),
                    score=score,
                )
            )
    assert await store.outbox.enqueue(entries) == len(entries)
    return plan


async def _rotate_retry_after(
    slack: FakeSlack, rng: random.Random, stop: asyncio.Event, *, hang_s: float
) -> None:
    """429s ask for 1–5 s: RandomFaults has one ``retry_after``, so change it twice a second."""
    round_ = 0
    while not stop.is_set():
        slack.set_random_faults(
            RandomFaults(
                seed=2000 + round_,
                rate_limited=FAULT_SHARE,
                server_error=FAULT_SHARE,
                bad_gateway=FAULT_SHARE,
                timeout=FAULT_SHARE,
                disconnect=FAULT_SHARE,
                retry_after=rng.randint(1, 5),
                hang_s=hang_s,
            )
        )
        round_ += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)
    slack.set_random_faults(None)


async def _wait_for_messages(slack: FakeSlack, count: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(slack.messages(kind="message")) < count:
        if time.monotonic() > deadline:
            got = len(slack.messages(kind="message"))
            raise AssertionError(f"only {got} of {count} alerts reached Slack in {timeout:g} s")
        await asyncio.sleep(0.05)


def _title_of(message: PostedSlackMessage, titles: list[str]) -> str:
    shown = " ".join(
        [message.text or ""] + [str(block.get("text", "")) for block in message.blocks]
    )
    found = [title for title in titles if title in shown]
    assert len(found) == 1, f"{message.channel}: {found} in {shown[:300]!r}"
    return found[0]


async def _deliver(
    migrated_template: Path,
    db_path: Path,
    stores: list[Store],
    *,
    timings: Timings,
    faults: bool,
    seed: int,
) -> RunFigures:
    shutil.copy(migrated_template, db_path)
    store = Store.open(f"sqlite:///{db_path}")
    stores.append(store)
    rng = random.Random(seed)
    plan = await _seed(store, rng)
    total = sum(len(v) for v in plan.values())
    async with (
        FakeSlack() as slack,
        SlackSender(DEFAULT_TOKEN, slack.api_url, timeout_s=timings.timeout_s) as sender,
    ):
        recording = RecordingSender(sender)
        worker = DeliveryWorker(
            storage=store,
            outlet=SlackOutlet(recording),
            pacer=SendPacer(PlatformLimits.slack()),
            clock=lambda: datetime.now(UTC),
            owner="reliability-slack",
            policy=timings.policy,
        )
        stop_faults = asyncio.Event()
        rotating = asyncio.create_task(
            _rotate_retry_after(slack, random.Random(seed), stop_faults, hang_s=timings.hang_s)
            if faults
            else stop_faults.wait()
        )
        started_wall, started = time.time(), time.monotonic()
        running = asyncio.create_task(worker.run())
        try:
            await _wait_for_messages(slack, total, timeout=600)
        finally:
            stop_faults.set()
            worker.stop()
            await asyncio.wait_for(running, 30)
            await rotating
        await asyncio.sleep(0.2)  # a late duplicate would show up here
        messages = slack.messages(kind="message")
        calls = [c for c in slack.calls("chat.postMessage") if c.at >= started_wall]
        stats = slack.stats()

    # Every alert exactly once, each conversation's best score first.
    assert len(messages) == total, f"{len(messages) - total} extra messages"
    by_channel: dict[str, list[PostedSlackMessage]] = {}
    for message in messages:
        by_channel.setdefault(message.channel, []).append(message)
    assert set(by_channel) == set(plan)
    for channel, expected in plan.items():
        best_first = [title for title, _ in sorted(expected, key=lambda p: -p[1])]
        got = [_title_of(m, best_first) for m in by_channel[channel]]
        assert got == best_first, f"{channel}: order {got} != {best_first}"
        assert all(m.thread_ts is None for m in by_channel[channel])  # alerts are top-level
    max_outbox_attempts = 0
    for chat in await store.chats.list_active(platform=Platform.SLACK):
        rows = await store.outbox.recent_for_chat(chat.id)
        assert rows and all(r.status is OutboxStatus.SENT for r in rows), rows
        max_outbox_attempts = max([max_outbox_attempts, *(r.attempts for r in rows)])

    per_second = Counter(int(c.at - started_wall) for c in calls)
    assert len(recording.attempts) == len(calls)  # the wrapper saw every call Slack saw
    assert sum(a.ok for a in recording.attempts) == total
    min_gap, waits, min_margin = _pacing_figures(recording.attempts)
    latencies = sorted(m.monotonic - started for m in messages)
    return RunFigures(
        alerts=total,
        attempts=len(calls),
        accepted=sum(1 for c in calls if c.status == 200 and c.error is None),
        failed_calls=sum(1 for c in calls if c.status != 200 or c.error is not None),
        makespan_s=latencies[-1],
        p50_latency_s=statistics.median(latencies),
        max_latency_s=latencies[-1],
        max_calls_per_s=max(per_second.values()),
        injected={k: v for k, v in stats["injected"].items() if v},
        http_429=stats["http_429"],
        limiter_429=stats["rate_limited_429"],
        max_outbox_attempts=max_outbox_attempts,
        min_gap_s=min_gap,
        waits_429=waits,
        min_wait_margin_s=min_margin,
    )


async def _faults_scenario(
    migrated_template: Path,
    tmp_path: Path,
    stores: list[Store],
    timings: Timings,
    *,
    measure_calm: bool,
) -> None:
    """``measure_calm``: also time a fault-free run of the same workload (the slow variant);
    otherwise the added delay is against the pacing's own minimum (4 alerts at 1/s per chat)."""
    calm_makespan = 3.0  # the 4th alert of a conversation cannot leave before 3 s at 1/s
    if measure_calm:
        calm = await _deliver(
            migrated_template, tmp_path / "calm.db", stores, timings=timings, faults=False, seed=11
        )
        assert calm.attempts == calm.accepted == calm.alerts  # no faults: no retries
        calm_makespan = calm.makespan_s
        print(
            f"\n  slack without faults: makespan {calm.makespan_s:.1f} s, "
            f"p50 {calm.p50_latency_s:.1f} s, max calls/s {calm.max_calls_per_s}"
        )
    stormy = await _deliver(
        migrated_template, tmp_path / "stormy.db", stores, timings=timings, faults=True, seed=11
    )
    injected = sum(stormy.injected.values())
    print(
        f"\nslack platform faults (20 %): alerts={stormy.alerts} conversations={CHATS} "
        f"attempts={stormy.attempts} ({stormy.attempts / stormy.alerts:.2f}/alert) "
        f"injected={stormy.injected} http_429_total={stormy.http_429} "
        f"fake_rate_limiter_429={stormy.limiter_429}\n"
        f"  with faults: makespan {stormy.makespan_s:.1f} s, p50 {stormy.p50_latency_s:.1f} s, "
        f"max {stormy.max_latency_s:.1f} s, max calls/s {stormy.max_calls_per_s}, "
        f"max attempts of one alert {stormy.max_outbox_attempts}, "
        f"min gap between tries in one conversation {stormy.min_gap_s:.2f} s, "
        f"429 waits honoured {stormy.waits_429} (min margin {stormy.min_wait_margin_s:.2f} s)\n"
        f"slack_faults lost=0 duplicated=0 attempts={stormy.attempts} injected={injected} "
        f"added_delay_s={stormy.makespan_s - calm_makespan:.1f} "
        f"max_calls_per_s={stormy.max_calls_per_s}"
    )
    assert injected >= 5, stormy.injected  # faults really happened
    assert stormy.accepted == stormy.alerts  # each alert accepted once: no duplicate
    # Each failed call is followed by exactly one new attempt, no more: no retry storm.
    assert stormy.attempts == stormy.alerts + stormy.failed_calls
    assert stormy.failed_calls == injected + stormy.limiter_429
    # The pacer keeps under Slack's own limit: the fake's rate limiter never had to refuse.
    assert stormy.limiter_429 == 0
    # No busy loop: even while failing, no second holds more calls than 30 conversations at
    # 1/s each (a couple more for network jitter at a second's boundary).
    assert stormy.max_calls_per_s <= CHATS + 3
    # Per conversation: tries about a second apart (paced at 1/s; the start of a send can lag
    # its booked slot when all concurrent slots are busy, hence not exactly 1 s), never a
    # retry loop; and every retry after a 429 waited at least what Slack's Retry-After asked.
    assert stormy.min_gap_s >= 0.5, stormy.min_gap_s
    assert stormy.waits_429 >= 1 and stormy.min_wait_margin_s >= -0.05, stormy


async def test_slack_20_percent_faults_deliver_everything_in_order(
    migrated_template: Path, tmp_path: Path, store_factory: list[Store]
) -> None:
    await _faults_scenario(migrated_template, tmp_path, store_factory, FAST, measure_calm=False)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_slack_20_percent_faults_with_production_timings(
    migrated_template: Path, tmp_path: Path, store_factory: list[Store]
) -> None:
    await _faults_scenario(
        migrated_template, tmp_path, store_factory, PRODUCTION, measure_calm=True
    )
