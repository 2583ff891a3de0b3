"""Telegram's command menu (setMyCommands) in English and Hindi: short, ≤ 256 characters."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "menu.start": {"en": "What Khabardar does", "hi": "खबरदार क्या करता है"},
    "menu.help": {"en": "All commands with examples", "hi": "सभी कमांड, उदाहरण के साथ"},
    "menu.track": {"en": "Track news: /track tiktok ban", "hi": "खबर ट्रैक करें: /track टिकटॉक बैन"},
    "menu.untrack": {"en": "Stop tracking: /untrack 2", "hi": "ट्रैकिंग बंद करें: /untrack 2"},
    "menu.list": {"en": "What this chat tracks", "hi": "यह चैट क्या-क्या ट्रैक कर रही है"},
    "menu.lang": {"en": "Language: /lang hi or /lang en", "hi": "भाषा बदलें: /lang hi या /lang en"},
    "menu.digest": {
        "en": "Digests: /digest daily 09:00",
        "hi": "खबरों का सार: /digest daily 09:00",
    },
    "menu.tz": {"en": "Time zone: /tz Asia/Kolkata", "hi": "समय क्षेत्र: /tz Asia/Kolkata"},
    "menu.quiet": {"en": "Quiet hours: /quiet 22:00-07:00", "hi": "शांत समय: /quiet 22:00-07:00"},
    "menu.mute": {
        "en": "Mute one subscription: /mute 2 8h",
        "hi": "किसी ट्रैकिंग को कुछ देर चुप करें: /mute 2 8h",
    },
    "menu.unmute": {"en": "Unmute a subscription", "hi": "चुप की गई ट्रैकिंग फिर चालू करें"},
    "menu.pause": {"en": "Pause all alerts here", "hi": "यहाँ सभी अलर्ट रोकें"},
    "menu.resume": {"en": "Resume alerts here", "hi": "यहाँ अलर्ट फिर शुरू करें"},
    "menu.sources": {"en": "News sources and their health", "hi": "खबरों के स्रोत और उनकी स्थिति"},
    "menu.addsource": {"en": "Add a feed (admins)", "hi": "नया फ़ीड जोड़ें (एडमिन)"},
    "menu.removesource": {"en": "Remove a source (admins)", "hi": "स्रोत हटाएँ (एडमिन)"},
    "menu.why": {"en": "Why was this alert sent?", "hi": "यह अलर्ट क्यों आया?"},
}
