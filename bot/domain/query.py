"""The /track query language: parser → AST, limits, errors, JSON form, explanations.

What Google Alerts users already know::

    tiktok ban                 words are ANDed (anywhere in the article)
    "data leak"                exact phrase (adjacent words)
    tiktok OR pubg, a | b      OR — binds tighter than the implicit AND, as on Google:
                               ``tiktok ban OR block`` = tiktok AND (ban OR block)
    -cricket, -"match fixing"  exclude (a word, phrase, #topic, site: or group)
    ( … )                      grouping
    site:bbc.com               only articles from that domain (and its subdomains)
    intitle:leak               the word (or "phrase") must be in the title
    lang:hi, lang:en           only Hindi / English articles
    #ban                       a topic from the lexicon (config/topics.toml)

``AND``/``OR`` may be written in any case, ``NOT x`` means ``-x``, and Hindi users may write
``या`` for OR and ``और`` for AND. Bare function words (the, of, का, में…) are ignored outside
quotes. No user regex, ever. Every problem raises ``QueryError`` with a stable ``code``, the
character ``position`` and ``params``; ``QueryError.message(lang)`` renders it in Hindi or
English (texts in ``bot/domain/i18n/messages_query.py``).

A subscription stores the text as written plus ``ParsedQuery.to_json()``; ``explain()`` renders
what it will match, e.g. ``tiktok (टिकटॉक) AND ban (बैन, प्रतिबंध, पाबंदी…)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

import regex

from bot.domain.i18n import t
from bot.domain.lexicon import Lexicon, Topic, term_key
from bot.domain.text import is_devanagari, is_latin, normalise, token_norms, word_tuple
from bot.errors import KhabardarError

MAX_QUERY_LENGTH: Final = 400
MAX_TERMS: Final = 16
MAX_DEPTH: Final = 4
MAX_PHRASE_WORDS: Final = 8
MAX_WORD_LENGTH: Final = 60
JSON_VERSION: Final = 1

FIELDS: Final = frozenset({"site", "intitle", "lang"})
_LANG_CODES: Final = {
    "hi": "hi",
    "hin": "hi",
    "hindi": "hi",
    "हिंदी": "hi",
    "हिन्दी": "hi",
    "en": "en",
    "eng": "en",
    "english": "en",
    "अंग्रेजी": "en",
    "अंग्रेज़ी": "en",
}
_QUOTES: Final = frozenset('"“”„«»″')
_WORD_BREAKS: Final = frozenset("()|") | _QUOTES
_MINUS: Final = frozenset("-−–")
_OR_WORDS: Final = frozenset({"or", "या"})
_AND_WORDS: Final = frozenset({"and", "और"})
# Words that carry no meaning on their own; dropped outside quotes ("tiktok पर प्रतिबंध").
NOISE_WORDS: Final = frozenset(
    normalise(w)
    for w in [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "is",
        "are",
        "was",
        "का",
        "की",
        "के",
        "को",
        "में",
        "से",
        "ने",
        "पर",
        "है",
        "हैं",
        "था",
        "थी",
        "थे",
        "तो",
        "भी",
        "ही",
    ]
)
_DOMAIN: Final = regex.compile(
    r"^(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+"
    r"[\p{L}]{2,63}$"
)
_FIELD_WORD: Final = regex.compile(r"^([A-Za-z]{2,12}):(.*)$", regex.DOTALL)


class QueryError(KhabardarError):
    """A query that cannot be used; ``code`` is stable, ``position`` is 0-based."""

    def __init__(self, code: str, position: int = 0, **params: object) -> None:
        super().__init__(f"{code} at {position}: {params}" if params else f"{code} at {position}")
        self.code = code
        self.position = position
        self.params = params

    def message(self, lang: str | None) -> str:
        """The problem explained in the chat's language, naming where it is."""
        return t(f"query.error.{self.code}", lang, position=self.position + 1, **self.params)

    def bilingual(self) -> str:
        """Both languages, Hindi first (for the CLI and for chats of unknown language)."""
        return f"{self.message('hi')}\n{self.message('en')}"


# --- AST ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """A bare word as written (may contain inner hyphens: ``covid-19``)."""

    text: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quoted exact phrase."""

    text: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class TopicRef:
    """``#name``: every term of a lexicon topic."""

    name: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class Site:
    """``site:domain``: the article's URL host is the domain or one of its subdomains."""

    domain: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class InTitle:
    """``intitle:word`` / ``intitle:"phrase"``."""

    term: Word | Phrase
    position: int = 0


@dataclass(frozen=True, slots=True)
class Lang:
    """``lang:hi`` / ``lang:en``."""

    code: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class Not:
    """An exclusion: the article must not contain ``child``."""

    child: Node
    position: int = 0


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node: TypeAlias = Word | Phrase | TopicRef | Site | InTitle | Lang | Not | And | Or
TermNode: TypeAlias = Word | Phrase | TopicRef | InTitle


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query as the user wrote it and as parsed."""

    text: str
    root: Node

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (store it next to ``text``)."""
        return {"version": JSON_VERSION, "text": self.text, "root": node_to_json(self.root)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ParsedQuery:
        """Rebuild from ``to_json`` output; malformed data raises ``QueryError``."""
        if not isinstance(data, Mapping) or data.get("version") != JSON_VERSION:
            raise QueryError("invalid_stored")
        text = data.get("text")
        if not isinstance(text, str):
            raise QueryError("invalid_stored")
        return cls(text=text, root=node_from_json(data.get("root")))

    def canonical(self) -> str:
        """A normalised rendering for duplicate detection ("Ban TikTok" ≡ "tiktok ban")."""
        return canonical(self.root)

    def terms(self) -> Iterator[TermNode]:
        """Every positive term (not under an exclusion), in writing order."""
        yield from positive_terms(self.root)


# --- lexer ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # word phrase topic field lparen rparen or and not
    value: str
    position: int
    extra: str = ""  # field value for kind == "field"
    extra_is_phrase: bool = False


def _scan_phrase(text: str, start: int) -> tuple[str, int]:
    """Text between the quote at ``start`` and the next quote; returns (body, end index)."""
    end = start + 1
    while end < len(text) and text[end] not in _QUOTES:
        end += 1
    if end >= len(text):
        raise QueryError("unclosed_quote", start)
    return text[start + 1 : end], end + 1


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Tok("lparen", ch, i))
            i += 1
        elif ch == ")":
            tokens.append(_Tok("rparen", ch, i))
            i += 1
        elif ch == "|":
            tokens.append(_Tok("or", ch, i))
            i += 1
        elif ch in _QUOTES:
            body, end = _scan_phrase(text, i)
            tokens.append(_Tok("phrase", body, i))
            i = end
        elif ch in _MINUS and i + 1 < n and not text[i + 1].isspace():
            tokens.append(_Tok("not", ch, i))
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _WORD_BREAKS:
                i += 1
            word = text[start:i]
            if not word:  # a lone minus before a space
                i += 1
                continue
            lowered = normalise(word)
            field_match = _FIELD_WORD.match(word)
            if lowered in _OR_WORDS:
                tokens.append(_Tok("or", word, start))
            elif lowered in _AND_WORDS:
                tokens.append(_Tok("and", word, start))
            elif word == "NOT":
                tokens.append(_Tok("not", word, start))
            elif word.startswith("#") and len(word) > 1:
                tokens.append(_Tok("topic", word[1:], start))
            elif field_match and (field_match.group(2) or (i < n and text[i] in _QUOTES)):
                name = field_match.group(1).lower()
                value = field_match.group(2)
                is_phrase = False
                if not value and i < n and text[i] in _QUOTES:
                    value, i = _scan_phrase(text, i)
                    is_phrase = True
                tokens.append(_Tok("field", name, start, value, is_phrase))
            elif field_match and field_match.group(1).lower() in FIELDS:
                raise QueryError("missing_value", start, field=field_match.group(1).lower())
            elif token_norms(word):
                tokens.append(_Tok("word", word, start))
            # else: punctuation only ("&", "…"): ignored
    return tokens


# --- parser --------------------------------------------------------------------------------------


@dataclass
class _Parser:
    tokens: list[_Tok]
    lexicon: Lexicon | None
    index: int = 0
    depth: int = 0
    terms: int = field(default=0)

    def peek(self) -> _Tok | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Tok:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse_and(self, *, closing: bool) -> Node | None:
        children: list[Node] = []
        while True:
            token = self.peek()
            if token is None:
                break
            if token.kind == "rparen":
                if not closing:
                    raise QueryError("unexpected_paren", token.position)
                break
            if token.kind == "and":
                self.take()
                nxt = self.peek()
                if not children or nxt is None or nxt.kind in ("rparen", "or", "and"):
                    raise QueryError("dangling_operator", token.position, operator=token.value)
                continue
            if token.kind == "or":
                raise QueryError("dangling_operator", token.position, operator=token.value)
            node = self.parse_or()
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_or(self) -> Node | None:
        first = self.parse_unary()
        options = [first] if first is not None else []
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("rparen", "or", "and"):
                raise QueryError("dangling_operator", token.position, operator=token.value)
            option = self.parse_unary()
            if option is not None:
                options.append(option)
        if not options:
            return None
        return options[0] if len(options) == 1 else Or(tuple(options))

    def parse_unary(self) -> Node | None:
        token = self.peek()
        if token is not None and token.kind == "not":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("rparen", "or", "and"):
                raise QueryError("dangling_operator", token.position, operator=token.value)
            if nxt.kind == "not":
                raise QueryError("double_negation", nxt.position)
            child = self.parse_primary()
            if child is None:
                raise QueryError("dangling_operator", token.position, operator=token.value)
            return Not(child, token.position)
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        token = self.take()
        if token.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError("too_deep", token.position, max_depth=MAX_DEPTH)
            inner = self.parse_and(closing=True)
            closer = self.peek()
            if closer is None:
                raise QueryError("unclosed_paren", token.position)
            self.take()
            self.depth -= 1
            if inner is None:
                raise QueryError("empty_group", token.position)
            return inner
        if token.kind == "word":
            return self.word(token.value, token.position)
        if token.kind == "phrase":
            return self.phrase(token.value, token.position)
        if token.kind == "topic":
            return self.topic(token.value, token.position)
        if token.kind == "field":
            return self.field(token)
        raise QueryError("dangling_operator", token.position, operator=token.value)

    def count_term(self, position: int) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError("too_many_terms", position, max_terms=MAX_TERMS)

    def word(self, text: str, position: int) -> Word | None:
        norms = token_norms(text)
        if len(text) > MAX_WORD_LENGTH:
            raise QueryError("word_too_long", position, max_chars=MAX_WORD_LENGTH)
        if len(norms) == 1 and norms[0] in NOISE_WORDS:
            return None
        if len(norms) > MAX_PHRASE_WORDS:
            raise QueryError("phrase_too_long", position, max_words=MAX_PHRASE_WORDS)
        self.count_term(position)
        return Word(text, position)

    def phrase(self, text: str, position: int) -> Phrase:
        norms = token_norms(text)
        if not norms:
            raise QueryError("empty_phrase", position)
        if len(norms) > MAX_PHRASE_WORDS:
            raise QueryError("phrase_too_long", position, max_words=MAX_PHRASE_WORDS)
        self.count_term(position)
        return Phrase(" ".join(text.split()), position)

    def topic(self, name: str, position: int) -> TopicRef:
        if self.lexicon is not None:
            found = self.lexicon.topic(name)
            if found is None:
                suggestions = suggest_topics(name, self.lexicon)
                raise QueryError("unknown_topic", position, topic=name, suggestions=suggestions)
            name = found.name
        else:
            name = normalise(name)
        self.count_term(position)
        return TopicRef(name, position)

    def field(self, token: _Tok) -> Node:
        name, value, position = token.value, token.extra.strip(), token.position
        if name not in FIELDS:
            raise QueryError("unknown_field", position, field=name)
        if name == "site":
            domain = value.lower().strip("/")
            for prefix in ("https://", "http://"):
                if domain.startswith(prefix):
                    domain = domain[len(prefix) :]
            domain = domain.split("/", 1)[0].removeprefix("www.")
            if token.extra_is_phrase or not _DOMAIN.match(domain):
                raise QueryError("bad_site", position, value=value)
            self.count_term(position)
            return Site(domain, position)
        if name == "lang":
            code = _LANG_CODES.get(normalise(value))
            if code is None:
                raise QueryError("bad_lang", position, value=value)
            return Lang(code, position)
        term: Word | Phrase | None
        if token.extra_is_phrase:
            term = self.phrase(value, position)
        else:
            if not token_norms(value):
                raise QueryError("missing_value", position, field=name)
            term = self.word(value, position)
            if term is None:
                term = Word(value, position)
                self.count_term(position)
        return InTitle(term, position)


def suggest_topics(name: str, lexicon: Lexicon) -> str:
    """A few topic names close to ``name`` (or the first ones) for an error message."""
    wanted = normalise(name.lstrip("#"))
    names = sorted(lexicon.topics)
    close = [n for n in names if n.startswith(wanted[:3]) or wanted in n][:3]
    return ", ".join(f"#{n}" for n in (close or names[:5]))


def _flatten(node: Node) -> Node:
    if isinstance(node, And | Or):
        kind = type(node)
        children: list[Node] = []
        for child in node.children:
            child = _flatten(child)
            if isinstance(child, kind):
                children.extend(child.children)
            else:
                children.append(child)
        return children[0] if len(children) == 1 else kind(tuple(children))
    if isinstance(node, Not):
        return Not(_flatten(node.child), node.position)
    return node


def _validate(node: Node, *, in_or: bool = False, in_not: bool = False) -> None:
    if isinstance(node, Not):
        if in_or:
            raise QueryError("exclude_in_or", node.position)
        if in_not:
            raise QueryError("double_negation", node.position)
        _validate(node.child, in_not=True)
    elif isinstance(node, Or):
        for child in node.children:
            _validate(child, in_or=True, in_not=in_not)
    elif isinstance(node, And):
        langs = {c.code for c in node.children if isinstance(c, Lang)}
        if len(langs) > 1:
            first = next(c for c in node.children if isinstance(c, Lang))
            raise QueryError("conflicting_lang", first.position)
        for child in node.children:
            _validate(child, in_or=False, in_not=in_not)
    elif isinstance(node, Lang) and (in_or or in_not):
        raise QueryError("filter_in_or", node.position)


def _has_positive_term(node: Node) -> bool:
    if isinstance(node, Word | Phrase | TopicRef | InTitle | Site):
        return True
    if isinstance(node, And):
        return any(_has_positive_term(c) for c in node.children)
    if isinstance(node, Or):
        return all(_has_positive_term(c) for c in node.children)
    return False


def parse_query(text: str, *, lexicon: Lexicon | None = None) -> ParsedQuery:
    """Parse a /track query; raises ``QueryError`` (and nothing else) on any problem.

    With a ``lexicon``, ``#topics`` are checked and resolved to their canonical names.
    """
    if not isinstance(text, str):
        raise QueryError("empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            "too_long", MAX_QUERY_LENGTH, max_length=MAX_QUERY_LENGTH, length=len(text)
        )
    if not text.strip():
        raise QueryError("empty")
    try:
        tokens = _lex(text)
        parser = _Parser(tokens, lexicon)
        root = parser.parse_and(closing=False)
    except RecursionError as exc:  # defensive: depth is capped well before this
        raise QueryError("too_deep", 0, max_depth=MAX_DEPTH) from exc
    if root is None:
        raise QueryError("only_common_words" if tokens else "empty")
    root = _flatten(root)
    _validate(root)
    if not _has_positive_term(root):
        raise QueryError("no_positive_terms", 0)
    return ParsedQuery(text=text, root=root)


# --- walking -------------------------------------------------------------------------------------


def positive_terms(node: Node) -> Iterator[TermNode]:
    """Word/phrase/topic/intitle leaves that are not excluded."""
    if isinstance(node, Word | Phrase | TopicRef | InTitle):
        yield node
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from positive_terms(child)


@dataclass(frozen=True, slots=True)
class WordGroup:
    """Adjacent query words that together form a multi-word lexicon term (``data leak``)."""

    words: tuple[Word, ...]
    topics: tuple[Topic, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def group_lexicon_phrases(children: Sequence[Node], lexicon: Lexicon) -> list[Node | WordGroup]:
    """Spot runs of adjacent plain words that are a multi-word lexicon term.

    ``data leak`` (two ANDed words) then also matches the topic's other terms (डेटा चोरी,
    data breach…), while still matching "data … leak" anywhere, as the user typed it.
    """
    multi = lexicon.multiword_keys()
    out: list[Node | WordGroup] = []
    i = 0
    while i < len(children):
        grouped = False
        first = children[i]
        if not isinstance(first, Word) or not lexicon.may_start_phrase(word_tuple(first.text)):
            out.append(first)
            i += 1
            continue
        for size in (4, 3, 2):
            run = children[i : i + size]
            if len(run) < size or not all(isinstance(c, Word) for c in run):
                continue
            words = tuple(c for c in run if isinstance(c, Word))
            norms = [n for w in words for n in word_tuple(w.text)]
            if term_key(norms) in multi:
                out.append(WordGroup(words, lexicon.topics_for(norms)))
                i += size
                grouped = True
                break
        if not grouped:
            out.append(children[i])
            i += 1
    return out


# --- JSON ----------------------------------------------------------------------------------------


def node_to_json(node: Node) -> dict[str, Any]:
    """JSON-serialisable dict of an AST node."""
    if isinstance(node, Word):
        return {"t": "word", "text": node.text, "pos": node.position}
    if isinstance(node, Phrase):
        return {"t": "phrase", "text": node.text, "pos": node.position}
    if isinstance(node, TopicRef):
        return {"t": "topic", "name": node.name, "pos": node.position}
    if isinstance(node, Site):
        return {"t": "site", "domain": node.domain, "pos": node.position}
    if isinstance(node, Lang):
        return {"t": "lang", "code": node.code, "pos": node.position}
    if isinstance(node, InTitle):
        return {"t": "intitle", "term": node_to_json(node.term), "pos": node.position}
    if isinstance(node, Not):
        return {"t": "not", "child": node_to_json(node.child), "pos": node.position}
    if isinstance(node, And):
        return {"t": "and", "children": [node_to_json(c) for c in node.children]}
    return {"t": "or", "children": [node_to_json(c) for c in node.children]}


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise QueryError("invalid_stored")
    return value


def _pos(data: Mapping[str, Any]) -> int:
    value = data.get("pos", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise QueryError("invalid_stored")
    return value


def node_from_json(data: Any, *, depth: int = 0) -> Node:
    """Inverse of ``node_to_json``; anything malformed raises ``QueryError("invalid_stored")``."""
    if not isinstance(data, Mapping) or depth > MAX_DEPTH * 3 + 4:
        raise QueryError("invalid_stored")
    kind = data.get("t")
    if kind == "word":
        return Word(_str(data, "text"), _pos(data))
    if kind == "phrase":
        return Phrase(_str(data, "text"), _pos(data))
    if kind == "topic":
        return TopicRef(_str(data, "name"), _pos(data))
    if kind == "site":
        return Site(_str(data, "domain"), _pos(data))
    if kind == "lang":
        code = _str(data, "code")
        if code not in ("hi", "en"):
            raise QueryError("invalid_stored")
        return Lang(code, _pos(data))
    if kind == "intitle":
        term = node_from_json(data.get("term"), depth=depth + 1)
        if not isinstance(term, Word | Phrase):
            raise QueryError("invalid_stored")
        return InTitle(term, _pos(data))
    if kind == "not":
        return Not(node_from_json(data.get("child"), depth=depth + 1), _pos(data))
    if kind in ("and", "or"):
        raw = data.get("children")
        if not isinstance(raw, list) or len(raw) < 2:
            raise QueryError("invalid_stored")
        children = tuple(node_from_json(c, depth=depth + 1) for c in raw)
        return And(children) if kind == "and" else Or(children)
    raise QueryError("invalid_stored")


# --- canonical form and explanation -------------------------------------------------------------


def canonical(node: Node) -> str:
    """Order-insensitive normalised rendering of a query."""
    if isinstance(node, Word):
        norms = token_norms(node.text)
        # "in-app", "U.S." are several words matched side by side, i.e. a phrase: written as
        # one, so "ban-tiktok" is not taken for "tiktok ban" and the form parses back to itself.
        return " ".join(norms) if len(norms) == 1 else '"' + " ".join(norms) + '"'
    if isinstance(node, Phrase):
        return '"' + " ".join(token_norms(node.text)) + '"'
    if isinstance(node, TopicRef):
        return "#" + normalise(node.name)
    if isinstance(node, Site):
        return "site:" + node.domain
    if isinstance(node, Lang):
        return "lang:" + node.code
    if isinstance(node, InTitle):
        return "intitle:" + canonical(node.term)
    if isinstance(node, Not):
        return "-" + canonical(node.child)
    parts = sorted(canonical(c) for c in node.children)
    if isinstance(node, And):
        return " ".join(parts)
    return "(" + " OR ".join(parts) + ")"


_SHOWN_TERMS: Final = 3


def _other_language_terms(text: str, topics: Sequence[Topic]) -> list[str]:
    """Terms of ``topics`` in the script the user did not write, for the explanation."""
    norms = token_norms(text)
    written_in_devanagari = bool(norms) and is_devanagari(norms[0])
    own = normalise(text)
    shown: list[str] = []
    for topic in topics:
        for term in topic.en if written_in_devanagari else topic.hi:
            if normalise(term) != own and term not in shown:
                shown.append(term)
    return shown


def _with_terms(label: str, terms: Sequence[str]) -> str:
    if not terms:
        return label
    more = "…" if len(terms) > _SHOWN_TERMS else ""
    return f"{label} ({', '.join(terms[:_SHOWN_TERMS])}{more})"


def _explain_term(text: str, lexicon: Lexicon, lang: str | None, *, quoted: bool) -> str:
    norms = token_norms(text)
    label = f'"{text}"' if quoted else text
    topics = lexicon.topics_for(norms)
    if topics:
        return _with_terms(label, _other_language_terms(text, topics))
    if len(norms) == 1 and (is_latin(norms[0]) or is_devanagari(norms[0])):
        key = (
            "query.explain.sounds_like_hi" if is_latin(norms[0]) else "query.explain.sounds_like_en"
        )
        return t(key, lang, term=label)
    return label


def explain(parsed: ParsedQuery | Node, *, lexicon: Lexicon, lang: str | None = "en") -> str:
    """What a query will match, in the chat's language (Hindi or English)."""
    root = parsed.root if isinstance(parsed, ParsedQuery) else parsed
    return _explain(root, lexicon, lang, top=True)


def _explain(node: Node | WordGroup, lexicon: Lexicon, lang: str | None, *, top: bool) -> str:
    if isinstance(node, WordGroup):
        terms = _other_language_terms(node.text, node.topics)
        return _with_terms(node.text, terms)
    if isinstance(node, Word):
        return _explain_term(node.text, lexicon, lang, quoted=False)
    if isinstance(node, Phrase):
        return _explain_term(node.text, lexicon, lang, quoted=True)
    if isinstance(node, TopicRef):
        topic = lexicon.topic(node.name)
        if topic is None:
            return "#" + node.name
        other = topic.en if lang == "hi" else topic.hi
        return _with_terms(f"#{topic.name}", list(other) or list(topic.terms))
    if isinstance(node, Site):
        return t("query.explain.site", lang, domain=node.domain)
    if isinstance(node, Lang):
        return t(f"query.explain.lang_{node.code}", lang)
    if isinstance(node, InTitle):
        inner = _explain(node.term, lexicon, lang, top=False)
        return t("query.explain.intitle", lang, term=inner)
    if isinstance(node, Not):
        return t("query.explain.not", lang, term=_explain(node.child, lexicon, lang, top=False))
    if isinstance(node, Or):
        joined = t("query.explain.or", lang).join(
            _explain(c, lexicon, lang, top=False) for c in node.children
        )
        return joined if top else f"({joined})"
    items = group_lexicon_phrases(node.children, lexicon)
    positives = [i for i in items if not isinstance(i, Not | Lang | Site)]
    filters = [i for i in items if isinstance(i, Lang | Site)]
    negatives = [i for i in items if isinstance(i, Not)]
    parts = [_explain(i, lexicon, lang, top=False) for i in positives]
    text = t("query.explain.and", lang).join(parts)
    if len(parts) > 1 and not top:
        text = f"({text})"
    for item in filters + negatives:
        text += ", " + _explain(item, lexicon, lang, top=False)
    return text
