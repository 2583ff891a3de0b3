"""The bilingual lexicon: the shipped topics and the operator's extension file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.lexicon import DEFAULT_TOPICS_PATH, Lexicon, lexicon_from_toml, load_lexicon
from bot.domain.text import token_norms
from bot.errors import ConfigError


@pytest.fixture(scope="module")
def shipped() -> Lexicon:
    return load_lexicon()


def test_shipped_file_is_in_config(shipped: Lexicon) -> None:
    assert DEFAULT_TOPICS_PATH.name == "topics.toml"
    assert DEFAULT_TOPICS_PATH.parent.name == "config"
    assert len(shipped.topics) >= 40


@pytest.mark.parametrize(
    "name",
    [
        "ban", "dataleak", "hack", "privacy", "spyware", "cyberattack", "app", "government",
        "china", "chinese", "india", "userdata", "server", "tiktok", "helo", "bytedance",
        "whatsapp", "instagram", "facebook", "pubg", "shein", "ucbrowser", "truecaller",
        "paytm", "aadhaar", "cowin", "xiaomi", "huawei",
    ],
)  # fmt: skip
def test_required_topics_exist(shipped: Lexicon, name: str) -> None:
    topic = shipped.topic(name)
    assert topic is not None
    assert topic.en and topic.hi
    assert shipped.topic("#" + name) is topic


def test_ban_translations_include_the_noun_uses_of_rok(shipped: Lexicon) -> None:
    ban = shipped.topic("ban")
    assert ban is not None
    for term in ("बैन", "प्रतिबंध", "पाबंदी", "पर रोक", "रोक लगाई"):
        assert term in ban.hi
    assert "रोक" not in ban.hi  # alone it is also the verb "stop"
    assert {"blocked", "blocking"} <= set(ban.en)
    assert shipped.topic("प्रतिबंध") is ban  # Hindi alias usable as #प्रतिबंध


def test_data_leak_topic_and_phrase_keys(shipped: Lexicon) -> None:
    leak = shipped.topic("dataleak")
    assert leak is not None
    assert {"डेटा चोरी", "सेंधमारी", "डाटा लीक"} <= set(leak.hi)
    assert ("data", "leak") in shipped.multiword_keys()
    assert shipped.topics_for(["data", "leak"]) == (leak,)


def test_terms_are_found_in_any_inflection_or_spelling(shipped: Lexicon) -> None:
    ban = shipped.topic("ban")
    assert ban in shipped.topics_for(["banned"])
    assert ban in shipped.topics_for(token_norms("प्रतिबंधों"))
    app = shipped.topic("app")
    assert app in shipped.topics_for(token_norms("ऐप्स"))
    assert shipped.topics_for(["banner"]) == ()
    assert shipped.topics_for(token_norms("आधार")) == ()  # "basis" as often as Aadhaar


def test_ambiguous_native_words_are_never_matched_by_sound(shipped: Lexicon) -> None:
    assert {"आधार", "चीनी", "रोक"} <= shipped.never_phonetic


EXTRA = """
never_phonetic = ["पास"]

[topics.ban]
hi = ["निषेध"]

[topics.cricket]
replace = true
en = ["cricket"]
hi = ["क्रिकेट"]

[topics.temu]
label = { en = "Temu", hi = "टेमू" }
en = ["temu"]
hi = ["टेमू"]
"""


def test_operator_file_extends_replaces_and_adds(tmp_path: Path, shipped: Lexicon) -> None:
    extra = tmp_path / "my-topics.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    merged = load_lexicon(extra_path=extra)
    ban = merged.topic("ban")
    assert ban is not None and "निषेध" in ban.hi and "बैन" in ban.hi  # extended
    cricket = merged.topic("cricket")
    assert cricket is not None and cricket.en == ("cricket",)  # replaced
    assert merged.topic("temu") is not None  # added
    assert merged.topic("temu").label("hi") == "टेमू"  # type: ignore[union-attr]
    assert "पास" in merged.never_phonetic
    assert len(merged.topics) == len(shipped.topics) + 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[topics.ban\nen = ['x']", "not valid TOML"),
        ("[topics.ban]\nenglish = ['ban']", "unknown key"),
        ("[topics.ban]\nlabel = { en = 'ban' }", "at least one term"),
        ("[topics.'two words']\nen = ['x']", "one word"),
        ("[topics.ban]\nen = 'ban'", "list of strings"),
        ("[topics.ban]\nen = ['...']", "has no words"),
        ("colour = 'red'", "unknown top-level"),
    ],
)
def test_bad_files_fail_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        lexicon_from_toml(text, source="extra.toml")
    assert "extra.toml" in str(caught.value)
    assert fragment in str(caught.value)


def test_missing_extra_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_lexicon(extra_path=tmp_path / "nowhere.toml")


def test_empty_lexicon_has_no_topics() -> None:
    empty = Lexicon.empty()
    assert not empty.topics
    assert empty.topic("ban") is None
