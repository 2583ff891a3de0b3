"""Near-duplicate fingerprints and story assignment (bot/domain/stories.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.lexicon import Lexicon, load_lexicon
from bot.domain.models import Article
from bot.domain.stories import (
    DEFAULT_MAX_DISTANCE,
    StoryClusterer,
    StoryEntry,
    fingerprint,
    hamming,
    new_story_id,
)

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def art(title: str, lead: str = "") -> Article:
    return Article(url="https://news.example/x", title=title, summary=lead)


SAME_STORY = [
    (
        art(
            "भारत में बैन किए जाने के बाद TikTok ने चीन से बनाई दूरी, डाटा लीक की बात से किया इनकार",
            "शॉर्ट वीडियो ऐप ने कहा कि भारतीय यूजर्स का डेटा कभी चीन सरकार के साथ साझा नहीं किया गया।",
        ),
        art(
            "भारत में प्रतिबंध के बाद टिकटॉक ने चीन से बनाई दूरी, डेटा लीक की बात से इनकार",
            "शॉर्ट वीडियो ऐप ने कहा है कि भारतीय यूजर्स का डाटा चीन सरकार के साथ कभी साझा नहीं हुआ।",
        ),
    ),
    (
        art(
            "एम्स के सर्वर पर साइबर हमला, लाखों मरीजों का डेटा खतरे में",
            "जांच एजेंसियों को शक है कि हमले के पीछे विदेशी हैकरों का हाथ है।",
        ),
        art(
            "एम्स के सर्वर पर साइबर हमला: लाखों मरीजों का डाटा खतरे में",
            "जांच एजेंसियों को शक, हमले के पीछे विदेशी हैकर",
        ),
    ),
    (
        art(
            "TikTok ban: India makes block on 59 Chinese apps permanent",
            "The IT ministry said the companies' replies were unsatisfactory.",
        ),
        art(
            "India makes TikTok ban permanent along with 58 other Chinese apps",
            "The IT ministry said replies from the companies were not satisfactory.",
        ),
    ),
]
DIFFERENT_STORIES = [
    (
        art("टिकटॉक पर प्रतिबंध जारी रहेगा, सरकार ने कंपनी का जवाब नामंजूर किया"),
        art("अमेरिका में टिकटॉक पर बैन का रास्ता साफ, संसद ने पास किया बिल"),
    ),
    (
        art("Manipur suspends internet services in five districts"),
        art("Mobile internet suspended in three Haryana districts for 48 hours"),
    ),
    (
        art("एम्स के सर्वर पर साइबर हमला, लाखों मरीजों का डेटा खतरे में"),
        art("साइबर हमलों से निपटने के लिए बिजली कंपनियों को नए दिशानिर्देश"),
    ),
]


def test_fingerprint_is_a_deterministic_signed_64_bit_integer(lexicon: Lexicon) -> None:
    value = fingerprint(SAME_STORY[0][0], lexicon=lexicon)
    assert value == fingerprint(SAME_STORY[0][0], lexicon=lexicon)
    assert -(2**63) <= value < 2**63
    assert fingerprint(art("")) == 0


@pytest.mark.parametrize(("first", "second"), SAME_STORY)
def test_spelling_variants_and_rewording_stay_close(
    lexicon: Lexicon, first: Article, second: Article
) -> None:
    distance = hamming(fingerprint(first, lexicon=lexicon), fingerprint(second, lexicon=lexicon))
    assert distance <= DEFAULT_MAX_DISTANCE


@pytest.mark.parametrize(("first", "second"), DIFFERENT_STORIES)
def test_different_stories_stay_apart(lexicon: Lexicon, first: Article, second: Article) -> None:
    distance = hamming(fingerprint(first, lexicon=lexicon), fingerprint(second, lexicon=lexicon))
    assert distance > DEFAULT_MAX_DISTANCE


def test_cross_script_spellings_collapse_without_the_lexicon_too() -> None:
    latin = art("TikTok और WhatsApp पर नई सख्ती")
    deva = art("टिकटॉक और व्हाट्सऐप पर नई सख्ती")
    assert hamming(fingerprint(latin), fingerprint(deva)) <= 4


def test_clusterer_joins_near_duplicates_within_the_window(lexicon: Lexicon) -> None:
    clusterer = StoryClusterer()
    first, second = SAME_STORY[0]
    story = clusterer.assign(fingerprint(first, lexicon=lexicon), at=AT)
    assert story == new_story_id(fingerprint(first, lexicon=lexicon), AT)
    later = AT + timedelta(hours=2)
    assert clusterer.assign(fingerprint(second, lexicon=lexicon), at=later) == story
    other = clusterer.assign(fingerprint(DIFFERENT_STORIES[1][0], lexicon=lexicon), at=AT)
    assert other != story
    late = clusterer.assign(fingerprint(second, lexicon=lexicon), at=AT + timedelta(days=5))
    assert late != story  # beyond the window it is news again
    assert len(clusterer) == 4
    clusterer.prune(AT + timedelta(days=5))
    assert len(clusterer) == 1


def test_clusterer_starts_from_recent_entries_and_prefers_the_nearest() -> None:
    base = 0b1111_0000
    recent = [
        StoryEntry(base ^ 0b111, "far", AT),
        StoryEntry(base ^ 0b1, "near", AT - timedelta(hours=1)),
    ]
    clusterer = StoryClusterer(recent, max_distance=5)
    assert clusterer.assign(base, at=AT + timedelta(minutes=5)) == "near"
    assert clusterer.assign(base ^ (2**40 - 1), at=AT) not in ("far", "near")
    assert hamming(-1, 2**64 - 1) == 0  # signed and unsigned forms are the same bits
