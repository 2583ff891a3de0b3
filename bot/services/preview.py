"""Preview a /track query against a set of articles (the body of ``khabardar preview``).

Pure: the caller loads the articles (URL or local feed/page, via the sources adapters) and the
lexicon, and prints the results. A bad query raises ``QueryError`` (its ``bilingual()`` text
is what the CLI prints before exiting with status 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.lexicon import Lexicon
from bot.domain.matcher import MatchIndex
from bot.domain.models import Article, MatchWhy
from bot.domain.query import parse_query
from bot.domain.stories import StoryClusterer, fingerprint

_PREVIEW_ID = 1


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """One matching article: its score, the terms as found in its text, story and evidence."""

    article: Article
    score: float
    matched: tuple[str, ...]
    story_id: str
    why: tuple[MatchWhy, ...]

    def to_json(self) -> dict[str, object]:
        """The ``--json`` line: at least url, title, score, matched, story_id."""
        return {
            "url": self.article.url,
            "title": self.article.title,
            "score": self.score,
            "matched": list(self.matched),
            "story_id": self.story_id,
            "published_at": (
                self.article.published_at.isoformat() if self.article.published_at else None
            ),
            "why": [
                {"term": w.term, "found": w.found, "field": w.field_name, "via": w.via}
                for w in self.why
            ],
        }


def preview(
    query_text: str,
    articles: Iterable[Article],
    *,
    lexicon: Lexicon,
    now: datetime,
    threshold: float | None = None,
) -> list[PreviewResult]:
    """Articles the query would alert on, best first (ties: newest first).

    Story ids are assigned over the given articles in publication order, so the same story
    found in several feeds shows the same ``story_id``.
    """
    parsed = parse_query(query_text, lexicon=lexicon)
    index = MatchIndex(lexicon)
    index.add(_PREVIEW_ID, parsed)
    ordered = sorted(articles, key=lambda a: a.published_at or now)
    clusterer = StoryClusterer()
    results: list[PreviewResult] = []
    for article in ordered:
        story_id = clusterer.assign(
            fingerprint(article, lexicon=lexicon), at=article.published_at or now
        )
        matches = index.match(article, now=now, threshold=threshold)
        if not matches:
            continue
        match = matches[0]
        found = tuple(dict.fromkeys(w.found for w in match.why if w.found))
        results.append(PreviewResult(article, match.score, found, story_id, match.why))
    results.sort(
        key=lambda r: (-r.score, -(r.article.published_at or now).timestamp(), r.article.url)
    )
    return results
