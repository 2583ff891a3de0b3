"""Reply rendering escapes user text for every platform."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.domain.outgoing import InlineButton
from bot.domain.replies import Reply, Span, to_console, to_slack_mrkdwn, to_telegram_html

HOSTILE = 'tiktok <b>ban</b> & "data" > leak'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def test_telegram_html_escapes_spans_and_balances_tags() -> None:
    reply = Reply(
        lines=(
            (Span("ट्रैकिंग शुरू: ", bold=True), Span(HOSTILE, code=True)),
            (Span("खबर पढ़ें", url="https://x.example/a?b=1&c=<2>"),),
        )
    )
    out = to_telegram_html(reply)
    assert "<code>tiktok &lt;b&gt;ban&lt;/b&gt; &amp; \"data\" &gt; leak</code>" in out
    assert 'href="https://x.example/a?b=1&amp;c=&lt;2&gt;"' in out
    parser = _Tags()
    parser.feed(out)
    assert parser.stack == []
    assert sorted(set(parser.seen)) == ["a", "b", "code"]


def test_slack_mrkdwn_escapes_only_the_three_control_characters() -> None:
    reply = Reply(lines=((Span("Tracking: ", bold=True), Span(HOSTILE)),))
    out = to_slack_mrkdwn(reply)
    assert out == '*Tracking: *tiktok &lt;b&gt;ban&lt;/b&gt; &amp; "data" &gt; leak'
    link = to_slack_mrkdwn(Reply(lines=((Span("a|b", url="https://x.example/?q=a|b"),),)))
    assert link == "<https://x.example/?q=a%7Cb|a¦b>"


def test_console_is_plain_and_shows_buttons() -> None:
    reply = Reply(
        lines=((Span("Sure?", bold=True),),),
        buttons=((InlineButton("Yes", callback_data="y"), InlineButton("No", callback_data="n")),),
    )
    assert to_console(reply) == "Sure?\n[Yes] [No]"
    assert Reply.plain("a\nb").plain_text() == "a\nb"
