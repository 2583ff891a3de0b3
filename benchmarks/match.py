"""Benchmark: matching articles against 1k, 10k and 100k stored /track subscriptions.

Run:  .venv/bin/python benchmarks/match.py            (about two minutes on one core)
      .venv/bin/python benchmarks/match.py --quick    (1k and 10k only, for a smoke run)

Workload (deterministic, seed 7):
* Articles: real Hindi text from ``../shared/corpus`` when present (BBC Hindi bodies, split
  into headline / lead / body, ~3 KB each) and English articles assembled from real Indian
  English headlines; without the corpus, from this repo's development set. Half Hindi.
* Subscriptions: 1–3 ANDed terms (45/35/20 %), a fifth of them two-word phrases, about half
  Devanagari, words drawn Zipf(0.8) from the corpus vocabulary below its 100 most common
  words; 5 % carry an exclusion, 5 % an OR, 3 % a #topic, some plain lexicon words.
  The 1k and 10k sets are prefixes of the 100k set.

For each size it prints index build time, articles/s through ``MatchIndex.match`` (steady
state: two warm-up passes over the articles first — filling the caches and letting the index
re-anchor queries on observed term frequencies, as it does after 100 and 1,000 articles in
production — then timed passes), articles/s for the naive
loop (``naive_match``: every subscription evaluated on its own) measured in the same run on a
few articles with a time box, their ratio, and the process RSS. Times are CPU seconds of this
process (``time.process_time``: "on one core", and steady when other jobs share the machine);
wall-clock throughput is printed alongside. The last line is::

    subs=100000 articles_per_s=… naive_per_s=… ratio=… build_s=… rss_mb=…
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import random
import subprocess
import sys
import time
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.domain.lexicon import load_lexicon  # noqa: E402
from bot.domain.matcher import MatchIndex, naive_match  # noqa: E402
from bot.domain.models import Article  # noqa: E402
from bot.domain.query import ParsedQuery, QueryError, parse_query  # noqa: E402
from bot.domain.text import is_devanagari, is_stopword, token_norms  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ARTICLES = 600
SEED = 7


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _sentences(text: str) -> list[str]:
    parts: list[str] = []
    for chunk in text.replace("।", ".").replace("?", ".").split("."):
        chunk = " ".join(chunk.split())
        if len(chunk) > 20:
            parts.append(chunk)
    return parts


def load_text() -> tuple[list[Article], list[str]]:
    """Articles and a pool of sentences (for the vocabulary and phrases)."""
    rng = random.Random(SEED)
    hindi_rows: list[str] = []
    english_titles: list[str] = []
    bbc = CORPUS / "datasets" / "bbc_hindi_news_classification_test.csv"
    english = CORPUS / "datasets" / "indian_news_dataset_english_1800.csv"
    if bbc.exists() and english.exists():
        with bbc.open(encoding="utf-8") as handle:
            hindi_rows = [row[1] for row in csv.reader(handle) if len(row) > 1][1:]
        with english.open(encoding="utf-8-sig") as handle:
            english_titles = [
                " ".join(row["title"].split())
                for row in csv.DictReader(handle)
                if len(row.get("title", "").split()) >= 5
            ]
    else:  # no corpus: the development set's own text
        for name in ("devset_hindi.toml", "devset_english.toml"):
            data = tomllib.loads((REPO / "tests" / "quality" / name).read_text("utf-8"))
            for row in data["article"]:
                text = f"{row['title']}. {row.get('lead', '')}. {row.get('body', '')}"
                (hindi_rows if "hindi" in name else english_titles).append(text)
        hindi_rows = [" ".join(rng.sample(hindi_rows, 12)) for _ in range(200)]
    articles: list[Article] = []
    for number in range(ARTICLES):
        if number % 2 == 0:
            sentences = _sentences(rng.choice(hindi_rows)) or ["खाली"]
            title, lead = sentences[0], " ".join(sentences[1:2])
            body = " ".join(sentences[2:])[:3000]
            lang = "hi"
        else:
            picked = rng.sample(english_titles, 18)
            title, lead, body = picked[0], picked[1], ". ".join(picked[2:])
            lang = "en"
        articles.append(
            Article(
                url=f"https://news.example/{number}",
                title=title,
                summary=lead,
                body=body,
                published_at=NOW,
                lang=lang,
            )
        )
    pool = hindi_rows[:400] + [" ".join(english_titles[i : i + 10]) for i in range(0, 4000, 10)]
    return articles, pool


def build_queries(
    pool: list[str], count: int, lexicon_words: list[str], *, heavy: bool = False
) -> list[ParsedQuery]:
    """Queries of Zipf-drawn words and phrases from the text pool.

    Default: words people track are *specific* — names, places, products, topics — so the
    vocabulary is the pool's words that occur in at most 1 % of its documents (still
    Zipf-ranked by frequency). ``heavy``: every word below the 100 most frequent, as in
    ``../shared/reference/performance.md`` — on real text that includes everyday words such
    as "लगता" (seems) or "says", so several percent of subscriptions hold for each article.
    """
    rng = random.Random(SEED)
    counts: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    phrases: list[str] = []
    for text in pool:
        norms = [n for n in token_norms(text) if not n.isdigit()]
        counts.update(norms)
        documents.update(set(norms))
        for left, right in itertools.pairwise(norms):
            if not is_stopword(left) and not is_stopword(right) and rng.random() < 0.05:
                phrases.append(f"{left} {right}")
    words = [w for w, _ in counts.most_common() if not is_stopword(w) and len(w) > 1]
    if heavy:
        ranked = words[100:]
    else:
        limit = max(2, len(pool) // 100)
        ranked = [w for w in words if documents[w] <= limit and counts[w] >= 2]
    hindi = [w for w in ranked if is_devanagari(w)]
    latin = [w for w in ranked if not is_devanagari(w)]

    def zipf(words: list[str]) -> str:
        # rank r drawn with P ∝ 1/(r+1)^0.8 via inverse-CDF on a continuous approximation
        u = rng.random()
        n = len(words)
        r = int((u * ((n + 1) ** 0.2 - 1) + 1) ** 5) - 1
        return words[min(max(r, 0), n - 1)]

    def term() -> str:
        roll = rng.random()
        if roll < 0.2 and phrases:
            return f'"{rng.choice(phrases)}"'
        if roll < 0.23:
            return rng.choice(lexicon_words)
        return zipf(hindi if rng.random() < 0.54 else latin)

    topics = ["#ban", "#dataleak", "#hack", "#privacy", "#spyware", "#cyberattack", "#app"]
    queries: list[ParsedQuery] = []
    while len(queries) < count:
        size = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        terms = [term() for _ in range(size)]
        roll = rng.random()
        if roll < 0.05:
            terms.append(f"-{zipf(latin)}")
        elif roll < 0.10:
            terms[0] = f"({terms[0]} OR {term()})"
        elif roll < 0.13:
            terms[0] = rng.choice(topics)
        try:
            queries.append(parse_query(" ".join(terms)))
        except QueryError:
            continue
    return queries


def measure(queries: list[ParsedQuery], articles: list[Article], *, naive_budget_s: float) -> dict:
    lexicon = load_lexicon()
    gc.collect()
    started = time.process_time()
    index = MatchIndex(lexicon)
    for number, parsed in enumerate(queries):
        index.add(number, parsed)
    build_s = time.process_time() - started
    matches = 0
    for article in articles:  # warm-up: fill the token and verdict caches …
        matches += len(index.match(article, now=NOW))
    for article in articles:  # … and learn term frequencies (re-anchoring after 100, 1000)
        index.match(article, now=NOW)
    timed = 0
    started = time.process_time()
    wall = time.perf_counter()
    while time.process_time() - started < 3.0 or timed < len(articles):
        for article in articles:
            index.match(article, now=NOW)
        timed += len(articles)
    per_s = timed / (time.process_time() - started)
    wall_per_s = timed / (time.perf_counter() - wall)
    naive_done = 0
    naive_cpu = 0.0
    mismatches = 0
    for article in articles:
        started = time.process_time()
        naive = naive_match(index, article)
        naive_cpu += time.process_time() - started
        naive_done += 1
        if naive != index.match_all(article):
            mismatches += 1
        if naive_cpu > naive_budget_s and naive_done >= 3:
            break
    naive_per_s = naive_done / naive_cpu
    return {
        "subs": len(queries),
        "articles_per_s": per_s,
        "wall_per_s": wall_per_s,
        "naive_per_s": naive_per_s,
        "ratio": per_s / naive_per_s,
        "build_s": build_s,
        "rss_mb": rss_mb(),
        "alerts_per_article": matches / len(articles),
        "naive_checked": naive_done,
        "mismatches": mismatches,
        "stats": index.stats(),
    }


def run_size(size: int, *, heavy: bool) -> None:
    """Measure one size in this (fresh) process and print its two lines."""
    articles, pool = load_text()
    lexicon = load_lexicon()
    lexicon_words = sorted({t for topic in lexicon.topics.values() for t in topic.en[:2]})
    queries = build_queries(pool, size, lexicon_words, heavy=heavy)
    del pool
    gc.collect()
    result = measure(queries, articles, naive_budget_s=8.0 if size > 1000 else 4.0)
    print(
        f"  {size:>7} subs: index {result['articles_per_s']:8.0f} art/s "
        f"({result['wall_per_s']:.0f} wall-clock), "
        f"naive {result['naive_per_s']:8.2f} art/s ({result['naive_checked']} checked, "
        f"{result['mismatches']} disagreements), ratio {result['ratio']:7.0f}x, "
        f"build {result['build_s']:.2f}s, {result['alerts_per_article']:.1f} alerts/article, "
        f"rss {result['rss_mb']:.0f} MB, {result['stats']}",
        flush=True,
    )
    print(
        f"subs={result['subs']} articles_per_s={result['articles_per_s']:.0f} "
        f"naive_per_s={result['naive_per_s']:.2f} ratio={result['ratio']:.0f} "
        f"build_s={result['build_s']:.2f} rss_mb={result['rss_mb']:.0f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only")
    parser.add_argument("--heavy", action="store_true", help="queries of everyday words too")
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one size, in-process
    args = parser.parse_args()
    if args.size:
        run_size(args.size, heavy=args.heavy)
        return
    articles, _pool = load_text()
    kb = sum(len((a.title + a.summary + a.body).encode()) for a in articles) / len(articles) / 1024
    print(
        f"articles={len(articles)} mean_kb={kb:.1f} corpus={'yes' if CORPUS.exists() else 'no'} "
        f"workload={'heavy' if args.heavy else 'specific words'}",
        flush=True,
    )
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    for size in sizes:  # a fresh process per size: its RSS is its own
        command = [sys.executable, __file__, "--size", str(size)]
        if args.heavy:
            command.append("--heavy")
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
