"""sources.toml and OPML: validation messages, round trips, text-preserving edits, hostile OPML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.sources.config import (
    ConfiguredSource,
    add_source,
    dump_sources,
    load_sources,
    parse_sources,
    remove_source,
    save_sources,
)
from bot.adapters.sources.opml import read_opml, read_opml_file, write_opml, xml_safe
from bot.domain.models import SourceKind
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]

GOOD = """
# my sources
[[source]]
url = "https://feeds.bbci.co.uk/hindi/rss.xml"
name = "BBC हिंदी"
lang = "hi"
interval = 600
timezone = "Asia/Kolkata"
backfill = 3

[[source]]
url = "https://www.medianama.com/feed/"
"""


def test_good_file_loads() -> None:
    bbc, medianama = parse_sources(GOOD, origin="s.toml")
    assert bbc == ConfiguredSource(
        url="https://feeds.bbci.co.uk/hindi/rss.xml",
        name="BBC हिंदी",
        lang="hi",
        interval_s=600,
        timezone="Asia/Kolkata",
        backfill=3,
    )
    assert medianama.name is None and medianama.interval_s is None and medianama.backfill == 0
    spec = bbc.spec()
    assert (spec.url, spec.name, spec.lang, spec.interval_s, spec.timezone, spec.kind) == (
        bbc.url,
        "BBC हिंदी",
        "hi",
        600,
        "Asia/Kolkata",
        SourceKind.FEED,
    )


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        ('name = "x"', "url", "is required"),
        ('url = "ftp://x.example.com/f"', "url", "only http:// and https://"),
        ('url = "file:///etc/passwd"', "url", "only http:// and https://"),
        ('url = "https:///nohost"', "url", "no host"),
        ("url = 42", "url", "non-empty string"),
        ('url = "https://a.example.com/"\ninterval = 5', "interval", "between 60 and"),
        ('url = "https://a.example.com/"\ninterval = "600"', "interval", "whole number"),
        ('url = "https://a.example.com/"\ninterval = true', "interval", "whole number"),
        ('url = "https://a.example.com/"\ntimezone = "Asia/Bombay Mumbai"', "timezone", "IANA"),
        ('url = "https://a.example.com/"\nlang = "Hindi!"', "lang", "language code"),
        ('url = "https://a.example.com/"\nbackfill = -1', "backfill", "between 0 and"),
        ('url = "https://a.example.com/"\nintervall = 600', "intervall", "unknown field"),
        ('url = "https://a.example.com/"\nname = ""', "name", "non-empty"),
    ],
)
def test_each_problem_names_the_file_the_entry_and_the_field(
    entry: str, field: str, words: str
) -> None:
    text = GOOD + "\n[[source]]\n" + entry + "\n"
    with pytest.raises(ConfigError) as caught:
        parse_sources(text, origin="config/sources.toml")
    message = str(caught.value)
    assert message.startswith("config/sources.toml: source #3")
    assert f"field '{field}'" in message
    assert words in message


def test_all_problems_are_reported_at_once() -> None:
    text = '[[source]]\nurl = "gopher://x"\ninterval = 1\n[[source]]\nlang = 5\n'
    with pytest.raises(ConfigError) as caught:
        parse_sources(text, origin="s.toml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert any("source #1" in line and "'interval'" in line for line in lines)
    assert any("source #2" in line and "'url'" in line for line in lines)


def test_duplicates_unknown_keys_and_bad_toml() -> None:
    dup = GOOD + '\n[[source]]\nurl = "https://www.medianama.com/feed"\n'
    with pytest.raises(ConfigError, match=r"source #3 .*the same URL as source #2"):
        parse_sources(dup, origin="s.toml")
    with pytest.raises(ConfigError, match="unknown top-level key 'sources'"):
        parse_sources('[[sources]]\nurl = "https://a.example.com/"\n', origin="s.toml")
    with pytest.raises(ConfigError, match=r"s\.toml: not valid TOML"):
        parse_sources("[[source]\nurl = ", origin="s.toml")
    with pytest.raises(ConfigError, match="no such sources file"):
        load_sources("/nonexistent/sources.toml")


names = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() == s and s.strip())
sources_strategy = st.builds(
    ConfiguredSource,
    url=st.from_regex(r"https://[a-z]{1,12}\.example\.(com|in)/[a-z0-9/_.-]{0,20}", fullmatch=True),
    name=st.none() | names,
    lang=st.none() | st.sampled_from(["hi", "en", "en-IN", "ur"]),
    interval_s=st.none() | st.integers(60, 7 * 24 * 3600),
    timezone=st.none() | st.sampled_from(["Asia/Kolkata", "UTC", "Europe/London"]),
    backfill=st.integers(0, 500),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(sources_strategy, max_size=5, unique_by=lambda s: s.url.rstrip("/").lower()))
def test_toml_round_trip(sources: list[ConfiguredSource]) -> None:
    assert parse_sources(dump_sources(sources), origin="generated") == sources


@settings(max_examples=30, deadline=None)
@given(st.lists(sources_strategy, max_size=5, unique_by=lambda s: s.url.rstrip("/").lower()))
def test_opml_round_trip(sources: list[ConfiguredSource]) -> None:
    imported = read_opml(write_opml(sources).encode(), origin="generated.opml")
    assert imported.skipped == ()
    assert list(imported.sources) == [
        ConfiguredSource(
            url=s.url,
            name=xml_safe(s.name or "").strip() or s.url,
            lang=s.lang.lower() if s.lang else None,
            interval_s=s.interval_s,
            timezone=s.timezone,
            backfill=s.backfill,
        )
        for s in sources
    ]


def test_add_and_remove_keep_comments(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    add_source(path, ConfiguredSource(url="https://inc42.com/feed/", name="Inc42", interval_s=900))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\n# my sources\n")
    assert [s.url for s in load_sources(path)][-1] == "https://inc42.com/feed/"
    with pytest.raises(ConfigError, match="already a source"):
        add_source(path, ConfiguredSource(url="https://inc42.com/feed"))
    assert remove_source(path, "https://www.medianama.com/feed")
    assert not remove_source(path, "https://not-there.example.com/")
    remaining = load_sources(path)
    assert [s.url for s in remaining] == [
        "https://feeds.bbci.co.uk/hindi/rss.xml",
        "https://inc42.com/feed/",
    ]
    assert "# my sources" in path.read_text(encoding="utf-8")


def test_save_writes_a_loadable_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "sources.toml"
    sources = parse_sources(GOOD, origin="x")
    save_sources(path, sources)
    assert load_sources(path) == sources
    assert not list(path.parent.glob(".*.tmp"))


def test_the_shipped_default_sources_are_valid_and_bilingual() -> None:
    sources = load_sources(REPO / "config" / "sources.toml")
    langs = {s.lang for s in sources}
    assert {"hi", "en"} <= langs
    assert sum(1 for s in sources if s.lang == "hi") >= 8
    assert sum(1 for s in sources if s.lang == "en") >= 8
    assert all(s.url.startswith("https://") for s in sources)
    names = " ".join(s.name or "" for s in sources)
    for publisher in (
        "BBC",
        "अमर उजाला",
        "भास्कर",
        "The Hindu",
        "Indian Express",
        "Mint",
        "MediaNama",
    ):
        assert publisher in names


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:khabardar="https://github.com/khabardar/khabardar/opml">
<head><title>Reader export</title></head>
<body>
  <outline text="हिंदी">
    <outline type="rss" text="BBC हिंदी" xmlUrl="https://feeds.bbci.co.uk/hindi/rss.xml"
      language="hi" khabardar:interval="600" khabardar:timezone="Asia/Kolkata"/>
    <outline type="rss" text="broken" xmlUrl="file:///etc/passwd"/>
  </outline>
  <outline type="rss" title="MediaNama" text="mn" xmlUrl="https://www.medianama.com/feed/"/>
  <outline type="rss" text="again" xmlUrl="https://www.medianama.com/feed"/>
  <outline text="just a link" htmlUrl="https://example.com/"/>
</body></opml>"""


def test_opml_import_nested_folders_and_skips() -> None:
    imported = read_opml(OPML.encode(), origin="reader.opml")
    assert [s.url for s in imported.sources] == [
        "https://feeds.bbci.co.uk/hindi/rss.xml",
        "https://www.medianama.com/feed/",
    ]
    bbc = imported.sources[0]
    assert (bbc.name, bbc.lang, bbc.interval_s, bbc.timezone) == (
        "BBC हिंदी",
        "hi",
        600,
        "Asia/Kolkata",
    )
    assert imported.sources[1].name == "MediaNama"
    assert len(imported.skipped) == 2
    assert "reader.opml: outline #3 (file:///etc/passwd)" in imported.skipped[0]
    assert "listed twice" in imported.skipped[1]


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<opml><body><outline xmlUrl="https://a.example.com/&x;"/></body></opml>',
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<opml><body><outline text='&b;' xmlUrl='https://a.example.com/'/></body></opml>",
        '<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://169.254.169.254/dtd"><opml/>',
    ],
    ids=["xxe", "entity-expansion", "external-dtd"],
)
def test_hostile_opml_is_refused(document: str) -> None:
    with pytest.raises(ConfigError, match="DOCTYPE or entities is refused"):
        read_opml(document.encode(), origin="evil.opml")


def test_broken_opml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"bad\.opml: not valid OPML/XML"):
        read_opml(b"<opml><body><outline", origin="bad.opml")
    with pytest.raises(ConfigError, match="cannot read the OPML file"):
        read_opml_file(tmp_path / "missing.opml")
