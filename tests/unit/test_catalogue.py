"""The whole message catalogue: every key in English and Hindi, same placeholders, real Hindi.

This covers every area's ``messages_<area>.py`` (the merged catalogue), so a key added anywhere
without its Hindi (or with a placeholder the other language lacks) fails here, not in a chat.
Each check walks all keys and reports every offender at once.
"""

from __future__ import annotations

import string

import regex

from bot.domain.i18n import LANGUAGES, catalogue, normalise_language, t

_FORMATTER = string.Formatter()
# Latin text that needs no translation: commands, placeholders, query syntax, codes, units.
_NOT_WORDS = regex.compile(
    r"/\w+|\{[^}]*\}|`[^`]*`|https?://\S+|#[\w-]+|\b\w+:\S+|\b[A-Za-z]{1,2}\b|\d+\w*"
)
_LATIN_WORD = regex.compile(r"\b\p{Latin}{3,}\b")
_DEVANAGARI = regex.compile(r"\p{Devanagari}")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}


def test_the_catalogue_is_not_empty_and_has_the_alert_and_digest_keys() -> None:
    keys = catalogue()
    assert len(keys) > 20
    assert "card.alert.matched" in keys and "card.digest.header.daily.other" in keys


def test_every_key_has_both_languages_non_empty() -> None:
    problems = []
    for key, texts in catalogue().items():
        if set(texts) != set(LANGUAGES):
            problems.append(f"{key}: languages {sorted(texts)}")
            continue
        problems += [f"{key}/{lang} is empty" for lang in LANGUAGES if not texts[lang].strip()]
    assert problems == []


def test_same_named_placeholders_in_both_languages() -> None:
    problems = []
    for key, texts in catalogue().items():
        try:
            names = {lang: placeholders(texts[lang]) for lang in LANGUAGES}
        except ValueError as error:  # unbalanced braces
            problems.append(f"{key}: {error}")
            continue
        if names["en"] != names["hi"]:
            problems.append(f"{key}: {names}")
        problems += [
            f"{key}: {{{n}}} is not a keyword" for n in names["en"] if not n.isidentifier()
        ]
    assert problems == []


def test_every_text_renders_with_its_placeholders() -> None:
    for key, texts in catalogue().items():
        params = {name: "X" for name in placeholders(texts["en"])}
        for lang in LANGUAGES:
            assert t(key, lang, **params)  # a KeyError/IndexError here names the broken text


def test_hindi_is_actually_hindi() -> None:
    """If the English has real words, the Hindi must be written in Devanagari."""
    untranslated = [
        f"{key}: {texts['hi']!r}"
        for key, texts in catalogue().items()
        if _LATIN_WORD.search(_NOT_WORDS.sub(" ", texts["en"]))
        and not _DEVANAGARI.search(texts["hi"])
    ]
    assert untranslated == []


def test_the_hindi_check_would_catch_a_copy_of_the_english() -> None:
    assert _LATIN_WORD.search(_NOT_WORDS.sub(" ", "Stop tracking: /untrack 2"))
    assert not _LATIN_WORD.search(_NOT_WORDS.sub(" ", "/track #ban lang:hi {query} 8h"))


def test_plural_families_are_complete() -> None:
    keys = catalogue()
    for key in keys:
        if key.endswith(".one"):
            other = key.removesuffix(".one") + ".other"
            assert other in keys, f"{key} has no {other}"
            assert placeholders(keys[key]["en"]) == placeholders(keys[other]["en"])


def test_language_normalisation_used_by_the_renderers() -> None:
    assert normalise_language("hi-IN") == "hi"
    assert normalise_language("HI") == "hi"
    assert normalise_language("en-US") == "en"
    assert normalise_language(None) == "en"
    assert t("card.alert.new_story", "hi") == "नई खबर"
