"""The fakes' rate limiters and fault injector behave as documented (clock injected, no sleeps)."""

from __future__ import annotations

import pytest

from tests.fakes.faults import ALL_METHODS, FaultInjector, FaultKind, RandomFaults
from tests.fakes.rate_limits import (
    ManualClock,
    SlidingWindow,
    TokenBucket,
    acquire_all,
    retry_after_seconds,
)


def test_token_bucket_allows_a_burst_then_the_sustained_rate() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate_per_s=1.0, burst=3, clock=clock)
    assert [bucket.try_acquire() for _ in range(3)] == [None, None, None]
    assert bucket.try_acquire() == pytest.approx(1.0)
    clock.now += 0.5
    assert bucket.try_acquire() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.try_acquire() is None
    clock.now += 100  # refill is capped at the burst
    assert [bucket.try_acquire() for _ in range(4)][-1] is not None


def test_sliding_window_is_a_strict_ceiling() -> None:
    clock = ManualClock()
    window = SlidingWindow(limit=20, period_s=60.0, clock=clock)
    for second in range(20):
        clock.now = 1000.0 + second
        assert window.try_acquire() is None
    clock.now = 1030.0
    assert window.try_acquire() == pytest.approx(30.0)  # the first event leaves at 1060
    clock.now = 1060.0
    assert window.try_acquire() is None


def test_acquire_all_charges_no_limiter_when_one_refuses() -> None:
    clock = ManualClock()
    chat = TokenBucket(rate_per_s=1.0, burst=1, clock=clock)
    bot = SlidingWindow(limit=1, period_s=1.0, clock=clock)
    assert acquire_all([chat, bot]) is None
    other_chat = TokenBucket(rate_per_s=1.0, burst=1, clock=clock)
    assert acquire_all([other_chat, bot]) == pytest.approx(1.0)
    clock.now += 1.0
    # other_chat kept its token although the bot-wide window refused the first attempt.
    assert other_chat.wait_time() is None
    assert acquire_all([other_chat, bot]) is None


def test_retry_after_is_whole_seconds_and_never_zero() -> None:
    assert retry_after_seconds(0.01) == 1
    assert retry_after_seconds(1.0) == 1
    assert retry_after_seconds(1.2) == 2


def test_random_faults_are_reproducible_for_a_seed_and_respect_fractions() -> None:
    faults = RandomFaults(seed=7, rate_limited=0.2, server_error=0.1, disconnect=0.1)
    first = FaultInjector(faults, default_methods=frozenset({"sendmessage"}))
    second = FaultInjector(faults, default_methods=frozenset({"sendmessage"}))
    picks = [first.pick("sendMessage") for _ in range(2000)]
    assert picks == [second.pick("sendMessage") for _ in range(2000)]
    share = {kind: picks.count(kind) / len(picks) for kind in FaultKind}
    assert share[FaultKind.RATE_LIMITED] == pytest.approx(0.2, abs=0.03)
    assert share[FaultKind.SERVER_ERROR] == pytest.approx(0.1, abs=0.03)
    assert share[FaultKind.DISCONNECT] == pytest.approx(0.1, abs=0.03)
    assert share[FaultKind.TIMEOUT] == 0
    assert first.snapshot()["rate_limited"] == picks.count(FaultKind.RATE_LIMITED)
    # Methods outside the affected set are never touched.
    assert all(first.pick("getMe") is None for _ in range(200))
    everything = FaultInjector(
        RandomFaults(server_error=1.0, methods=ALL_METHODS), default_methods=frozenset()
    )
    assert everything.pick("getMe") is FaultKind.SERVER_ERROR


@pytest.mark.parametrize(
    "options",
    [{"rate_limited": 1.5}, {"server_error": 0.6, "timeout": 0.6}, {"retry_after": 0}],
)
def test_impossible_fault_settings_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RandomFaults(**options)  # type: ignore[arg-type]


def test_fault_settings_read_from_admin_json() -> None:
    faults = RandomFaults.from_json({"seed": 3, "timeout": 0.5, "methods": ["sendMessage"]})
    assert faults.methods == frozenset({"sendmessage"})
    assert RandomFaults.from_json({"methods": "*"}).methods == ALL_METHODS
