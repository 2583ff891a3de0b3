"""Telegram's HTML parse mode, as the real server applies it to ``parse_mode=HTML`` text.

A faithful port of tdlib's ``parse_html`` (tdlib/td ``td/telegram/MessageEntity.cpp``): it walks
the UTF-8 bytes exactly as the C++ does, so the error details — and their byte offsets — are the
ones Telegram sends after ``Bad Request: can't parse entities: ``. Only ``<`` is strict; a bare
``&`` or ``>`` is kept as text; the only named entities are ``&lt; &gt; &amp; &quot;``; numeric
entities work; tags must nest (crossing tags are "Unmatched end tag"); tags left open at the end
are "Can't find end tag corresponding to start tag" (quoted, as the current server words it,
see ../shared/reference/protocols.md A4). Newer tags (``blockquote expandable``, ``tg-time``)
are accepted as the current Bot API documents them.

Hand-written on purpose: Python's ``html.parser`` is lenient where Telegram is strict, and the
fake exists to reject exactly what Telegram rejects. Entity offsets and lengths are in UTF-16
code units, as in the Bot API. Not ported: tdlib's later ``fix_formatted_text`` pass (which
merges/drops some nested entities and trims whitespace) and automatic URL/mention detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
# tdlib's is_space includes NUL: the C++ reads past the end as a terminating zero byte.
_SPACES = frozenset(b" \t\r\n\0\v\f")
_LT, _GT, _AMP, _SLASH, _EQ, _SEMI = (ord(c) for c in "<>&/=;")
_QUOTES = frozenset(b"'\"")
_SPECIAL = re.compile(rb"[<&]")
_FOUR_BYTE_LEADS = tuple(bytes([lead]) for lead in range(0xF0, 0xF5))
# Priorities tdlib uses to order entities that start at the same offset with the same length.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
    "date_time": 99,
}


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``detail`` is Telegram's own wording."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class TextEntity:
    """A Bot API ``MessageEntity`` (offset and length in UTF-16 code units)."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None
    unix_time: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "offset": self.offset, "length": self.length}
        for key in ("url", "language", "custom_emoji_id", "unix_time"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The plain text a chat shows, and the formatting entities over it."""

    text: str
    entities: tuple[TextEntity, ...]

    @property
    def utf16_length(self) -> int:
        return utf16_length(self.text)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: characters outside the BMP (most emoji) count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_position: int
    extra: dict[str, str]


class _Bytes:
    """The C string view: reading at or past the end gives 0, like the NUL terminator."""

    __slots__ = ("data", "size")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def __getitem__(self, index: int) -> int:
        return self.data[index] if index < self.size else 0


def _lower_ascii(raw: bytes) -> str:
    return raw.lower().decode("utf-8", "replace")  # bytes.lower() touches ASCII only, like td


def _is_alnum(byte: int) -> bool:
    return (48 <= byte <= 57) or (65 <= byte <= 90) or (97 <= byte <= 122)


def _is_alpha(byte: int) -> bool:
    return (65 <= byte <= 90) or (97 <= byte <= 122)


def _hex_value(byte: int) -> int | None:
    if 48 <= byte <= 57:
        return byte - 48
    if 97 <= byte <= 102:
        return byte - 87
    if 65 <= byte <= 70:
        return byte - 55
    return None


def _decode_entity(text: _Bytes, pos: int) -> tuple[int, int]:
    """(code point, position after the entity), or (0, pos) when it is kept as literal text."""
    end = pos + 1
    code = 0
    if text[pos + 1] == ord("#"):
        end += 1
        if text[pos + 2] == ord("x"):
            end += 1
            while (digit := _hex_value(text[end])) is not None:
                code = code * 16 + digit
                end += 1
        else:
            while 48 <= text[end] <= 57:
                code = code * 10 + text[end] - 48
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(text[end]):
            end += 1
        name = text.data[pos + 1 : end]
        named = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}.get(name)
        if named is None:
            return 0, pos
        code = ord(named)
    if text[end] == _SEMI:
        end += 1
    return code, end


def _utf16_units(run: bytes) -> int:
    """UTF-16 length of valid UTF-8 ``run``: one unit per character, two from 4-byte ones."""
    return len(run.decode("utf-8")) + sum(run.count(lead) for lead in _FOUR_BYTE_LEADS)


def _encode_code_point(code: int) -> bytes:
    return chr(code).encode("utf-8", "surrogatepass")


def _checked_link(url: str) -> str | None:
    """A simplified ``LinkManager::get_checked_link``: add a scheme, require a host, no spaces.

    An invalid link makes no entity (the text stays), as in tdlib.
    """
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" not in url and not url.lower().startswith(("tg:", "mailto:")):
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ton", "ftp"):
        if not parts.hostname:
            return None
        path = parts.path or "/"
        rebuilt = f"{scheme}://{parts.netloc.lower()}{path}"
        if parts.query:
            rebuilt += "?" + parts.query
        if parts.fragment:
            rebuilt += "#" + parts.fragment
        return rebuilt
    if scheme in ("tg", "mailto"):
        return url
    return None


def _sort_key(entity: TextEntity) -> tuple[int, int, int]:
    return (entity.offset, -entity.length, _PRIORITY.get(entity.type, 50))


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise ``HtmlParseError``."""
    raw = source.encode("utf-8")
    text = _Bytes(raw)
    size = text.size
    out = bytearray()
    utf16_offset = 0
    entities: list[TextEntity] = []
    nested: list[_OpenTag] = []
    i = 0
    while i < size:
        special = _SPECIAL.search(raw, i)
        run_end = special.start() if special else size
        if run_end > i:  # plain text up to the next "<" or "&": copied in one go
            run = raw[i:run_end]
            out += run
            utf16_offset += _utf16_units(run)
            i = run_end
            continue
        if raw[i] == _AMP:
            code, after = _decode_entity(text, i)
            if code != 0:
                utf16_offset += 1 + (code > 0xFFFF)
                out += _encode_code_point(code)
                i = after
            else:  # not an entity: a literal "&"
                out.append(_AMP)
                utf16_offset += 1
                i += 1
            continue

        begin = i
        i += 1
        if text[i] != _SLASH:
            i = _parse_start_tag(text, begin, i, nested, utf16_offset, len(out))
        else:
            if not nested:
                raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
            while text[i] not in _SPACES and text[i] != _GT:
                i += 1
            end_name = _lower_ascii(raw[begin + 2 : i])
            while text[i] in _SPACES and text[i] != 0:
                i += 1
            if text[i] != _GT:
                raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
            opened = nested[-1]
            if end_name and end_name != opened.name:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{opened.name}>", '
                    f'found "</{end_name}>"'
                )
            if utf16_offset > opened.utf16_offset:
                _close_entity(opened, utf16_offset, out, entities)
            nested.pop()
            i += 1
    if nested:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{nested[-1].name}"')
    try:
        plain = bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None
    # tdlib clears the language of a ``code`` entity that did not become ``pre``.
    cleared = (
        TextEntity("code", e.offset, e.length) if e.type == "code" and e.language else e
        for e in entities
    )
    return ParsedText(text=plain, entities=tuple(sorted(cleared, key=_sort_key)))


def _parse_start_tag(
    text: _Bytes, begin: int, i: int, nested: list[_OpenTag], utf16_offset: int, out_pos: int
) -> int:
    """Read ``<tag attr=value ...>`` from ``begin``; push it; return the index after ``>``."""
    while text[i] not in _SPACES and text[i] != _GT:
        i += 1
    if text[i] == 0:
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    tag = _lower_ascii(text.data[begin + 1 : i])
    if tag not in _SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')

    argument = ""
    extra: dict[str, str] = {}
    while text[i] != _GT:
        while text[i] != 0 and text[i] in _SPACES:
            i += 1
        if text[i] == _GT:
            break
        name_begin = i
        while text[i] not in _SPACES and text[i] != _EQ and text[i] != _GT:
            i += 1
        name = text.data[name_begin:i]
        if not name:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while text[i] != 0 and text[i] in _SPACES:
            i += 1
        if text[i] != _EQ:
            if tag == "blockquote" and name == b"expandable":
                argument = "expandable"  # the one valueless attribute Telegram knows
                continue
            raise HtmlParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while text[i] != 0 and text[i] in _SPACES:
            i += 1
        if text[i] == 0:
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')

        if text[i] not in _QUOTES:
            # A name token: letters, digits, periods and hyphens; case-insensitive.
            token_begin = i
            while _is_alnum(text[i]) or text[i] in (ord("."), ord("-")):
                i += 1
            value = _lower_ascii(text.data[token_begin:i])
            if text[i] not in _SPACES and text[i] != _GT:
                raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        else:
            quote = text[i]
            i += 1
            value_bytes = bytearray()
            while text[i] != quote and text[i] != 0:
                if text[i] == _AMP:
                    code, after = _decode_entity(text, i)
                    if code != 0:
                        value_bytes += _encode_code_point(code)
                        i = after
                        continue
                value_bytes.append(text[i])
                i += 1
            if text[i] == quote:
                i += 1
            value = bytes(value_bytes).decode("utf-8", "replace")
        if text[i] == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")

        if tag == "a" and name == b"href":
            argument = value
        elif tag == "code" and name == b"class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == b"class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == b"emoji-id":
            argument = value
        elif tag == "tg-time" and name in (b"unix", b"format"):
            extra[name.decode()] = value

    if tag == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    nested.append(_OpenTag(tag, argument, utf16_offset, out_pos, extra))
    return i + 1


_SIMPLE_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def _close_entity(
    opened: _OpenTag, utf16_offset: int, out: bytearray, entities: list[TextEntity]
) -> None:
    offset, length = opened.utf16_offset, utf16_offset - opened.utf16_offset
    tag = opened.name
    if tag in _SIMPLE_TYPES:
        entities.append(TextEntity(_SIMPLE_TYPES[tag], offset, length))
    elif tag == "tg-emoji":
        if not opened.argument.isdigit() or int(opened.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(TextEntity("custom_emoji", offset, length, custom_emoji_id=opened.argument))
    elif tag == "tg-time":
        unix = opened.extra.get("unix", "")
        if not unix.isdigit():
            raise HtmlParseError("Invalid Unix time specified")
        entities.append(TextEntity("date_time", offset, length, unix_time=int(unix)))
    elif tag == "a":
        url = opened.argument or bytes(out[opened.out_position :]).decode("utf-8", "replace")
        checked = _checked_link(url)
        if checked is not None:
            entities.append(TextEntity("text_link", offset, length, url=checked))
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "code"
            and (last.offset, last.length) == (offset, length)
            and last.language
        ):
            entities[-1] = TextEntity("pre", offset, length, language=last.language)
        else:
            entities.append(TextEntity("pre", offset, length))
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "pre"
            and (last.offset, last.length) == (offset, length)
            and opened.argument
        ):
            entities[-1] = TextEntity("pre", offset, length, language=opened.argument)
        else:
            # Keeps its language only if an enclosing <pre> closes over the same text next.
            entities.append(TextEntity("code", offset, length, language=opened.argument or None))
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument == "expandable" else "blockquote"
        entities.append(TextEntity(kind, offset, length))
