"""Fixed texts of a real-time alert card (lines, buttons, fallbacks) in English and Hindi.

Keys start with ``card.alert.``. Hindi is written the way Indian news apps speak ("मिलान",
"स्रोत", "म्यूट करें", "ट्रैकिंग बंद करें"), not translated word by word. Every text is plain:
the renderers escape it for HTML or mrkdwn and add the emoji and the formatting around it.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "card.alert.matched": {"en": "Matched: {terms}", "hi": "मिलान: {terms}"},
    "card.alert.tracking": {"en": "Tracking: {queries}", "hi": "ट्रैकिंग: {queries}"},
    "card.alert.more_queries": {"en": "+{count} more", "hi": "+{count} और"},
    "card.alert.score": {"en": "score {score}", "hi": "स्कोर {score}"},
    "card.alert.article_language": {"en": "in {language}", "hi": "{language} में"},
    "card.alert.source": {"en": "Source: {source}", "hi": "स्रोत: {source}"},
    "card.alert.untitled": {"en": "Untitled story", "hi": "बिना शीर्षक की खबर"},
    "card.alert.unknown_source": {"en": "Unknown source", "hi": "अज्ञात स्रोत"},
    "card.alert.button.open": {"en": "🔗 Open", "hi": "🔗 खबर खोलें"},
    "card.alert.button.mute": {"en": "🔕 Mute {hours}h", "hi": "🔕 {hours} घंटे म्यूट करें"},
    "card.alert.button.untrack": {"en": "✖️ Untrack", "hi": "✖️ ट्रैकिंग बंद करें"},
    "card.alert.fallback": {
        "en": "New story for “{query}”: {title}",
        "hi": "“{query}” से जुड़ी नई खबर: {title}",
    },
    "card.alert.fallback_plain": {"en": "New story: {title}", "hi": "नई खबर: {title}"},
    "card.alert.new_story": {"en": "New story", "hi": "नई खबर"},
}
