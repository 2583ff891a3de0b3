"""Cleaning, measuring and grapheme-safe trimming of feed text."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.render.fitting import (
    ELLIPSIS,
    FSI,
    PDI,
    _code_points_within,
    _grapheme_floor,
    clean_inline,
    fit_inline,
    grapheme_boundaries,
    isolate_bidi,
    trim_to_units,
    utf16_units,
)

FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, 11 UTF-16 units
FLAG = "🇮🇳"


def graphemes(text: str) -> list[str]:
    return regex.findall(r"\X", text)


def test_utf16_counts_astral_characters_twice() -> None:
    assert utf16_units("abc") == 3
    assert utf16_units("हिंदी") == 5
    assert utf16_units("🔔") == 2
    assert utf16_units(FAMILY) == 11
    assert utf16_units(FLAG) == 4


def test_clean_removes_controls_boms_and_bidi_overrides_but_keeps_joiners() -> None:
    raw = "\ufeffब्रेकिंग:\x00 टिकटॉक\u202e पर\x07 रोक \u2066x\u2069\n\nऔर\t ऐप्\u200dस"
    cleaned = clean_inline(raw)
    assert cleaned == "ब्रेकिंग: टिकटॉक पर रोक x और ऐप्\u200dस"
    assert clean_inline(None) == ""
    assert clean_inline("  \n ") == ""


def test_clean_drops_lone_surrogates() -> None:
    assert clean_inline("a\ud800b") == "ab"
    assert clean_inline("x\udfffy").encode("utf-8") == b"xy"


def test_trim_leaves_short_text_alone() -> None:
    assert trim_to_units("दिल्ली में बारिश", 100) == "दिल्ली में बारिश"


def test_trim_prefers_a_word_boundary_and_adds_an_ellipsis() -> None:
    text = "सरकार ने टिकटॉक समेत 59 चीनी ऐप्स पर प्रतिबंध को स्थायी करने का फैसला किया"
    trimmed = trim_to_units(text, 30)
    assert utf16_units(trimmed) <= 30
    assert trimmed.endswith(ELLIPSIS)
    assert text.startswith(trimmed[:-1])
    assert text[len(trimmed) - 1] == " "  # cut at a space, not inside a word


def test_trim_never_splits_a_grapheme_cluster() -> None:
    text = "क्षत्रिय" * 5 + FAMILY * 3 + FLAG * 3
    for limit in range(0, utf16_units(text) + 2):
        trimmed = trim_to_units(text, limit)
        assert utf16_units(trimmed) <= limit
        body = trimmed.removesuffix(ELLIPSIS)
        assert graphemes(body) == graphemes(text)[: len(graphemes(body))]


def test_trim_of_a_zwj_family_drops_it_whole() -> None:
    assert trim_to_units("ab " + FAMILY, 12) == "ab…"
    assert trim_to_units(FAMILY + FAMILY, 11) == ""  # 10 units left after "…": not enough
    assert trim_to_units(FAMILY + FAMILY, 12) == FAMILY + ELLIPSIS


def test_trim_to_nothing_when_even_the_ellipsis_does_not_fit() -> None:
    assert trim_to_units("abcdef", 1) == ""
    assert trim_to_units("abcdef", 0) == ""


def test_rtl_text_is_isolated_and_fit_inline_counts_the_isolates() -> None:
    urdu = "پاکستان میں ٹک ٹاک پر پابندی"
    assert isolate_bidi(urdu) == f"{FSI}{urdu}{PDI}"
    assert isolate_bidi("टिकटॉक") == "टिकटॉक"
    fitted = fit_inline(urdu * 10, 40)
    assert fitted.startswith(FSI) and fitted.endswith(PDI)
    assert utf16_units(fitted) <= 40
    assert fit_inline("  hello\nworld ", 40) == "hello world"


PIECES = [*"ab क्षि्ट ़ािं", "\u200d", "\u0600", "👨", "👩", "🏽", "🇮", "🇳", "\ud800", "\udc00", "😀"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join), st.integers(0, 130))
def test_fast_cuts_agree_with_full_segmentation(text: str, units: int) -> None:
    """The shortcuts in trim_to_units give exactly what segmenting the whole text gives."""
    cut = min(units, len(text))
    expected_floor = max(b for b in grapheme_boundaries(text) if b <= cut)
    assert _grapheme_floor(text, cut) == expected_floor
    fitting = [n for n in range(len(text) + 1) if utf16_units(text[:n]) <= units]
    assert _code_points_within(text, units) == max(fitting)
