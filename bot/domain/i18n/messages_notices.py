"""Notices for admins and operators (not for every subscriber): paused sources, failures."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "notice.source_paused": {
        "en": (
            "⚠️ The news source {source} failed {failures} times in a row and is paused.\n"
            "Last error: {error}\n"
            "Alerts from other sources continue. Fix the feed, then remove and add it again "
            "with /removesource and /addsource."
        ),
        "hi": (
            "⚠️ खबरों का स्रोत {source} लगातार {failures} बार नहीं खुला, इसलिए इसे रोक दिया "
            "गया है।\nआख़िरी गड़बड़ी: {error}\n"
            "बाकी स्रोतों से अलर्ट आते रहेंगे। फ़ीड ठीक होने पर /removesource और /addsource "
            "से इसे दोबारा जोड़ें।"
        ),
    },
}
