"""The bilingual lexicon: topics with English and Hindi terms, loaded from TOML.

A topic (``#ban``, ``#dataleak``, ``#tiktok``…) groups terms that mean the same thing for a
reader of the news: translations (ban ≡ प्रतिबंध ≡ पाबंदी), spellings phonetics cannot derive
(Xiaomi ≡ शाओमी) and phrases (``पर रोक`` — रोक *as a noun*). A query may name a topic with
``#name``; a plain query word that is one of a topic's terms expands to the whole topic.

The shipped file is ``config/topics.toml``; operators add or extend topics in a second file
(``KHABARDAR_TOPICS``) without touching code. Format::

    never_phonetic = ["आधार"]          # Hindi words never matched by sound (optional)

    [topics.ban]
    label = { en = "ban", hi = "प्रतिबंध" }
    aliases = ["प्रतिबंध"]               # other names usable after '#'
    en = ["ban", "banned", "blocked"]
    hi = ["बैन", "प्रतिबंध", "पर रोक"]
    # replace = true                   # (extra file only) replace instead of extending

Parsing uses ``tomllib`` (stdlib); bad files raise ``ConfigError`` naming the file and entry.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import regex

from bot.domain.text import (
    english_stem,
    fold_devanagari,
    hindi_stem,
    is_devanagari,
    is_latin,
    normalise,
    token_norms,
)
from bot.errors import ConfigError

logger = logging.getLogger(__name__)



def _shipped_topics_path() -> Path:
    """``config/topics.toml`` of a source checkout (editable install, ``make run``), else of
    the working directory: an installed wheel (the Docker image) has no checkout around it,
    and the image puts ``config/`` in its working directory."""
    checkout = Path(__file__).resolve().parents[2] / "config" / "topics.toml"
    if checkout.exists():
        return checkout
    here = Path.cwd() / "config" / "topics.toml"
    return here if here.exists() else checkout


DEFAULT_TOPICS_PATH: Final = _shipped_topics_path()
_TOPIC_NAME: Final = regex.compile(r"^[\p{L}\p{M}\p{Nd}_]{1,40}$")
_TOPIC_KEYS: Final = frozenset({"label", "aliases", "en", "hi", "replace"})
_TOP_KEYS: Final = frozenset({"version", "never_phonetic", "topics"})
MAX_TERM_WORDS: Final = 8


def term_key(norms: Sequence[str]) -> tuple[str, ...]:
    """The comparison key of a normalised word sequence: stems (Latin) / folded stems (Hindi).

    Two spellings of a term share a key (bans/banned → ban; ऐप्स/ऐप → ऐप; कम्पनी/कंपनी).
    """
    return tuple(_word_key(word) for word in norms)


@lru_cache(maxsize=131_072)
def _word_key(word: str) -> str:
    if is_latin(word):
        return english_stem(word)
    if is_devanagari(word):
        return fold_devanagari(hindi_stem(word))
    return word


@dataclass(frozen=True, slots=True)
class Topic:
    """A named group of equivalent English and Hindi terms."""

    name: str
    label_en: str
    label_hi: str
    en: tuple[str, ...]
    hi: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term, English first."""
        return self.en + self.hi

    def label(self, lang: str | None) -> str:
        """The topic's display name in ``lang``."""
        return self.label_hi if lang == "hi" else self.label_en


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All topics, plus the look-ups the query compiler needs."""

    topics: Mapping[str, Topic]
    never_phonetic: frozenset[str] = frozenset()
    _by_name: Mapping[str, str] = field(default_factory=dict, repr=False)
    _by_key: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    _multiword: frozenset[tuple[str, ...]] = field(default_factory=frozenset, repr=False)
    _multiword_first: frozenset[str] = field(default_factory=frozenset, repr=False)

    @classmethod
    def build(cls, topics: Iterable[Topic], never_phonetic: Iterable[str] = ()) -> Lexicon:
        """Index ``topics`` by name, alias and term key."""
        by_topic = {topic.name: topic for topic in topics}
        by_name: dict[str, str] = {}
        by_key: dict[tuple[str, ...], list[str]] = {}
        for topic in by_topic.values():
            for name in (topic.name, *topic.aliases):
                by_name.setdefault(normalise(name), topic.name)
            for term in topic.terms:
                key = term_key(token_norms(term))
                if key:
                    names = by_key.setdefault(key, [])
                    if topic.name not in names:
                        names.append(topic.name)
        return cls(
            topics=MappingProxyType(by_topic),
            never_phonetic=frozenset(normalise(word) for word in never_phonetic),
            _by_name=MappingProxyType(by_name),
            _by_key=MappingProxyType({key: tuple(names) for key, names in by_key.items()}),
            _multiword=frozenset(key for key in by_key if len(key) > 1),
            _multiword_first=frozenset(key[0] for key in by_key if len(key) > 1),
        )

    @classmethod
    def empty(cls) -> Lexicon:
        """A lexicon without topics (matching then relies on spelling and sound alone)."""
        return cls.build(())

    def topic(self, name: str) -> Topic | None:
        """The topic called ``name`` (or one of its aliases), ``#`` optional."""
        found = self._by_name.get(normalise(name.lstrip("#")))
        return self.topics[found] if found else None

    def topics_for(self, norms: Sequence[str]) -> tuple[Topic, ...]:
        """Topics that list this (normalised) word or phrase as one of their terms."""
        return tuple(self.topics[name] for name in self._by_key.get(term_key(norms), ()))

    def has_term(self, norms: Sequence[str]) -> bool:
        """True when the word or phrase is a term of some topic."""
        return term_key(norms) in self._by_key

    def may_start_phrase(self, norms: Sequence[str]) -> bool:
        """Cheap pre-check: could a multi-word term start with this word?"""
        return bool(norms) and term_key(norms[:1])[0] in self._multiword_first

    def multiword_keys(self) -> frozenset[tuple[str, ...]]:
        """Keys of every multi-word term (used to spot phrases written without quotes)."""
        return self._multiword

    def merged_with(self, other: Lexicon, *, replace: Iterable[str] = ()) -> Lexicon:
        """This lexicon extended by ``other``: same-named topics gain its terms and aliases
        (or are replaced by it for names in ``replace``); new topics are added."""
        replaced = set(replace)
        merged: dict[str, Topic] = dict(self.topics)
        for name, extra in other.topics.items():
            base = merged.get(name)
            if base is None or name in replaced:
                merged[name] = extra
                continue
            merged[name] = Topic(
                name=name,
                label_en=extra.label_en or base.label_en,
                label_hi=extra.label_hi or base.label_hi,
                en=_unique(base.en + extra.en),
                hi=_unique(base.hi + extra.hi),
                aliases=_unique(base.aliases + extra.aliases),
            )
        return Lexicon.build(merged.values(), self.never_phonetic | other.never_phonetic)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _string_list(value: Any, *, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings")
    cleaned: list[str] = []
    for item in value:
        norms = token_norms(item)
        if not norms:
            raise ConfigError(f"{where}: entry {item!r} has no words")
        if len(norms) > MAX_TERM_WORDS:
            raise ConfigError(f"{where}: entry {item!r} has more than {MAX_TERM_WORDS} words")
        cleaned.append(item.strip())
    return _unique(cleaned)


def parse_lexicon(
    data: Mapping[str, Any], *, source: str = "<topics>"
) -> tuple[Lexicon, frozenset[str]]:
    """Validate a decoded TOML document; returns the lexicon and the topics marked
    ``replace = true``."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown top-level key(s) {sorted(unknown)}")
    never = _string_list(data.get("never_phonetic", []), where=f"{source}: never_phonetic")
    raw_topics = data.get("topics", {})
    if not isinstance(raw_topics, Mapping):
        raise ConfigError(f"{source}: [topics] must be a table of topics")
    topics: list[Topic] = []
    replace: set[str] = set()
    for raw_name, body in raw_topics.items():
        where = f"{source}: topics.{raw_name}"
        name = normalise(raw_name)
        if not _TOPIC_NAME.match(name):
            raise ConfigError(f"{where}: a topic name is one word of letters, digits or _")
        if not isinstance(body, Mapping):
            raise ConfigError(f"{where}: must be a table")
        unknown = set(body) - _TOPIC_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}")
        label = body.get("label", {})
        if isinstance(label, str):
            label = {"en": label, "hi": label}
        if not isinstance(label, Mapping) or not all(isinstance(v, str) for v in label.values()):
            raise ConfigError(f'{where}.label: expected {{ en = "…", hi = "…" }}')
        en = _string_list(body.get("en", []), where=f"{where}.en")
        hi = _string_list(body.get("hi", []), where=f"{where}.hi")
        if not en and not hi:
            raise ConfigError(f"{where}: a topic needs at least one term in en or hi")
        aliases = _string_list(body.get("aliases", []), where=f"{where}.aliases")
        for alias in aliases:
            if not _TOPIC_NAME.match(normalise(alias.lstrip("#"))):
                raise ConfigError(f"{where}.aliases: {alias!r} is not a single word")
        if body.get("replace", False) is True:
            replace.add(name)
        topics.append(
            Topic(
                name=name,
                label_en=label.get("en", "") or (en[0] if en else name),
                label_hi=label.get("hi", "") or (hi[0] if hi else name),
                en=en,
                hi=hi,
                aliases=tuple(normalise(a.lstrip("#")) for a in aliases),
            )
        )
    return Lexicon.build(topics, never), frozenset(replace)


def lexicon_from_toml(text: str, *, source: str = "<topics>") -> tuple[Lexicon, frozenset[str]]:
    """Parse TOML text (see the module docstring for the format)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from exc
    return parse_lexicon(data, source=source)


def load_lexicon(
    path: Path | str | None = DEFAULT_TOPICS_PATH, *, extra_path: Path | str | None = None
) -> Lexicon:
    """The shipped lexicon (``path``) merged with the operator's ``extra_path``, if any."""
    lexicon = Lexicon.empty()
    for file, is_extra in ((path, False), (extra_path, True)):
        if file is None:
            continue
        file = Path(file)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"topics file {file}: cannot be read ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"topics file {file}: not UTF-8 text") from exc
        loaded, replace = lexicon_from_toml(text, source=str(file))
        lexicon = lexicon.merged_with(loaded, replace=replace if is_extra else ())
        logger.info("lexicon loaded", extra={"file": str(file), "topics": len(loaded.topics)})
    return lexicon
