"""Normalisation, script-aware tokens, stems and folds (bot/domain/text.py)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import (
    detect_language,
    english_stem,
    fold_devanagari,
    hindi_stem,
    is_devanagari,
    normalise,
    script_of,
    stem,
    token_norms,
    token_spans,
    tokenise,
)


def test_nfc_does_not_compose_nukta_letters_but_normalise_folds_them_alike() -> None:
    precomposed = "\u095b\u0942\u092e"  # ज़ूम with the precomposed ज़ (U+095B)
    decomposed = "\u091c\u093c\u0942\u092e"  # ज + nukta + ू + म
    assert unicodedata.normalize("NFC", precomposed) != "जूम"  # NFC leaves the nukta
    assert normalise(precomposed) == normalise(decomposed) == normalise("जूम") == "जूम"
    assert normalise("फ़ोन") == normalise("फोन")
    assert normalise("क़ानून") == "कानून"


def test_retroflex_flaps_keep_their_nukta() -> None:
    assert normalise("\u095c") == "ड\u093c"  # precomposed ड़ → ड + nukta
    assert normalise("बड़ा") != normalise("बडा")
    assert normalise("पढ़ाई") != normalise("पढाई")


def test_invisible_characters_are_removed_inside_words() -> None:
    with_zwj = "ऐप्\u200dस"
    with_zwnj = "ऐप्\u200cस"
    assert normalise(with_zwj) == normalise(with_zwnj) == normalise("ऐप्स")
    assert token_norms("नए ऐप्\u200dस आए") == ["नए", "ऐप्स", "आए"]
    assert normalise("soft\u00adware") == "software"


def test_devanagari_digits_become_ascii() -> None:
    assert normalise("५९ ऐप्स") == "59 ऐप्स"
    assert token_norms("सरकार ने ५९ ऐप्स बंद किए") == token_norms("सरकार ने 59 ऐप्स बंद किए")


def test_chandrabindu_candra_vowels_and_split_vowels() -> None:
    assert normalise("हूँ") == normalise("हूं")
    assert normalise("आँकड़े") == normalise("आंकड़े")
    assert normalise("अॉफिस") == normalise("ऑफिस")  # अ + ॉ written as two code points
    assert normalise("बॅंक") == normalise("बेंक")


def test_case_and_latin_accents_fold() -> None:
    assert normalise("TikTok") == "tiktok"
    assert normalise("WhatsApp") == "whatsapp"
    assert token_norms("Café İstanbul") == ["cafe", "istanbul"]


def test_tokens_never_split_devanagari_at_vowel_signs() -> None:
    # stdlib re's \w splits हिंदी into pieces: the reason the tokeniser uses `regex`
    assert re.findall(r"\w+", "हिंदी भाषा") != ["हिंदी", "भाषा"]
    assert token_norms("हिंदी भाषा") == ["हिंदी", "भाषा"]
    assert token_norms("प्रतिबंध") == ["प्रतिबंध"]


def test_danda_pipe_and_hyphen_separate_words() -> None:
    assert token_norms("सरकार ने रोक लगाई। अब") == ["सरकार", "ने", "रोक", "लगाई", "अब"]
    assert token_norms("खबर|ताज़ा") == ["खबर", "ताजा"]
    assert token_norms("यू-ट्यूब") == ["यू", "ट्यूब"]


def test_whole_words_only() -> None:
    assert "बैन" not in token_norms("फिल्म के बैनर तले")
    assert "लीक" not in token_norms("यह एप्लीकेशन मुफ्त है")
    assert "बंध" not in token_norms("टिकटॉक पर प्रतिबंध")


def test_tokenise_keeps_the_surface_and_its_position() -> None:
    text = "भारत में TikTok पर बैन"
    tokens = tokenise(text)
    assert [t.norm for t in tokens] == ["भारत", "में", "tiktok", "पर", "बैन"]
    for token in tokens:
        assert text[token.start : token.end] == token.surface
    assert tokens[2].surface == "TikTok"
    assert token_spans(text) == [(t.start, t.end) for t in tokens]


def test_hindi_light_stem() -> None:
    assert hindi_stem("ऐप्स") == "ऐप"
    assert hindi_stem("ऐपों") == "ऐप"
    assert hindi_stem("खबरें") == "खबर"
    assert hindi_stem("कंपनियों") == "कंपनी"
    assert hindi_stem("हैकिंग") == "हैक"
    assert hindi_stem("हैकर्स") == "हैकर"
    # bare vowel signs stay: loanwords end in them
    assert hindi_stem("डाटा") == "डाटा"
    assert hindi_stem("कंपनी") == "कंपनी"
    # -ed/-ies written in Devanagari are not stripped: कार्ड is not कार
    assert hindi_stem("कार्ड") == "कार्ड"
    assert hindi_stem("गोल्ड") == "गोल्ड"


def test_english_stem_joins_inflections() -> None:
    assert {english_stem(w) for w in ("ban", "bans", "banned", "banning")} == {"ban"}
    assert {english_stem(w) for w in ("leak", "leaked", "leaks", "leaking")} == {"leak"}
    assert english_stem("banner") != english_stem("ban")
    assert english_stem("uc") == "uc"
    assert stem("ऐप्स") == "ऐप" and stem("apps") == "app"


def test_devanagari_fold_joins_spelling_variants_but_not_vowel_qualities() -> None:
    assert fold_devanagari("कम्पनी") == fold_devanagari("कंपनी")
    assert fold_devanagari("एप्पल") == fold_devanagari("एपल")
    assert fold_devanagari("टिकटॉक") == fold_devanagari("टिकटोक")
    assert fold_devanagari("व्हाट्सऐप") == fold_devanagari("वाट्सऐप")
    assert fold_devanagari("प्राईवेसी") == fold_devanagari("प्राइवेसी")
    assert fold_devanagari("बैन") != fold_devanagari("बेन")  # ban is not Ben
    assert fold_devanagari("डाटा") != fold_devanagari("डेटा")


def test_language_and_script_detection() -> None:
    assert detect_language("टिकटॉक पर प्रतिबंध जारी रहेगा") == "hi"
    assert detect_language("Paytm के CEO ने कहा- जल्द सुलझेगा RBI का मामला") == "hi"
    assert detect_language("TikTok ban made permanent") == "en"
    assert script_of("टिकटॉक") == "deva" and is_devanagari("टिकटॉक")
    assert script_of("tiktok") == "latin"
    assert script_of("59") == "digit"
    assert script_of("ঢাকা") == "other"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(
    st.text(
        alphabet=st.sampled_from(
            list("अआइईउऊएऐओऔकखगघचजटडतदनपफबमयरलवशसह ािीुूेैोौंँ़्ॉॅ\u200c\u200d०१२३ abcXYZ-।|")
        )
    )
)
def test_tokens_of_devanagari_text_are_normalised_and_never_empty(text: str) -> None:
    norms = token_norms(text)
    assert all(norms)
    assert all(normalise(n) == n for n in norms)
    assert len(norms) == len(token_spans(text))
