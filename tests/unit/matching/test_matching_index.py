"""The match index: cross-script matching, query semantics, scoring, evidence, updates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lexicon import Lexicon, load_lexicon
from bot.domain.matcher import MatchIndex, index_subscriptions, naive_match
from bot.domain.models import Article, Match
from bot.domain.query import QueryError, TopicRef, Word, parse_query
from bot.domain.scoring import DEFAULT_THRESHOLD

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ISSUE_HEADLINE = "भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी, डाटा लीक की बात से किया इनकार"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def article(title: str, lead: str = "", body: str = "", **extra: object) -> Article:
    return Article(
        url=str(extra.pop("url", "https://news.example/a")),
        title=title,
        summary=lead,
        body=body,
        published_at=extra.pop("published_at", NOW),  # type: ignore[arg-type]
        lang=extra.pop("lang", None),  # type: ignore[arg-type]
    )


def fires(lexicon: Lexicon, query: str, item: Article, **options: object) -> bool:
    index = MatchIndex(lexicon)
    index.add(1, parse_query(query, lexicon=lexicon))
    return bool(index.match(item, now=NOW, **options))  # type: ignore[arg-type]


# --- the issue's examples, verbatim ---------------------------------------------------------


@pytest.mark.parametrize("query", ["tiktok ban", "data leak", "टिकटॉक"])
def test_issue_headline_fires_tiktok_ban_data_leak_and_devanagari_tiktok(
    lexicon: Lexicon, query: str
) -> None:
    assert fires(lexicon, query, article(ISSUE_HEADLINE))


def test_tiktok_pratibandh_fires_tiktok_ban(lexicon: Lexicon) -> None:
    assert fires(lexicon, "tiktok ban", article("टिकटॉक पर प्रतिबंध"))


def test_film_banner_does_not_fire_ban(lexicon: Lexicon) -> None:
    assert not fires(lexicon, "ban", article("फिल्म के बैनर तले बनी नई वेब सीरीज़ अगले महीने होगी रिलीज़"))


def test_cricket_ban_does_not_fire_ban_minus_cricket(lexicon: Lexicon) -> None:
    hindi = article("क्रिकेटर पर दो साल का बैन, डोप टेस्ट में फेल होने के बाद बोर्ड का फैसला")
    english = article("Cricket: fast bowler handed two-year ban after failing dope test")
    for item in (hindi, english):
        assert fires(lexicon, "ban", item)
        assert not fires(lexicon, "ban -cricket", item)
    assert fires(lexicon, "ban -cricket", article("नेपाल में सभी भारतीय फ़िल्मों के प्रदर्शन पर रोक"))


def test_a_players_ban_that_never_says_cricket_is_still_excluded(lexicon: Lexicon) -> None:
    """`-cricket` covers the game's own words (bowler, wicket, बल्लेबाज …) via the lexicon."""
    hindi = article("गेंद से छेड़छाड़ के दोषी बल्लेबाज पर एक साल का बैन")
    english = article("Pakistan bowler banned for a year over suspect action")
    for item in (hindi, english):
        assert fires(lexicon, "ban", item)
        assert not fires(lexicon, "ban -cricket", item)


# --- cross-script and cross-language --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("whatsapp", "व्हाट्सऐप ने जारी किया नया फीचर"),
        ("whatsapp", "वॉट्सऐप ग्रुप में अफवाह फैलाने पर केस"),
        ("whatsapp", "व्हाट्सएप कॉल से ठगी"),
        ("tiktok", "टिक टॉक स्टार की सड़क हादसे में मौत"),
        ("data leak", "एयर इंडिया के यात्रियों का डेटा लीक"),
        ("data leak", "स्टार हेल्थ के ग्राहकों का डाटा लीक"),
        ("data leak", "बैंक कर्मचारी पर डेटा चोरी का आरोप"),
        ("pubg", "पबजी खेलने से रोकने पर किशोर ने घर छोड़ा"),
        ("hack", "पूर्व मंत्री का ट्विटर अकाउंट हैक"),
        ("hack", "हैकरों ने सरकारी वेबसाइटें बंद कीं"),
        ("app", "लोन देने वाले 232 ऐप्स ब्लॉक"),
        ("app", "लोन ऐपों पर सख्ती"),
        ("xiaomi", "शाओमी के 5,551 करोड़ रुपये जब्त"),
        ("government", "सरकार ने नया नियम लागू किया"),
        ("ban", "पटाखों की बिक्री पर पूरी तरह पाबंदी"),
        ("ban", "Twitter blocks 8,000 accounts on government orders"),
        ("zorbulon", "ज़ोरबुलॉन नाम का नया ऐप चर्चा में"),  # not in the lexicon: by sound
    ],
)
def test_latin_queries_find_hindi_news(lexicon: Lexicon, query: str, title: str) -> None:
    assert fires(lexicon, query, article(title))


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("टिकटॉक", "TikTok launches new editing features"),
        ("प्रतिबंध", "Government bans Chinese lending apps"),
        ("व्हाट्सऐप", "WhatsApp rolls out multi-device support"),
        ("पबजी", "BGMI returns to India after 10-month ban"),
        ("फ़ेसबुक", "Facebook and Instagram down for two hours"),
        ("ज़ोरबुलॉन", "Zorbulon app tops download charts"),  # not in the lexicon: by sound
    ],
)
def test_devanagari_queries_find_english_news(lexicon: Lexicon, query: str, title: str) -> None:
    assert fires(lexicon, query, article(title))


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("ban", "सड़क बन गई, लेकिन बिना नाली के बारिश में फिर डूबा मोहल्ला"),
        ("ban", "मामला बना दिया गया, शिकायतकर्ता ने कहा"),
        ("ban", "इंग्लैंड के कप्तान बेन स्टोक्स ने शतक लगाया"),
        ("app", "आप भी करते हैं सुबह खाली पेट चाय का सेवन?"),
        ("leak", "वह रोज़ डायरी में लिखता था, कई लाख रुपये का जिक्र"),
        ("data", "सरकार गरीबों को मुफ्त राशन देता है"),
        ("hack", "युवाओं को रोजगार का हक दिलाने के लिए पदयात्रा"),
        ("hacker", "हॉकी टीम ने एशिया कप के फाइनल में जगह बनाई"),
        ("aadhaar", "इस आधार पर अदालत ने आरोपी को जमानत दी"),
        ("tiktok", "टिकट के लिए स्टेशन पर लंबी कतारें"),
        ("leak", "यह एप्लीकेशन मुफ्त में मिलेगी"),
        ("चीनी ऐप", "चीनी मिलों पर किसानों का बकाया"),
        ("data leak", "परीक्षा से पहले पेपर लीक, भर्ती परीक्षा रद्द"),
        ("ban", "Block development officer suspended for negligence"),
    ],
)
def test_hard_negatives_stay_quiet(lexicon: Lexicon, query: str, title: str) -> None:
    assert not fires(lexicon, query, article(title))


def test_english_inflections_and_hindi_plurals(lexicon: Lexicon) -> None:
    for title in ("TikTok banned", "Nepal bans films", "banning the app"):
        assert fires(lexicon, "ban", article(title))
    assert fires(lexicon, "leak", article("Passwords leaked online"))
    assert fires(lexicon, "खबर", article("आज की बड़ी खबरें"))
    assert fires(lexicon, "हमला", article("सीमा पर हुए हमले में दो जवान घायल"))


# --- query language semantics ---------------------------------------------------------------


def test_phrases_need_adjacent_words(lexicon: Lexicon) -> None:
    assert fires(lexicon, '"uc browser"', article("यूसी ब्राउजर की कंपनी ने कारोबार समेटा"))
    assert fires(lexicon, '"uc browser"', article("UC Browser maker shuts India operations"))
    assert not fires(lexicon, '"uc browser"', article("UC Berkeley study on a new web browser"))
    assert fires(lexicon, '"tik tok"', article("TikTok star dies"))  # one word also counts


def test_or_site_intitle_and_lang(lexicon: Lexicon) -> None:
    hindi = article("पेटीएम के शेयर गिरे", url="https://www.livehindustan.com/business/x", lang="hi")
    english = article(
        "Paytm shares fall", "RBI action hits stock", url="https://www.livemint.com/x"
    )
    assert fires(lexicon, "paytm lang:hi", hindi) and not fires(lexicon, "paytm lang:hi", english)
    assert fires(lexicon, "paytm lang:en", english)
    assert fires(lexicon, "paytm site:livemint.com", english)
    assert not fires(lexicon, "paytm site:livemint.com", hindi)
    assert fires(lexicon, "paytm -site:livemint.com", hindi)
    assert fires(lexicon, "site:livehindustan.com", hindi)  # a whole source
    assert fires(lexicon, "xiaomi OR पेटीएम", hindi)
    assert fires(lexicon, "intitle:paytm", english)
    assert not fires(lexicon, "intitle:rbi", english)  # only in the lead
    assert fires(lexicon, "rbi", english)
    undeclared = article("पेटीएम पेमेंट्स बैंक पर आरबीआई की सख्ती")
    assert fires(lexicon, "paytm lang:hi", undeclared)  # language detected from the text


def test_topics_and_unquoted_lexicon_phrases(lexicon: Lexicon) -> None:
    item = article("बैंक कर्मचारी पर ग्राहकों की जानकारी लीक करने का आरोप")
    assert fires(lexicon, "#dataleak", item)
    assert fires(lexicon, "data leak", article("Bank employee arrested for data theft"))
    assert not fires(lexicon, '"data leak"', article("Data centres to get clearance; leak probe"))
    assert fires(lexicon, "#spyware", article("पेगासस जासूसी मामले में नई याचिका"))


def test_a_hand_built_tree_with_an_unknown_topic_is_refused(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    with pytest.raises(QueryError) as caught:
        index.add(1, TopicRef("nosuchtopic"))
    assert caught.value.code == "unknown_topic"
    assert len(index) == 0 and index.stats()["atoms"] == 0
    failed = index_subscriptions(index, {1: parse_query("tiktok"), 2: TopicRef("nope")})  # type: ignore[dict-item]
    assert [sid for sid, _ in failed] == [2] and 1 in index


# --- scoring and evidence -------------------------------------------------------------------


def test_title_beats_lead_beats_body(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon, threshold=0.0)
    index.add(1, parse_query("whatsapp", lexicon=lexicon))
    scores = [
        index.match(item, now=NOW)[0].score
        for item in (
            article("व्हाट्सऐप पर नया फीचर"),
            article("नई सुविधा आई", "व्हाट्सऐप पर नया फीचर"),
            article("नई सुविधा आई", "कंपनी ने बताया", "व्हाट्सऐप पर नया फीचर"),
        )
    ]
    assert scores[0] > scores[1] > scores[2] > 0


def test_boilerplate_footer_is_below_the_default_threshold(lexicon: Lexicon) -> None:
    footer = (
        "(बीबीसी हिन्दी के एंड्रॉएड ऐप के लिए आप यहां क्लिक कर सकते हैं. आप हमें फ़ेसबुक और "
        "ट्विटर पर फ़ॉलो भी कर सकते हैं.)"
    )
    item = article(
        "हिमालय के ग्लेशियर तेज़ी से पिघल रहे हैं",
        "नए अध्ययन के मुताबिक पिघलने की रफ़्तार दोगुनी हो गई है।",
        "वैज्ञानिकों का कहना है कि इसका असर नदियों पर पड़ेगा. " + footer,
    )
    for query in ("app", "facebook", "twitter"):
        assert not fires(lexicon, query, item)
        assert fires(lexicon, query, item, threshold=0.5)  # found, but only weakly
    index = MatchIndex(lexicon)
    index.add(7, parse_query("facebook", lexicon=lexicon))
    weak = index.explain(7, item, now=NOW)
    assert weak is not None and weak.score < DEFAULT_THRESHOLD
    assert weak.why[0].field_name == "body"


def test_repeated_or_nearby_body_mentions_do_alert(lexicon: Lexicon) -> None:
    body = "कंपनी ने कहा कि व्हाट्सऐप सुरक्षित है। व्हाट्सऐप के प्रवक्ता ने बताया कि व्हाट्सऐप पर नजर है।"
    assert fires(lexicon, "whatsapp", article("नया नियम", "सरकार का आदेश", body))
    near = "सरकार ने टिकटॉक पर बैन जारी रखने का फैसला किया।"
    assert fires(lexicon, "tiktok ban", article("नया नियम", "सरकार का आदेश", near))
    far = "टिकटॉक की चर्चा हुई। " + "दूसरी बातें हुईं। " * 12 + "बैन की बात भी हुई।"
    assert not fires(lexicon, "tiktok ban", article("नया नियम", "सरकार का आदेश", far))


def test_source_weight_and_freshness_scale_the_score(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon, threshold=0.0)
    index.add(1, parse_query("paytm", lexicon=lexicon))
    fresh = index.match(article("Paytm shares fall"), now=NOW)[0].score
    heavy = index.match(article("Paytm shares fall"), now=NOW, source_weight=2.0)[0].score
    old = index.match(article("Paytm shares fall", published_at=NOW - timedelta(days=10)), now=NOW)[
        0
    ].score
    assert heavy == pytest.approx(2 * fresh)
    assert old == pytest.approx(fresh / 2)


def test_why_names_term_text_field_and_path(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(1, parse_query("tiktok ban", lexicon=lexicon))
    index.add(2, parse_query("zorbulon", lexicon=lexicon))
    [match] = index.match(article(ISSUE_HEADLINE), now=NOW)
    assert isinstance(match, Match) and match.subscription_id == 1
    evidence = {(w.term, w.found, w.field_name, w.via) for w in match.why}
    assert ("tiktok", "TikTok", "title", "exact") in evidence
    assert ("ban", "बैन", "title", "lexicon") in evidence
    [sound] = index.match(article("नया ऐप", "ज़ोरबुलॉन ने धूम मचाई"), now=NOW)
    assert [(w.term, w.found, w.field_name, w.via) for w in sound.why] == [
        ("zorbulon", "ज़ोरबुलॉन", "lead", "phonetic")
    ]
    [stemmed] = MatchIndexWith(lexicon, "ban").match(article("Nepal bans films"), now=NOW)
    assert [(w.found, w.via) for w in stemmed.why] == [("bans", "stem")]
    phrase = MatchIndexWith(lexicon, '"uc browser"').match(
        article("यूसी-ब्राउजर की कंपनी ने कारोबार समेटा"), now=NOW
    )
    assert phrase[0].why[0].found == "यूसी-ब्राउजर"  # as written, with its hyphen


def MatchIndexWith(lexicon: Lexicon, query: str) -> MatchIndex:
    index = MatchIndex(lexicon)
    index.add(1, parse_query(query, lexicon=lexicon))
    return index


def test_results_are_best_first(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(1, parse_query("tiktok", lexicon=lexicon))
    index.add(2, parse_query("tiktok ban", lexicon=lexicon))
    index.add(3, parse_query("data leak", lexicon=lexicon))
    results = index.match(article(ISSUE_HEADLINE), now=NOW)
    scores = [m.score for m in results]
    assert scores == sorted(scores, reverse=True) and len(results) == 3


# --- the index itself -------------------------------------------------------------------------


def test_add_remove_without_rebuild(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    assert index.stats()["atoms"] == 0
    index.add(1, parse_query("tiktok ban", lexicon=lexicon))
    index.add(2, parse_query("tiktok ban", lexicon=lexicon))  # same query: one group
    index.add(3, parse_query("whatsapp", lexicon=lexicon))
    assert len(index) == 3 and index.stats()["queries"] == 2
    item = article(ISSUE_HEADLINE)
    assert [m.subscription_id for m in index.match(item, now=NOW)] == [1, 2]
    assert index.remove(1) and not index.remove(1)
    assert [m.subscription_id for m in index.match(item, now=NOW)] == [2]
    index.add(2, parse_query("whatsapp", lexicon=lexicon))  # re-adding replaces
    assert index.match(item, now=NOW) == []
    assert index.remove(2) and index.remove(3)
    assert len(index) == 0
    assert index.stats()["atoms"] == 0 and index.stats()["leaves"] == 0  # nothing leaks


def test_added_terms_are_seen_by_cached_tokens(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(1, parse_query("whatsapp", lexicon=lexicon))
    item = article(ISSUE_HEADLINE)
    assert index.match(item, now=NOW) == []  # TikTok etc. now cached as "no atoms"
    index.add(2, parse_query("tiktok", lexicon=lexicon))
    assert [m.subscription_id for m in index.match(item, now=NOW)] == [2]


def test_explain_is_none_when_the_query_does_not_hold(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(1, parse_query("whatsapp", lexicon=lexicon))
    assert index.explain(1, article(ISSUE_HEADLINE), now=NOW) is None
    assert index.explain(99, article(ISSUE_HEADLINE), now=NOW) is None


def test_index_accepts_bare_nodes(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(5, Word("tiktok"))
    assert index.match(article("TikTok news"), now=NOW)[0].subscription_id == 5


WORDS = [
    "tiktok", "ban", "data", "leak", "app", "whatsapp", "pubg", "hack", "privacy", "government",
    "india", "china", "टिकटॉक", "बैन", "प्रतिबंध", "डेटा", "लीक", "ऐप", "सरकार", "भारत", "चीन",
    "पुलिस", "फिल्म", "क्रिकेट", "zorbulon", "बाजार", "cricket", "paytm", "पेटीएम", "aadhaar",
    '"data leak"', '"uc browser"', '"पर रोक"', "#ban", "#app", "#hack", "site:bbc.com",
    "intitle:tiktok", "lang:hi", "lang:en", "facebook", "यूट्यूब", '"paytm wallet"',
]  # fmt: skip
TITLES = [
    ISSUE_HEADLINE,
    "टिकटॉक पर प्रतिबंध जारी रहेगा, सरकार ने कंपनी का जवाब नामंजूर किया",
    "फिल्म के बैनर तले बनी नई वेब सीरीज़",
    "क्रिकेटर पर दो साल का बैन",
    "सरकार ने 54 ऐप्स किए ब्लॉक, पबजी के बाद फ्री फायर पर भी गिरी गाज",
    "Government bans Chinese lending and betting apps",
    "Star Health data leak: hacker sells records on Telegram",
    "UC Browser maker shuts India operations",
    "आधार डेटा लीक का दावा, यूआईडीएआई ने किया इनकार",
    "पुलिस ने वाहन को रोका, डिक्की से मिली चांदी",
    "Pay TM वॉलेट से पैसे गायब, फेस बुक पर शिकायतों की बाढ़",
    "यू ट्यूब चैनल हैक, You Tube ने कहा जांच जारी",
]


URLS = ["https://www.bbc.com/hindi/x", "https://news.example/y"]


def test_index_agrees_with_evaluating_every_subscription(lexicon: Lexicon) -> None:
    rng = random.Random(11)
    index = MatchIndex(lexicon, threshold=0.0)
    for number in range(400):
        terms = rng.sample(WORDS, rng.choice((1, 1, 2, 3)))
        if rng.random() < 0.15:
            terms.append("-" + rng.choice(WORDS[:30]))
        if rng.random() < 0.15 and len(terms) > 1:
            terms[0] = f"({terms[0]} OR {terms[1]})"
        try:
            index.add(number, parse_query(" ".join(terms), lexicon=lexicon))
        except QueryError:
            continue
    items = [
        article(title, rng.choice(TITLES), rng.choice(TITLES), url=rng.choice(URLS))
        for title in TITLES
        for _ in range(3)
    ]
    # enough articles to pass the first re-anchoring on observed frequencies (after 100)
    for _round in range(4):
        for item in items:
            everything = index.match_all(item)
            assert everything == naive_match(index, item)
            matched = sorted(m.subscription_id for m in index.match(item, now=NOW))
            assert matched == everything  # threshold 0: the score never hides a hit
    assert index._seen > 100


# --- words written apart -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("paytm", "Pay TM वॉलेट से ग्राहकों के पैसे गायब, कंपनी ने जांच शुरू की"),
        ("फेसबुक", "फेस बुक पर लाखों उपयोगकर्ताओं का डेटा लीक"),
        ("facebook", "फेस बुक पर लाखों उपयोगकर्ताओं का डेटा लीक"),  # via the lexicon's फेसबुक
        ("youtube", "You Tube removes channels after the hack"),
        ("यूट्यूब", "यू ट्यूब ने हैक हुए चैनल बंद किए"),
    ],
)
def test_a_word_written_apart_fires(lexicon: Lexicon, query: str, title: str) -> None:
    assert fires(lexicon, query, article(title))


def test_a_word_written_apart_shows_both_halves_as_evidence(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(1, parse_query("paytm", lexicon=lexicon))
    [match] = index.match(article("Pay TM वॉलेट से पैसे गायब"), now=NOW)
    assert [(w.found, w.field_name, w.via) for w in match.why] == [("Pay TM", "title", "exact")]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("update", "Court sets the follow up date for the data leak hearing"),  # ordinary words
        ("paytm", "Pay the TM fee before Friday"),  # the halves are not neighbours
        ('"paytm wallet"', "Pay TM wallet drained"),  # a phrase needs its words as written
    ],
)
def test_neighbours_that_are_not_one_word_do_not_fire(
    lexicon: Lexicon, query: str, title: str
) -> None:
    assert not fires(lexicon, query, article(title))


def test_removing_the_last_subscription_forgets_its_halves(lexicon: Lexicon) -> None:
    index = MatchIndex(lexicon)
    index.add(1, parse_query("paytm", lexicon=lexicon))
    assert index.match(article("Pay TM वॉलेट से पैसे गायब"), now=NOW)
    index.remove(1)
    index.add(2, parse_query("hack", lexicon=lexicon))
    assert index.match_all(article("Pay TM वॉलेट से पैसे गायब")) == []
    assert "pay" not in index._lefts
