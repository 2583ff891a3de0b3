"""Precision and recall of /track matching on the labelled development set.

The set (``devset_*.toml`` next to this file) holds 178 articles written for this project —
105 in Hindi, 73 in English, headline + lead and a few with bodies ending in the usual
"follow us on Facebook / download our app" boilerplate — and 21 queries typed the way users
type them. Each article lists the queries it is relevant to; every other query must stay quiet.
Hard negatives are deliberate: बैनर, बन/बना/बिना, आप, लिख/लाख, "इस आधार पर", चीनी मिल,
हक/हॉकी, टिकट, शेन, paper leaks, cricket bans for ``ban -cricket``, the footers.

The test prints a per-query table and fails below the floors:
* overall (micro) precision ≥ 0.95 and recall ≥ 0.90;
* every query precision ≥ 0.75 and recall ≥ 0.70 (a single query cannot quietly collapse).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.lexicon import load_lexicon
from bot.domain.matcher import MatchIndex, naive_match
from bot.domain.models import Article
from bot.domain.query import parse_query

HERE = Path(__file__).resolve().parent
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

MICRO_PRECISION_FLOOR = 0.95
MICRO_RECALL_FLOOR = 0.90
QUERY_PRECISION_FLOOR = 0.75
QUERY_RECALL_FLOOR = 0.70


@dataclass(frozen=True)
class Labelled:
    id: str
    article: Article
    relevant: frozenset[str]


def load_queries() -> dict[str, str]:
    data = tomllib.loads((HERE / "devset_queries.toml").read_text(encoding="utf-8"))
    return {q["id"]: q["text"] for q in data["query"]}


def load_articles() -> list[Labelled]:
    items: list[Labelled] = []
    for name in ("devset_hindi.toml", "devset_english.toml"):
        data = tomllib.loads((HERE / name).read_text(encoding="utf-8"))
        lang = "hi" if "hindi" in name else "en"
        for row in data["article"]:
            article = Article(
                url=row["url"],
                title=row["title"],
                summary=row.get("lead", ""),
                body=row.get("body", ""),
                published_at=NOW,
                lang=lang,
            )
            items.append(Labelled(row["id"], article, frozenset(row["rel"])))
    return items


@pytest.fixture(scope="module")
def devset() -> tuple[dict[str, str], list[Labelled]]:
    return load_queries(), load_articles()


def test_devset_is_big_enough_and_consistent(devset: tuple[dict[str, str], list[Labelled]]) -> None:
    queries, articles = devset
    assert len(queries) >= 12
    assert len(articles) >= 150
    hindi = [a for a in articles if a.article.lang == "hi"]
    assert len(hindi) * 2 >= len(articles)
    assert len({a.id for a in articles}) == len(articles)
    for item in articles:
        unknown = item.relevant - set(queries)
        assert not unknown, f"{item.id} labels unknown queries {unknown}"
    for query_id in queries:
        assert any(query_id in a.relevant for a in articles), f"{query_id} has no positive"


def test_precision_and_recall_per_query(
    devset: tuple[dict[str, str], list[Labelled]], capsys: pytest.CaptureFixture[str]
) -> None:
    queries, articles = devset
    lexicon = load_lexicon()
    index = MatchIndex(lexicon)
    ids = {query_id: number for number, query_id in enumerate(queries, start=1)}
    by_number = {number: query_id for query_id, number in ids.items()}
    for query_id, text in queries.items():
        index.add(ids[query_id], parse_query(text, lexicon=lexicon))

    tp = dict.fromkeys(queries, 0)
    fp = dict.fromkeys(queries, 0)
    fn = dict.fromkeys(queries, 0)
    mistakes: list[str] = []
    for item in articles:
        fired = {by_number[m.subscription_id] for m in index.match(item.article, now=NOW)}
        # the index must agree with evaluating every subscription on its own
        assert set(index.match_all(item.article)) == set(naive_match(index, item.article))
        for query_id in queries:
            relevant = query_id in item.relevant
            if query_id in fired and relevant:
                tp[query_id] += 1
            elif query_id in fired:
                fp[query_id] += 1
                mistakes.append(f"FP {query_id:18} {item.id} {item.article.title[:60]}")
            elif relevant:
                fn[query_id] += 1
                mistakes.append(f"FN {query_id:18} {item.id} {item.article.title[:60]}")

    def ratio(good: int, bad: int) -> float:
        return good / (good + bad) if good + bad else 1.0

    lines = [f"{'query':20} {'text':22} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'rec':>6}"]
    for query_id, text in queries.items():
        lines.append(
            f"{query_id:20} {text:22} {tp[query_id]:4} {fp[query_id]:4} {fn[query_id]:4} "
            f"{ratio(tp[query_id], fp[query_id]):6.2f} {ratio(tp[query_id], fn[query_id]):6.2f}"
        )
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p, micro_r = ratio(total_tp, total_fp), ratio(total_tp, total_fn)
    lines.append(
        f"{'ALL (micro)':43} {total_tp:4} {total_fp:4} {total_fn:4} {micro_p:6.2f} {micro_r:6.2f}"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        if mistakes:
            print("\n".join(mistakes))

    assert micro_p >= MICRO_PRECISION_FLOOR
    assert micro_r >= MICRO_RECALL_FLOOR
    for query_id in queries:
        assert ratio(tp[query_id], fp[query_id]) >= QUERY_PRECISION_FLOOR, query_id
        assert ratio(tp[query_id], fn[query_id]) >= QUERY_RECALL_FLOOR, query_id
