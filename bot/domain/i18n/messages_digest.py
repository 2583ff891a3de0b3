"""Fixed texts of digests and of the backlog fold message, in English and Hindi.

Keys start with ``card.digest.`` and ``card.fold.``. Counted phrases come in CLDR plural forms,
``.one`` and ``.other`` (Hindi uses "one" for 0 and 1: "1 खबर", "12 खबरें"); the renderers
pick the form with Babel's plural rules.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "card.digest.header.hourly.one": {
        "en": "{count} story in the last hour",
        "hi": "पिछले घंटे की {count} खबर",
    },
    "card.digest.header.hourly.other": {
        "en": "{count} stories in the last hour",
        "hi": "पिछले घंटे की {count} खबरें",
    },
    "card.digest.header.daily.one": {"en": "{count} story today", "hi": "आज की {count} खबर"},
    "card.digest.header.daily.other": {"en": "{count} stories today", "hi": "आज की {count} खबरें"},
    "card.digest.header.weekly.one": {
        "en": "{count} story this week",
        "hi": "इस हफ़्ते की {count} खबर",
    },
    "card.digest.header.weekly.other": {
        "en": "{count} stories this week",
        "hi": "इस हफ़्ते की {count} खबरें",
    },
    "card.digest.empty.hourly": {
        "en": "Nothing new in the last hour",
        "hi": "पिछले घंटे कोई नई खबर नहीं आई",
    },
    "card.digest.empty.daily": {"en": "Nothing new today", "hi": "आज कोई नई खबर नहीं आई"},
    "card.digest.empty.weekly": {
        "en": "Nothing new this week",
        "hi": "इस हफ़्ते कोई नई खबर नहीं आई",
    },
    "card.digest.other_sources.one": {"en": "+{count} more source", "hi": "+{count} और स्रोत"},
    "card.digest.other_sources.other": {
        "en": "+{count} more sources",
        "hi": "+{count} और स्रोत",
    },
    "card.digest.more.one": {
        "en": "+{count} more story not shown here.",
        "hi": "+{count} और खबर यहाँ नहीं दिखाई गई।",
    },
    "card.digest.more.other": {
        "en": "+{count} more stories not shown here.",
        "hi": "+{count} और खबरें यहाँ नहीं दिखाई गईं।",
    },
    "card.digest.list_hint": {
        "en": "Too many? Review what you track with {command}",
        "hi": "बहुत ज़्यादा हैं? {command} से देखें कि आप क्या-क्या ट्रैक कर रहे हैं",
    },
    "card.digest.continued": {"en": "{group} (contd.)", "hi": "{group} (जारी)"},
    "card.digest.part": {"en": "Part {part} of {total}", "hi": "भाग {part}/{total}"},
    "card.fold.header.one": {
        "en": "+{count} more story for your subscriptions",
        "hi": "आपकी ट्रैकिंग से जुड़ी {count} और खबर",
    },
    "card.fold.header.other": {
        "en": "+{count} more stories for your subscriptions",
        "hi": "आपकी ट्रैकिंग से जुड़ी {count} और खबरें",
    },
    "card.fold.intro": {
        "en": "A lot came in at once, so here they are together:",
        "hi": "एक साथ कई खबरें आईं, इसलिए सब यहाँ एक साथ:",
    },
    "card.fold.unlisted.one": {"en": "…and {count} more", "hi": "…और {count} खबर"},
    "card.fold.unlisted.other": {"en": "…and {count} more", "hi": "…और {count} खबरें"},
}
