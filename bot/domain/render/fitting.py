"""Clean, measure and trim feed text so it fits platform limits without breaking a character.

Every string that came from a feed or a user passes through here before a renderer puts it in a
message:

* ``clean_inline`` removes what can corrupt a message or spoof its layout — control characters,
  lone surrogates, noncharacters, the byte-order mark and the explicit bidi embedding/override/
  isolate controls (the "Trojan Source" characters) — and folds every run of whitespace into one
  space. Letters, marks, ZWJ/ZWNJ and emoji are kept: the article's text is shown as written.
* ``utf16_units`` measures the way Telegram and Slack count (UTF-16 code units: most emoji are 2).
* ``trim_to_units`` cuts at a grapheme-cluster boundary (``regex`` ``\\X``), so a Devanagari
  conjunct, a flag or a ZWJ emoji family is never split; it prefers a word boundary near the end
  and adds an ellipsis.
* ``isolate_bidi`` wraps right-to-left text (Urdu, Arabic, Hebrew) in FIRST STRONG ISOLATE … POP
  DIRECTIONAL ISOLATE, so a title in Urdu cannot reorder the "source · time" around it.

Hand-written on purpose: no library combines grapheme-safe trimming with UTF-16 budgets; the
grapheme segmentation itself is the ``regex`` module's.
"""

from __future__ import annotations

from typing import Final

import regex

ELLIPSIS: Final = "…"

# Control characters (except newline, which whitespace folding handles), lone surrogates,
# noncharacters, BOM / zero-width no-break space, and the explicit bidi controls (LRE RLE PDF
# LRO RLO, LRI RLI FSI PDI). LRM/RLM/ALM (harmless marks) stay.
_UNSAFE: Final = regex.compile(
    r"[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}\ufeff\u202a-\u202e\u2066-\u2069]"
)
_WHITESPACE_RUN: Final = regex.compile(r"[\s\p{Cc}]+")
_GRAPHEME: Final = regex.compile(r"\X")
_PREPEND: Final = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")
_RTL: Final = regex.compile(r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}]")
# Trailing characters that look wrong right before an ellipsis.
_TRAILING_JUNK: Final = " \t,;:-–—·|/(["

FSI: Final = "\u2068"  # FIRST STRONG ISOLATE
PDI: Final = "\u2069"  # POP DIRECTIONAL ISOLATE


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's 4096 and (safely) Slack's limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean_inline(text: str | None) -> str:
    """One line of displayable text: unsafe characters removed, whitespace folded, stripped."""
    if not text:
        return ""
    folded = _WHITESPACE_RUN.sub(" ", text)
    return _UNSAFE.sub("", folded).strip()


def has_rtl(text: str) -> bool:
    """True when the text has a strong right-to-left character."""
    return _RTL.search(text) is not None


def isolate_bidi(text: str) -> str:
    """Wrap RTL text in FSI…PDI so it cannot reorder its neighbours; other text is unchanged."""
    return f"{FSI}{text}{PDI}" if text and has_rtl(text) else text


def trim_to_units(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """``text`` itself if it fits in ``limit`` UTF-16 units, else a grapheme-safe prefix + "…".

    The result never exceeds ``limit``; when even the ellipsis does not fit it is "".
    """
    if utf16_units(text) <= limit:
        return text
    budget = limit - utf16_units(ellipsis)
    if budget <= 0:
        return ""
    cut = _grapheme_floor(text, _code_points_within(text, budget))
    head = text[:cut]
    # Prefer ending at a word boundary when one is reasonably close to the cut.
    space = max(head.rfind(" "), head.rfind("\n"))
    if space > 0 and space >= cut * 0.6:
        head = head[:space]
    head = head.rstrip(_TRAILING_JUNK)
    return f"{head}{ellipsis}" if head else ""


def _code_points_within(text: str, units: int) -> int:
    """The longest prefix (in code points) of ``text`` that is at most ``units`` UTF-16 units."""
    if utf16_units(text) == len(text):  # no astral characters: one unit each
        return min(units, len(text))
    used = 0
    for index, char in enumerate(text[:units]):  # a prefix of ≤ units units has ≤ units chars
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return index
    return min(units, len(text))


def _grapheme_floor(text: str, cut: int) -> int:
    """The largest grapheme-cluster boundary at or before ``cut``.

    Segmentation starts at the nearest earlier space that is itself a boundary (no grapheme
    rule joins a following space), so only the last word is segmented, not the whole text.
    """
    if cut >= len(text):
        return len(text)
    start = text.rfind(" ", 0, cut + 1)
    while start > 0 and _PREPEND.match(text, start - 1):
        start = text.rfind(" ", 0, start)
    start = max(start, 0)
    floor = start
    for grapheme in _GRAPHEME.finditer(text, start):
        if grapheme.end() > cut:
            break
        floor = grapheme.end()
    return floor


def fit_inline(text: str | None, limit: int) -> str:
    """Clean, trim to ``limit`` units and bidi-isolate one inline feed string (name, term…)."""
    cleaned = clean_inline(text)
    if has_rtl(cleaned):
        trimmed = trim_to_units(cleaned, limit - 2)
        return isolate_bidi(trimmed)
    return trim_to_units(cleaned, limit)


def grapheme_boundaries(text: str) -> set[int]:
    """Offsets (in code points) where a grapheme cluster starts or the text ends."""
    bounds = {0, len(text)}
    bounds.update(match.end() for match in _GRAPHEME.finditer(text))
    return bounds
