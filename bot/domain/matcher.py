"""The match index: every active subscription in one structure, articles analysed once.

The Lucene-Monitor / percolator idea, in pure Python:

* A query is compiled into **atoms** shared by all subscriptions: *word atoms* (a normalised
  word, matched exactly, by stem/fold and — for the user's own words — by sound across
  scripts) and *phrase atoms* (a sequence of word-atom sets that must be adjacent). A query term
  is a **leaf**: the OR of its atoms (``ban`` → ban, बैन, प्रतिबंध, पाबंदी, "पर रोक"…). Leaves are
  shared, and so are whole compiled queries: subscriptions with the same query form one
  **group**, evaluated once per article however many chats follow it.
* Each group is **posted under the atoms of one required term** — the one with the fewest
  expected hits — so only groups whose anchor occurs in an article are ever looked at. The
  expectation is a guess from word length at first; the index counts in how many articles each
  atom occurs and re-anchors every query on the observed rarest term after 100, 1,000 and
  10,000 articles, then every 50,000.
* An article is tokenised once; each distinct token's atoms are cached (token → atoms), the
  phonetic check runs only against atoms sharing the token's consonant skeleton, and each
  (token sound, term sound) verdict is cached.
* ``add``/``remove`` update the maps in O(terms): atoms and leaves are reference-counted and
  dropped with their last subscription. The token cache is reset when the set of atoms changes.

Words written split (टिक टॉक, व्हाट्स ऐप) are matched through the lexicon, which lists those
spellings as phrases; a quoted query phrase also matches its words written as one ("tik tok" →
TikTok).

Candidates are verified (boolean query with exclusions, ``site:``, ``lang:``, ``intitle:``),
scored (``bot.domain.scoring``) and explained (``Match.why``). ``naive_match`` evaluates every
subscription on its own; tests check the index against it and the benchmark compares speeds.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

import regex

from bot.domain import phonetic, scoring
from bot.domain.lexicon import Lexicon, Topic
from bot.domain.models import Article, Match, MatchWhy
from bot.domain.query import (
    InTitle,
    Lang,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    QueryError,
    Site,
    TopicRef,
    Word,
    WordGroup,
    group_lexicon_phrases,
    suggest_topics,
)
from bot.domain.text import (
    ENGLISH_STOPWORDS,
    HINDI_STOPWORDS,
    TOKEN_PATTERN,
    detect_language,
    english_stem,
    fold_devanagari,
    hindi_stem,
    is_devanagari,
    is_latin,
    normalise_token,
    word_tuple,
)

logger = logging.getLogger(__name__)

MAX_FIELD_TOKENS: Final = 5_000  # body words beyond this are not read (pages can be huge)
_TOKEN_CACHE_LIMIT: Final = 250_000
_VERDICT_CACHE_LIMIT: Final = 400_000
_DEVA_SELF_MIN_SKELETON: Final = 4
_DEVA_SELF_STRICTER: Final = 0.3
_VERDICT_LIMIT: Final = phonetic.ceiling("xxxxx")
_LEARN_AFTER: Final = 50  # articles seen before observed frequencies replace the guesses
_FIRST_REANCHOR: Final = 100
_MAX_REANCHOR_GAP: Final = 50_000

_DEVA: Final = "deva"
_LATIN: Final = "latin"
_OTHER: Final = "other"
_LETTER: Final = regex.compile(r"[\p{L}\p{M}\p{Nd}]")
_MAX_GAP: Final = 12
_WEIGHTS: Final = scoring.FIELD_WEIGHTS
_FIELDS_FROM: Final = ((0, 1, 2), (1, 2), (2,))  # fields from a given one on
_FACTORS: Final = scoring.VIA_FACTORS
_LEXICON: Final = scoring.VIA_LEXICON
_new_object = object.__new__
_set_subscription = Match.__dict__["subscription_id"].__set__
_set_score = Match.__dict__["score"].__set__
_set_why = Match.__dict__["why"].__set__


def _emit(
    out: list[Match], subscriptions: Iterable[int], score: float, why: tuple[MatchWhy, ...]
) -> None:
    """Append one ``Match`` per subscription. A popular query alerts thousands of chats from
    one article, so this fills the frozen slots directly: the objects are identical to
    ``Match(...)`` (same class, equal, hashable, still frozen) at a third of the cost."""
    append = out.append
    for subscription_id in subscriptions:
        match = _new_object(Match)
        _set_subscription(match, subscription_id)
        _set_score(match, score)
        _set_why(match, why)
        append(match)


_set_term = MatchWhy.__dict__["term"].__set__
_set_found = MatchWhy.__dict__["found"].__set__
_set_field = MatchWhy.__dict__["field_name"].__set__
_set_via = MatchWhy.__dict__["via"].__set__


def _match_why(term: str, found: str, field_name: str, via: str) -> MatchWhy:
    """``MatchWhy(term, found, field_name, via)``, built the fast way (see ``_emit``)."""
    why = _new_object(MatchWhy)
    _set_term(why, term)
    _set_found(why, found)
    _set_field(why, field_name)
    _set_via(why, via)
    return why


def _script(norm: str) -> str:
    if is_devanagari(norm):
        return _DEVA
    if is_latin(norm):
        return _LATIN
    return _OTHER


def field_tokens(text: str) -> list[str]:
    """The words of one field as written (at most ``MAX_FIELD_TOKENS``), in order."""
    if not text:
        return []
    raws = TOKEN_PATTERN.findall(text)
    return raws[:MAX_FIELD_TOKENS] if len(raws) > MAX_FIELD_TOKENS else raws


# An occurrence of an atom in an article: (field, key, count). For a word the key is the token
# as written (positions are looked up only when needed: proximity, phrases, evidence); for a
# phrase it is the phrase's start position.
_Hit = tuple[int, Any, int]


# --- atoms, leaves, groups -----------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _WordAtom:
    id: int
    norm: str
    script: str
    forms: tuple[str, ...]  # stem / fold keys
    bare: str | None  # lexicon terms written inflected do not match their bare stem
    keys: tuple[tuple[str, str], ...]  # phonetic (skeleton, sequence); empty when off
    intern_key: tuple[str, bool, bool, bool]
    refs: int = 0


@dataclass(slots=True, eq=False)
class _PhraseAtom:
    id: int
    parts: tuple[frozenset[int], ...]
    anchor: int  # index of the part the phrase is found from
    refs: int = 0


@dataclass(slots=True, eq=False)
class _Leaf:
    """One query term: the OR of its atoms. Shared between subscriptions (identity-hashed)."""

    key: tuple[Any, ...]
    display: str
    alts: dict[int, bool]  # atom id → found through the lexicon
    atom_ids: frozenset[int]
    title_only: bool
    phrase: bool
    cost: float
    refs: int = 0
    node: tuple[Any, ...] = ()  # (_LEAF, self): one shared compiled node per term


# Compiled query nodes are small tuples: fast to walk, light, hashable (leaves hash by identity).
_LEAF: Final = 0
_AND: Final = 1
_OR: Final = 2
_SITE: Final = 3
_LANG: Final = 4
# (_LEAF, leaf) | (_AND, positives, negatives) | (_OR, children) | (_SITE, domain) | (_LANG, code)
_Compiled = tuple[Any, ...]


_SIMPLE: Final = 0  # one term and nothing else
_TERMS: Final = 1  # ANDed terms, perhaps minus excluded terms
_GENERIC: Final = 2  # anything else (site:, lang:, nested groups)
_ANY: Final = 3  # terms ORed together


@dataclass(slots=True, eq=False)
class _Group:
    """All subscriptions with the same compiled query, and how to evaluate it fast."""

    root: _Compiled
    leaves: tuple[_Leaf, ...]
    kind: int
    terms: tuple[_Leaf, ...]  # _SIMPLE / _TERMS: the required terms
    excluded: tuple[_Leaf, ...]  # _TERMS: terms that veto
    anchor_atoms: Collection[int] = ()
    anchor_sites: tuple[str, ...] = ()
    others: tuple[frozenset[int], ...] = ()  # _TERMS: atoms of the other required terms
    subscriptions: list[int] = field(default_factory=list)  # sorted
    first_id: int = 0  # smallest subscription id, for a stable order of equal scores


# --- article analysis ----------------------------------------------------------------------------


@dataclass(slots=True)
class ArticleAnalysis:
    """Everything the index learned about one article (reused for every candidate)."""

    article: Article
    hits: dict[int, list[_Hit]]  # atom id → occurrences, in field order
    vias: dict[int, int]  # atom id → best way it was found
    raws: tuple[list[str], ...]  # the words of each field as written
    lang: str
    host: str
    present: set[int] = field(default_factory=set)
    strengths: dict[_Leaf, float | None] = field(default_factory=dict)
    firsts: dict[_Leaf, int] = field(default_factory=dict)  # field of a term's first hit
    whys: dict[_Leaf, tuple[MatchWhy, ...]] = field(default_factory=dict)
    _positions: dict[tuple[_Leaf, int], list[int]] = field(default_factory=dict)

    def field_text(self, field_index: int) -> str:
        article = self.article
        return (article.title, article.summary, article.body)[field_index]

    def word_positions(self, field_index: int, raw: str, count: int) -> list[int]:
        """Where a word occurs in a field (``count`` times)."""
        raws = self.raws[field_index]
        positions: list[int] = []
        at = -1
        for _ in range(count):
            at = raws.index(raw, at + 1)
            positions.append(at)
        return positions

    def surface(self, field_index: int, position: int, span: int) -> str:
        """The text as written for ``span`` words from ``position``."""
        raws = self.raws[field_index]
        if position + span > len(raws):
            return ""
        if span == 1:
            return raws[position]
        # several words: find them in the text with whatever separates them there
        # (only for evidence shown to people, so a plain search beats indexing every span)
        words = raws[position : position + span]
        text = self.field_text(field_index)
        start = text.find(words[0])
        while start >= 0:
            end = start + len(words[0])
            for word in words[1:]:
                at = text.find(word, end)
                if at < 0 or at - end > _MAX_GAP or _LETTER.search(text, end, at):
                    break
                end = at + len(word)
            else:
                return text[start:end]
            start = text.find(words[0], start + 1)
        return " ".join(words)


def _host_of(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _host_suffixes(host: str) -> list[str]:
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def _site_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _article_language(article: Article) -> str:
    declared = (article.lang or "").strip().lower().split("-")[0].split("_")[0]
    if declared in ("hi", "en"):
        return declared
    return detect_language(f"{article.title} {article.summary}")


# A cached token: (normalised form, matched atom ids, how each was found)
# A distinct token's analysis: its normal form, the word atoms it matches and how, and whether
# it is the first half of a tracked word when that word is written apart.
_TokenEntry = tuple[str, tuple[int, ...], tuple[int, ...], bool]


# --- the index -----------------------------------------------------------------------------------


class MatchIndex:
    """All active subscriptions; ``match(article)`` returns the subscriptions it satisfies."""

    def __init__(self, lexicon: Lexicon, *, threshold: float = scoring.DEFAULT_THRESHOLD) -> None:
        self.lexicon = lexicon
        self.threshold = threshold
        self._never_phonetic = lexicon.never_phonetic | HINDI_STOPWORDS | ENGLISH_STOPWORDS
        self._groups: dict[_Compiled, _Group] = {}
        self._group_of: dict[int, _Group] = {}
        self._atoms: dict[int, _WordAtom | _PhraseAtom] = {}
        self._word_ids: dict[tuple[str, bool, bool, bool], int] = {}
        self._phrase_ids: dict[tuple[frozenset[int], ...], int] = {}
        self._leaves: dict[tuple[Any, ...], _Leaf] = {}
        self._atom_ids = itertools.count(1)
        # token → atoms maps
        self._exact: dict[str, list[int]] = {}
        self._forms: dict[str, list[int]] = {}
        self._buckets: dict[str, list[tuple[int, str, str]]] = {}
        self._phrases_by_anchor: dict[int, list[int]] = {}
        self._lefts: Counter[str] = Counter()  # first halves of words written apart
        # postings: atom / site → groups anchored there
        self._postings: dict[int, list[_Group]] = {}
        self._site_postings: dict[str, list[_Group]] = {}
        # caches
        self._token_cache: dict[str, _TokenEntry] = {}
        self._verdicts: dict[tuple[str, str], float] = {}
        # observed document frequencies, to anchor on terms that really are rare
        self._seen = 0
        self._df: Counter[int] = Counter()
        self._next_reanchor = _FIRST_REANCHOR
        self._cost_cache: dict[_Leaf, float] | None = None  # during a re-anchoring pass

    # --- public API ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._group_of)

    def __contains__(self, subscription_id: object) -> bool:
        return subscription_id in self._group_of

    def add(self, subscription_id: int, query: ParsedQuery | Node) -> None:
        """Index (or re-index) a subscription; raises ``QueryError`` if it cannot be used
        (an unknown ``#topic`` after a lexicon change, or nothing to anchor it on)."""
        root = query.root if isinstance(query, ParsedQuery) else query
        leaves: list[_Leaf] = []
        try:
            compiled = self._compile(root, leaves, title_only=False)
            group = self._groups.get(compiled)
            if group is None:
                group = self._new_group(compiled, tuple(leaves))
        except QueryError:
            for leaf in leaves:
                self._release_leaf(leaf)
            raise
        if subscription_id in self._group_of:
            self.remove(subscription_id)
        if compiled in self._groups:  # the group already holds references to these leaves
            for leaf in leaves:
                self._release_leaf(leaf)
        else:
            self._groups[compiled] = group
            self._post(group)
        if not group.subscriptions or subscription_id < group.first_id:
            group.first_id = subscription_id
        bisect.insort(group.subscriptions, subscription_id)
        self._group_of[subscription_id] = group

    def _new_group(self, compiled: _Compiled, leaves: tuple[_Leaf, ...]) -> _Group:
        if compiled[0] == _LEAF:
            group = _Group(compiled, leaves, _SIMPLE, (compiled[1],), ())
        elif (
            compiled[0] == _AND
            and compiled[1]
            and all(c[0] == _LEAF for c in compiled[1])
            and all(c[0] == _LEAF and not c[1].title_only for c in compiled[2])
        ):
            terms = tuple(c[1] for c in compiled[1])
            excluded = tuple(c[1] for c in compiled[2])
            group = _Group(compiled, leaves, _TERMS, terms, excluded)
        elif compiled[0] == _OR and all(c[0] == _LEAF for c in compiled[1]):
            group = _Group(compiled, leaves, _ANY, tuple(c[1] for c in compiled[1]), ())
        else:
            group = _Group(compiled, leaves, _GENERIC, (), ())
        self._choose_anchor(group)
        return group

    def _choose_anchor(self, group: _Group) -> None:
        """Post the group under the atoms of its rarest required term."""
        if group.kind == _GENERIC or group.kind == _ANY:
            anchor = self._anchor(group.root)
            if anchor is None or (not anchor[0] and not anchor[1]):
                raise QueryError("no_positive_terms", 0)
            group.anchor_atoms, group.anchor_sites = frozenset(anchor[0]), tuple(anchor[1])
            return
        best = min(group.terms, key=self._leaf_cost)
        group.anchor_atoms = best.atom_ids
        group.others = tuple(leaf.atom_ids for leaf in group.terms if leaf is not best)

    def _post(self, group: _Group) -> None:
        for atom_id in group.anchor_atoms:
            self._postings.setdefault(atom_id, []).append(group)
        for domain in group.anchor_sites:
            self._site_postings.setdefault(domain, []).append(group)

    def _unpost(self, group: _Group) -> None:
        for atom_id in group.anchor_atoms:
            _discard(self._postings, atom_id, group)
        for domain in group.anchor_sites:
            _discard(self._site_postings, domain, group)

    def remove(self, subscription_id: int) -> bool:
        """Drop a subscription; False if it was not indexed."""
        group = self._group_of.pop(subscription_id, None)
        if group is None:
            return False
        group.subscriptions.remove(subscription_id)
        if group.subscriptions:
            group.first_id = group.subscriptions[0]
            return True
        del self._groups[group.root]
        self._unpost(group)
        for leaf in group.leaves:
            self._release_leaf(leaf)
        return True

    def match(
        self,
        article: Article,
        *,
        now: datetime,
        source_weight: float = 1.0,
        threshold: float | None = None,
    ) -> list[Match]:
        """Subscriptions this article satisfies with a score ≥ threshold, best first."""
        analysis = self.analyse(article)
        bar = self.threshold if threshold is None else threshold
        factor = source_weight * scoring.freshness(article.published_at, now)
        if factor <= 0:
            return []
        needed = bar / factor  # the unweighted score a query must reach
        passed: list[tuple[float, _Group]] = []
        present = analysis.present
        strengths = analysis.strengths
        strength_of = self._strength
        for group in self._candidates(analysis):
            kind = group.kind
            if kind == _SIMPLE:
                leaf = group.terms[0]
                strength = strengths[leaf] if leaf in strengths else strength_of(leaf, analysis)
                if strength is not None and strength >= needed:
                    passed.append((strength, group))
                continue
            if kind == _TERMS:
                for atom_ids in group.others:
                    if atom_ids.isdisjoint(present):
                        break
                else:
                    for leaf in group.excluded:
                        if not leaf.atom_ids.isdisjoint(present):
                            break
                    else:
                        score = self._score_terms(group.terms, analysis, needed)
                        if score is not None and score >= needed:
                            passed.append((score, group))
                continue
            if kind == _ANY:
                best = None
                for leaf in group.terms:
                    if leaf.atom_ids.isdisjoint(present):
                        continue
                    strength = strengths[leaf] if leaf in strengths else strength_of(leaf, analysis)
                    if strength is not None and (best is None or strength > best):
                        best = strength
                if best is not None and best >= needed:
                    passed.append((best, group))
                continue
            else:
                if not self._holds(group.root, analysis):
                    continue
                score = self._score(group.root, analysis, needed)
            if score is not None and score >= needed:
                passed.append((score, group))
        passed.sort(key=_by_score)
        results: list[Match] = []
        for score, group in passed:
            _emit(
                results, group.subscriptions, round(score * factor, 3), self._why(group, analysis)
            )
        return results

    def explain(
        self, subscription_id: int, article: Article, *, now: datetime, source_weight: float = 1.0
    ) -> Match | None:
        """The score and evidence for one subscription, even below the threshold; None if
        its query is not satisfied at all (or the subscription is unknown)."""
        group = self._group_of.get(subscription_id)
        if group is None:
            return None
        analysis = self.analyse(article)
        if not self._holds(group.root, analysis):
            return None
        factor = source_weight * scoring.freshness(article.published_at, now)
        score = self._score(group.root, analysis, 0.0) * factor
        return Match(subscription_id, round(score, 3), self._why(group, analysis))

    def match_all(self, article: Article) -> list[int]:
        """Ids of every subscription whose boolean query holds, checking *all* groups
        (no candidate pruning): what the postings must never lose."""
        analysis = self.analyse(article)
        return sorted(
            sid
            for group in self._groups.values()
            if self._holds(group.root, analysis)
            for sid in group.subscriptions
        )

    def stats(self) -> dict[str, int]:
        """Sizes, for logs and metrics."""
        return {
            "subscriptions": len(self._group_of),
            "queries": len(self._groups),
            "atoms": len(self._atoms),
            "leaves": len(self._leaves),
            "token_cache": len(self._token_cache),
            "verdict_cache": len(self._verdicts),
        }

    # --- analysis --------------------------------------------------------------------------

    def analyse(self, article: Article) -> ArticleAnalysis:
        """Tokenise the article once and find every atom it contains."""
        hits: dict[int, list[_Hit]] = {}
        vias: dict[int, int] = {}
        all_raws: list[list[str]] = []
        cache = self._token_cache
        if len(cache) > _TOKEN_CACHE_LIMIT:
            cache.clear()
        for field_index, text in enumerate((article.title, article.summary, article.body)):
            raws = field_tokens(text)
            all_raws.append(raws)
            if not raws:
                continue
            # each distinct word once; where it occurs is only looked up when needed
            lefts: list[tuple[str, int]] = []  # words that may be a first half
            for raw, count in Counter(raws).items():
                entry = cache.get(raw)
                if entry is None:
                    entry = self._token_entry(raw)
                    cache[raw] = entry
                if entry[3] and not raw[0].islower():
                    lefts.append((raw, count))
                ids = entry[1]
                if ids:
                    hit = (field_index, raw, count)
                    for atom_id, via in zip(ids, entry[2], strict=True):
                        found = hits.get(atom_id)
                        if found is None:
                            hits[atom_id] = [hit]
                            vias[atom_id] = via
                        else:
                            found.append(hit)
                            if via < vias[atom_id]:
                                vias[atom_id] = via
            if lefts:
                self._find_joined(field_index, raws, lefts, hits, vias)
        analysis = ArticleAnalysis(
            article=article,
            hits=hits,
            vias=vias,
            raws=tuple(all_raws),
            lang=_article_language(article),
            host=_host_of(article.url),
        )
        analysis.present = set(hits)
        if self._phrases_by_anchor:
            self._find_phrases(analysis)
            analysis.present = set(hits)
        self._learn(hits)
        return analysis

    def _learn(self, hits: dict[int, list[_Hit]]) -> None:
        """Count which atoms articles contain; re-anchor queries now and then (after 100,
        1,000 and 10,000 articles, then every 50,000) so each waits on its rarest term."""
        self._seen += 1
        self._df.update(hits.keys())
        if self._seen >= self._next_reanchor:
            self._next_reanchor = min(self._seen * 10, self._seen + _MAX_REANCHOR_GAP)
            self._reanchor()

    def _reanchor(self) -> None:
        moved = 0
        self._cost_cache = {}
        for atom in list(self._atoms.values()):
            if not isinstance(atom, _PhraseAtom):
                continue
            costs = [sum(self._learned_cost(w) for w in part) for part in atom.parts]
            anchor = costs.index(min(costs))
            if anchor != atom.anchor:
                for word_id in atom.parts[atom.anchor]:
                    _discard(self._phrases_by_anchor, word_id, atom.id)
                atom.anchor = anchor
                for word_id in atom.parts[anchor]:
                    self._phrases_by_anchor.setdefault(word_id, []).append(atom.id)
        for group in self._groups.values():
            old = (group.anchor_atoms, group.anchor_sites)
            self._choose_anchor(group)
            if (group.anchor_atoms, group.anchor_sites) != old:
                new = (group.anchor_atoms, group.anchor_sites)
                group.anchor_atoms, group.anchor_sites = old
                self._unpost(group)
                group.anchor_atoms, group.anchor_sites = new
                self._post(group)
                moved += 1
        self._cost_cache = None
        logger.info("queries re-anchored", extra={"articles": self._seen, "moved": moved})

    def _learned_cost(self, atom_id: int) -> float:
        return (self._df.get(atom_id, 0) + 0.5) / self._seen

    def _leaf_cost(self, leaf: _Leaf) -> float:
        """Expected share of articles containing the term (guessed until enough are seen)."""
        if self._seen < _LEARN_AFTER:
            return leaf.cost
        cache = self._cost_cache
        if cache is not None:
            cost = cache.get(leaf)
            if cost is None:
                cost = cache[leaf] = sum(self._learned_cost(a) for a in leaf.atom_ids)
            return cost
        return sum(self._learned_cost(atom_id) for atom_id in leaf.atom_ids)

    def _token_entry(self, raw: str) -> _TokenEntry:
        norm = normalise_token(raw)
        if not norm:
            return ("", (), (), False)
        ids, vias = self._token_atoms(norm)
        return (norm, ids, vias, norm in self._lefts)

    def _find_joined(
        self,
        field_index: int,
        raws: list[str],
        lefts: list[tuple[str, int]],
        hits: dict[int, list[_Hit]],
        vias: dict[int, int],
    ) -> None:
        """Words written apart: «Pay TM», «फेस बुक», «यू ट्यूब» are the tracked Paytm, फेसबुक,
        यूट्यूब. Two neighbouring tokens count as the word their halves spell exactly (a hit at
        the first one's position). Only exact halves: a sound-alike pair would be a guess."""
        cache = self._token_cache
        exact = self._exact
        last = len(raws) - 1
        for left, count in lefts:
            left_norm = cache[left][0]
            position = -1
            for _ in range(count):
                position = raws.index(left, position + 1)
                if position == last:
                    break
                right = raws[position + 1]
                right_norm = cache[right][0]
                atom_ids = exact.get(left_norm + right_norm)
                if (
                    not atom_ids
                    or not _may_join(left, right)
                    or not _are_halves(left_norm, right_norm)
                ):
                    continue
                hit = (field_index, position, 1)
                for atom_id in atom_ids:
                    found = hits.get(atom_id)
                    if found is None:
                        hits[atom_id] = [hit]
                    else:
                        found.append(hit)
                    vias[atom_id] = scoring.VIA_EXACT

    def _find_phrases(self, analysis: ArticleAnalysis) -> None:
        hits = analysis.hits
        present = analysis.present
        found: dict[int, list[_Hit]] = {}
        by_anchor = self._phrases_by_anchor
        for atom_id in by_anchor.keys() & hits.keys():
            for phrase_id in by_anchor[atom_id]:
                phrase = self._atoms[phrase_id]
                assert isinstance(phrase, _PhraseAtom)
                if any(part.isdisjoint(present) for part in phrase.parts):
                    continue  # some word of the phrase is nowhere in the article
                for field_index, raw, count in hits[atom_id]:
                    if isinstance(raw, int):
                        continue  # a word written apart spans two tokens: no phrase part
                    raws = analysis.raws[field_index]
                    for position in analysis.word_positions(field_index, raw, count):
                        start = position - phrase.anchor
                        if self._phrase_at(phrase, raws, start):
                            found.setdefault(phrase_id, []).append((field_index, start, 1))
        for phrase_id, phrase_hits in found.items():
            hits[phrase_id] = sorted(set(phrase_hits))
            analysis.vias[phrase_id] = scoring.VIA_EXACT

    def _phrase_at(self, phrase: _PhraseAtom, raws: list[str], start: int) -> bool:
        if start < 0 or start + len(phrase.parts) > len(raws):
            return False
        cache = self._token_cache
        for offset, part in enumerate(phrase.parts):
            if offset == phrase.anchor:
                continue
            raw = raws[start + offset]
            entry = cache.get(raw)
            if entry is None:
                entry = self._token_entry(raw)
                cache[raw] = entry
            if part.isdisjoint(entry[1]):
                return False
        return True

    def _token_atoms(
        self, norm: str, *, phonetic_check: bool = True
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Which word atoms a token matches, and how."""
        found: dict[int, int] = {}
        for atom_id in self._exact.get(norm, ()):
            found[atom_id] = scoring.VIA_EXACT
        script = _script(norm)
        for form in _token_forms(norm, script):
            for atom_id in self._forms.get(form, ()):
                if atom_id in found:
                    continue
                atom = self._atoms[atom_id]
                assert isinstance(atom, _WordAtom)
                if atom.bare is not None and norm == atom.bare:
                    continue
                found[atom_id] = scoring.VIA_STEM
        if phonetic_check and self._buckets and script != _OTHER:
            self._phonetic_atoms(norm, script, found)
        if not found:
            return ((), ())
        return tuple(found), tuple(found.values())

    def _phonetic_atoms(self, norm: str, script: str, found: dict[int, int]) -> None:
        if norm in self._never_phonetic:
            return
        if script == _DEVA and hindi_stem(norm) in self._never_phonetic:
            return
        for skel, seq in _token_keys(norm, script):
            bucket = self._buckets.get(skel)
            if not bucket:
                continue
            ceiling = phonetic.ceiling(skel)
            for atom_id, atom_seq, atom_script in bucket:
                if atom_id in found:
                    continue
                limit = ceiling
                if atom_script == script:
                    if script != _DEVA or len(skel) < _DEVA_SELF_MIN_SKELETON:
                        continue
                    limit = ceiling - _DEVA_SELF_STRICTER
                if self._verdict(seq, atom_seq) <= limit + 1e-9:
                    found[atom_id] = scoring.VIA_PHONETIC

    def _verdict(self, token_seq: str, atom_seq: str) -> float:
        key = (token_seq, atom_seq)
        cost = self._verdicts.get(key)
        if cost is None:
            if len(self._verdicts) > _VERDICT_CACHE_LIMIT:
                self._verdicts.clear()
            cost = phonetic.distance(token_seq, atom_seq, limit=_VERDICT_LIMIT)
            self._verdicts[key] = cost
        return cost

    # --- candidate evaluation --------------------------------------------------------------

    def _candidates(self, analysis: ArticleAnalysis) -> set[_Group]:
        candidates: set[_Group] = set()
        postings = self._postings
        for atom_id in analysis.hits:
            posting = postings.get(atom_id)
            if posting:
                candidates.update(posting)
        if self._site_postings and analysis.host:
            for suffix in _host_suffixes(analysis.host):
                posting = self._site_postings.get(suffix)
                if posting:
                    candidates.update(posting)
        return candidates

    def _leaf_present(self, leaf: _Leaf, analysis: ArticleAnalysis) -> bool:
        if leaf.atom_ids.isdisjoint(analysis.present):
            return False
        if not leaf.title_only:
            return True
        return self._strength(leaf, analysis) is not None

    def _holds(self, node: _Compiled, analysis: ArticleAnalysis) -> bool:
        kind = node[0]
        if kind == _LEAF:
            return self._leaf_present(node[1], analysis)
        if kind == _AND:
            for child in node[1]:
                if not self._holds(child, analysis):
                    return False
            return not any(self._holds(child, analysis) for child in node[2])
        if kind == _OR:
            return any(self._holds(child, analysis) for child in node[1])
        if kind == _SITE:
            return bool(analysis.host) and _site_matches(analysis.host, node[1])
        return bool(analysis.lang == node[1])

    def _strength(self, leaf: _Leaf, analysis: ArticleAnalysis) -> float | None:
        """How strongly a term is in the article (None: not at all), once per article."""
        strengths = analysis.strengths
        if leaf in strengths:
            return strengths[leaf]
        present = leaf.atom_ids & analysis.present
        if not present:
            strengths[leaf] = None
            return None
        hits = analysis.hits
        vias = analysis.vias
        if len(present) == 1 and not leaf.title_only:  # the common case, kept short
            (atom_id,) = present
            atom_hits = hits[atom_id]
            first = atom_hits[0][0]
            best = _WEIGHTS[first] * _FACTORS[_LEXICON if leaf.alts[atom_id] else vias[atom_id]]
            occurrences = atom_hits[0][2] if len(atom_hits) == 1 else sum(h[2] for h in atom_hits)
            if occurrences > 1:
                best += min(scoring.REPEAT_CAP, scoring.REPEAT_BONUS * (occurrences - 1))
            if leaf.phrase:
                best += scoring.PHRASE_BONUS
            strengths[leaf] = best
            analysis.firsts[leaf] = first
            return best
        weights = scoring.FIELD_WEIGHTS
        factors = scoring.VIA_FACTORS
        best = 0.0
        first = scoring.BODY
        found: list[list[_Hit]] = []
        for atom_id in present:
            atom_hits = hits[atom_id]
            if leaf.title_only:
                atom_hits = [h for h in atom_hits if h[0] == scoring.TITLE]
                if not atom_hits:
                    continue
            via = scoring.VIA_LEXICON if leaf.alts[atom_id] else vias[atom_id]
            field_index = atom_hits[0][0]
            strength = weights[field_index] * factors[via]
            if strength > best:
                best = strength
            if field_index < first:
                first = field_index
            found.append(atom_hits)
        if not found:
            strengths[leaf] = None
            return None
        if len(found) == 1:
            occurrences = sum(h[2] for h in found[0])
        else:  # several spellings may sit on one word: count each place once
            places = {(h[0], h[1]): h[2] for atom_hits in found for h in atom_hits}
            occurrences = sum(places.values())
        best += min(scoring.REPEAT_CAP, scoring.REPEAT_BONUS * (occurrences - 1))
        if leaf.phrase:
            best += scoring.PHRASE_BONUS
        strengths[leaf] = best
        analysis.firsts[leaf] = first
        return best

    def _leaf_why(self, leaf: _Leaf, analysis: ArticleAnalysis) -> tuple[MatchWhy, ...]:
        """The evidence for a term: its first occurrence in each field, best way first."""
        cached = analysis.whys.get(leaf)
        if cached is not None:
            return cached
        evidence: dict[int, tuple[int, int, int]] = {}  # field → (via, position, span)
        for atom_id in leaf.atom_ids & analysis.present:
            via = scoring.VIA_LEXICON if leaf.alts[atom_id] else analysis.vias[atom_id]
            atom = self._atoms[atom_id]
            for field_index, key, _count in analysis.hits[atom_id]:
                if leaf.title_only and field_index != scoring.TITLE:
                    continue
                if isinstance(key, int):  # a phrase, or a word written apart (two tokens)
                    position = key
                    span = len(atom.parts) if isinstance(atom, _PhraseAtom) else 2
                else:
                    position = analysis.raws[field_index].index(key)
                    span = 1
                known = evidence.get(field_index)
                if known is None or (via, position) < known[:2]:
                    evidence[field_index] = (via, position, span)
        why = tuple(
            _match_why(
                leaf.display,
                analysis.surface(field_index, position, span),
                scoring.FIELD_NAMES[field_index],
                scoring.VIA_NAMES[via],
            )
            for field_index, (via, position, span) in sorted(evidence.items())
        )
        analysis.whys[leaf] = why
        return why

    def _positions(self, leaf: _Leaf, analysis: ArticleAnalysis, field_index: int) -> list[int]:
        key = (leaf, field_index)
        cached = analysis._positions.get(key)
        if cached is not None:
            return cached
        positions: list[int] = []
        for atom_id in leaf.atom_ids & analysis.present:
            for hit_field, hit_key, count in analysis.hits[atom_id]:
                if hit_field != field_index:
                    continue
                if isinstance(hit_key, int):
                    positions.append(hit_key)
                else:
                    positions.extend(analysis.word_positions(field_index, hit_key, count))
        positions.sort()
        analysis._positions[key] = positions
        return positions

    def _score_terms(
        self, terms: tuple[_Leaf, ...], analysis: ArticleAnalysis, needed: float
    ) -> float | None:
        """Score of ANDed terms that are all present (None if a title-only term is not in
        the title). Bonuses are only worked out when they could matter."""
        strengths: list[float] = []
        cache = analysis.strengths
        for leaf in terms:
            strength = cache[leaf] if leaf in cache else self._strength(leaf, analysis)
            if strength is None:
                return None
            strengths.append(strength)
        if len(strengths) == 1:
            return strengths[0]
        mean = sum(strengths) / len(strengths)
        firsts = analysis.firsts
        all_in_title = all(firsts[leaf] == scoring.TITLE for leaf in terms)
        bonus = scoring.ALL_IN_TITLE_BONUS if all_in_title else 0.0
        if mean + bonus + scoring.PROXIMITY_BONUS < needed:
            return mean + bonus
        near = False
        # a term first found in the body has no title or lead hits: start where all can be
        start = max(firsts[leaf] for leaf in terms)
        for field_index in _FIELDS_FROM[start]:
            positions: list[list[int]] = []
            for leaf in terms:
                found = self._positions(leaf, analysis, field_index)
                if not found:
                    break  # this field lacks a term: the others need not be looked up
                positions.append(found)
            if len(positions) != len(terms):
                continue
            if len(positions) == 2:
                width = _smallest_gap(positions[0], positions[1])
            else:
                width = scoring.smallest_window(positions) or 0
            if width <= scoring.PROXIMITY_WINDOW:
                near = True
                break
        return scoring.combine_and(strengths, near=near, all_in_title=all_in_title)

    def _score(self, node: _Compiled, analysis: ArticleAnalysis, needed: float) -> float:
        """Unweighted score of a node that holds (``needed`` lets hopeless ANDs stop early)."""
        kind = node[0]
        if kind == _LEAF:
            return self._strength(node[1], analysis) or 0.0
        if kind == _OR:
            return max(
                (self._score(c, analysis, needed) for c in node[1] if self._holds(c, analysis)),
                default=0.0,
            )
        if kind == _AND:
            scored = [c for c in node[1] if c[0] <= _OR]
            if not scored:  # only filters (a bare site: query): the source is the news
                return scoring.FIELD_WEIGHTS[scoring.TITLE]
            strengths = [self._score(c, analysis, needed) for c in scored]
            if len(scored) == 1:
                return strengths[0]
            mean = sum(strengths) / len(strengths)
            if mean + scoring.PROXIMITY_BONUS + scoring.ALL_IN_TITLE_BONUS < needed:
                return mean
            leaves = [c[1] for c in scored if c[0] == _LEAF]
            near = all_in_title = False
            if len(leaves) == len(scored):
                for field_index in (scoring.TITLE, scoring.LEAD, scoring.BODY):
                    positions = [self._positions(leaf, analysis, field_index) for leaf in leaves]
                    width = scoring.smallest_window(positions)
                    if width is None:
                        continue
                    if field_index == scoring.TITLE:
                        all_in_title = True
                    if width <= scoring.PROXIMITY_WINDOW:
                        near = True
                        break
            return scoring.combine_and(strengths, near=near, all_in_title=all_in_title)
        return scoring.FIELD_WEIGHTS[scoring.TITLE]  # a site: filter OR-ed with terms

    def _matched_leaves(self, node: _Compiled, analysis: ArticleAnalysis) -> list[_Leaf]:
        kind = node[0]
        if kind == _LEAF:
            return [node[1]] if self._leaf_present(node[1], analysis) else []
        if kind in (_AND, _OR):
            out: list[_Leaf] = []
            for child in node[1]:
                out.extend(self._matched_leaves(child, analysis))
            return out
        return []

    def _why(self, group: _Group, analysis: ArticleAnalysis) -> tuple[MatchWhy, ...]:
        if group.kind == _SIMPLE:
            return self._leaf_why(group.terms[0], analysis)
        if group.kind == _TERMS:
            leaves = group.terms
        elif group.kind == _ANY:
            leaves = tuple(leaf for leaf in group.terms if self._leaf_present(leaf, analysis))
        else:
            leaves = tuple(self._matched_leaves(group.root, analysis))
        if len(leaves) == 1:
            return self._leaf_why(leaves[0], analysis)
        why: list[MatchWhy] = []
        for leaf in leaves:
            why.extend(w for w in self._leaf_why(leaf, analysis) if w not in why)
        return tuple(why)

    # --- compilation -----------------------------------------------------------------------

    def _compile(self, node: Node, leaves: list[_Leaf], *, title_only: bool) -> _Compiled:
        if isinstance(node, Word):
            return self._word_leaf(node, leaves, title_only=title_only).node
        if isinstance(node, Phrase):
            return self._phrase_leaf(node.text, leaves, title_only=title_only).node
        if isinstance(node, TopicRef):
            topic = self.lexicon.topic(node.name)
            if topic is None:
                raise QueryError(
                    "unknown_topic",
                    node.position,
                    topic=node.name,
                    suggestions=suggest_topics(node.name, self.lexicon),
                )
            return self._topic_leaf(f"#{topic.name}", (topic,), leaves, title_only).node
        if isinstance(node, InTitle):
            return self._compile(node.term, leaves, title_only=True)
        if isinstance(node, Site):
            return (_SITE, node.domain)
        if isinstance(node, Lang):
            return (_LANG, node.code)
        if isinstance(node, Not):  # only reachable for hand-built trees; the parser refuses it
            return (_AND, (), (self._compile(node.child, leaves, title_only=title_only),))
        if isinstance(node, Or):
            return (
                _OR,
                tuple(self._compile(c, leaves, title_only=title_only) for c in node.children),
            )
        positives: list[_Compiled] = []
        negatives: list[_Compiled] = []
        for item in group_lexicon_phrases(node.children, self.lexicon):
            if isinstance(item, WordGroup):
                positives.append(self._group(item, leaves, title_only=title_only))
            elif isinstance(item, Not):
                negatives.append(self._compile(item.child, leaves, title_only=title_only))
            else:
                positives.append(self._compile(item, leaves, title_only=title_only))
        return (_AND, tuple(positives), tuple(negatives))

    def _group(self, group: WordGroup, leaves: list[_Leaf], *, title_only: bool) -> _Compiled:
        """``data leak`` unquoted: (data AND leak) OR any term of the #dataleak topic."""
        words = tuple(self._word_leaf(w, leaves, title_only=title_only).node for w in group.words)
        topic_leaf = self._topic_leaf(group.text, group.topics, leaves, title_only)
        return (_OR, ((_AND, words, ()), topic_leaf.node))

    def _intern_leaf(self, key: tuple[Any, ...], leaves: list[_Leaf], build: Any) -> _Leaf:
        leaf = self._leaves.get(key)
        if leaf is None:
            leaf = build()
            self._leaves[key] = leaf
        leaf.refs += 1
        leaves.append(leaf)
        return leaf

    def _word_leaf(self, word: Word, leaves: list[_Leaf], *, title_only: bool) -> _Leaf:
        norms = word_tuple(word.text)
        if len(norms) != 1:
            return self._phrase_leaf(word.text, leaves, title_only=title_only, quoted=False)
        norm = norms[0]
        spell = word.text.isupper() and len(word.text) <= 5
        key = ("word", norm, spell, title_only)
        leaf = self._leaves.get(key)
        if leaf is not None:  # the common case: someone already tracks this word
            leaf.refs += 1
            leaves.append(leaf)
            return leaf

        def build() -> _Leaf:
            topics = self.lexicon.topics_for(norms)
            own = self._word_atom(norm, phonetic_on=not topics, spell=spell, lexical=False)
            alts: list[tuple[int, bool]] = [(own, False)]
            alts.extend(self._topic_alts(topics, skip={norm}))
            return self._make_leaf(key, word.text, alts, title_only=title_only, phrase=False)

        return self._intern_leaf(key, leaves, build)

    def _phrase_leaf(
        self, text: str, leaves: list[_Leaf], *, title_only: bool, quoted: bool = True
    ) -> _Leaf:
        norms = word_tuple(text)
        key = ("phrase", tuple(norms), title_only, quoted)

        def build() -> _Leaf:
            parts: list[frozenset[int]] = []
            for norm in norms:
                topics = self.lexicon.topics_for([norm])
                own = self._word_atom(norm, phonetic_on=not topics, spell=False, lexical=False)
                ids = {own}
                ids.update(
                    atom for atom, _lex in self._topic_alts(topics, skip={norm}, words_only=True)
                )
                parts.append(frozenset(ids))
            alts: list[tuple[int, bool]] = [(self._phrase_atom(tuple(parts)), False)]
            if len(norms) == 2:  # "tik tok" also matches tiktok written as one word
                joined = self._word_atom(
                    norms[0] + norms[1], phonetic_on=False, spell=False, lexical=False
                )
                alts.append((joined, False))
            alts.extend(self._topic_alts(self.lexicon.topics_for(norms), skip=set()))
            display = f'"{text}"' if quoted else text
            return self._make_leaf(key, display, alts, title_only=title_only, phrase=True)

        return self._intern_leaf(key, leaves, build)

    def _topic_leaf(
        self, display: str, topics: Sequence[Topic], leaves: list[_Leaf], title_only: bool
    ) -> _Leaf:
        key = ("topic", tuple(sorted(t.name for t in topics)), display, title_only)

        def build() -> _Leaf:
            alts = self._topic_alts(topics, skip=set())
            return self._make_leaf(key, display, alts, title_only=title_only, phrase=False)

        return self._intern_leaf(key, leaves, build)

    def _topic_alts(
        self, topics: Sequence[Topic], *, skip: set[str], words_only: bool = False
    ) -> list[tuple[int, bool]]:
        alts: list[tuple[int, bool]] = []
        seen: set[int] = set()
        for topic in topics:
            for term in topic.terms:
                norms = word_tuple(term)
                if not norms or (len(norms) == 1 and norms[0] in skip):
                    continue
                if len(norms) == 1:
                    atom = self._word_atom(norms[0], phonetic_on=False, spell=False, lexical=True)
                elif words_only:
                    continue
                else:
                    parts = tuple(
                        frozenset(
                            {self._word_atom(n, phonetic_on=False, spell=False, lexical=True)}
                        )
                        for n in norms
                    )
                    atom = self._phrase_atom(parts)
                if atom not in seen:
                    seen.add(atom)
                    alts.append((atom, True))
        return alts

    def _make_leaf(
        self,
        key: tuple[Any, ...],
        display: str,
        alts: Sequence[tuple[int, bool]],
        *,
        title_only: bool,
        phrase: bool,
    ) -> _Leaf:
        unique: dict[int, bool] = {}
        for atom_id, lexical in alts:
            if atom_id not in unique:
                unique[atom_id] = lexical
                self._atoms[atom_id].refs += 1
        cost = sum(self._atom_cost(atom_id) for atom_id in unique)
        leaf = _Leaf(
            key=key,
            display=display,
            alts=unique,
            atom_ids=frozenset(unique),
            title_only=title_only,
            phrase=phrase,
            cost=cost,
        )
        leaf.node = (_LEAF, leaf)
        return leaf

    def _atom_cost(self, atom_id: int) -> float:
        """Estimated article frequency of an atom (lower = rarer = better anchor)."""
        atom = self._atoms[atom_id]
        if isinstance(atom, _PhraseAtom):
            return 0.5
        if atom.norm in HINDI_STOPWORDS or atom.norm in ENGLISH_STOPWORDS:
            return 50.0
        return 8.0 / max(1, len(atom.norm)) + (1.0 if atom.keys else 0.0)

    def _word_atom(self, norm: str, *, phonetic_on: bool, spell: bool, lexical: bool) -> int:
        script = _script(norm)
        phonetic_on = phonetic_on and script != _OTHER and norm not in self._never_phonetic
        spell = spell and phonetic_on
        bare: str | None = None
        if script == _LATIN:
            stem = english_stem(norm)
            forms: tuple[str, ...] = (stem,)
            if lexical and stem != norm:
                bare = stem
        elif script == _DEVA:
            forms = tuple(dict.fromkeys(_devanagari_forms(norm)))
        else:
            forms = ()
        key = (norm, phonetic_on, spell, bare is not None)
        existing = self._word_ids.get(key)
        if existing is not None:
            return existing
        atom_id = next(self._atom_ids)
        keys = _word_keys(norm, script, spell=spell) if phonetic_on else ()
        self._atoms[atom_id] = _WordAtom(atom_id, norm, script, forms, bare, keys, key)
        self._word_ids[key] = atom_id
        self._exact.setdefault(norm, []).append(atom_id)
        for form in forms:
            self._forms.setdefault(form, []).append(atom_id)
        for skel, seq in keys:
            self._buckets.setdefault(skel, []).append((atom_id, seq, script))
        self._lefts.update(left for left, _right in _halves(norm))
        self._atoms_changed()
        return atom_id

    def _phrase_atom(self, parts: tuple[frozenset[int], ...]) -> int:
        existing = self._phrase_ids.get(parts)
        if existing is not None:
            return existing
        atom_id = next(self._atom_ids)
        costs = [min(self._atom_cost(a) for a in part) for part in parts]
        anchor = costs.index(min(costs))
        self._atoms[atom_id] = _PhraseAtom(atom_id, parts, anchor)
        self._phrase_ids[parts] = atom_id
        for part in parts:
            for word_id in part:
                self._atoms[word_id].refs += 1
        for word_id in parts[anchor]:
            self._phrases_by_anchor.setdefault(word_id, []).append(atom_id)
        return atom_id

    def _anchor(self, node: _Compiled) -> tuple[set[int], set[str], float] | None:
        """Atoms/sites one of which every matching article must contain, and their cost."""
        kind = node[0]
        if kind == _LEAF:
            leaf: _Leaf = node[1]
            return set(leaf.atom_ids), set(), self._leaf_cost(leaf)
        if kind == _SITE:
            return set(), {node[1]}, 20.0
        if kind == _LANG:
            return None
        if kind == _OR:
            atoms: set[int] = set()
            sites: set[str] = set()
            cost = 0.0
            for child in node[1]:
                anchor = self._anchor(child)
                if anchor is None:
                    return None
                atoms |= anchor[0]
                sites |= anchor[1]
                cost += anchor[2]
            return atoms, sites, cost
        options = [a for a in (self._anchor(c) for c in node[1]) if a is not None]
        if not options:
            return None
        return min(options, key=lambda a: a[2])

    # --- removal ---------------------------------------------------------------------------

    def _release_leaf(self, leaf: _Leaf) -> None:
        leaf.refs -= 1
        if leaf.refs > 0:
            return
        self._leaves.pop(leaf.key, None)
        for atom_id in leaf.alts:
            self._release_atom(atom_id)

    def _release_atom(self, atom_id: int) -> None:
        atom = self._atoms.get(atom_id)
        if atom is None:
            return
        atom.refs -= 1
        if atom.refs > 0:
            return
        del self._atoms[atom_id]
        self._df.pop(atom_id, None)
        if isinstance(atom, _PhraseAtom):
            self._phrase_ids.pop(atom.parts, None)
            for word_id in atom.parts[atom.anchor]:
                _discard(self._phrases_by_anchor, word_id, atom_id)
            for part in atom.parts:
                for word_id in part:
                    self._release_atom(word_id)
            return
        self._word_ids.pop(atom.intern_key, None)
        _discard(self._exact, atom.norm, atom_id)
        for form in atom.forms:
            _discard(self._forms, form, atom_id)
        for left, _right in _halves(atom.norm):
            self._lefts[left] -= 1
            if self._lefts[left] <= 0:
                del self._lefts[left]
        for skel, _seq in atom.keys:
            bucket = self._buckets.get(skel)
            if bucket is not None:
                bucket[:] = [entry for entry in bucket if entry[0] != atom_id]
                if not bucket:
                    del self._buckets[skel]
        self._atoms_changed()

    def _atoms_changed(self) -> None:
        if self._token_cache:
            self._token_cache.clear()


def _by_score(item: tuple[float, _Group]) -> tuple[float, int]:
    return (-item[0], item[1].first_id)


def _smallest_gap(left: list[int], right: list[int]) -> int:
    """Smallest distance between a position in ``left`` and one in ``right`` (both sorted)."""
    i = j = 0
    best = abs(left[0] - right[0])
    while i < len(left) and j < len(right):
        gap = left[i] - right[j]
        if gap < 0:
            if -gap < best:
                best = -gap
            i += 1
        else:
            if gap < best:
                best = gap
            j += 1
    return best


def _discard(mapping: dict[Any, list[Any]], key: Any, value: Any) -> None:
    values = mapping.get(key)
    if values is None:
        return
    try:
        values.remove(value)
    except ValueError:
        return
    if not values:
        del mapping[key]


_SPLIT_MARKS: Final = regex.compile(r"[\p{Mn}\p{Mc}]")
_VIRAMA: Final = "\u094d"


def _halves(norm: str) -> list[tuple[str, str]]:
    """The ways a word may be written apart as two tokens (each half two letters or more,
    never splitting an akshara: a half never starts with a vowel sign, virama or nukta, nor
    ends with a virama). Stopwords and words under five letters are never joined, nor halves
    starting with a stopword: «की मत» is not कीमत, and every का, के, की of a Hindi text would
    otherwise have to be looked at."""
    return [
        (norm[:cut], norm[cut:])
        for cut in range(2, len(norm) - 1)
        if _are_halves(norm[:cut], norm[cut:])
    ]


def _are_halves(left: str, right: str) -> bool:
    """Whether ``left`` + ``right`` is a way ``_halves`` allows to write a word apart."""
    return (
        len(left) >= 2
        and len(right) >= 2
        and len(left) + len(right) >= 5
        and left[-1] != _VIRAMA
        and not _SPLIT_MARKS.match(right)
        and not _is_stopword(left)
        and not _is_stopword(left + right)
    )


def _is_stopword(norm: str) -> bool:
    return norm in HINDI_STOPWORDS or norm in ENGLISH_STOPWORDS


def _may_join(left: str, right: str) -> bool:
    """Whether two tokens as written may be one word written apart. In Latin script only when
    both are capitalised, the way brands are split (Pay TM, Tik Tok, You Tube): lower-case
    neighbours are ordinary words («follow up date» is no "update")."""
    return not (left[0].islower() or right[0].islower())


def _token_forms(norm: str, script: str) -> tuple[str, ...]:
    if script == _LATIN:
        return (english_stem(norm),)
    if script == _DEVA:
        return (fold_devanagari(norm), fold_devanagari(hindi_stem(norm)))
    return ()


def _devanagari_forms(norm: str) -> list[str]:
    """Fold keys a Devanagari query word is matched by.

    Besides the word and its light stem: a masculine noun in -ा also appears as -े and -ों
    (हमला → हमले, हमलों; घोटाला → घोटाले). Only for words of three or more consonants, so that
    short loanwords (डेटा) do not start matching other words (डेट).
    """
    forms = [fold_devanagari(norm), fold_devanagari(hindi_stem(norm))]
    consonants = sum(1 for ch in norm if "\u0915" <= ch <= "\u0939")
    if norm.endswith("ा") and consonants >= 3:
        base = norm[:-1]
        forms += [fold_devanagari(base + "े"), fold_devanagari(base)]
    return forms


def _word_keys(norm: str, script: str, *, spell: bool) -> tuple[tuple[str, str], ...]:
    """Phonetic keys of a word: its own and, for inflected forms, its stem's."""
    keys = list(phonetic.keys(norm, spell=spell))
    if script == _LATIN:
        stem = english_stem(norm)
        if stem != norm and norm.startswith(stem) and len(stem) >= 3:
            keys.extend(k for k in phonetic.keys(stem) if k not in keys)
    elif script == _DEVA:
        stem = hindi_stem(norm)
        if stem != norm:
            keys.extend(k for k in phonetic.keys(stem) if k not in keys)
    return tuple(keys)


def _token_keys(norm: str, script: str) -> tuple[tuple[str, str], ...]:
    """Phonetic keys of an article token (short Latin words may be acronyms: FIR, UPI)."""
    return _word_keys(norm, script, spell=script == _LATIN and len(norm) <= 4)


# --- the naive baseline --------------------------------------------------------------------------


@dataclass(slots=True)
class _PreparedArticle:
    """The article's own words indexed by every key a term can be matched on."""

    exact: dict[str, list[tuple[int, int]]]
    forms: dict[str, list[tuple[int, int, str]]]
    sounds: dict[str, list[tuple[str, str, int, int]]]
    pairs: dict[tuple[str, str], list[tuple[int, int]]]  # neighbouring words → first's place
    host: str
    lang: str


def _prepare(index: MatchIndex, article: Article) -> _PreparedArticle:
    exact: dict[str, list[tuple[int, int]]] = {}
    forms: dict[str, list[tuple[int, int, str]]] = {}
    sounds: dict[str, list[tuple[str, str, int, int]]] = {}
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for field_index, text in enumerate((article.title, article.summary, article.body)):
        previous = previous_raw = ""
        for position, raw in enumerate(field_tokens(text)):
            norm = normalise_token(raw)
            if previous and norm and _may_join(previous_raw, raw):
                pairs.setdefault((previous, norm), []).append((field_index, position - 1))
            previous, previous_raw = norm, raw
            if not norm:
                continue
            exact.setdefault(norm, []).append((field_index, position))
            script = _script(norm)
            for form in _token_forms(norm, script):
                forms.setdefault(form, []).append((field_index, position, norm))
            stop = norm in index._never_phonetic or (
                script == _DEVA and hindi_stem(norm) in index._never_phonetic
            )
            if script != _OTHER and not stop:
                for skel, seq in _token_keys(norm, script):
                    sounds.setdefault(skel, []).append((seq, script, field_index, position))
    return _PreparedArticle(
        exact, forms, sounds, pairs, _host_of(article.url), _article_language(article)
    )


def naive_match(index: MatchIndex, article: Article) -> list[int]:
    """Evaluate every subscription on its own against the article: the baseline.

    What one writes without an index: prepare the article's words once, then for each
    subscription and each of its terms look up every spelling, stem and sound of the term.
    Nothing is shared between subscriptions. Returns the ids whose boolean query holds.
    """
    prepared = _prepare(index, article)
    matched: list[int] = []
    for subscription_id, group in index._group_of.items():
        if _naive_holds(index, group.root, prepared):
            matched.append(subscription_id)
    return sorted(matched)


def _naive_word_places(
    index: MatchIndex, atom: _WordAtom, prepared: _PreparedArticle, *, joined: bool = True
) -> set[tuple[int, int]]:
    places = set(prepared.exact.get(atom.norm, ()))
    if joined:  # the word written apart (not inside phrases: there it would span two places)
        for halves in _halves(atom.norm):
            places.update(prepared.pairs.get(halves, ()))
    for form in atom.forms:
        for field_index, position, norm in prepared.forms.get(form, ()):
            if not (atom.bare and norm == atom.bare):
                places.add((field_index, position))
    for skel, seq in atom.keys:
        for token_seq, script, field_index, position in prepared.sounds.get(skel, ()):
            limit = phonetic.ceiling(skel)
            if script == atom.script:
                if script != _DEVA or len(skel) < _DEVA_SELF_MIN_SKELETON:
                    continue
                limit -= _DEVA_SELF_STRICTER
            if phonetic.distance(token_seq, seq, limit=_VERDICT_LIMIT) <= limit + 1e-9:
                places.add((field_index, position))
    return places


def _naive_atom(
    index: MatchIndex, atom_id: int, prepared: _PreparedArticle, title_only: bool
) -> bool:
    atom = index._atoms[atom_id]
    if isinstance(atom, _WordAtom):
        places = _naive_word_places(index, atom, prepared)
    else:
        part_places = []
        for part in atom.parts:
            merged: set[tuple[int, int]] = set()
            for word_id in part:
                word = index._atoms[word_id]
                assert isinstance(word, _WordAtom)
                merged |= _naive_word_places(index, word, prepared, joined=False)
            part_places.append(merged)
        places = {
            (field_index, position)
            for field_index, position in part_places[0]
            if all(
                (field_index, position + k) in part_places[k] for k in range(1, len(part_places))
            )
        }
    if title_only:
        return any(field_index == scoring.TITLE for field_index, _ in places)
    return bool(places)


def _naive_holds(index: MatchIndex, node: _Compiled, prepared: _PreparedArticle) -> bool:
    kind = node[0]
    if kind == _LEAF:
        leaf: _Leaf = node[1]
        return any(_naive_atom(index, a, prepared, leaf.title_only) for a in leaf.alts)
    if kind == _AND:
        return all(_naive_holds(index, c, prepared) for c in node[1]) and not any(
            _naive_holds(index, c, prepared) for c in node[2]
        )
    if kind == _OR:
        return any(_naive_holds(index, c, prepared) for c in node[1])
    if kind == _SITE:
        return bool(prepared.host) and _site_matches(prepared.host, node[1])
    return prepared.lang == node[1]


def index_subscriptions(
    index: MatchIndex, items: Mapping[int, ParsedQuery] | Iterable[tuple[int, ParsedQuery]]
) -> list[tuple[int, QueryError]]:
    """Add many subscriptions; returns those that could not be indexed (they are reported,
    never silently dropped: the caller keeps them and can tell their owners)."""
    failed: list[tuple[int, QueryError]] = []
    pairs = items.items() if isinstance(items, Mapping) else items
    for subscription_id, parsed in pairs:
        try:
            index.add(subscription_id, parsed)
        except QueryError as exc:
            logger.warning(
                "subscription not indexed",
                extra={"subscription": subscription_id, "code": exc.code},
            )
            failed.append((subscription_id, exc))
    return failed
