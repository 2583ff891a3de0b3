"""How strongly an article matches a subscription: weights, bonuses, freshness, threshold.

Scale (before source weight and freshness): one term found once in the **title** scores 3.0,
in the **lead** 2.0, in the **body** 1.0, times how it was found (exact, stem and lexicon
1.0 — curated spellings are as trustworthy as the word itself — phonetic 0.85); each further
mention adds 0.25 (at most +0.5). ANDed terms are
averaged, then bonuses apply: +0.5 when they occur within ``PROXIMITY_WINDOW`` words of each
other in one field, +0.5 when all are in the title, +0.5 for an exact phrase. OR takes its best
branch. The total is multiplied by the source's weight and by freshness.

``DEFAULT_THRESHOLD`` (1.5) keeps boilerplate out: a single body-only mention (BBC Hindi's
footer "एंड्रॉएड ऐप … फ़ेसबुक और ट्विटर पर फ़ॉलो") scores 1.0 and never alerts; a title or
lead mention always does, and so do body mentions that repeat or sit next to each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

TITLE: Final = 0
LEAD: Final = 1
BODY: Final = 2
FIELD_NAMES: Final = ("title", "lead", "body")
FIELD_WEIGHTS: Final = (3.0, 2.0, 1.0)

VIA_EXACT: Final = 0
VIA_STEM: Final = 1
VIA_LEXICON: Final = 2
VIA_PHONETIC: Final = 3
VIA_NAMES: Final = ("exact", "stem", "lexicon", "phonetic")
VIA_FACTORS: Final = (1.0, 1.0, 1.0, 0.85)  # curated spellings are trusted; sound less

REPEAT_BONUS: Final = 0.25
REPEAT_CAP: Final = 0.5
PHRASE_BONUS: Final = 0.5
PROXIMITY_WINDOW: Final = 10
PROXIMITY_BONUS: Final = 0.5
ALL_IN_TITLE_BONUS: Final = 0.5

DEFAULT_THRESHOLD: Final = 1.5

FRESH_FOR: Final = timedelta(hours=24)
STALE_AFTER: Final = timedelta(days=7)
STALE_FACTOR: Final = 0.6
OLD_FACTOR: Final = 0.5


def term_strength(best_field: int, via: int, occurrences: int, *, phrase: bool = False) -> float:
    """Evidence of one query term: where it was best found, how, and how often."""
    strength = FIELD_WEIGHTS[best_field] * VIA_FACTORS[via]
    strength += min(REPEAT_CAP, REPEAT_BONUS * max(0, occurrences - 1))
    if phrase:
        strength += PHRASE_BONUS
    return strength


def freshness(published_at: datetime | None, now: datetime) -> float:
    """1.0 for the last day, falling linearly to 0.6 at a week, 0.5 beyond; unknown → 1.0."""
    if published_at is None:
        return 1.0
    if published_at.tzinfo is None or now.tzinfo is None:
        # naive datetimes are a caller bug elsewhere; compare them as they are
        published_at = published_at.replace(tzinfo=None)
        now = now.replace(tzinfo=None)
    age = now - published_at
    if age <= FRESH_FOR:
        return 1.0
    if age >= STALE_AFTER:
        return OLD_FACTOR
    span = (STALE_AFTER - FRESH_FOR).total_seconds()
    done = (age - FRESH_FOR).total_seconds() / span
    return 1.0 - done * (1.0 - STALE_FACTOR)


def smallest_window(positions: Sequence[Sequence[int]]) -> int | None:
    """Width (in words) of the smallest span holding one position from every list.

    Each list must be sorted. Classic k-way sweep; used for the proximity bonus.
    """
    if not positions or any(not p for p in positions):
        return None
    events = sorted((pos, index) for index, plist in enumerate(positions) for pos in plist)
    need = len(positions)
    counts = [0] * need
    have = 0
    best: int | None = None
    left = 0
    for right_pos, right_index in events:
        if counts[right_index] == 0:
            have += 1
        counts[right_index] += 1
        while have == need:
            left_pos, left_index = events[left]
            width = right_pos - left_pos
            if best is None or width < best:
                best = width
            counts[left_index] -= 1
            if counts[left_index] == 0:
                have -= 1
            left += 1
    return best


def combine_and(strengths: Sequence[float], *, near: bool, all_in_title: bool) -> float:
    """Score of ANDed terms: their mean plus the proximity and all-in-title bonuses."""
    if not strengths:
        return 0.0
    score = sum(strengths) / len(strengths)
    if len(strengths) > 1:
        if near:
            score += PROXIMITY_BONUS
        if all_in_title:
            score += ALL_IN_TITLE_BONUS
    return score
