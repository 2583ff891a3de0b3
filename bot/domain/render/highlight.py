"""Find where the matched terms appear in a snippet, so renderers can make them bold.

The matcher works on normalised text and reports the surface strings it found; here those
strings are located again in the text as displayed: case-insensitively, whole words only (a
letter, mark or digit may not touch either end), and never splitting a grapheme cluster — "टिक"
is not highlighted inside "टिकी", whose last cluster is की. Small spelling variants that the
matcher folds away are tolerated: an optional nukta (फ़ / फ), the precomposed nukta letters
(क़ U+0958 …) and ZWJ/ZWNJ between letters. Spans never overlap; the longest term wins.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

import regex

from bot.domain.render.fitting import clean_inline, grapheme_boundaries

MAX_TERMS: Final = 24
MAX_TERM_LENGTH: Final = 120

_NUKTA: Final = "\u093c"
_JOINERS: Final = "[\u200c\u200d]?"
_WORD_CHAR: Final = r"[\p{L}\p{M}\p{N}\u200c\u200d]"
_SEPARATOR: Final = regex.compile(r"[\s\p{P}]")
_EXTENDS: Final = regex.compile(r"[\p{M}\u200c\u200d\p{Grapheme_Cluster_Break=Extend}]")
_PREPEND: Final = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")
# Base consonant → its precomposed nukta form (NFC keeps U+0958..U+095F decomposed, but feeds
# still send them precomposed, and NFD below turns them into base + nukta).
_PRECOMPOSED_NUKTA: Final = {
    unicodedata.normalize("NFD", chr(code))[0]: chr(code) for code in range(0x0958, 0x0960)
}


def _is_devanagari(char: str) -> bool:
    return "\u0900" <= char <= "\u097f"


def _term_pattern(term: str) -> str:
    """A regex for one term that tolerates nukta and joiner variants in Devanagari."""
    skeleton = unicodedata.normalize("NFD", term).replace(_NUKTA, "")
    skeleton = skeleton.replace("\u200c", "").replace("\u200d", "")
    skeleton = unicodedata.normalize("NFC", skeleton)
    parts: list[str] = []
    for char in skeleton:
        if char == " ":
            parts.append(r"\s+")
        elif _is_devanagari(char):
            precomposed = _PRECOMPOSED_NUKTA.get(char)
            base = f"(?:{regex.escape(char)}|{precomposed})" if precomposed else regex.escape(char)
            parts.append(f"{base}{_NUKTA}?{_JOINERS}")
        else:
            parts.append(regex.escape(char))
    return "".join(parts)


@lru_cache(maxsize=512)
def _compiled(terms: tuple[str, ...]) -> regex.Pattern[str] | None:
    if not terms:
        return None
    alternation = "|".join(_term_pattern(term) for term in terms)
    return regex.compile(
        rf"(?<!{_WORD_CHAR})(?:{alternation})(?!{_WORD_CHAR})",
        regex.IGNORECASE | regex.FULLCASE | regex.VERSION1,
    )


def usable_terms(terms: Iterable[str]) -> tuple[str, ...]:
    """Distinct, cleaned, non-empty terms, longest first (so "data leak" beats "data")."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in terms:
        term = clean_inline(raw)
        key = term.casefold()
        if not term or len(term) > MAX_TERM_LENGTH or key in seen:
            continue
        if regex.search(r"[\p{L}\p{N}\p{So}]", term) is None:
            continue  # punctuation alone would light up every comma
        seen.add(key)
        kept.append(term)
        if len(kept) == MAX_TERMS:
            break
    return tuple(sorted(kept, key=len, reverse=True))


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) code-point spans of whole-word term occurrences in ``text``."""
    pattern = _compiled(usable_terms(terms))
    if pattern is None or not text:
        return []
    bounds: set[int] | None = None
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if start == end:
            continue
        if not _plainly_bounded(text, start, end):
            if bounds is None:  # segment the whole text only when a neighbour is unusual
                bounds = grapheme_boundaries(text)
            if start not in bounds or end not in bounds:
                continue
        spans.append((start, end))
    return spans


def _plainly_bounded(text: str, start: int, end: int) -> bool:
    """True when both ends are certainly grapheme boundaries: space or punctuation outside.

    No grapheme rule joins across a space or punctuation mark unless the inner character
    extends it (a mark or joiner at the start) or prepends to it (a Prepend at the end).
    """
    start_ok = start == 0 or (
        _SEPARATOR.match(text, start - 1) is not None and _EXTENDS.match(text, start) is None
    )
    end_ok = end == len(text) or (
        _SEPARATOR.match(text, end) is not None and _PREPEND.match(text, end - 1) is None
    )
    return start_ok and end_ok


def split_highlighted(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` as consecutive (piece, is_highlighted) pieces; joining the pieces gives ``text``."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in highlight_spans(text, terms):
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
