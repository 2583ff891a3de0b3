"""The bundled demo feeds (``bot/demo/feeds``): well-formed, parseable, and built for the demo.

``khabardar demo`` serves these files and swaps in the ``breaking_*`` files mid-run. These
tests check what the demo relies on: every file parses cleanly with feedparser, the item
counts are as documented, Hindi feeds really are Hindi, dates are fixed late-November-2026 IST
times, each breaking file is its base file plus exactly one newer item, and GUIDs/links are
unique except for the deliberate breaking copies. The "scenario" tests check that the
near-misses and story pairs described in the feeds' README are still in the feeds.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import regex

import bot

FEEDS_DIR = Path(bot.__file__).resolve().parent / "demo" / "feeds"
IST = timezone(timedelta(hours=5, minutes=30))
BASE_TIME = datetime(2026, 11, 28, 8, 0, tzinfo=IST)
EARLIEST = datetime(2026, 11, 20, 0, 0, tzinfo=IST)
MAX_BYTES = 40 * 1024


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """What one bundled file is documented to be."""

    name: str
    version: str  # feedparser's format name
    items: int
    lang: str  # "hi" or "en"
    base: str | None = None  # for breaking files: the file they extend


SPECS = (
    FeedSpec("hindi_tech.xml", "rss20", 10, "hi"),
    FeedSpec("hindi_national.xml", "rss20", 8, "hi"),
    FeedSpec("english_tech.xml", "atom10", 10, "en"),
    FeedSpec("english_business.xml", "rss20", 8, "en"),
    FeedSpec("breaking_hindi.xml", "rss20", 11, "hi", base="hindi_tech.xml"),
    FeedSpec("breaking_english.xml", "atom10", 11, "en", base="english_tech.xml"),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
BASE_SPECS = tuple(spec for spec in SPECS if spec.base is None)
BREAKING_SPECS = tuple(spec for spec in SPECS if spec.base is not None)

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# A sentence ends at a danda or . ? ! followed by a space or the end ("1.2 करोड़" is no end).
SENTENCE_END = re.compile(r"[।.?!](?=\s|$)")
# RFC 822 date as Indian sites print it, e.g. "Sat, 28 Nov 2026 07:45:00 +0530".
RSS_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} Nov 2026 \d{2}:\d{2}:\d{2} \+0530$")
ATOM_DATE = re.compile(r"^2026-11-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$")


def _path(name: str) -> Path:
    return FEEDS_DIR / name


_parsed: dict[str, Any] = {}


def parsed(name: str) -> Any:
    """feedparser's result for a bundled file (parsed once per test session)."""
    if name not in _parsed:
        _parsed[name] = feedparser.parse(_path(name).read_bytes())
    return _parsed[name]


def raw_field(entry: Any, key: str) -> Any:
    """A field as the feed wrote it: plain ``dict.get`` skips feedparser's key aliases
    (``updated`` → ``published`` for RSS), which warn."""
    return dict.get(entry, key)


def entry_date(entry: Any) -> datetime:
    """The entry's own date string, read as an aware datetime (not feedparser's UTC tuple)."""
    raw = raw_field(entry, "published") or raw_field(entry, "updated")
    assert raw, f"entry {entry.get('id')} has no date"
    if raw[0].isdigit():
        return datetime.fromisoformat(raw)
    return parsedate_to_datetime(raw)


def entry_texts(entry: Any) -> list[str]:
    """Title, lead and body of an entry as feedparser exposes them."""
    texts = [entry.get("title", ""), entry.get("summary", "")]
    texts += [part.get("value", "") for part in entry.get("content", [])]
    return texts


def body_of(entry: Any) -> str:
    return " ".join(part.get("value", "") for part in entry.get("content", []))


def letters(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch).startswith("L")]


def entry_fingerprint(entry: Any) -> tuple[Any, ...]:
    """Everything about an entry that the demo's pipeline reads."""
    return (
        entry.get("id"),
        entry.get("link"),
        entry.get("title"),
        entry.get("summary"),
        body_of(entry),
        raw_field(entry, "published"),
        raw_field(entry, "updated"),
        tuple(tag.get("term") for tag in entry.get("tags", [])),
    )


def test_the_directory_holds_exactly_the_documented_feeds() -> None:
    on_disk = {path.name for path in FEEDS_DIR.glob("*.xml")}
    assert on_disk == set(SPEC_BY_NAME)
    assert (FEEDS_DIR / "README.md").is_file()


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_file_is_small_wellformed_utf8(spec: FeedSpec) -> None:
    raw = _path(spec.name).read_bytes()
    assert len(raw) < MAX_BYTES
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    text = raw.decode("utf-8")  # raises on any invalid byte
    assert "\ufeff" not in text
    assert unicodedata.is_normalized("NFC", text)
    ET.fromstring(raw)  # strict XML parser: raises on a bare '&' or a broken tag


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_feedparser_reads_it_without_bozo(spec: FeedSpec) -> None:
    feed = parsed(spec.name)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == spec.version
    assert len(feed.entries) == spec.items
    assert feed.feed.get("title")
    assert feed.feed.get("language", "").lower().startswith(spec.lang)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_every_entry_is_a_complete_article(spec: FeedSpec) -> None:
    host = urlsplit(parsed(spec.name).feed.get("link", "")).hostname
    assert host is not None
    assert host.endswith(".example")
    for entry in parsed(spec.name).entries:
        assert entry.get("title", "").strip()
        assert entry.get("id", "").strip()
        link = urlsplit(entry.get("link", ""))
        assert link.scheme == "https"
        assert link.hostname == host, entry.link
        summary = entry.get("summary", "").strip()
        assert "<" not in summary, "the lead is plain text"
        sentences = len(SENTENCE_END.findall(summary))
        assert 2 <= sentences <= 4, f"{entry.title!r}: lead has {sentences} sentences"


@pytest.mark.parametrize("spec", BASE_SPECS, ids=lambda spec: spec.name)
def test_some_entries_carry_a_body(spec: FeedSpec) -> None:
    bodies = [body_of(entry) for entry in parsed(spec.name).entries if body_of(entry)]
    assert len(bodies) >= 2
    assert all(body.lstrip().startswith("<p>") for body in bodies)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_dates_are_fixed_ist_times_in_late_november_2026(spec: FeedSpec) -> None:
    for entry in parsed(spec.name).entries:
        for key in ("published", "updated"):
            raw = raw_field(entry, key)
            if raw is None:
                continue
            pattern = RSS_DATE if spec.version == "rss20" else ATOM_DATE
            assert pattern.match(raw), raw
        moment = entry_date(entry)
        assert moment.utcoffset() == timedelta(hours=5, minutes=30)
        assert EARLIEST <= moment <= BASE_TIME, entry.title
        published = raw_field(entry, "published")
        if published and spec.version == "rss20":
            # a wrong weekday is invisible to feedparser but a tell-tale of a fake feed
            assert published[:3] == moment.strftime("%a"), published


@pytest.mark.parametrize("spec", BASE_SPECS, ids=lambda spec: spec.name)
def test_base_feeds_are_all_older_than_the_breaking_time(spec: FeedSpec) -> None:
    assert all(entry_date(entry) < BASE_TIME for entry in parsed(spec.name).entries)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_hindi_feeds_are_mostly_devanagari_and_english_feeds_have_none(spec: FeedSpec) -> None:
    feed = parsed(spec.name)
    all_letters = [
        ch for entry in feed.entries for text in entry_texts(entry) for ch in letters(text)
    ]
    share = sum(1 for ch in all_letters if DEVANAGARI.match(ch)) / len(all_letters)
    if spec.lang == "hi":
        assert share >= 0.85, f"only {share:.0%} Devanagari"
        assert all(DEVANAGARI.search(entry.title) for entry in feed.entries)
    else:
        assert share == 0.0


@pytest.mark.parametrize("spec", BREAKING_SPECS, ids=lambda spec: spec.name)
def test_breaking_feed_is_its_base_plus_one_newer_item(spec: FeedSpec) -> None:
    assert spec.base is not None
    base, breaking = parsed(spec.base), parsed(spec.name)
    base_entries = [entry_fingerprint(entry) for entry in base.entries]
    breaking_entries = [entry_fingerprint(entry) for entry in breaking.entries]
    assert breaking_entries[1:] == base_entries, "base items unchanged and in the same order"
    new = breaking.entries[0]
    assert new.id not in {entry.id for entry in base.entries}
    assert new.link not in {entry.link for entry in base.entries}
    assert entry_date(new) > max(entry_date(entry) for entry in base.entries)
    assert entry_date(new) == BASE_TIME
    assert new.title.startswith(("ब्रेकिंग:", "Breaking:"))
    for key in ("title", "link", "language"):
        assert breaking.feed.get(key) == base.feed.get(key)


# The build time each breaking file moves forward, as (in the base file, in the breaking file).
BUILD_STAMPS = {
    "breaking_hindi.xml": (
        "<lastBuildDate>Sat, 28 Nov 2026 07:45:00 +0530</lastBuildDate>",
        "<lastBuildDate>Sat, 28 Nov 2026 08:00:00 +0530</lastBuildDate>",
    ),
    "breaking_english.xml": (
        "<updated>2026-11-28T07:40:00+05:30</updated>\n<rights>",
        "<updated>2026-11-28T08:00:00+05:30</updated>\n<rights>",
    ),
}


@pytest.mark.parametrize("spec", BREAKING_SPECS, ids=lambda spec: spec.name)
def test_breaking_file_is_byte_identical_to_its_base_apart_from_the_new_item(
    spec: FeedSpec,
) -> None:
    """The demo swaps files at one URL; anything else that changed would look like an edit."""
    assert spec.base is not None
    base = _path(spec.base).read_text(encoding="utf-8")
    breaking = _path(spec.name).read_text(encoding="utf-8")
    old_stamp, new_stamp = BUILD_STAMPS[spec.name]
    assert base.count(old_stamp) == 1
    assert breaking.count(new_stamp) == 1
    tag = "item" if spec.version == "rss20" else "entry"
    start = breaking.index(f"<{tag}>")
    end = breaking.index(f"</{tag}>\n", start) + len(f"</{tag}>\n")
    without_new = breaking[:start] + breaking[end:]
    assert without_new.replace(new_stamp, old_stamp) == base


def test_guids_and_links_are_unique_except_the_breaking_copies() -> None:
    seen_ids: dict[str, str] = {}
    seen_links: dict[str, str] = {}
    for spec in BASE_SPECS:
        for entry in parsed(spec.name).entries:
            assert entry.id not in seen_ids, f"{entry.id} in {spec.name} and {seen_ids[entry.id]}"
            assert entry.link not in seen_links, entry.link
            seen_ids[entry.id] = spec.name
            seen_links[entry.link] = spec.name
    new_ids = []
    for spec in BREAKING_SPECS:
        copies = [entry.id for entry in parsed(spec.name).entries[1:]]
        assert {seen_ids[guid] for guid in copies} == {spec.base}
        new_ids.append(parsed(spec.name).entries[0].id)
    assert len(set(new_ids)) == len(new_ids)
    assert not set(new_ids) & set(seen_ids)


# --- the demo's scenarios (see bot/demo/feeds/README.md) --------------------------------------


def find_entry(name: str, fragment: str) -> Any:
    """The one entry of ``name`` whose title contains ``fragment``."""
    found = [entry for entry in parsed(name).entries if fragment in entry.title]
    assert len(found) == 1, f"{fragment!r} in {name}: {len(found)} titles"
    return found[0]


WORD = regex.compile(r"[\p{L}\p{M}]+")  # whole words, Devanagari vowel signs included
TRIGGERS = ("बैन", "प्रतिबंध", "ऐप", "ऐप्स", "एप", "लीक", "डेटा", "डाटा", "app", "ban", "leak")


@pytest.mark.parametrize(
    ("name", "title_fragment", "look_alike", "must_not_contain"),
    [
        ("hindi_national.xml", "बैनर तले", "बैनर", TRIGGERS),
        ("hindi_national.xml", "सड़क बन गई, बिना", "बन", TRIGGERS),
        ("hindi_tech.xml", "आप के लिए", "आप", TRIGGERS),
        ("hindi_national.xml", "वह लिख रहा था", "लिख", TRIGGERS),
        ("hindi_national.xml", "आप और भाजपा", "आप", TRIGGERS),
        ("hindi_tech.xml", "UPI ने बनाया", "बनाया", TRIGGERS),
        ("english_tech.xml", "Leaked renders", "leaked", ("data",)),
        ("english_tech.xml", "TRAI data shows", "data", ("leak", "leaked")),
        ("english_business.xml", "WhatsApp business messaging", "whatsapp", ("privacy",)),
    ],
    ids=[
        "banner",
        "road-ban-gayi-bina",
        "aap-ke-liye",
        "likh-raha-tha",
        "aap-party",
        "banaya",
        "leaked-renders",
        "trai-data",
        "whatsapp-business",
    ],
)
def test_near_misses_have_the_look_alike_and_none_of_the_real_words(
    name: str, title_fragment: str, look_alike: str, must_not_contain: tuple[str, ...]
) -> None:
    entry = find_entry(name, title_fragment)
    words = {word.casefold() for text in entry_texts(entry) for word in WORD.findall(text)}
    assert look_alike in words
    assert not words & set(must_not_contain)


@pytest.mark.parametrize(
    ("name", "title_fragment", "footer"),
    [
        ("hindi_national.xml", "कड़ाके की ठंड", ("हमारा ऐप डाउनलोड करें", "Facebook", "Twitter")),
        ("english_business.xml", "Onion prices", ("Business Daybook app", "Facebook", "Twitter")),
    ],
    ids=["hindi-weather", "english-onions"],
)
def test_app_footer_boilerplate_sits_only_in_the_body(
    name: str, title_fragment: str, footer: tuple[str, ...]
) -> None:
    entry = find_entry(name, title_fragment)
    head = entry.title + " " + entry.summary
    for words in footer:
        assert words in body_of(entry)
        assert words not in head
    assert not re.search(r"\b(app|Facebook)\b|ऐप|फेसबुक", head)


@pytest.mark.parametrize(
    ("name", "title_fragment", "sport"),
    [
        ("hindi_national.xml", "गेंदबाज़ पर दो साल का बैन", "क्रिकेट"),
        ("english_business.xml", "three-match ban", "cricket"),
    ],
    ids=["hindi-bowler", "english-batter"],
)
def test_cricket_bans_name_cricket(name: str, title_fragment: str, sport: str) -> None:
    """`ban -cricket` can only veto these if the article says cricket."""
    entry = find_entry(name, title_fragment)
    assert sport in entry.title + " " + entry.summary


def test_the_tiktok_story_runs_in_two_hindi_spellings_and_in_english() -> None:
    latin = find_entry("hindi_tech.xml", "TikTok ने चीन से बनाई दूरी")
    split = find_entry("hindi_national.xml", "टिक टॉक ने चीन से बनाई दूरी")
    english = find_entry("english_tech.xml", "TikTok distances itself from China")
    assert "डाटा लीक" in latin.title
    assert "डाटा लीक" in split.title
    assert "data leak" in english.title
    # the agency copy is the same lead, edited: most of its words are shared
    words_latin = set(latin.summary.replace("TikTok", "टिक टॉक").split())
    words_split = set(split.summary.split())
    assert len(words_latin & words_split) / len(words_latin | words_split) >= 0.7
    assert latin.id != split.id
    assert latin.link != split.link


def test_breaking_items_carry_the_demo_stories() -> None:
    hindi = parsed("breaking_hindi.xml").entries[0]
    english = parsed("breaking_english.xml").entries[0]
    assert "टिकटॉक" in hindi.title
    assert "प्रतिबंध" in hindi.title
    assert "चीनी ऐप्स" in hindi.title
    assert "data leak" in english.title
    assert "Hackers" in english.summary
