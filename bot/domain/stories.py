"""Near-duplicate detection: one ``story_id`` for the same news from several feeds or URLs.

Exact duplicates (same canonical URL or GUID) are the store's job. Here, ``fingerprint``
computes a 64-bit SimHash over the article's normalised title and lead, where every word is
first replaced by a *cross-script key* — its lexicon topic if it has one (बैन, प्रतिबंध and
ban all become ``#ban``), otherwise its consonant skeleton (TikTok and टिकटॉक both become
``tktk``) — so spelling variants and scripts collapse. ``StoryClusterer`` then gives an article
the story of the nearest recent fingerprint (Hamming distance ≤ ``max_distance`` within
``window``) or a new story id.

Fingerprints are returned as *signed* 64-bit integers so they fit a PostgreSQL ``bigint``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.domain import phonetic
from bot.domain.lexicon import Lexicon
from bot.domain.models import Article
from bot.domain.text import (
    ENGLISH_STOPWORDS,
    HINDI_STOPWORDS,
    hindi_stem,
    is_devanagari,
    is_latin,
    token_norms,
)

BITS: Final = 64
_MASK: Final = (1 << BITS) - 1
_SIGN: Final = 1 << (BITS - 1)
LEAD_WORDS: Final = 40
TITLE_WEIGHT: Final = 2
DEFAULT_MAX_DISTANCE: Final = 12
DEFAULT_WINDOW: Final = timedelta(hours=48)


def _to_signed(value: int) -> int:
    return value - (1 << BITS) if value & _SIGN else value


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints (signed or unsigned)."""
    return ((a ^ b) & _MASK).bit_count()


def word_key(norm: str, lexicon: Lexicon | None = None) -> str | None:
    """The cross-script key of a normalised word; None for function words."""
    if norm in HINDI_STOPWORDS or norm in ENGLISH_STOPWORDS:
        return None
    if lexicon is not None:
        topics = lexicon.topics_for([norm])
        if topics:
            return "#" + min(topic.name for topic in topics)
    if norm.isdigit():
        return norm
    if is_devanagari(norm):
        norm = hindi_stem(norm)
    elif not is_latin(norm):
        return norm
    keys = phonetic.keys(norm)
    return keys[0][0] if keys else norm


def _keys(norms: list[str], lexicon: Lexicon | None) -> Iterable[str | None]:
    """Word keys, reading a two-word Devanagari lexicon term (टिक टॉक, यू ट्यूब) as its one
    topic key, so a split Hindi spelling and the joined one (TikTok, टिकटॉक) give the same
    feature. Latin word pairs stay separate words: English rewording moves them apart."""
    index = 0
    while index < len(norms):
        pair = norms[index : index + 2]
        if lexicon is not None and len(pair) == 2 and all(is_devanagari(w) for w in pair):
            topics = lexicon.topics_for(pair)
            if topics:
                yield "#" + min(topic.name for topic in topics)
                index += 2
                continue
        yield word_key(norms[index], lexicon)
        index += 1


def _features(article: Article, lexicon: Lexicon | None) -> dict[str, int]:
    features: dict[str, int] = {}
    for text, weight, limit in (
        (article.title, TITLE_WEIGHT, None),
        (article.summary, 1, LEAD_WORDS),
    ):
        norms = token_norms(text)
        if limit is not None:
            norms = norms[:limit]
        keys = [k for k in _keys(norms, lexicon) if k is not None]
        for key in keys:
            features[key] = features.get(key, 0) + weight
    # Words only, no word pairs: rewording a headline reorders words far more than it
    # replaces them (measured: same-story pairs 0–11 bits apart, different stories ≥ 22).
    return features


def fingerprint(article: Article, *, lexicon: Lexicon | None = None) -> int:
    """64-bit SimHash of the article's title and lead over cross-script word keys."""
    totals = [0] * BITS
    for feature, weight in _features(article, lexicon).items():
        digest = int.from_bytes(
            hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big"
        )
        for bit in range(BITS):
            if digest >> bit & 1:
                totals[bit] += weight
            else:
                totals[bit] -= weight
    value = 0
    for bit, total in enumerate(totals):
        if total > 0:
            value |= 1 << bit
    return _to_signed(value)


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """A recently seen article's fingerprint and the story it was given."""

    fingerprint: int
    story_id: str
    seen_at: datetime


def new_story_id(fingerprint_value: int, at: datetime) -> str:
    """A deterministic id: the same first article yields the same id in every process."""
    return f"{fingerprint_value & _MASK:016x}-{int(at.timestamp()):x}"


class StoryClusterer:
    """Assigns story ids by fingerprint proximity within a sliding time window."""

    def __init__(
        self,
        recent: Iterable[StoryEntry] = (),
        *,
        window: timedelta = DEFAULT_WINDOW,
        max_distance: int = DEFAULT_MAX_DISTANCE,
    ) -> None:
        self.window = window
        self.max_distance = max_distance
        self._entries: list[StoryEntry] = sorted(recent, key=lambda e: e.seen_at)

    def __len__(self) -> int:
        return len(self._entries)

    def prune(self, now: datetime) -> None:
        """Forget entries older than the window."""
        cutoff = now - self.window
        self._entries = [e for e in self._entries if e.seen_at >= cutoff]

    def nearest(self, fingerprint_value: int, *, at: datetime) -> StoryEntry | None:
        """The closest entry within the window and distance, newest first on ties."""
        best: StoryEntry | None = None
        best_distance = self.max_distance + 1
        low, high = at - self.window, at + self.window
        for entry in reversed(self._entries):
            if not low <= entry.seen_at <= high:
                continue
            distance = hamming(entry.fingerprint, fingerprint_value)
            if distance < best_distance:
                best, best_distance = entry, distance
        return best

    def assign(self, fingerprint_value: int, *, at: datetime) -> str:
        """The story this fingerprint belongs to (existing or new); remembers it."""
        found = self.nearest(fingerprint_value, at=at)
        story_id = found.story_id if found else new_story_id(fingerprint_value, at)
        entry = StoryEntry(fingerprint_value, story_id, at)
        if not self._entries or self._entries[-1].seen_at <= at:
            self._entries.append(entry)
        else:
            self._entries.append(entry)
            self._entries.sort(key=lambda e: e.seen_at)
        return story_id
