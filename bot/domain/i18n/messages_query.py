"""Query-language texts: errors (naming the problem and where it is) and the "will match" line.

``{position}`` is 1-based (the character where the problem starts), so users can count.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- errors ---------------------------------------------------------------------------------
    "query.error.empty": {
        "en": "The query is empty. Write the words to watch for, e.g. /track tiktok ban",
        "hi": "क्वेरी खाली है। जिन शब्दों पर नज़र रखनी है वे लिखें, जैसे /track tiktok ban",
    },
    "query.error.too_long": {
        "en": "The query is too long ({length} characters; at most {max_length}).",
        "hi": "क्वेरी बहुत लंबी है ({length} अक्षर; ज़्यादा से ज़्यादा {max_length})।",
    },
    "query.error.too_many_terms": {
        "en": "Too many terms (at most {max_terms}); the extra ones start at character "
        "{position}. Split it into two /track queries.",
        "hi": "शब्द बहुत ज़्यादा हैं (ज़्यादा से ज़्यादा {max_terms}); अक्षर {position} से आगे के "
        "शब्द सीमा से बाहर हैं। इसे दो अलग /track में बाँट दें।",
    },
    "query.error.too_deep": {
        "en": "Brackets are nested too deeply at character {position} (at most {max_depth} "
        "levels).",
        "hi": "अक्षर {position} पर कोष्ठक एक के अंदर एक बहुत ज़्यादा हैं (ज़्यादा से ज़्यादा {max_depth} स्तर)।",
    },
    "query.error.unclosed_quote": {
        "en": 'The quote opened at character {position} is never closed: add the closing ".',
        "hi": 'अक्षर {position} पर खोला गया उद्धरण चिह्न बंद नहीं हुआ: आख़िर में " लगाएँ।',
    },
    "query.error.unclosed_paren": {
        "en": "The bracket opened at character {position} is never closed: add ).",
        "hi": "अक्षर {position} पर खोला गया कोष्ठक बंद नहीं हुआ: ) लगाएँ।",
    },
    "query.error.unexpected_paren": {
        "en": "There is a ) at character {position} without a matching (.",
        "hi": "अक्षर {position} पर ) है, पर उससे पहले कोई ( नहीं खुला।",
    },
    "query.error.empty_group": {
        "en": "The brackets at character {position} are empty.",
        "hi": "अक्षर {position} पर कोष्ठक के अंदर कुछ नहीं लिखा है।",
    },
    "query.error.dangling_operator": {
        "en": "“{operator}” at character {position} needs a word on both sides "
        "(e.g. tiktok OR pubg, or -cricket).",
        "hi": "अक्षर {position} पर “{operator}” के दोनों ओर कोई शब्द होना चाहिए "
        "(जैसे tiktok OR pubg या -cricket)।",
    },
    "query.error.double_negation": {
        "en": "Character {position}: an exclusion cannot be excluded again.",
        "hi": "अक्षर {position}: जिसे हटाया गया है उसे दोबारा नहीं हटाया जा सकता।",
    },
    "query.error.empty_phrase": {
        "en": "The quotes at character {position} contain no words.",
        "hi": "अक्षर {position} पर उद्धरण चिह्नों के अंदर कोई शब्द नहीं है।",
    },
    "query.error.phrase_too_long": {
        "en": "The phrase at character {position} is too long (at most {max_words} words).",
        "hi": "अक्षर {position} वाला वाक्यांश बहुत लंबा है (ज़्यादा से ज़्यादा {max_words} शब्द)।",
    },
    "query.error.word_too_long": {
        "en": "The word at character {position} is too long (at most {max_chars} characters).",
        "hi": "अक्षर {position} वाला शब्द बहुत लंबा है (ज़्यादा से ज़्यादा {max_chars} अक्षर)।",
    },
    "query.error.unknown_field": {
        "en": "“{field}:” at character {position} is not something I understand. "
        "Use site:, intitle: or lang:.",
        "hi": "अक्षर {position} पर “{field}:” समझ नहीं आया। site:, intitle: या lang: इस्तेमाल करें।",
    },
    "query.error.missing_value": {
        "en": "“{field}:” at character {position} needs a value right after the colon, "
        "e.g. {field}:example.",
        "hi": "अक्षर {position} पर “{field}:” के ठीक बाद कुछ लिखना ज़रूरी है, जैसे {field}:example।",
    },
    "query.error.bad_site": {
        "en": "“{value}” at character {position} is not a website domain; write e.g. site:bbc.com",
        "hi": "अक्षर {position} पर “{value}” किसी वेबसाइट का डोमेन नहीं है; ऐसे लिखें: site:bbc.com",
    },
    "query.error.bad_lang": {
        "en": "“{value}” at character {position} is not a language I know: use lang:hi or lang:en.",
        "hi": "अक्षर {position} पर भाषा “{value}” पहचान में नहीं आई: lang:hi या lang:en लिखें।",
    },
    "query.error.unknown_topic": {
        "en": "There is no topic #{topic} (character {position}). Topics you can use: "
        "{suggestions}",
        "hi": "#{topic} नाम का कोई विषय नहीं है (अक्षर {position})। ये विषय चल सकते हैं: {suggestions}",
    },
    "query.error.exclude_in_or": {
        "en": "Character {position}: an exclusion (-word) cannot be one side of OR. Put it "
        "outside, e.g. (tiktok OR pubg) -cricket.",
        "hi": "अक्षर {position}: हटाया जाने वाला शब्द (-शब्द) OR के किसी एक ओर नहीं आ सकता। उसे बाहर "
        "रखें, जैसे (tiktok OR pubg) -cricket।",
    },
    "query.error.filter_in_or": {
        "en": "Character {position}: lang: applies to the whole query; it cannot be inside OR "
        "or excluded.",
        "hi": "अक्षर {position}: lang: पूरी क्वेरी पर लागू होता है; उसे OR के अंदर या हटाए गए हिस्से "
        "में नहीं रखा जा सकता।",
    },
    "query.error.conflicting_lang": {
        "en": "Character {position}: the query asks for two different languages at once, so "
        "nothing could ever match.",
        "hi": "अक्षर {position}: क्वेरी एक साथ दो अलग भाषाएँ माँग रही है, इसलिए कुछ भी मेल नहीं खाएगा।",
    },
    "query.error.no_positive_terms": {
        "en": "The query only excludes or filters. Add at least one word to look for, e.g. "
        "tiktok -cricket.",
        "hi": "क्वेरी में सिर्फ़ हटाने या छाँटने की शर्तें हैं। कम से कम एक शब्द जोड़ें जिसे ढूँढना है, "
        "जैसे tiktok -cricket।",
    },
    "query.error.only_common_words": {
        "en": "The query only has very common words (like “the” or “का”). Add a word that "
        "says what the news is about.",
        "hi": "क्वेरी में सिर्फ़ बहुत आम शब्द हैं (जैसे “the” या “का”)। कोई ऐसा शब्द जोड़ें जो बताए कि "
        "ख़बर किस बारे में है।",
    },
    "query.error.invalid_stored": {
        "en": "This saved query could not be read; please /track it again.",
        "hi": "यह सहेजी गई क्वेरी पढ़ी नहीं जा सकी; कृपया इसे फिर से /track करें।",
    },
    # --- "will match" explanation ---------------------------------------------------------------
    "query.explain.and": {"en": " AND ", "hi": " और "},
    "query.explain.or": {"en": " OR ", "hi": " या "},
    "query.explain.not": {"en": "but NOT {term}", "hi": "पर {term} नहीं"},
    "query.explain.site": {"en": "only from {domain}", "hi": "सिर्फ़ {domain} से"},
    "query.explain.lang_hi": {"en": "only Hindi news", "hi": "सिर्फ़ हिंदी ख़बरें"},
    "query.explain.lang_en": {"en": "only English news", "hi": "सिर्फ़ अंग्रेज़ी ख़बरें"},
    "query.explain.intitle": {"en": "{term} in the headline", "hi": "शीर्षक में {term}"},
    "query.explain.sounds_like_hi": {
        "en": "{term} (also written in Hindi)",
        "hi": "{term} (हिंदी में लिखा हो तब भी)",
    },
    "query.explain.sounds_like_en": {
        "en": "{term} (also written in English letters)",
        "hi": "{term} (अंग्रेज़ी अक्षरों में लिखा हो तब भी)",
    },
}
