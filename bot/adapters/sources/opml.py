"""OPML import and export of the source list (what feed readers exchange).

Reading untrusted OPML uses the standard library's expat directly with every DTD feature
refused (no DOCTYPE, no entity declarations, no external entities, no parameter entities) —
the protection ``defusedxml`` gives, without adding a dependency. Writing uses ElementTree.
Khabardar's own fields travel as ``khabardar:interval|timezone|backfill`` attributes; ``lang``
uses OPML 2.0's ``language`` attribute.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.parsers import expat

from bot.adapters.sources.config import ConfiguredSource, validate_source
from bot.errors import ConfigError

KHABARDAR_NS = "https://github.com/khabardar/khabardar/opml"
MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 10_000
_SEPARATOR = "\x1f"  # namespace separator in expat's expanded names
# Characters XML 1.0 cannot carry at all (most C0 controls, surrogates, U+FFFE/U+FFFF).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """Sources read from an OPML file, and the outlines skipped with the reason."""

    sources: tuple[ConfiguredSource, ...]
    skipped: tuple[str, ...]


class _RefusedDtd(Exception):
    pass


def read_opml_file(path: str | Path) -> OpmlImport:
    """Read an OPML file from disk (``ConfigError`` when it cannot be used at all)."""
    location = Path(path)
    try:
        with location.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{location}: cannot read the OPML file: {exc.strerror}") from None
    return read_opml(data, origin=str(location))


def read_opml(data: bytes, *, origin: str) -> OpmlImport:
    """The feed outlines of an OPML document, validated like sources.toml entries."""
    if len(data) > MAX_OPML_BYTES:
        raise ConfigError(f"{origin}: the OPML file is larger than {MAX_OPML_BYTES >> 20} MB")
    outlines: list[dict[str, str]] = []
    parser = expat.ParserCreate(namespace_separator=_SEPARATOR)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> int:
        raise _RefusedDtd

    def on_start(name: str, attributes: dict[str, str]) -> None:
        if name.rsplit(_SEPARATOR, 1)[-1] != "outline":
            return
        if len(outlines) >= MAX_OUTLINES:
            raise ConfigError(f"{origin}: more than {MAX_OUTLINES} outlines")
        outlines.append(attributes)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = on_start
    try:
        parser.Parse(data, True)
    except _RefusedDtd:
        raise ConfigError(f"{origin}: OPML with a DOCTYPE or entities is refused") from None
    except expat.ExpatError as exc:
        raise ConfigError(f"{origin}: not valid OPML/XML: {exc}") from None
    return _sources_from(outlines, origin)


def _sources_from(outlines: list[dict[str, str]], origin: str) -> OpmlImport:
    sources: list[ConfiguredSource] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for number, attributes in enumerate(outlines, start=1):
        url = attributes.get("xmlUrl") or attributes.get("xmlurl")
        if not url:
            continue  # a folder or a plain link, not a feed
        raw: dict[str, object] = {"url": url}
        name = attributes.get("title") or attributes.get("text")
        if name and name.strip():
            raw["name"] = name.strip()[:200]
        if attributes.get("language"):
            raw["lang"] = attributes["language"].strip().lower()
        for field in ("interval", "backfill"):
            value = attributes.get(f"{KHABARDAR_NS}{_SEPARATOR}{field}")
            if value is not None:
                raw[field] = int(value) if value.strip().isdigit() else value
        zone = attributes.get(f"{KHABARDAR_NS}{_SEPARATOR}timezone")
        if zone:
            raw["timezone"] = zone
        source, problems = validate_source(raw, where=f"{origin}: outline #{number}")
        if source is None:
            skipped.extend(problems)
            continue
        key = source.url.rstrip("/").lower()
        if key in seen:
            skipped.append(f"{origin}: outline #{number} ({source.url}): listed twice")
            continue
        seen.add(key)
        sources.append(source)
    return OpmlImport(tuple(sources), tuple(skipped))


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return _NOT_IN_XML.sub("", text)


def write_opml(sources: Sequence[ConfiguredSource], *, title: str = "Khabardar sources") -> str:
    """An OPML 2.0 document listing ``sources``."""
    ET.register_namespace("khabardar", KHABARDAR_NS)
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for source in sources:
        name = xml_safe(source.name or "").strip() or source.url
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": source.url}
        if source.lang:
            attributes["language"] = source.lang
        if source.interval_s is not None:
            attributes[f"{{{KHABARDAR_NS}}}interval"] = str(source.interval_s)
        if source.timezone:
            attributes[f"{{{KHABARDAR_NS}}}timezone"] = source.timezone
        if source.backfill:
            attributes[f"{{{KHABARDAR_NS}}}backfill"] = str(source.backfill)
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
