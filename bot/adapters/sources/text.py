"""Clean text from feed and page markup, and the language a text is written in (by script).

``clean_text`` turns a feed title or description (HTML, escaped HTML, double-escaped HTML)
into one line of NFC Unicode: tags, scripts and comments removed, entities decoded, whitespace
collapsed, hostile sizes truncated. The common case — text without markup — costs a few
microseconds, which matters at 50,000 items per poll cycle.

Hand-written rather than lxml for speed (a regex pass is ~4x faster than building an lxml
fragment; performance.md §2.3 budget), with lxml used whenever a script, style or comment could
make the regex pass wrong or slow.
"""

from __future__ import annotations

import html
import re
import unicodedata

import lxml.html
from lxml import etree

_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!\[CDATA\[|\]\]>")
# Inline elements join their neighbours ("<b>भारत</b>।" is one word and its full stop).
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|cite|code|em|font|i|mark|q|s|small|span|strong|sub|sup|u)\b[^<>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HARD_MARKUP = re.compile(r"<(?:script|style|!--|iframe|noscript|template)", re.IGNORECASE)
_DROPPED_ELEMENTS = ("script", "style", "noscript", "template", "iframe")
_BLOCK_BREAKS = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]*>", re.IGNORECASE)
# Zero-width and bidi controls that break matching but carry no meaning in news text.
_INVISIBLE_MARKS = ("\u200b", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad")
# Characters XML (and so lxml's tree) cannot hold: C0 controls but tab/newline/CR, U+FFFE/F.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHAR_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
# What no stored text may hold: those, and half a surrogate pair (JSON, e.g. a page's JSON-LD,
# can escape one as "\\ud800"; it cannot be encoded as UTF-8, so the batch would not store).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

DEFAULT_TITLE_CHARS = 500
DEFAULT_SUMMARY_CHARS = 2_000
DEFAULT_BODY_CHARS = 50_000
_RAW_FACTOR = 8  # markup may be ~8x the visible text; more than that is cut before cleaning


def clean_text(value: str | None, *, max_chars: int = DEFAULT_SUMMARY_CHARS) -> str:
    """Visible text of a markup fragment as one NFC line of at most ``max_chars`` characters."""
    if not value:
        return ""
    text = value if len(value) <= max_chars * _RAW_FACTOR else value[: max_chars * _RAW_FACTOR]
    # Decode at most twice: feeds double-escape titles ("&amp;amp;"), and escaped markup
    # ("&lt;p&gt;") becomes tags only after the first decode. Text that needs a third pass
    # was meant literally.
    for _ in range(2):
        if "<" in text:
            text = _strip_markup(text)
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if "<" in text and _TAG.search(text):
        text = _strip_markup(text)
    if _UNSTORABLE.search(text):  # C0 controls mean nothing here; PostgreSQL cannot store NUL
        text = _UNSTORABLE.sub(_stand_in, text)
    if text.isascii():
        return truncate(" ".join(text.split()), max_chars)
    for mark in _INVISIBLE_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    text = " ".join(text.split())
    if _needs_unicodedata(text):  # also where mojibake and C1 controls would be
        text = unicodedata.normalize("NFC", repair_mojibake(text))
    else:
        text = _devanagari_nfc(text)
    return truncate(text, max_chars)


# NFC for Devanagari text without going through unicodedata, whose check costs ~100 ns per
# character on Hindi (nearly every headline has a nukta letter such as ड़, which NFC must
# decompose). Exact for ASCII + the Devanagari block + common punctuation; anything else,
# and the rare mark orders that need canonical reordering, take unicodedata's path.
_NFC_FAST_SAFE = re.compile("[^\x00-\x7f\u00a0\u0900-\u0950\u0955-\u097f\u2002-\u206f]")
_DEVANAGARI_EXCLUDED = {  # composition exclusions: NFC always writes these decomposed
    chr(code): unicodedata.normalize("NFD", chr(code)) for code in range(0x0958, 0x0960)
}
_DEVANAGARI_COMPOSED = {  # the base + nukta pairs NFC does compose
    unicodedata.normalize("NFD", chr(code)): chr(code) for code in (0x0929, 0x0931, 0x0934)
}


def nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, fast for Hindi."""
    if text.isascii():
        return text
    if _needs_unicodedata(text):
        return unicodedata.normalize("NFC", text)
    return _devanagari_nfc(text)


def _needs_unicodedata(text: str) -> bool:
    return _NFC_FAST_SAFE.search(text) is not None or "\u094d\u093c" in text


def _devanagari_nfc(text: str) -> str:
    for composed, decomposed in _DEVANAGARI_EXCLUDED.items():
        if composed in text:
            text = text.replace(composed, decomposed)
    if "\u093c" in text:
        for pair, composed in _DEVANAGARI_COMPOSED.items():
            text = text.replace(pair, composed)
    return text


def clean_block_text(value: str | None, *, max_chars: int = DEFAULT_BODY_CHARS) -> str:
    """Like ``clean_text`` but keeps paragraph breaks (for article bodies)."""
    if not value:
        return ""
    raw = value[: max_chars * _RAW_FACTOR]
    marked = _BLOCK_BREAKS.sub(lambda m: m.group(0) + "\n", raw)
    lines = (clean_text(line, max_chars=max_chars) for line in marked.split("\n"))
    return truncate("\n".join(line for line in lines if line), max_chars)


def _stand_in(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group(0) <= "\udfff" else " "


# UTF-8 read as Latin-1/windows-1252 ("â€¦" for "…"), and windows-1252 code points sent as
# C1 controls ("don\x92t"): both are common in Indian and older feeds (feedparser repairs the
# second; the fast parser does neither). Only runs that decode cleanly are replaced.
_CP1252_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_EXTRA}]{{1,3}}")
_C1_CONTROL = re.compile("[\u0080-\u009f]")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-as-Latin-1 mojibake and stray windows-1252 C1 code points."""
    if _MOJIBAKE.search(text):
        text = _MOJIBAKE.sub(_redecode, text)
    if _C1_CONTROL.search(text):
        text = _C1_CONTROL.sub(_from_cp1252, text)
    return text


def _redecode(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        raw = b"".join(_cp1252_byte(char) for char in run)
        return raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def _cp1252_byte(char: str) -> bytes:
    return char.encode("cp1252") if char in _CP1252_EXTRA else char.encode("latin-1")


def _from_cp1252(match: re.Match[str]) -> str:
    return bytes([ord(match.group(0))]).decode("cp1252", errors="ignore")


def truncate(text: str, max_chars: int) -> str:
    """Cut ``text`` to ``max_chars`` at a word boundary when one is near, marking the cut."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _strip_markup(text: str) -> str:
    if _HARD_MARKUP.search(text):
        return _strip_with_lxml(text)
    return _TAG.sub(" ", _INLINE_TAG.sub("", text))


def xml_safe(text: str) -> str:
    """``text`` without what lxml's tree cannot hold once text is written back into it:
    ``NOT_XML`` characters, and character references to them or to a lone surrogate
    (``&#65534;``, ``&#1;``) — the parser would decode those into the tree, and dropping a
    script beside one (lxml, trafilatura) then fails. They mean nothing in news text."""
    if NOT_XML.search(text):
        text = NOT_XML.sub("", text)
    if "&#" in text:
        text = _CHAR_REFERENCE.sub(_drop_unwritable_reference, text)
    return text


def _drop_unwritable_reference(match: re.Match[str]) -> str:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or NOT_XML.match(chr(code)):
        return ""
    return match.group(0)


def _strip_with_lxml(text: str) -> str:
    try:
        root = _fragment_without_dropped(text)
    except ValueError:
        # drop_tree re-sets the neighbouring text, which lxml checks as XML: a NUL or U+FFFF
        # the HTML parser let through fails there (a JSON Feed can carry both). They mean
        # nothing in news text: without them, the markup is stripped as usual.
        try:
            root = _fragment_without_dropped(xml_safe(text))
        except (etree.ParserError, ValueError):
            return _TAG.sub(" ", text)
    except etree.ParserError:
        return _TAG.sub(" ", text)
    # text_content() returns decoded text; re-escape "&" and "<" so the caller's single
    # decode step does not decode twice.
    return html.escape(root.text_content(), quote=False)


def _fragment_without_dropped(text: str) -> lxml.html.HtmlElement:
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    for element in list(root.iter(*_DROPPED_ELEMENTS)):
        element.drop_tree()
    for comment in list(root.iter(etree.Comment)):
        comment.drop_tree()
    return root


# --- language by script -------------------------------------------------------------------

# Scripts by the second byte of their UTF-8 form: each 128-code-point Indic block is
# E0 xx with xx in the pair below; Arabic is D8-DB (two-byte). Counting bytes with
# ``bytes.count`` is ~30x faster than a regex over the text (one call per article).
_SCRIPT_BYTES: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("Deva", (b"\xe0\xa4", b"\xe0\xa5")),
    ("Beng", (b"\xe0\xa6", b"\xe0\xa7")),
    ("Guru", (b"\xe0\xa8", b"\xe0\xa9")),
    ("Gujr", (b"\xe0\xaa", b"\xe0\xab")),
    ("Orya", (b"\xe0\xac", b"\xe0\xad")),
    ("Taml", (b"\xe0\xae", b"\xe0\xaf")),
    ("Telu", (b"\xe0\xb0", b"\xe0\xb1")),
    ("Knda", (b"\xe0\xb2", b"\xe0\xb3")),
    ("Mlym", (b"\xe0\xb4", b"\xe0\xb5")),
    ("Arab", (b"\xd8", b"\xd9", b"\xda", b"\xdb")),
)
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NON_ASCII = bytes(range(128, 256))
# The language a script most likely means in Indian news when nothing else says.
_SCRIPT_LANGUAGE = {
    "Deva": "hi",
    "Latn": "en",
    "Beng": "bn",
    "Guru": "pa",
    "Gujr": "gu",
    "Orya": "or",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Arab": "ur",
}
_LANGUAGE_SCRIPT = {
    "hi": "Deva",
    "mr": "Deva",
    "ne": "Deva",
    "sa": "Deva",
    "kok": "Deva",
    "mai": "Deva",
    "bn": "Beng",
    "as": "Beng",
    "pa": "Guru",
    "gu": "Gujr",
    "or": "Orya",
    "ta": "Taml",
    "te": "Telu",
    "kn": "Knda",
    "ml": "Mlym",
    "ur": "Arab",
    "ar": "Arab",
    "fa": "Arab",
}
_SAMPLE_CHARS = 300
_MIN_LETTERS = 12
_DOMINANT_SHARE = 0.6


def dominant_script(text: str) -> tuple[str | None, float, int]:
    """``(script, share, letters)``: the script most letters of ``text`` are in."""
    data = text[:_SAMPLE_CHARS].encode("utf-8", errors="ignore")
    latin_1 = data.count(b"\xc3")  # é, ü … (two bytes each)
    latin = len(data) - len(data.translate(None, _ASCII_LETTERS)) + latin_1
    counts = {"Latn": latin}
    rest = len(data) - len(data.translate(None, _NON_ASCII)) - 2 * latin_1  # other scripts' bytes
    for name, prefixes in _SCRIPT_BYTES:
        if rest <= 0:
            break
        count = sum(data.count(prefix) for prefix in prefixes)
        if count:
            counts[name] = count
            rest -= count * (2 if name == "Arab" else 3)
    letters = sum(counts.values())
    if not letters:
        return None, 0.0, 0
    script = max(counts, key=lambda name: counts[name])
    return script, counts[script] / letters, letters


def normalise_language_tag(tag: str | None) -> str | None:
    """``hi-IN`` → ``hi``, ``en_US`` → ``en``; None for empty or malformed tags."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    if primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3:
        return primary
    return None


def detect_language(text: str, *, hints: tuple[str | None, ...] = ()) -> str | None:
    """The language of ``text``: the first usable hint, unless the text's script clearly says
    otherwise (Hindi sites often declare ``en-US`` by CMS default); else by script."""
    script, share, letters = dominant_script(text)
    confident = script is not None and letters >= _MIN_LETTERS and share >= _DOMINANT_SHARE
    for hint in hints:
        language = normalise_language_tag(hint)
        if language is None:
            continue
        if confident and _LANGUAGE_SCRIPT.get(language, "Latn") != script:
            return _SCRIPT_LANGUAGE.get(script or "")
        return language
    if script is None or (letters < 3):
        return None
    return _SCRIPT_LANGUAGE.get(script)
