"""Every reply of the command layer, in English and in Hindi written for Indian readers.

Keys start with ``cmd.``. Placeholders are ``str.format`` fields; a key's English and Hindi texts
use exactly the same fields. Messages with a count come in three forms chosen by
``bot.domain.commands.count_key``: ``.none`` (0), ``.one`` and ``.other`` (the language's plural
rule — in Hindi 0 and 1 share a form, so ``.one`` is also used for ``1``). Argument errors are
``cmd.error.<code>`` (``CommandArgumentError.code``), followed by ``cmd.error.usage_line`` with
the command's ``cmd.usage.<command>``. Lines that the service renders as separate spans (a
heading, then examples in code style) are separate keys.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- /start --------------------------------------------------------------------------------
    "cmd.start.greeting": {
        "en": "👋 Hello! I'm Khabardar, your news lookout.",
        "hi": "🙏 नमस्ते! मैं खबरदार हूँ — आपके लिए खबरों पर नज़र रखने वाला।",
    },
    "cmd.start.about": {
        "en": "I read Hindi and English news sources all day and tell this chat as soon as a "
        "story matches something you track — in real time or as a digest at the hour you pick.",
        "hi": "मैं दिन भर हिंदी और अंग्रेज़ी के समाचार स्रोत पढ़ता रहता हूँ। आप जिस विषय को "
        "ट्रैक करेंगे, उससे जुड़ी खबर आते ही इस चैट में बता दूँगा — तुरंत, या आपके चुने समय "
        "पर एक साथ डाइजेस्ट में।",
    },
    "cmd.start.try": {"en": "Try one of these:", "hi": "शुरुआत के लिए इनमें से कोई आज़माइए:"},
    "cmd.start.example1": {"en": "/track tiktok ban", "hi": "/track टिकटॉक बैन"},
    "cmd.start.example2": {
        "en": '/track "data leak" -cricket',
        "hi": '/track "डेटा लीक" -क्रिकेट',
    },
    "cmd.start.example3": {"en": "/track #ban lang:en", "hi": "/track #ban lang:hi"},
    "cmd.start.cross_script": {
        "en": "English words also find Hindi news (tiktok finds टिकटॉक), and the other way round.",
        "hi": "हिंदी में लिखा शब्द अंग्रेज़ी खबरों में भी ढूँढा जाता है (टिकटॉक लिखेंगे तो "
        "TikTok वाली खबरें भी मिलेंगी), और अंग्रेज़ी वाला हिंदी में भी।",
    },
    "cmd.start.more": {
        "en": "/help lists everything else. Prefer Hindi? Send /lang hi",
        "hi": "बाकी सब कमांड /help में हैं। English चाहिए तो /lang en भेजें।",
    },
    # --- /help ---------------------------------------------------------------------------------
    "cmd.help.header": {"en": "What I can do:", "hi": "मैं ये सब कर सकता हूँ:"},
    "cmd.help.start": {"en": "what this bot does", "hi": "यह बॉट क्या करता है"},
    "cmd.help.help": {"en": "this list", "hi": "यही सूची"},
    "cmd.help.track": {
        "en": 'watch the news for a query (words, "phrases", -exclusions, OR)',
        "hi": 'किसी विषय की खबरों पर नज़र रखें (शब्द, "पूरा वाक्यांश", -हटाने वाले शब्द, OR)',
    },
    "cmd.help.untrack": {
        "en": "stop tracking (number, query or all)",
        "hi": "ट्रैकिंग बंद करें (नंबर, क्वेरी या सब)",
    },
    "cmd.help.list": {
        "en": "what this chat tracks, numbered",
        "hi": "यह चैट क्या-क्या ट्रैक कर रही है, नंबर के साथ",
    },
    "cmd.help.mute": {
        "en": "silence one subscription for a while",
        "hi": "किसी एक ट्रैकिंग को कुछ देर के लिए चुप करें",
    },
    "cmd.help.unmute": {"en": "turn it back on", "hi": "चुप की गई ट्रैकिंग फिर चालू करें"},
    "cmd.help.pause": {
        "en": "pause every alert in this chat",
        "hi": "इस चैट के सारे अलर्ट रोक दें",
    },
    "cmd.help.resume": {"en": "resume alerts", "hi": "अलर्ट फिर से शुरू करें"},
    "cmd.help.digest": {
        "en": "one summary per hour, day or week instead of single alerts",
        "hi": "अलग-अलग अलर्ट की जगह घंटे, दिन या हफ़्ते में एक बार सारी खबरें एक साथ",
    },
    "cmd.help.quiet": {
        "en": "quiet hours: alerts arrive without a sound",
        "hi": "शांत समय: इस दौरान अलर्ट बिना आवाज़ के आएँगे",
    },
    "cmd.help.lang": {"en": "reply in Hindi or English", "hi": "बॉट हिंदी में बोले या अंग्रेज़ी में"},
    "cmd.help.tz": {
        "en": "time zone for times and digests",
        "hi": "समय और डाइजेस्ट के लिए आपका टाइम ज़ोन",
    },
    "cmd.help.why": {
        "en": "why an alert came — or why an article did not",
        "hi": "कोई अलर्ट क्यों आया, या कोई खबर क्यों नहीं आई",
    },
    "cmd.help.sources": {
        "en": "the news sources and how they are doing",
        "hi": "खबरों के स्रोत और उनका हाल",
    },
    "cmd.help.addsource": {
        "en": "add a feed or news page (admins)",
        "hi": "नया फ़ीड या खबरों का पेज जोड़ें (सिर्फ़ एडमिन)",
    },
    "cmd.help.removesource": {
        "en": "remove a source (admins)",
        "hi": "कोई स्रोत हटाएँ (सिर्फ़ एडमिन)",
    },
    "cmd.help.footer": {
        "en": "In groups, only admins can change what the chat tracks; anyone can use /list.",
        "hi": "ग्रुप में ट्रैकिंग और सेटिंग सिर्फ़ एडमिन बदल सकते हैं; /list कोई भी देख सकता है।",
    },
    # --- usage (help lines and argument errors) ------------------------------------------------
    "cmd.usage.start": {"en": "/start", "hi": "/start"},
    "cmd.usage.help": {"en": "/help", "hi": "/help"},
    "cmd.usage.track": {
        "en": '/track QUERY — e.g. /track tiktok ban or /track "data leak" -cricket',
        "hi": '/track क्वेरी — जैसे /track टिकटॉक बैन या /track "डेटा लीक" -क्रिकेट',
    },
    "cmd.usage.untrack": {
        "en": "/untrack N | QUERY | all — e.g. /untrack 2",
        "hi": "/untrack नंबर | क्वेरी | all — जैसे /untrack 2",
    },
    "cmd.usage.list": {"en": "/list", "hi": "/list"},
    "cmd.usage.mute": {
        "en": "/mute N DURATION — e.g. /mute 2 8h, /mute 2 30m, /mute 2 3d",
        "hi": "/mute नंबर अवधि — जैसे /mute 2 8h या /mute 2 2 घंटे",
    },
    "cmd.usage.unmute": {"en": "/unmute N — e.g. /unmute 2", "hi": "/unmute नंबर — जैसे /unmute 2"},
    "cmd.usage.pause": {"en": "/pause", "hi": "/pause"},
    "cmd.usage.resume": {"en": "/resume", "hi": "/resume"},
    "cmd.usage.digest": {
        "en": "/digest off | hourly | daily 09:00 | weekly mon 09:00 | now",
        "hi": "/digest off | hourly | daily 09:00 | weekly सोमवार 09:00 | now",
    },
    "cmd.usage.quiet": {
        "en": "/quiet 22:00-07:00 (24-hour clock) or /quiet off",
        "hi": "/quiet 22:00-07:00 (24 घंटे वाली घड़ी) या /quiet off",
    },
    "cmd.usage.lang": {"en": "/lang hi or /lang en", "hi": "/lang hi या /lang en"},
    "cmd.usage.tz": {
        "en": "/tz Asia/Kolkata (any IANA time zone, or IST)",
        "hi": "/tz Asia/Kolkata (कोई भी IANA टाइम ज़ोन, या IST)",
    },
    "cmd.usage.why": {
        "en": "/why N or /why https://… — e.g. /why 3",
        "hi": "/why नंबर या /why https://… — जैसे /why 3",
    },
    "cmd.usage.sources": {"en": "/sources", "hi": "/sources"},
    "cmd.usage.addsource": {
        "en": "/addsource URL — e.g. /addsource https://example.com/rss",
        "hi": "/addsource लिंक — जैसे /addsource https://example.com/rss",
    },
    "cmd.usage.removesource": {
        "en": "/removesource N — the number from /sources",
        "hi": "/removesource नंबर — /sources में दिखा नंबर",
    },
    # --- /track --------------------------------------------------------------------------------
    "cmd.track.ok": {
        "en": "✅ Tracking #{number}: {query}",
        "hi": "✅ ट्रैकिंग #{number} शुरू: {query}",
    },
    "cmd.track.explain": {"en": "I'll look for: {explanation}", "hi": "मैं ढूँढूँगा: {explanation}"},
    "cmd.track.backtest.none": {
        "en": "None of the articles from the last 48 hours would have matched — I'll alert "
        "you when one does.",
        "hi": "पिछले 48 घंटों की कोई खबर इससे मेल नहीं खाती — जैसे ही कोई आएगी, बता दूँगा।",
    },
    "cmd.track.backtest.one": {
        "en": "{count} article from the last 48 hours would have matched:",
        "hi": "पिछले 48 घंटों की {count} खबर इससे मेल खाती:",
    },
    "cmd.track.backtest.other": {
        "en": "{count} articles from the last 48 hours would have matched. The top ones:",
        "hi": "पिछले 48 घंटों की {count} खबरें इससे मेल खातीं। इनमें सबसे अहम:",
    },
    "cmd.track.example_item": {"en": "• {title} — {source}", "hi": "• {title} — {source}"},
    "cmd.track.topic_hint": {
        "en": "In this topic the alerts will arrive here, in this thread.",
        "hi": "इस टॉपिक के अलर्ट यहीं, इसी थ्रेड में आएँगे।",
    },
    "cmd.track.already": {
        "en": "You're already tracking this as #{number} — nothing to add. See /list.",
        "hi": "यह तो पहले से #{number} पर ट्रैक हो रहा है, दोबारा जोड़ने की ज़रूरत नहीं। /list देखें।",
    },
    # --- /list ---------------------------------------------------------------------------------
    "cmd.list.header": {
        "en": "📋 Tracked in this chat ({count}):",
        "hi": "📋 इस चैट में ट्रैक हो रहा है ({count}):",
    },
    "cmd.list.item": {
        "en": "{number}. {query} · {mode} · {mute_state} · {last_alert}",
        "hi": "{number}. {query} · {mode} · {mute_state} · {last_alert}",
    },
    "cmd.list.mode.realtime": {"en": "instant alerts", "hi": "तुरंत अलर्ट"},
    "cmd.list.mode.digest": {"en": "in the digest", "hi": "डाइजेस्ट में"},
    "cmd.list.mode.both": {
        "en": "top stories instantly, the rest in the digest",
        "hi": "बड़ी खबरें तुरंत, बाकी डाइजेस्ट में",
    },
    "cmd.list.active": {"en": "🔔 on", "hi": "🔔 चालू"},
    "cmd.list.muted_until": {"en": "🔕 muted until {until}", "hi": "🔕 {until} तक चुप"},
    "cmd.list.last_alert": {"en": "last alert {when}", "hi": "आख़िरी अलर्ट {when}"},
    "cmd.list.never_alerted": {"en": "no alerts yet", "hi": "अभी तक कोई अलर्ट नहीं"},
    "cmd.list.chat_paused": {
        "en": "⏸ Alerts are paused in this chat — /resume to turn them back on.",
        "hi": "⏸ इस चैट में अलर्ट रुके हुए हैं — फिर चालू करने के लिए /resume भेजें।",
    },
    "cmd.list.footer": {
        "en": "Stop one with /untrack N, silence it with /mute N 8h.",
        "hi": "कोई ट्रैकिंग बंद करनी हो तो /untrack नंबर, कुछ देर चुप करनी हो तो /mute नंबर 8h।",
    },
    "cmd.list.empty": {
        "en": "Nothing is tracked here yet. Start with /track tiktok ban",
        "hi": "यहाँ अभी कुछ ट्रैक नहीं हो रहा। शुरुआत करें: /track टिकटॉक बैन",
    },
    # --- /untrack ------------------------------------------------------------------------------
    "cmd.untrack.ok": {
        "en": "🗑 Stopped tracking #{number}: {query}",
        "hi": "🗑 #{number} की ट्रैकिंग बंद कर दी: {query}",
    },
    "cmd.untrack.not_found_number": {
        "en": "There's no #{number} in this chat. /list shows the numbers.",
        "hi": "इस चैट में #{number} नाम की कोई ट्रैकिंग नहीं है। नंबर /list में देखें।",
    },
    "cmd.untrack.not_found_query": {
        "en": "This chat doesn't track “{query}”. /list shows what it does track.",
        "hi": "इस चैट में “{query}” ट्रैक नहीं हो रहा। क्या-क्या ट्रैक हो रहा है, /list में देखें।",
    },
    "cmd.untrack.confirm_all.none": {
        "en": "This chat doesn't track anything, so there's nothing to remove.",
        "hi": "यह चैट कुछ भी ट्रैक नहीं कर रही, इसलिए हटाने को कुछ नहीं है।",
    },
    "cmd.untrack.confirm_all.one": {
        "en": "Remove the {count} subscription of this chat?",
        "hi": "इस चैट की {count} ट्रैकिंग हटा दूँ?",
    },
    "cmd.untrack.confirm_all.other": {
        "en": "Remove all {count} subscriptions of this chat?",
        "hi": "इस चैट की सभी {count} ट्रैकिंग हटा दूँ?",
    },
    "cmd.untrack.button_confirm_all": {"en": "Yes, remove all", "hi": "हाँ, सब हटा दें"},
    "cmd.untrack.button_cancel": {"en": "Cancel", "hi": "रहने दें"},
    "cmd.untrack.all_removed.none": {
        "en": "There was nothing to remove.",
        "hi": "हटाने के लिए कुछ था ही नहीं।",
    },
    "cmd.untrack.all_removed.one": {
        "en": "🗑 Removed {count} subscription. This chat tracks nothing now.",
        "hi": "🗑 {count} ट्रैकिंग हटा दी। अब यह चैट कुछ भी ट्रैक नहीं कर रही।",
    },
    "cmd.untrack.all_removed.other": {
        "en": "🗑 Removed all {count} subscriptions. This chat tracks nothing now.",
        "hi": "🗑 सभी {count} ट्रैकिंग हटा दीं। अब यह चैट कुछ भी ट्रैक नहीं कर रही।",
    },
    "cmd.untrack.cancelled": {
        "en": "OK, nothing was removed.",
        "hi": "ठीक है, कुछ नहीं हटाया।",
    },
    "cmd.untrack.nothing": {
        "en": "This chat doesn't track anything yet.",
        "hi": "यह चैट अभी कुछ भी ट्रैक नहीं कर रही।",
    },
    # --- /lang, /tz, /quiet ---------------------------------------------------------------------
    "cmd.lang.set": {
        "en": "Done — I'll write in English here from now on.",
        "hi": "ठीक है, अब से इस चैट में हिंदी में बात करूँगा।",
    },
    "cmd.tz.set": {
        "en": "🕒 Time zone set to {tz}. It's {local_time} there now.",
        "hi": "🕒 टाइम ज़ोन {tz} कर दिया। वहाँ अभी {local_time} बजे हैं।",
    },
    "cmd.quiet.set": {
        "en": "🌙 Quiet hours {start}–{end} ({tz}): alerts in that window arrive without a sound.",
        "hi": "🌙 शांत समय {start}–{end} ({tz}): इस दौरान अलर्ट बिना आवाज़ के आएँगे।",
    },
    "cmd.quiet.set_hold": {
        "en": "🌙 Quiet hours {start}–{end} ({tz}): alerts in that window wait for the next "
        "digest.",
        "hi": "🌙 शांत समय {start}–{end} ({tz}): इस दौरान के अलर्ट अगले डाइजेस्ट में मिलेंगे।",
    },
    "cmd.quiet.off": {
        "en": "Quiet hours are off — alerts ring at any hour.",
        "hi": "शांत समय हटा दिया — अब अलर्ट किसी भी समय आवाज़ के साथ आएँगे।",
    },
    # --- /mute, /unmute, /pause, /resume --------------------------------------------------------
    "cmd.mute.ok": {
        "en": "🔕 #{number} is muted until {until}. Matches meanwhile go to your next digest.",
        "hi": "🔕 #{number} को {until} तक चुप कर दिया। इस बीच की खबरें अगले डाइजेस्ट में मिलेंगी।",
    },
    "cmd.unmute.ok": {
        "en": "🔔 #{number} is back on.",
        "hi": "🔔 #{number} फिर से चालू है।",
    },
    "cmd.unmute.not_muted": {
        "en": "#{number} isn't muted.",
        "hi": "#{number} चुप नहीं है, पहले से चालू है।",
    },
    "cmd.pause.ok": {
        "en": "⏸ All alerts in this chat are paused. /resume turns them back on.",
        "hi": "⏸ इस चैट के सारे अलर्ट रोक दिए। फिर चालू करने के लिए /resume भेजें।",
    },
    "cmd.pause.already": {
        "en": "Alerts here are already paused. /resume turns them back on.",
        "hi": "यहाँ अलर्ट पहले से रुके हुए हैं। चालू करने के लिए /resume भेजें।",
    },
    "cmd.resume.ok": {
        "en": "▶️ Alerts are back on in this chat.",
        "hi": "▶️ इस चैट में अलर्ट फिर से शुरू हो गए।",
    },
    "cmd.resume.already": {
        "en": "Alerts here aren't paused.",
        "hi": "यहाँ अलर्ट रुके ही नहीं हैं, चालू हैं।",
    },
    # --- /digest -------------------------------------------------------------------------------
    "cmd.digest.hourly": {
        "en": "🗞 Digest every hour, on the hour ({tz}). Next one at {next}.",
        "hi": "🗞 अब हर घंटे, घंटा पूरा होने पर डाइजेस्ट आएगा ({tz})। अगला {next} पर।",
    },
    "cmd.digest.daily": {
        "en": "🗞 Daily digest at {time} ({tz}). Next one: {next}.",
        "hi": "🗞 अब रोज़ {time} बजे डाइजेस्ट आएगा ({tz})। अगला: {next}।",
    },
    "cmd.digest.weekly": {
        "en": "🗞 Weekly digest every {day} at {time} ({tz}). Next one: {next}.",
        "hi": "🗞 अब हर {day} {time} बजे हफ़्ते भर का डाइजेस्ट आएगा ({tz})। अगला: {next}।",
    },
    "cmd.digest.off": {
        "en": "Digest is off — stories arrive as single alerts.",
        "hi": "डाइजेस्ट बंद कर दिया — अब हर खबर अलग अलर्ट में आएगी।",
    },
    "cmd.digest.now_sent": {
        "en": "🗞 Here's your digest. The next one starts counting from now.",
        "hi": "🗞 यह रहा आपका डाइजेस्ट। अगले डाइजेस्ट की गिनती अब से शुरू होगी।",
    },
    "cmd.digest.now_empty": {
        "en": "Nothing new since the last digest.",
        "hi": "पिछले डाइजेस्ट के बाद से कोई नई खबर नहीं आई।",
    },
    # --- /sources, /addsource, /removesource ----------------------------------------------------
    "cmd.sources.header": {
        "en": "📰 News sources ({count}):",
        "hi": "📰 खबरों के स्रोत ({count}):",
    },
    "cmd.sources.item": {
        "en": "{number}. {name} — {health}",
        "hi": "{number}. {name} — {health}",
    },
    "cmd.sources.health.ok": {
        "en": "✅ working, last checked {when}",
        "hi": "✅ ठीक चल रहा है, आख़िरी बार {when} देखा",
    },
    "cmd.sources.health.failing": {
        "en": "⚠️ failing ({failures} times in a row): {error}",
        "hi": "⚠️ दिक्कत है (लगातार {failures} बार): {error}",
    },
    "cmd.sources.health.new": {
        "en": "⏳ not checked yet",
        "hi": "⏳ अभी जाँचा नहीं गया",
    },
    "cmd.sources.empty": {
        "en": "No news sources are configured yet.",
        "hi": "अभी कोई समाचार स्रोत जोड़ा नहीं गया है।",
    },
    "cmd.sources.footer_admin": {
        "en": "Admins: /addsource URL adds one, /removesource N removes one.",
        "hi": "एडमिन: /addsource लिंक से नया स्रोत जोड़ें, /removesource नंबर से हटाएँ।",
    },
    "cmd.addsource.checking": {
        "en": "Checking {url} …",
        "hi": "{url} जाँच रहा हूँ…",
    },
    "cmd.addsource.ok": {
        "en": "✅ Added “{name}” as source #{number} ({items} items found). I'll check it "
        "regularly from now on.",
        "hi": "✅ “{name}” को स्रोत #{number} के रूप में जोड़ दिया ({items} खबरें मिलीं)। अब से "
        "इसे नियमित रूप से देखता रहूँगा।",
    },
    "cmd.addsource.exists": {
        "en": "That source is already on the list as #{number}.",
        "hi": "यह स्रोत पहले से सूची में #{number} पर है।",
    },
    "cmd.addsource.refused": {
        "en": "❌ I couldn't add {url}: {reason}",
        "hi": "❌ {url} नहीं जोड़ पाया: {reason}",
    },
    "cmd.addsource.reason.ssrf": {
        "en": "it points to a private or local address, which I never fetch.",
        "hi": "यह किसी निजी या लोकल पते की ओर जाता है, ऐसे पते मैं नहीं खोलता।",
    },
    "cmd.addsource.reason.scheme": {
        "en": "only http:// and https:// addresses work.",
        "hi": "सिर्फ़ http:// और https:// वाले लिंक चलते हैं।",
    },
    "cmd.addsource.reason.timeout": {
        "en": "the site took too long to answer.",
        "hi": "साइट ने जवाब देने में बहुत देर लगाई।",
    },
    "cmd.addsource.reason.connect": {
        "en": "I couldn't reach the site.",
        "hi": "साइट तक पहुँच नहीं पाया।",
    },
    "cmd.addsource.reason.http_status": {
        "en": "the site answered with an error (HTTP {status}).",
        "hi": "साइट ने गड़बड़ी का जवाब दिया (HTTP {status})।",
    },
    "cmd.addsource.reason.too_large": {
        "en": "the page is too large.",
        "hi": "पेज बहुत बड़ा है।",
    },
    "cmd.addsource.reason.redirects": {
        "en": "it redirects too many times.",
        "hi": "यह लिंक बार-बार किसी और पते पर भेज देता है।",
    },
    "cmd.addsource.reason.not_a_feed": {
        "en": "it's neither a news feed (RSS/Atom/JSON) nor a news article page.",
        "hi": "यह न तो कोई न्यूज़ फ़ीड (RSS/Atom/JSON) है, न ही खबर वाला पेज।",
    },
    "cmd.addsource.reason.parse": {
        "en": "I couldn't read its content.",
        "hi": "इसका कंटेंट पढ़ नहीं पाया।",
    },
    "cmd.addsource.reason.throttled": {
        "en": "the site asked me to come back later. Try again in a while.",
        "hi": "साइट ने कुछ देर बाद आने को कहा है। थोड़ी देर में फिर कोशिश करें।",
    },
    "cmd.addsource.reason.other": {
        "en": "something went wrong while fetching it ({detail}).",
        "hi": "इसे खोलते समय कुछ गड़बड़ हो गई ({detail})।",
    },
    "cmd.removesource.ok": {
        "en": "🗑 Removed source #{number}: {name}",
        "hi": "🗑 स्रोत #{number} हटा दिया: {name}",
    },
    "cmd.removesource.not_found": {
        "en": "There's no source #{number}. /sources shows the numbers.",
        "hi": "स्रोत #{number} मौजूद नहीं है। नंबर /sources में देखें।",
    },
    "cmd.removesource.configured": {
        "en": "Source #{number} comes from the bot's configuration file; ask whoever runs the "
        "bot to remove it there.",
        "hi": "स्रोत #{number} बॉट की कॉन्फ़िगरेशन फ़ाइल से आता है; इसे हटाने के लिए बॉट चलाने वाले से कहें।",
    },
    # --- /why ----------------------------------------------------------------------------------
    "cmd.why.sent_header": {
        "en": "Why I sent “{title}”:",
        "hi": "“{title}” इसलिए भेजी गई:",
    },
    "cmd.why.subscription": {
        "en": "• it matches #{number} “{query}” (score {score})",
        "hi": "• यह #{number} “{query}” से मेल खाती है (स्कोर {score})",
    },
    "cmd.why.evidence": {
        "en": "   – “{term}” found as “{found}” in the {field} ({via})",
        "hi": "   – “{term}” {field} में “{found}” के रूप में मिला ({via})",
    },
    "cmd.why.field.title": {"en": "title", "hi": "शीर्षक"},
    "cmd.why.field.lead": {"en": "summary", "hi": "सार"},
    "cmd.why.field.body": {"en": "text", "hi": "खबर के मुख्य भाग"},
    "cmd.why.via.exact": {"en": "exact word", "hi": "हूबहू यही शब्द"},
    "cmd.why.via.stem": {"en": "another form of the word", "hi": "इसी शब्द का दूसरा रूप"},
    "cmd.why.via.lexicon": {"en": "same meaning", "hi": "इसी मतलब का शब्द"},
    "cmd.why.via.phonetic": {"en": "same word, other script", "hi": "वही शब्द, दूसरी लिपि में"},
    "cmd.why.not_sent_header": {
        "en": "Why “{title}” didn't reach this chat:",
        "hi": "“{title}” इस चैट में क्यों नहीं आई:",
    },
    "cmd.why.reason.no_match": {
        "en": "none of this chat's subscriptions matches it.",
        "hi": "इस चैट की कोई भी ट्रैकिंग इससे मेल नहीं खाती।",
    },
    "cmd.why.reason.below_threshold": {
        "en": "#{number} matched only weakly (score {score}, needs {threshold}).",
        "hi": "#{number} से मेल तो खाया, पर बहुत कम (स्कोर {score}, चाहिए {threshold})।",
    },
    "cmd.why.reason.duplicate": {
        "en": "the same story already reached you from another source: {other}",
        "hi": "यही खबर आपको पहले ही दूसरे स्रोत से मिल चुकी है: {other}",
    },
    "cmd.why.reason.muted": {
        "en": "#{number} was muted (until {until}).",
        "hi": "#{number} उस समय चुप था ({until} तक)।",
    },
    "cmd.why.reason.quiet_hours": {
        "en": "it came during quiet hours, so it waits for the next digest.",
        "hi": "यह शांत समय में आई थी, इसलिए अगले डाइजेस्ट में मिलेगी।",
    },
    "cmd.why.reason.paused": {
        "en": "alerts in this chat were paused.",
        "hi": "उस समय इस चैट के अलर्ट रुके हुए थे।",
    },
    "cmd.why.reason.pending": {
        "en": "it's queued and will be sent shortly.",
        "hi": "यह कतार में है, थोड़ी देर में भेज दी जाएगी।",
    },
    "cmd.why.unknown_article": {
        "en": "I haven't seen that article in any of my sources.",
        "hi": "यह खबर मेरे किसी भी स्रोत में नहीं आई है।",
    },
    "cmd.why.unknown_alert": {
        "en": "There's no alert #{number} in this chat.",
        "hi": "इस चैट में #{number} नंबर का कोई अलर्ट नहीं है।",
    },
    # --- button presses ------------------------------------------------------------------------
    "cmd.callback.unmuted": {"en": "#{number} is on again", "hi": "#{number} फिर से चालू"},
    "cmd.callback.untracked": {
        "en": "Stopped tracking #{number}: {query}",
        "hi": "#{number} ({query}) की ट्रैकिंग बंद कर दी",
    },
    "cmd.callback.expired": {
        "en": "This button no longer works.",
        "hi": "यह बटन अब काम नहीं करता।",
    },
    # --- errors --------------------------------------------------------------------------------
    "cmd.error.unknown_command": {
        "en": "I don't know /{name}. /help lists what I can do.",
        "hi": "/{name} नाम की कोई कमांड नहीं है। मैं क्या-क्या कर सकता हूँ, /help में देखें।",
    },
    "cmd.error.unknown_command_suggest": {
        "en": "I don't know /{name}. Did you mean /{suggestion}? (/help lists everything.)",
        "hi": "/{name} नाम की कोई कमांड नहीं है। क्या आप /{suggestion} लिखना चाहते थे? "
        "(सारी कमांड /help में हैं।)",
    },
    "cmd.error.usage_line": {"en": "Usage: {usage}", "hi": "ऐसे लिखें: {usage}"},
    "cmd.error.missing_argument": {
        "en": "This command needs a bit more.",
        "hi": "इस कमांड के साथ कुछ और भी लिखना होगा।",
    },
    "cmd.error.missing_number": {
        "en": "Which one? Give its number from /list.",
        "hi": "कौन-सी? /list में दिखा उसका नंबर लिखें।",
    },
    "cmd.error.bad_number": {
        "en": "“{value}” isn't a number from the list.",
        "hi": "“{value}” सूची का कोई नंबर नहीं है।",
    },
    "cmd.error.missing_duration": {
        "en": "For how long? E.g. 30m, 8h, 2d or 1w.",
        "hi": "कितनी देर के लिए? जैसे 30m, 8h, 2d या 1w (या “2 घंटे”)।",
    },
    "cmd.error.bad_duration": {
        "en": "I can't read “{value}” as a duration. Write e.g. 30m, 8h, 2d or 1w.",
        "hi": "“{value}” से अवधि समझ नहीं आई। ऐसे लिखें: 30m, 8h, 2d, 1w या “2 घंटे”।",
    },
    "cmd.error.duration_needs_unit": {
        "en": "“{value}” what? Add a unit: m (minutes), h (hours), d (days) or w (weeks).",
        "hi": "“{value}” क्या — मिनट, घंटे या दिन? इकाई भी लिखें, जैसे 30m, 8h, 2d या “2 घंटे”।",
    },
    "cmd.error.duration_too_short": {
        "en": "That's less than a minute; the shortest is 1m.",
        "hi": "यह एक मिनट से भी कम है; कम से कम 1m लिखें।",
    },
    "cmd.error.duration_too_long": {
        "en": "That's too long; at most {max_days} days. For good, use /untrack.",
        "hi": "यह बहुत लंबा है; ज़्यादा से ज़्यादा {max_days} दिन। हमेशा के लिए बंद करना हो तो "
        "/untrack इस्तेमाल करें।",
    },
    "cmd.error.bad_time": {
        "en": "“{value}” isn't a time of day. Use the 24-hour clock, e.g. 07:30 or 22:00.",
        "hi": "“{value}” कोई समय नहीं लगता। 24 घंटे वाली घड़ी से लिखें, जैसे 07:30 या 22:00।",
    },
    "cmd.error.bad_quiet": {
        "en": "I can't read “{value}” as quiet hours. Write the start and end, e.g. 22:00-07:00.",
        "hi": "“{value}” से शांत समय समझ नहीं आया। शुरू और ख़त्म होने का समय लिखें, जैसे 22:00-07:00।",
    },
    "cmd.error.quiet_same_times": {
        "en": "Quiet hours must start and end at different times.",
        "hi": "शांत समय शुरू और ख़त्म होने का समय अलग-अलग होना चाहिए।",
    },
    "cmd.error.bad_digest": {
        "en": "I can't read “{value}” as a digest schedule.",
        "hi": "“{value}” से डाइजेस्ट का समय समझ नहीं आया।",
    },
    "cmd.error.digest_needs_day": {
        "en": "On which day? E.g. /digest weekly mon 09:00",
        "hi": "किस दिन? जैसे /digest weekly सोमवार 09:00",
    },
    "cmd.error.bad_weekday": {
        "en": "“{value}” isn't a day of the week (mon, tue … sun).",
        "hi": "“{value}” हफ़्ते का कोई दिन नहीं है (सोमवार, मंगलवार … रविवार)।",
    },
    "cmd.error.unknown_language": {
        "en": "I speak Hindi and English only — “{value}” isn't one of them.",
        "hi": "मैं सिर्फ़ हिंदी और अंग्रेज़ी बोलता हूँ — “{value}” इनमें से नहीं है।",
    },
    "cmd.error.unknown_timezone": {
        "en": "I don't know the time zone “{value}”. Use an IANA name such as Asia/Kolkata or "
        "Europe/London.",
        "hi": "“{value}” नाम का कोई टाइम ज़ोन नहीं मिला। IANA नाम लिखें, जैसे Asia/Kolkata या "
        "Europe/London।",
    },
    "cmd.error.unknown_timezone_suggest": {
        "en": "I don't know the time zone “{value}”. Did you mean {suggestion}?",
        "hi": "“{value}” नाम का कोई टाइम ज़ोन नहीं मिला। क्या आपका मतलब {suggestion} था?",
    },
    "cmd.error.bad_url": {
        "en": "“{value}” isn't a web address. It should start with https://",
        "hi": "“{value}” कोई वेब पता नहीं है। लिंक https:// से शुरू होना चाहिए।",
    },
    "cmd.error.no_such_subscription": {
        "en": "There's no #{number} in this chat. /list shows the numbers.",
        "hi": "इस चैट में #{number} नाम की कोई ट्रैकिंग नहीं है। नंबर /list में देखें।",
    },
    "cmd.error.not_admin": {
        "en": "Sorry, only this chat's admins can change that. Anyone can see /list.",
        "hi": "माफ़ कीजिए, यह सिर्फ़ इस चैट के एडमिन बदल सकते हैं। /list कोई भी देख सकता है।",
    },
    "cmd.error.rate_limited": {
        "en": "That's a lot of commands at once — please try again in {seconds} s.",
        "hi": "एक साथ बहुत सारी कमांड आ गईं — कृपया {seconds} सेकंड बाद फिर कोशिश करें।",
    },
    "cmd.error.subscription_cap": {
        "en": "This chat already tracks {cap} queries, the most allowed. Remove one with "
        "/untrack N first.",
        "hi": "यह चैट पहले ही {cap} चीज़ें ट्रैक कर रही है, इससे ज़्यादा की इजाज़त नहीं। पहले "
        "/untrack नंबर से कोई एक हटाएँ।",
    },
    "cmd.error.query_too_long": {
        "en": "That query is too long ({length} characters; at most {max_length}). Try fewer "
        "words, or split it into two /track lines.",
        "hi": "यह क्वेरी बहुत लंबी है ({length} अक्षर; ज़्यादा से ज़्यादा {max_length})। कम शब्द "
        "लिखें, या इसे दो अलग /track में बाँट दें।",
    },
    "cmd.error.internal": {
        "en": "😔 Sorry, something went wrong on my side. Nothing you set up was lost — please "
        "try again in a minute.",
        "hi": "😔 माफ़ कीजिए, मेरी तरफ़ से कुछ गड़बड़ हो गई। आपकी कोई सेटिंग या ट्रैकिंग नहीं "
        "खोई है — एक मिनट बाद फिर कोशिश करें।",
    },
    # --- added by the command service (bot/services/commands*.py) ------------------------------
    "cmd.error.not_a_command": {
        "en": "I only understand commands that start with / — /help lists them. To follow "
        "news about this, send: /track {text}",
        "hi": "मैं सिर्फ़ / से शुरू होने वाली कमांड समझता हूँ — सारी कमांड /help में हैं। इस "
        "विषय की खबरों पर नज़र रखनी हो तो भेजें: /track {text}",
    },
    "cmd.callback.button_unmute": {"en": "🔔 Unmute", "hi": "🔔 फिर से चालू करें"},
    "cmd.addsource.cap": {
        "en": "This chat has already added {cap} sources, the most allowed. Remove one with "
        "/removesource N first.",
        "hi": "यह चैट पहले ही {cap} स्रोत जोड़ चुकी है, इससे ज़्यादा की इजाज़त नहीं। पहले "
        "/removesource नंबर से कोई एक हटाएँ।",
    },
    "cmd.removesource.other_chat": {
        "en": "Source #{number} was added by another chat; only that chat's admins can remove it.",
        "hi": "स्रोत #{number} किसी दूसरी चैट ने जोड़ा था; उसे सिर्फ़ उसी चैट के एडमिन हटा सकते हैं।",
    },
    "cmd.why.recent_header": {
        "en": "🔎 Latest alerts in this chat — /why N explains one:",
        "hi": "🔎 इस चैट के हाल के अलर्ट — किसी एक की वजह जानने के लिए /why नंबर भेजें:",
    },
    "cmd.why.recent_status.sent": {"en": "sent {when}", "hi": "{when} को भेजी गई"},
    "cmd.why.recent_status.digested": {
        "en": "in the digest of {when}",
        "hi": "{when} के डाइजेस्ट में",
    },
    "cmd.why.recent_status.pending": {"en": "about to be sent", "hi": "भेजी जाने वाली है"},
    "cmd.why.recent_status.held": {
        "en": "waiting for the digest",
        "hi": "डाइजेस्ट के इंतज़ार में",
    },
    "cmd.why.recent_status.failed": {"en": "not delivered", "hi": "पहुँचाई नहीं जा सकी"},
    "cmd.why.recent_empty": {
        "en": "No alerts in this chat yet. /why https://… tells you why an article didn't come.",
        "hi": "इस चैट में अभी तक कोई अलर्ट नहीं आया। कोई खबर क्यों नहीं आई, यह जानने के लिए "
        "/why https://… भेजें।",
    },
    "cmd.why.status.sent": {
        "en": "Sent {when}.",
        "hi": "{when} को भेजी गई।",
    },
    "cmd.why.status.digested": {
        "en": "Delivered in the digest of {when}.",
        "hi": "{when} के डाइजेस्ट में भेजी गई।",
    },
    "cmd.why.reason.digest": {
        "en": "this chat gets its news as a digest, so it waits for the next one.",
        "hi": "यह चैट खबरें डाइजेस्ट में लेती है, इसलिए यह अगले डाइजेस्ट में आएगी।",
    },
    "cmd.why.reason.below_realtime": {
        "en": "its score {score} is below this chat's bar for instant alerts ({threshold}), so "
        "it waits for the next digest.",
        "hi": "इसका स्कोर {score} इस चैट में तुरंत अलर्ट की सीमा ({threshold}) से कम है, इसलिए "
        "यह अगले डाइजेस्ट में आएगी।",
    },
    "cmd.why.reason.failed": {
        "en": "sending it failed: {error}",
        "hi": "इसे भेजते समय गड़बड़ हुई: {error}",
    },
    "cmd.why.reason.skipped": {
        "en": "I couldn't reach this chat at the time (the bot was removed or blocked).",
        "hi": "उस समय इस चैट तक पहुँच नहीं पाया (बॉट हटा दिया गया था या ब्लॉक था)।",
    },
    "cmd.why.reason.not_checked": {
        "en": "#{number} matches it, but was created after the article arrived; only newer "
        "articles are checked.",
        "hi": "#{number} इससे मेल खाती है, पर यह ट्रैकिंग खबर आने के बाद शुरू हुई; सिर्फ़ उसके "
        "बाद आई खबरें देखी जाती हैं।",
    },
    "cmd.why.reason.inactive": {
        "en": "the bot wasn't active in this chat at the time.",
        "hi": "उस समय बॉट इस चैट में सक्रिय नहीं था।",
    },
    "cmd.home.header": {
        "en": "📋 Your subscriptions on Khabardar",
        "hi": "📋 खबरदार पर आपकी ट्रैकिंग",
    },
    "cmd.home.private_chat": {
        "en": "💬 Direct messages with me",
        "hi": "💬 मुझसे सीधी बातचीत",
    },
    "cmd.home.chat": {"en": "💬 Chat {title}", "hi": "💬 चैट {title}"},
    "cmd.home.empty": {
        "en": "You don't track anything yet. In any channel (or here in messages), send "
        "/track tiktok ban to start.",
        "hi": "आप अभी कुछ भी ट्रैक नहीं कर रहे। किसी भी चैनल में (या यहीं मैसेज में) "
        "/track टिकटॉक बैन भेजकर शुरू करें।",
    },
}
