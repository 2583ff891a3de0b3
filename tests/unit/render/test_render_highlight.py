"""Matched terms are found again in the displayed snippet: whole words, whole graphemes."""

from __future__ import annotations

import itertools

from bot.domain.render.highlight import highlight_spans, split_highlighted, usable_terms


def marked(text: str, terms: list[str]) -> str:
    return "".join(f"[{p}]" if hit else p for p, hit in split_highlighted(text, terms))


def test_hindi_and_english_terms_case_insensitively() -> None:
    text = "सरकार ने टिकटॉक पर प्रतिबंध लगाया; TikTok BAN पर बहस"
    assert (
        marked(text, ["टिकटॉक", "tiktok", "ban", "प्रतिबंध"])
        == "सरकार ने [टिकटॉक] पर [प्रतिबंध] लगाया; [TikTok] [BAN] पर बहस"
    )


def test_whole_words_only() -> None:
    assert marked("banner ban banned", ["ban"]) == "banner [ban] banned"
    assert marked("डेटा लीक, डेटाबेस", ["डेटा"]) == "[डेटा] लीक, डेटाबेस"


def test_never_splits_a_devanagari_cluster() -> None:
    # "टिक" is a prefix of "टिकी" only by code points: the last cluster is की.
    assert marked("टिकी हुई बात पर टिक गए", ["टिक"]) == "टिकी हुई बात पर [टिक] गए"


def test_nukta_and_joiner_variants_are_tolerated() -> None:
    text = "फ़ोन और फोन और \u095eोन और ऐप्\u200dस"
    assert marked(text, ["फोन", "ऐप्स"]) == "[फ़ोन] और [फोन] और [\u095eोन] और [ऐप्\u200dस]"


def test_longest_term_wins_and_spans_do_not_overlap() -> None:
    assert marked("data leak and data", ["data", "data leak"]) == "[data leak] and [data]"
    spans = highlight_spans("data leak data", ["data", "data leak", "leak"])
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_emoji_with_a_modifier_is_not_split() -> None:
    assert marked("🔥🏽 आग 🔥", ["🔥"]) == "🔥🏽 आग [🔥]"


def test_hostile_terms_are_literal_not_patterns() -> None:
    assert marked("a.b axb (x) [y]", ["a.b", "(x)"]) == "[a.b] axb [(x)] [y]"
    assert usable_terms([",", "   ", "", "x" * 500]) == ()


def test_pieces_rejoin_to_the_original_text() -> None:
    text = "<b>tiktok</b> & ban > ban"
    pieces = split_highlighted(text, ["tiktok", "ban"])
    assert "".join(piece for piece, _ in pieces) == text
    assert [piece for piece, hit in pieces if hit] == ["tiktok", "ban", "ban"]
