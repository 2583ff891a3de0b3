"""The pipeline's story assigner over the domain's near-duplicate fingerprints.

Articles of the same story (one agency copy on several sites, a re-published URL, Hindi
spelling variants of the same headline) get the same ``story_id`` when their fingerprints are
close within the time window, so a chat is alerted once per story.
"""

from __future__ import annotations

from bot.domain.lexicon import Lexicon
from bot.domain.stories import StoryClusterer, StoryEntry, fingerprint
from bot.services.ports import StoredArticle, StoryFingerprint

_UNSIGNED_64 = (1 << 64) - 1


class FingerprintStories:
    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon

    def assign(
        self, article: StoredArticle, recent: list[StoryFingerprint]
    ) -> tuple[str, int | None]:
        # The domain gives a signed 64-bit value; storage keeps the same bits unsigned.
        value = fingerprint(article.article, lexicon=self._lexicon) & _UNSIGNED_64
        clusterer = StoryClusterer(
            StoryEntry(r.fingerprint, r.story_id, r.fetched_at)
            for r in recent
            if r.article_id != article.id
        )
        story_id = clusterer.assign(value, at=article.fetched_at)
        recent.append(
            StoryFingerprint(
                article_id=article.id,
                story_id=story_id,
                fingerprint=value,
                fetched_at=article.fetched_at,
            )
        )
        return story_id, value
