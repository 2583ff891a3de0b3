"""The fake's Telegram HTML parser agrees with tdlib's own parse_html test vectors.

Inputs and expected outputs below are the cases of tdlib/td ``test/message_entities.cpp``
(``TEST(MessageEntities, parse_html)``), the reference for what the real server accepts and the
exact error details it sends; plus Hindi and emoji cases for UTF-16 offsets.
"""

from __future__ import annotations

import pytest

from tests.fakes.telegram_html import HtmlParseError, parse_html, utf16_length

SURROGATES = (
    "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
    "surrogate code units"
)


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("&#57311;", SURROGATES),
        ("&#xDFDF;", SURROGATES),
        ("&#xDFDF", SURROGATES),
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        (
            "🏟 🏟&lt;<i    aba>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
        ),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            "🏟 🏟&lt;<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
        # The classic truncation bug, and crossing tags (protocols.md A4).
        ("<b>समाचार", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        # A bare "<" always starts a tag.
        (
            "मूल्य < 5 रुपये",
            'Unsupported start tag "" at byte offset 16',
        ),  # 5 letters x 3 bytes + space
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ],
)
def test_invalid_html_is_rejected_with_telegrams_exact_detail(source: str, detail: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert caught.value.detail == detail


def entities(source: str) -> list[tuple[str, int, int]]:
    return [(e.type, e.offset, e.length) for e in parse_html(source).entities]


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        ("", "", []),
        ("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '<>&"&laquo;&raquo;&#12345678;', []),
        ("➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [("italic", 5, 5)]),
        ("➡️ ➡️<strong>➡️ ➡️</strong>", "➡️ ➡️➡️ ➡️", [("bold", 5, 5)]),
        ("➡️ ➡️<ins>➡️ ➡️</ins>", "➡️ ➡️➡️ ➡️", [("underline", 5, 5)]),
        ("➡️ ➡️<del>➡️ ➡️</del>", "➡️ ➡️➡️ ➡️", [("strikethrough", 5, 5)]),
        ("🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [("italic", 5, 6)]),
        (
            "🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
            "🏟 🏟🏟 ><🏟",
            [("italic", 5, 7), ("bold", 9, 3)],
        ),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>", "🏟 🏟<a", [("italic", 6, 1)]),
        ("🏟 🏟&lt;<i>🏟 🏟&lt;</>", "🏟 🏟<🏟 🏟<", [("italic", 6, 6)]),
        ("🏟 🏟&lt;<b></b>", "🏟 🏟<", []),
        (
            "<code><i><b> </b></i></code><i><b><code> </code></b></i>",
            "  ",
            [
                ("code", 0, 1),
                ("bold", 0, 1),
                ("italic", 0, 1),
                ("code", 1, 1),
                ("bold", 1, 1),
                ("italic", 1, 1),
            ],
        ),
        ("<a>telegram.org </a>", "telegram.org ", []),
        ("<blockquote expandable>ख़बर</blockquote>", "ख़बर", [("expandable_blockquote", 0, 4)]),
        ("<tg-spoiler>x</tg-spoiler>", "x", [("spoiler", 0, 1)]),
        # Only "<" is strict: a bare "&" or ">" stays text.
        ("AT&T > BSNL & Jio", "AT&T > BSNL & Jio", []),
    ],
)
def test_valid_html_gives_tdlibs_text_and_entities(
    source: str, text: str, expected: list[tuple[str, int, int]]
) -> None:
    assert parse_html(source).text == text
    assert entities(source) == expected


def test_links_are_checked_and_normalised_like_telegram() -> None:
    parsed = parse_html("<a   href=  'telegram.org?&lt;'   > </a>")
    assert [e.url for e in parsed.entities] == ["http://telegram.org/?<"]
    linked = parse_html('<a href="https://khabar.example/टिकटॉक">पढ़ें</a>')
    assert linked.entities[0].type == "text_link"
    assert linked.entities[0].url == "https://khabar.example/टिकटॉक"


def test_pre_with_language_becomes_one_entity() -> None:
    parsed = parse_html('<pre><code class="language-python">print(1)</code></pre>')
    assert [(e.type, e.language) for e in parsed.entities] == [("pre", "python")]
    plain_code = parse_html('<code class="language-python">x</code>')
    assert [(e.type, e.language) for e in plain_code.entities] == [("code", None)]


def test_offsets_are_utf16_code_units_in_hindi_and_emoji_text() -> None:
    parsed = parse_html("🇮🇳 <b>टिकटॉक पर प्रतिबंध</b> 📱")
    assert parsed.text == "🇮🇳 टिकटॉक पर प्रतिबंध 📱"
    # The flag is two regional indicators outside the BMP: four UTF-16 units, then a space.
    assert [(e.type, e.offset, e.length) for e in parsed.entities] == [
        ("bold", 5, len("टिकटॉक पर प्रतिबंध"))
    ]
    assert utf16_length(parsed.text) == len(parsed.text) + 3  # 🇮 🇳 📱 each count twice
