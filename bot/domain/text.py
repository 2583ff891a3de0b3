"""Text for matching: the one normalisation, script-aware tokens, light stems and folds.

Articles, queries and the lexicon all go through the functions here, so every side of a
comparison sees the same characters:

* ``normalise`` — NFC, invisible characters (ZWJ, ZWNJ, ZWSP, WJ, BOM, soft hyphen, bidi marks)
  removed, any decimal digit (Devanagari ५९) to ASCII, chandrabindu → anusvara, candra E → E,
  the two-code-point vowels (अ + ॉ) composed, nukta dropped (except ड़ ढ़, which are native
  r-sounds), case-folded, Latin accents stripped. It is idempotent.
* ``tokenise`` — words are runs of letters and marks (``[\\p{L}\\p{M}]+``) or digits
  (``\\p{Nd}+``), found with the ``regex`` module. Never ``re``'s ``\\w``/``\\b``: they treat
  Devanagari vowel signs as non-word characters and split हिंदी into pieces.
* ``english_stem`` (snowball, Latin tokens only), ``hindi_stem`` (the light suffix list),
  ``fold_devanagari`` (the lexicon's spelling-variant fold) and the stop-word lists.

Everything is for the *matching form* only; what is shown to people keeps the original text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import regex
import snowballstemmer

# Invisible characters that change equality but not meaning. They are allowed *inside* a token
# by the tokeniser (so ऐप्‍स with a ZWJ stays one token) and then removed by ``normalise``.
_INVISIBLES: Final = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u2061\u2062\u2063\u2064"
_INVISIBLE_TABLE: Final = {ord(ch): None for ch in _INVISIBLES}

TOKEN_PATTERN: Final = regex.compile(
    rf"(?:[\p{{L}}\p{{M}}]|[{_INVISIBLES}])+|\p{{Nd}}+", regex.VERSION1
)
_HAS_LETTER: Final = regex.compile(r"[\p{L}\p{M}\p{Nd}]")

NUKTA: Final = "\u093c"
VIRAMA: Final = "\u094d"
ANUSVARA: Final = "\u0902"

# Character-level folds applied after NFC (all single code points → string).
_CHAR_FOLDS: Final = {
    0x0901: "\u0902",  # chandrabindu → anusvara (हूँ / हूं)
    0x0945: "\u0947",  # candra E sign → E sign
    0x090D: "\u090f",  # candra E letter → E
    0x0972: "\u0911",  # candra A → candra O letter
    0x0929: "\u0928",  # ऩ → न  (these three compose under NFC, unlike क़…य़)
    0x0931: "\u0930",  # ऱ → र
    0x0934: "\u0933",  # ऴ → ळ
    **{ord(ch): None for ch in _INVISIBLES},
}
# Two-code-point vowel spellings that NFC leaves alone.
_VOWEL_PAIRS: Final = (
    ("\u0905\u0949", "\u0911"),  # अ + ॉ → ऑ
    ("\u0905\u094b", "\u0913"),  # अ + ो → ओ
    ("\u0905\u094c", "\u0914"),  # अ + ौ → औ
    ("\u0905\u093e", "\u0906"),  # अ + ा → आ
    ("\u090f\u0947", "\u0910"),  # ए + े → ऐ
)
_NUKTA_KEEP: Final = frozenset("\u0921\u0922")  # ड ढ: ड़ ढ़ are distinct sounds
_NON_ASCII_DIGIT: Final = regex.compile(r"[^\x00-\x7f]")

DEVANAGARI_START: Final = 0x0900
DEVANAGARI_END: Final = 0x097F


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: ``surface`` as written at ``start:end``, ``norm`` for matching."""

    surface: str
    norm: str
    start: int
    end: int


def _drop_nukta(text: str) -> str:
    if NUKTA not in text:
        return text
    out: list[str] = []
    previous = ""
    for ch in text:
        if ch == NUKTA and previous not in _NUKTA_KEEP:
            continue
        out.append(ch)
        previous = ch
    return "".join(out)


def _ascii_digits(text: str) -> str:
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
        for ch in text
    )


def _strip_latin_accents(text: str) -> str:
    """café → cafe; Devanagari and other scripts are left exactly as they are."""
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and "LATIN" in unicodedata.name(kept[-1], ""):
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def normalise(text: str) -> str:
    """The matching form of any text (article, query or lexicon entry); idempotent."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_CHAR_FOLDS)
    for pair, single in _VOWEL_PAIRS:
        if pair in text:
            text = text.replace(pair, single)
    text = _drop_nukta(text)
    if _NON_ASCII_DIGIT.search(text):
        text = _ascii_digits(text)
    text = text.casefold()
    if any(
        0x00C0 <= ord(ch) <= 0x036F or 0x1E00 <= ord(ch) <= 0x1EFF for ch in text
    ):  # Latin letters with accents, or combining accents left by casefold (İ → i̇)
        text = _strip_latin_accents(text)
    # casefold/accents may re-expose composable sequences; NFC once more keeps it idempotent.
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE_TABLE)


@lru_cache(maxsize=262_144)
def normalise_token(raw: str) -> str:
    """``normalise`` for one token, cached: the same words recur across articles (Zipf)."""
    return normalise(raw)


def tokenise(text: str) -> list[Token]:
    """Script-aware words with their positions in ``text``; empty tokens are dropped."""
    tokens: list[Token] = []
    for match in TOKEN_PATTERN.finditer(text):
        surface = match.group()
        norm = normalise_token(surface)
        if norm:
            tokens.append(Token(surface, norm, match.start(), match.end()))
    return tokens


def token_norms(text: str) -> list[str]:
    """Just the normalised words of ``text`` (the fast path the matcher uses)."""
    norms = []
    for raw in TOKEN_PATTERN.findall(text):
        norm = normalise_token(raw)
        if norm:
            norms.append(norm)
    return norms


def token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word of ``text``, aligned with ``token_norms(text)``."""
    return [
        match.span() for match in TOKEN_PATTERN.finditer(text) if normalise_token(match.group())
    ]


@lru_cache(maxsize=65_536)
def word_tuple(text: str) -> tuple[str, ...]:
    """``token_norms`` as a cached tuple, for short texts that recur (query terms, lexicon)."""
    return tuple(token_norms(text))


def is_devanagari(token: str) -> bool:
    """True when the token is written in Devanagari (judged by its first letter)."""
    return bool(token) and DEVANAGARI_START <= ord(token[0]) <= DEVANAGARI_END


def is_latin(token: str) -> bool:
    """True for a normalised Latin-script word (normalised Latin is plain ASCII a–z)."""
    return bool(token) and token.isascii() and token.isalpha()


def script_of(token: str) -> str:
    """``"deva"``, ``"latin"``, ``"digit"`` or ``"other"``."""
    if is_devanagari(token):
        return "deva"
    if token.isascii():
        if token.isdigit():
            return "digit"
        if token.isalpha():
            return "latin"
    return "other"


# --- stemming --------------------------------------------------------------------------------

_SNOWBALL: Final = snowballstemmer.stemmer("english")


@lru_cache(maxsize=131_072)
def english_stem(word: str) -> str:
    """Snowball (Porter2) stem of a normalised Latin word: ban/bans/banned/banning → ban.

    Used only for Latin-to-Latin equality; the phonetic step never sees it (snowball turns
    privacy into "privaci"). Words of three letters or fewer are kept as they are, so short
    acronyms are never mangled.
    """
    if len(word) <= 3 or not word.isascii():
        return word
    return _SNOWBALL.stemWord(word)


# Appendix B of the cross-script reference: Hindi plural/oblique endings, English plural and
# -ing written in Devanagari. Longest first; strip only when ≥ 2 code points remain. Appendix B's
# ्ड (-ed) and ीज (-ies) are left out on purpose: far more loanwords simply end in them
# (कार्ड, फील्ड, वार्ड, गोल्ड → कार, फील, वार, गोल; चाइनीज → चाइन) than are inflected with them.
_HINDI_SUFFIXES: Final = tuple(
    sorted(
        (
            "ियों",
            "ियां",
            "िये",
            "ाओं",
            "ाएं",
            "ाईं",
            "ुओं",
            "ुएं",
            "ओं",
            "ों",
            "ें",
            "एं",
            "ाओ",
            "ियो",
            "िया",
            "्स",
            "्स्",
            "िंग",
        ),
        key=len,
        reverse=True,
    )
)
_SUFFIXES_ADD_I: Final = frozenset({"ियों", "ियां", "िये"})  # कंपनियों → कंपनी


@lru_cache(maxsize=131_072)
def hindi_stem(word: str) -> str:
    """Light stem of a normalised Devanagari word: ऐप्स → ऐप, खबरें → खबर, कंपनियों → कंपनी.

    Bare vowel signs (ा ी े) are never stripped: too many loanwords end in them (डाटा, कंपनी).
    Hand-written because snowball's Hindi stemmer turns कंपनियों into कंपन ("vibration") and
    leaves ऐप्स/यूजर्स untouched (measured in the cross-script reference, §4).
    """
    for suffix in _HINDI_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            if suffix in _SUFFIXES_ADD_I:
                stem += "ी"
            return stem
    return word


def stem(word: str) -> str:
    """The light stem of a normalised word in whichever script it is written."""
    if is_devanagari(word):
        return hindi_stem(word)
    if is_latin(word):
        return english_stem(word)
    return word


# --- Devanagari spelling fold ------------------------------------------------------------------

_FOLD_TABLE: Final = str.maketrans(
    {
        "ी": "ि",
        "ू": "ु",
        "ई": "इ",
        "ऊ": "उ",
        "ॉ": "ो",
        "ऑ": "ओ",
        "ौ": "ो",
        "औ": "ओ",
    }
)
_NASAL_BEFORE_CONSONANT: Final = regex.compile(r"[नमणङञ]\u094d(?=[\u0915-\u0939])")
_DOUBLED_CONSONANT: Final = regex.compile(r"([\u0915-\u0939])\1")


@lru_cache(maxsize=131_072)
def fold_devanagari(word: str) -> str:
    """Fold the spelling variations Hindi writers use for the same word (lexicon keys).

    ी/ि and ू/ु merged, ॉ/ौ → ो, व्ह → व, a nasal + virama before a consonant → anusvara
    (कम्पनी/कंपनी), virama removed, doubled consonants collapsed (एप्पल/एपल). The vowel
    qualities ऐ/ए and आ/अ are kept apart on purpose: बैन (ban) is not बेन (Ben), and डाटा/डेटा
    are both listed in the lexicon instead.
    """
    if not is_devanagari(word):
        return word
    folded = word.replace("व्ह", "व")
    folded = _NASAL_BEFORE_CONSONANT.sub(ANUSVARA, folded)
    folded = folded.replace(VIRAMA, "")
    folded = folded.translate(_FOLD_TABLE)
    return _DOUBLED_CONSONANT.sub(r"\1", folded)


# --- stop words --------------------------------------------------------------------------------

# Appendix B: never matched phonetically (key, koh, nay would otherwise hit की, को, ने).
HINDI_STOPWORDS: Final = frozenset(
    normalise(word)
    for word in [
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
        "हो",
        "होगा",
        "होगी",
        "होंगे",
        "हुआ",
        "हुई",
        "हुए",
        "कि",
        "और",
        "या",
        "भी",
        "तो",
        "ही",
        "यह",
        "ये",
        "वह",
        "वे",
        "इस",
        "उस",
        "इन",
        "उन",
        "इसे",
        "उसे",
        "इसका",
        "उसका",
        "इसकी",
        "उसकी",
        "इसके",
        "उसके",
        "जो",
        "जिस",
        "जिन",
        "कौन",
        "क्या",
        "क्यों",
        "कैसे",
        "कब",
        "कहाँ",
        "कहां",
        "जब",
        "तब",
        "अब",
        "यहाँ",
        "यहां",
        "वहाँ",
        "वहां",
        "एक",
        "दो",
        "तीन",
        "कुछ",
        "सब",
        "सभी",
        "बहुत",
        "कम",
        "ज्यादा",
        "जैसे",
        "तक",
        "लिए",
        "द्वारा",
        "साथ",
        "बाद",
        "पहले",
        "बीच",
        "अंदर",
        "बाहर",
        "नहीं",
        "न",
        "ना",
        "मत",
        "हम",
        "तुम",
        "आप",
        "मैं",
        "मुझे",
        "हमें",
        "तुम्हें",
        "उन्हें",
        "उन्होंने",
        "अपना",
        "अपनी",
        "अपने",
        "कर",
        "करें",
        "करना",
        "करने",
        "किया",
        "किए",
        "किये",
        "गई",
        "गया",
        "गए",
        "गयी",
        "रहा",
        "रही",
        "रहे",
        "सकता",
        "सकती",
        "सकते",
        "जा",
        "जाता",
        "जाती",
        "जाते",
        "जाना",
        "जाने",
        "दिया",
        "दी",
        "दे",
        "देना",
        "देने",
        "लेना",
        "लेने",
        "ले",
        "लिया",
        "वाला",
        "वाली",
        "वाले",
        "अगर",
        "लेकिन",
        "मगर",
        "क्योंकि",
        "इसलिए",
        "ऐसे",
        "ऐसा",
        "ऐसी",
        "वैसे",
        "बस",
    ]
)

# English function words: never matched phonetically either (in, to, key… would hit इन, टू, की).
ENGLISH_STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "but",
        "nor",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "me",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "them",
        "us",
        "not",
        "no",
        "so",
        "if",
        "then",
        "than",
        "too",
        "very",
        "can",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "into",
        "over",
        "under",
        "about",
        "up",
        "down",
        "out",
        "off",
        "all",
        "any",
        "some",
        "each",
        "both",
        "few",
        "more",
        "most",
        "other",
        "such",
        "only",
        "own",
        "same",
        "just",
        "also",
        "there",
        "here",
        "when",
        "where",
        "why",
        "how",
        "what",
        "which",
        "who",
        "whom",
    ]
)


def is_stopword(word: str) -> bool:
    """A function word in either language (normalised form)."""
    return word in HINDI_STOPWORDS or word in ENGLISH_STOPWORDS


# --- language ----------------------------------------------------------------------------------


def detect_language(text: str) -> str:
    """``"hi"`` when Devanagari letters make up at least a fifth of the letters, else ``"en"``.

    Enough to apply ``lang:`` when a feed does not declare its language; Hindi news routinely
    mixes in Latin brand names, so the bar is low.
    """
    deva = latin = 0
    for ch in text:
        code = ord(ch)
        if DEVANAGARI_START <= code <= DEVANAGARI_END:
            deva += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if deva == 0 and latin == 0:
        return "en"
    return "hi" if deva * 4 >= latin else "en"


def has_words(text: str) -> bool:
    """True if ``text`` contains at least one letter or digit."""
    return bool(_HAS_LETTER.search(text))
