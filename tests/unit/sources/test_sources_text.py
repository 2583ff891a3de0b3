"""Clean text from markup and language by script."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.sources.text import (
    clean_block_text,
    clean_text,
    detect_language,
    nfc,
    normalise_language_tag,
    truncate,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("प्रदूषण पर <b>सुप्रीम कोर्ट</b> सख़्त", "प्रदूषण पर सुप्रीम कोर्ट सख़्त"),
        ("<p>पहली पंक्ति</p><p>दूसरी</p>", "पहली पंक्ति दूसरी"),
        ("<b>भारत</b>।", "भारत।"),
        ("AT&amp;T sells its Indian unit", "AT&T sells its Indian unit"),
        ("Tom &amp;amp; Jerry", "Tom & Jerry"),  # double-escaped title, fixed
        ("&lt;p&gt;Escaped &lt;b&gt;markup&lt;/b&gt;&lt;/p&gt;", "Escaped markup"),
        ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),  # comparison signs are not tags
        ("AT&T", "AT&T"),  # a bare ampersand stays
        ("safe<script>alert('x')</script> text", "safe text"),
        ("a <!-- hidden --> b", "a b"),
        ("<![CDATA[in cdata]]>", "in cdata"),
        ("  many\n\t spaces  ", "many spaces"),
        ("zero\u200bwidth", "zerowidth"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


def test_entities_decode_at_most_twice() -> None:
    # Three levels of escaping: the third is taken literally rather than decoded forever.
    assert clean_text("&amp;amp;amp;") == "&amp;"


def test_output_is_nfc() -> None:
    raw = "ज़मीन विवाद" + " नई दिल्ली"  # ज़ as the single code point U+095B
    cleaned = clean_text(raw)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == unicodedata.normalize("NFC", raw)


def test_unclosed_script_and_comment_do_not_hang_or_leak() -> None:
    hostile = "खबर " + "<script>" * 20_000 + "visible" + "<!--" * 20_000
    result = clean_text(hostile, max_chars=100)
    assert "<script" not in result
    assert result.startswith("खबर")
    assert len(result) <= 100


def test_truncation_marks_the_cut_at_a_word() -> None:
    text = "भारत " * 50
    cut = truncate(text.strip(), 40)
    assert len(cut) <= 40
    assert cut.endswith("…")
    assert not cut[:-1].endswith(" ")


def test_block_text_keeps_paragraphs() -> None:
    html = "<p>पहला अनुच्छेद।</p><p>दूसरा <i>अनुच्छेद</i>।</p><br>तीसरा"
    assert clean_block_text(html) == "पहला अनुच्छेद।\nदूसरा अनुच्छेद।\nतीसरा"


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        ("सरकार ने नई डिजिटल नीति की घोषणा की", (), "hi"),
        ("Government announces a new digital policy", (), "en"),
        ("TikTok पर प्रतिबंध के बाद भारतीय ऐप्स की मांग बढ़ी", (), "hi"),
        ("सरकार ने नई डिजिटल नीति की घोषणा की", ("en-US",), "hi"),  # CMS default hint, Hindi text
        ("सरकार ने नई डिजिटल नीति की घोषणा की", ("mr",), "mr"),  # same script: the hint decides
        ("Watch: the budget speech in full today", ("hi",), "en"),
        ("امریکی عسکری امداد کی بندش کی وجوہات", (), "ur"),
        ("ಕರ್ನಾಟಕ ಸರ್ಕಾರದ ಹೊಸ ಯೋಜನೆ ಘೋಷಣೆ", (), "kn"),
        ("ok", ("hi-IN",), "hi"),  # too little text to overrule a hint
        ("12345 !!!", (), None),
        ("", ("en",), "en"),
    ],
)
def test_language(text: str, hints: tuple[str, ...], expected: str | None) -> None:
    assert detect_language(text, hints=hints) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("hi-IN", "hi"), ("en_US", "en"), ("EN", "en"), ("", None), (None, None), ("x!", None)],
)
def test_language_tags(tag: str | None, expected: str | None) -> None:
    assert normalise_language_tag(tag) == expected


_PIECES = st.one_of(
    st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
    st.sampled_from(list("abc XYZ.,;!?-।॥—–‘’“”…\u00a0\u2009\u200d\u200c\u2000\u2001")),
    st.sampled_from(["\u0928\u093c", "\u0921\u093c", "\u094d\u093c", "\u093c\u094d"]),
    st.characters(min_codepoint=0x00C0, max_codepoint=0x017F),
    st.sampled_from(["e\u0301", "\u0627\u0653"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_fast_nfc_equals_unicodedata(text: str) -> None:
    assert nfc(text) == unicodedata.normalize("NFC", text)


def test_fast_nfc_on_hindi_headlines() -> None:
    for text in ("बड़ा फ़ैसला: ज़मीन विवाद", "ऩ ऱ ऴ", "क़ानून", "पड़ोसी देश"):
        assert nfc(text) == unicodedata.normalize("NFC", text)
        assert nfc(unicodedata.normalize("NFD", text)) == unicodedata.normalize("NFC", text)


def test_a_reference_xml_cannot_hold_does_not_let_a_script_through() -> None:
    """&#65534; next to a script made lxml refuse the fragment; the fallback stripped tags
    with a regex and kept the script's code as text."""
    text = clean_text("डेटा &#65534;<script>chori()</script> लीक <b>जांच</b> &#x1; शुरू")
    assert text == "डेटा लीक जांच शुरू"
