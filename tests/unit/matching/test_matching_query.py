"""The /track query language: parsing, limits, errors, JSON form, explanations."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.i18n import t
from bot.domain.lexicon import Lexicon, load_lexicon
from bot.domain.query import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    InTitle,
    Lang,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    QueryError,
    Site,
    TopicRef,
    Word,
    explain,
    parse_query,
)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def test_words_are_anded() -> None:
    assert parse_query("tiktok ban").root == And((Word("tiktok", 0), Word("ban", 7)))


def test_phrase_or_and_pipe() -> None:
    root = parse_query('"data leak" OR डेटा | leak').root
    assert root == Or((Phrase("data leak", 0), Word("डेटा", 15), Word("leak", 22)))


def test_or_binds_tighter_than_and_as_on_google() -> None:
    root = parse_query("tiktok ban OR block").root
    assert root == And((Word("tiktok", 0), Or((Word("ban", 7), Word("block", 14)))))


def test_exclusions_of_words_phrases_and_groups() -> None:
    root = parse_query('ban -cricket -"match fixing" -(ipl OR bcci)').root
    assert isinstance(root, And)
    assert root.children[1] == Not(Word("cricket", 5), 4)
    assert root.children[2] == Not(Phrase("match fixing", 14), 13)
    assert isinstance(root.children[3], Not) and isinstance(root.children[3].child, Or)
    assert parse_query("tiktok NOT cricket").root == parse_query("tiktok -cricket").root.__class__(
        (Word("tiktok", 0), Not(Word("cricket", 11), 7))
    )


def test_hyphenated_words_are_words_not_exclusions() -> None:
    assert parse_query("covid-19").root == Word("covid-19", 0)
    assert parse_query("e-commerce ban").root == And((Word("e-commerce", 0), Word("ban", 11)))


def test_parentheses_fields_and_topics(lexicon: Lexicon) -> None:
    root = parse_query(
        "(tiktok OR pubg) site:www.BBC.com intitle:leak lang:hi #प्रतिबंध", lexicon=lexicon
    ).root
    assert isinstance(root, And)
    assert isinstance(root.children[0], Or)
    assert root.children[1] == Site("bbc.com", 17)
    assert root.children[2] == InTitle(Word("leak", 34), 34)
    assert root.children[3] == Lang("hi", 47)
    assert root.children[4] == TopicRef("ban", 55)  # resolved through the Hindi alias
    phrase = parse_query('intitle:"data leak"').root
    assert phrase == InTitle(Phrase("data leak", 0), 0)
    assert parse_query("site:https://indianexpress.com/article/x tiktok").root.children[0] == Site(  # type: ignore[union-attr]
        "indianexpress.com", 0
    )
    assert parse_query("lang:hindi tiktok").root.children[0] == Lang("hi", 0)  # type: ignore[union-attr]


def test_hindi_operator_words_and_common_words() -> None:
    assert parse_query("टिकटॉक या पबजी").root == Or((Word("टिकटॉक", 0), Word("पबजी", 10)))
    assert parse_query("टिकटॉक और बैन").root == And((Word("टिकटॉक", 0), Word("बैन", 10)))
    # function words carry no meaning on their own outside quotes
    assert parse_query("टिकटॉक पर प्रतिबंध").root == And((Word("टिकटॉक", 0), Word("प्रतिबंध", 10)))
    assert parse_query('"the app"').root == Phrase("the app", 0)


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("", "empty", 0),
        ("   ", "empty", 0),
        ("the of का", "only_common_words", 0),
        ('tiktok "data leak', "unclosed_quote", 7),
        ("(tiktok OR pubg", "unclosed_paren", 0),
        ("tiktok) ban", "unexpected_paren", 6),
        ("tiktok ()", "empty_group", 7),
        ("OR tiktok", "dangling_operator", 0),
        ("tiktok OR", "dangling_operator", 7),
        ("tiktok | | ban", "dangling_operator", 7),
        ("tiktok AND", "dangling_operator", 7),
        ("--tiktok", "double_negation", 1),
        ('""', "empty_phrase", 0),
        ("foo:bar tiktok", "unknown_field", 0),
        ("site: tiktok", "missing_value", 0),
        ("site:not_a_domain tiktok", "bad_site", 0),
        ("tiktok lang:fr", "bad_lang", 7),
        ("tiktok OR -pubg", "exclude_in_or", 10),
        ("tiktok OR lang:hi", "filter_in_or", 10),
        ("tiktok lang:hi lang:en", "conflicting_lang", 7),
        ("-tiktok", "no_positive_terms", 0),
        ("lang:hi", "no_positive_terms", 0),
        ("x" * (MAX_QUERY_LENGTH + 1), "too_long", MAX_QUERY_LENGTH),
        ("((((( tiktok )))))", "too_deep", 4),
        (" ".join(f"w{i}" for i in range(MAX_TERMS + 1)), "too_many_terms", 54),
        ("a" * 61, "word_too_long", 0),
        ('"' + " ".join(["शब्द"] * 9) + '"', "phrase_too_long", 0),
    ],
)
def test_errors_name_the_problem_and_where(text: str, code: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    error = caught.value
    assert error.code == code
    assert error.position == position
    english, hindi = error.message("en"), error.message("hi")
    assert english and hindi and english != hindi
    if code not in ("empty", "only_common_words", "too_long", "no_positive_terms"):
        assert str(position + 1) in english and str(position + 1) in hindi
    assert error.bilingual() == f"{hindi}\n{english}"


def test_unknown_topic_suggests_topics(lexicon: Lexicon) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("#dataleek", lexicon=lexicon)
    assert caught.value.code == "unknown_topic"
    assert "#dataleak" in caught.value.message("en")
    assert "#dataleak" in caught.value.message("hi")


def test_depth_limit_allows_the_documented_nesting() -> None:
    nested = "(" * MAX_DEPTH + "tiktok" + ")" * MAX_DEPTH
    assert parse_query(nested).root == Word("tiktok", MAX_DEPTH)


def test_json_round_trip_is_plain_json(lexicon: Lexicon) -> None:
    text = '(tiktok OR "uc browser") ban -cricket site:bbc.com intitle:leak lang:hi #spyware'
    parsed = parse_query(text, lexicon=lexicon)
    stored = json.loads(json.dumps(parsed.to_json()))
    assert stored["text"] == text
    assert ParsedQuery.from_json(stored) == parsed


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"version": 99, "text": "x", "root": {"t": "word", "text": "x"}},
        {"version": 1, "text": "x", "root": {"t": "regex", "text": ".*"}},
        {"version": 1, "text": "x", "root": {"t": "and", "children": [{"t": "word", "text": "x"}]}},
        {"version": 1, "text": "x", "root": {"t": "word", "text": ""}},
        {"version": 1, "text": "x", "root": {"t": "lang", "code": "fr"}},
        {"version": 1, "text": 5, "root": {"t": "word", "text": "x"}},
        {"version": 1, "text": "x", "root": {"t": "word", "text": "x", "pos": -1}},
    ],
)
def test_bad_stored_forms_are_rejected(data: object) -> None:
    with pytest.raises(QueryError) as caught:
        ParsedQuery.from_json(data)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_stored"


def test_canonical_form_ignores_case_order_and_spacing() -> None:
    assert parse_query("Ban  TikTok").canonical() == parse_query("tiktok ban").canonical()
    assert parse_query("pubg | tiktok").canonical() == parse_query("tiktok OR pubg").canonical()
    assert parse_query("tiktok -ban").canonical() != parse_query("tiktok ban").canonical()


def test_explanation_in_english_and_hindi(lexicon: Lexicon) -> None:
    parsed = parse_query("tiktok ban", lexicon=lexicon)
    english = explain(parsed, lexicon=lexicon, lang="en")
    assert english.startswith("tiktok (टिकटॉक")
    assert " AND ban (बैन, प्रतिबंध, पाबंदी" in english
    hindi = explain(parsed, lexicon=lexicon, lang="hi")
    assert " और ban (बैन, प्रतिबंध, पाबंदी" in hindi
    # a Hindi word is explained with its English terms
    assert explain(parse_query("टिकटॉक", lexicon=lexicon), lexicon=lexicon).startswith(
        "टिकटॉक (tiktok"
    )


def test_explanation_of_groups_filters_and_exclusions(lexicon: Lexicon) -> None:
    parsed = parse_query("data leak -cricket site:bbc.com lang:hi", lexicon=lexicon)
    english = explain(parsed, lexicon=lexicon, lang="en")
    assert english.startswith("data leak (डेटा लीक")  # seen as the topic's phrase
    assert t("query.explain.site", "en", domain="bbc.com") in english
    assert t("query.explain.lang_hi", "en") in english
    assert "but NOT cricket" in english
    hindi = explain(parsed, lexicon=lexicon, lang="hi")
    assert "सिर्फ़ bbc.com से" in hindi and "नहीं" in hindi
    unknown = explain(parse_query("zorbulon"), lexicon=lexicon, lang="en")
    assert unknown == "zorbulon (also written in Hindi)"
    nested = explain(parse_query("(tiktok OR pubg) ban"), lexicon=lexicon, lang="en")
    assert nested.startswith("(tiktok (")


SHIPPED = load_lexicon()
QUERY_ALPHABET = st.sampled_from(
    [
        *'abcXYZ टिकटॉकबैनपर "()|-#:ORANDNOTsiteintitlelanghien.',
        *("OR", " OR ", "site:", "lang:", "intitle:", "#ban", "-", '"', "(", ")", "या"),
    ]
)


@settings(max_examples=400)
@given(st.lists(QUERY_ALPHABET, max_size=40).map("".join))
def test_parser_raises_nothing_but_query_error(text: str) -> None:
    try:
        parsed = parse_query(text, lexicon=SHIPPED)
    except QueryError as error:
        assert error.message("en") and error.message("hi")
        return
    assert ParsedQuery.from_json(json.loads(json.dumps(parsed.to_json()))) == parsed


@settings(max_examples=200)
@given(st.text(max_size=120))
def test_parser_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text)
