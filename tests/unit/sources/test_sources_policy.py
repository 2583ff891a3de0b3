"""Backoff, pausing and Retry-After (bot.domain.source_policy: the fetcher and polling use it)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bot.domain.source_policy import next_poll_after_failure, parse_retry_after, should_pause


def test_backoff_doubles_per_failure_within_jitter() -> None:
    rng = random.Random(7)
    for failures, factor in [(1, 1), (2, 2), (3, 4), (5, 16)]:
        wait = next_poll_after_failure(failures, 300, rng=rng)
        assert 300 * factor * 0.8 <= wait <= 300 * factor * 1.2


def test_backoff_is_capped_and_spread() -> None:
    waits = {round(next_poll_after_failure(40, 600, max_interval=3600)) for _ in range(50)}
    assert max(waits) <= 3600 * 1.2
    assert min(waits) >= 3600 * 0.8
    assert len(waits) > 10  # jitter spreads sources that failed together


def test_no_failure_means_the_normal_interval() -> None:
    assert next_poll_after_failure(0, 600) == 600


def test_cap_never_shortens_a_long_normal_interval() -> None:
    assert next_poll_after_failure(3, 86400, max_interval=3600, jitter=0) == 86400


def test_pause_threshold() -> None:
    assert not should_pause(9)
    assert should_pause(10)
    assert should_pause(3, threshold=3)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("999999999", 86400.0),
        ("Sat, 28 Nov 2026 12:02:00 GMT", 120.0),
        ("Sat, 28 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(header: str | None, expected: float | None) -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == expected
