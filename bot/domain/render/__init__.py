"""Renderers: neutral cards (``bot.domain.cards``) → Telegram HTML, Slack Block Kit, console text.

``telegram_html``, ``slack_blocks`` and ``console_text`` each offer ``render_alert``,
``render_digest`` and ``render_backlog_fold``. The shared pieces live beside them: ``fitting``
(clean, measure, grapheme-safe trim), ``highlight`` (matched terms in the snippet), ``timefmt``
(Babel dates in the chat's timezone), ``phrases`` (plural-aware catalogue texts), ``links``
(which URLs may be linked) and ``alert_actions`` (button data). This package's ``__init__`` imports
nothing, so ``bot.domain.cards`` can use the helpers without an import cycle.
"""
