"""``sources.toml``: reading, validating, writing and editing the configured sources.

Format — one ``[[source]]`` table per source::

    [[source]]
    url = "https://feeds.bbci.co.uk/hindi/rss.xml"   # required, http(s)
    name = "BBC Hindi"                               # optional
    lang = "hi"                                      # optional language code
    interval = 600                                   # optional, seconds between polls (>= 60)
    timezone = "Asia/Kolkata"                        # optional, for dates without a zone
    backfill = 0                                     # optional, alerts for the first poll's backlog

Every problem is reported at once, each naming the file, the entry and the field. Adding and
removing edit the file's text so comments elsewhere survive (tomllib cannot write, and there
is no TOML writer among the dependencies, so the few lines are written by hand).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.adapters.sources.ssrf import FetchFailed, split_target
from bot.domain.models import SourceKind, SourceSpec
from bot.errors import ConfigError

FIELDS = ("url", "name", "lang", "interval", "timezone", "backfill")
MIN_INTERVAL_S = 60
MAX_INTERVAL_S = 7 * 24 * 3600
MAX_BACKFILL = 500
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_HEADER = (
    "# Khabardar sources: one [[source]] table per feed or page.\n"
    "# Fields: url (required), name, lang, interval (seconds), timezone, backfill.\n"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfiguredSource:
    """One ``[[source]]`` entry. ``backfill``: how many of the first poll's items may alert."""

    url: str
    name: str | None = None
    lang: str | None = None
    interval_s: int | None = None
    timezone: str | None = None
    backfill: int = 0

    def spec(self, *, kind: SourceKind = SourceKind.FEED) -> SourceSpec:
        """The shared domain value for this source."""
        return SourceSpec(
            url=self.url,
            name=self.name,
            lang=self.lang,
            interval_s=self.interval_s,
            timezone=self.timezone,
            kind=kind,
        )


def load_sources(path: str | Path) -> list[ConfiguredSource]:
    """Read and validate a sources file; ``ConfigError`` listing every problem."""
    location = Path(path)
    try:
        text = location.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{location}: no such sources file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{location}: cannot read the sources file: {exc}") from None
    return parse_sources(text, origin=str(location))


def parse_sources(text: str, *, origin: str) -> list[ConfiguredSource]:
    """Validate sources.toml text; ``origin`` names the file in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    problems: list[str] = [
        f"{origin}: unknown top-level key {key!r} (sources are [[source]] tables)"
        for key in document
        if key != "source"
    ]
    raw_sources = document.get("source", [])
    if not isinstance(raw_sources, list):
        problems.append(f"{origin}: 'source' must be an array of [[source]] tables")
        raw_sources = []
    sources: list[ConfiguredSource] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sources, start=1):
        entry, entry_problems = validate_source(raw, where=f"{origin}: source #{index}")
        problems.extend(entry_problems)
        if entry is None:
            continue
        key = entry.url.rstrip("/").lower()
        if key in seen:
            problems.append(
                f"{origin}: source #{index} ({entry.url}): field 'url': "
                f"the same URL as source #{seen[key]}"
            )
            continue
        seen[key] = index
        sources.append(entry)
    if problems:
        raise ConfigError("\n".join(problems))
    return sources


def validate_source(raw: object, *, where: str) -> tuple[ConfiguredSource | None, list[str]]:
    """One entry checked field by field: ``(source or None, problems)``."""
    if not isinstance(raw, Mapping):
        return None, [f"{where}: must be a table with at least a url"]
    url_value = raw.get("url")
    label = f"{where} ({url_value})" if isinstance(url_value, str) and url_value else where
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"{label}: field {field!r}: {message}")

    for key in raw:
        if key not in FIELDS:
            problem(str(key), f"unknown field (known: {', '.join(FIELDS)})")
    url = _url(raw.get("url"), problem)
    name = _optional_text(raw.get("name"), "name", 200, problem)
    lang = _optional_text(raw.get("lang"), "lang", 35, problem)
    if lang is not None and not _LANGUAGE.match(lang):
        problem("lang", f"{lang!r} is not a language code such as 'hi' or 'en'")
        lang = None
    interval = _optional_int(
        raw.get("interval"), "interval", MIN_INTERVAL_S, MAX_INTERVAL_S, problem
    )
    timezone = _optional_text(raw.get("timezone"), "timezone", 64, problem)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problem("timezone", f"{timezone!r} is not an IANA time zone such as Asia/Kolkata")
            timezone = None
    backfill = _optional_int(raw.get("backfill"), "backfill", 0, MAX_BACKFILL, problem)
    if problems or url is None:
        return None, problems
    return (
        ConfiguredSource(
            url=url,
            name=name,
            lang=lang,
            interval_s=interval,
            timezone=timezone,
            backfill=backfill or 0,
        ),
        [],
    )


def _url(value: object, problem: Any) -> str | None:
    if value is None:
        problem("url", "is required")
        return None
    if not isinstance(value, str) or not value.strip():
        problem("url", "must be a non-empty string")
        return None
    try:
        split_target(value)
    except FetchFailed as exc:
        problem("url", str(exc))
        return None
    return value.strip()


def _optional_text(value: object, field: str, limit: int, problem: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problem(field, "must be a non-empty string")
        return None
    if len(value) > limit:
        problem(field, f"is longer than {limit} characters")
        return None
    return value.strip()


def _optional_int(value: object, field: str, low: int, high: int, problem: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problem(field, f"must be a whole number, not {value!r}")
        return None
    if not low <= value <= high:
        problem(field, f"must be between {low} and {high} (got {value})")
        return None
    return value


# --- writing ---------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML; DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def source_block(source: ConfiguredSource) -> str:
    """The ``[[source]]`` table for one source."""
    lines = ["[[source]]", f"url = {toml_string(source.url)}"]
    if source.name is not None:
        lines.append(f"name = {toml_string(source.name)}")
    if source.lang is not None:
        lines.append(f"lang = {toml_string(source.lang)}")
    if source.interval_s is not None:
        lines.append(f"interval = {source.interval_s}")
    if source.timezone is not None:
        lines.append(f"timezone = {toml_string(source.timezone)}")
    if source.backfill:
        lines.append(f"backfill = {source.backfill}")
    return "\n".join(lines) + "\n"


def dump_sources(sources: Sequence[ConfiguredSource]) -> str:
    """A whole sources.toml for ``sources``."""
    return _HEADER + "".join("\n" + source_block(source) for source in sources)


def save_sources(path: str | Path, sources: Sequence[ConfiguredSource]) -> None:
    """Write a sources file atomically (a crash never leaves half a file)."""
    _write_atomically(Path(path), dump_sources(sources))


def add_source(path: str | Path, source: ConfiguredSource) -> None:
    """Append one source, keeping the rest of the file as it is; ``ConfigError`` if present."""
    location = Path(path)
    existing = location.read_text(encoding="utf-8") if location.exists() else _HEADER
    current = parse_sources(existing, origin=str(location))
    if any(s.url.rstrip("/").lower() == source.url.rstrip("/").lower() for s in current):
        raise ConfigError(f"{location}: {source.url} is already a source")
    if existing and not existing.endswith("\n"):
        existing += "\n"
    separator = "\n" if existing.strip() else ""
    _write_atomically(location, existing + separator + source_block(source))


def remove_source(path: str | Path, url: str) -> bool:
    """Remove the source with ``url``; False when there was none. Other text is kept."""
    location = Path(path)
    text = location.read_text(encoding="utf-8")
    parse_sources(text, origin=str(location))  # refuse to edit a file that is already broken
    blocks = re.split(r"(?m)^(?=\[\[source\]\][ \t]*(?:#.*)?$)", text)
    wanted = url.strip().rstrip("/").lower()
    kept: list[str] = []
    removed = False
    for block in blocks:
        if block.startswith("[[source]]"):
            parsed = tomllib.loads(block).get("source", [{}])[0]
            if str(parsed.get("url", "")).strip().rstrip("/").lower() == wanted:
                removed = True
                continue
        kept.append(block)
    if removed:
        _write_atomically(location, "".join(kept))
    return removed


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
