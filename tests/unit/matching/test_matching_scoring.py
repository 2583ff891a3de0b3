"""Score arithmetic (bot/domain/scoring.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import scoring

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def test_a_single_body_mention_never_reaches_the_default_threshold() -> None:
    body_once = scoring.term_strength(scoring.BODY, scoring.VIA_EXACT, 1)
    assert body_once < scoring.DEFAULT_THRESHOLD
    assert scoring.term_strength(scoring.BODY, scoring.VIA_EXACT, 2) < scoring.DEFAULT_THRESHOLD
    assert scoring.term_strength(scoring.BODY, scoring.VIA_EXACT, 3) >= scoring.DEFAULT_THRESHOLD
    for via in (scoring.VIA_EXACT, scoring.VIA_STEM, scoring.VIA_LEXICON, scoring.VIA_PHONETIC):
        assert scoring.term_strength(scoring.TITLE, via, 1) >= scoring.DEFAULT_THRESHOLD
        assert scoring.term_strength(scoring.LEAD, via, 1) >= scoring.DEFAULT_THRESHOLD


def test_repeats_are_capped_and_phrases_get_a_bonus() -> None:
    many = scoring.term_strength(scoring.LEAD, scoring.VIA_EXACT, 50)
    assert many == scoring.term_strength(scoring.LEAD, scoring.VIA_EXACT, 3)
    phrase = scoring.term_strength(scoring.LEAD, scoring.VIA_EXACT, 1, phrase=True)
    assert phrase == pytest.approx(2.0 + scoring.PHRASE_BONUS)


def test_freshness() -> None:
    assert scoring.freshness(None, NOW) == 1.0
    assert scoring.freshness(NOW - timedelta(hours=3), NOW) == 1.0
    assert scoring.freshness(NOW + timedelta(hours=3), NOW) == 1.0  # clocks disagree: no penalty
    middle = scoring.freshness(NOW - timedelta(days=4), NOW)
    assert scoring.STALE_FACTOR < middle < 1.0
    assert scoring.freshness(NOW - timedelta(days=30), NOW) == scoring.OLD_FACTOR


@pytest.mark.parametrize(
    ("positions", "width"),
    [
        ([[3], [5]], 2),
        ([[1, 40], [38, 90]], 2),
        ([[1, 9, 20], [4, 30], [6]], 5),
        ([[0], [100]], 100),
        ([[2], []], None),
        ([], None),
    ],
)
def test_smallest_window(positions: list[list[int]], width: int | None) -> None:
    assert scoring.smallest_window(positions) == width


def test_combine_and() -> None:
    assert scoring.combine_and([3.0, 1.0], near=False, all_in_title=False) == 2.0
    assert scoring.combine_and([3.0, 1.0], near=True, all_in_title=True) == 3.0
    assert scoring.combine_and([2.0], near=True, all_in_title=True) == 2.0  # one term: no bonus
    assert scoring.combine_and([], near=True, all_in_title=True) == 0.0
