"""Fuzzing the whole text path: feed text → Article → query match → card → every renderer.

``tests/unit`` already has property tests for each stage on its own (renderers fed hostile
cards, the query parser on a small alphabet and ≤ 120 characters, the command parsers on ≤ 80
characters). What they do not do, and this file does:

* drive **mixed** input — natural Hindi and English news words, Devanagari marks left dangling,
  emoji ZWJ sequences and flags, Slack/Telegram markup, HTML entities, C0/C1 controls, bidi
  overrides, lone surrogates (a JSON feed's ``"\\ud800"``), odd spaces — in **huge** sizes (up to
  ~60 000 characters), through the chain the service really runs: the ingest's ``clean_text``,
  ``Article``, a fuzzed query parsed and indexed in a real ``MatchIndex``, the matcher's evidence
  (which decides what gets highlighted), ``build_alert_card`` / digest / backlog fold, and the
  Telegram, Slack and console renderers;
* judge the output with the fakes' own validators — Telegram HTML by the port of tdlib's
  ``parse_html`` (``tests/fakes/telegram_html.py``), Block Kit by ``tests/fakes/slack_blocks.py``
  — plus the size rules the fake servers enforce (4096 UTF-16 units after parsing, 32 768 raw
  bytes, 64-byte callback data, 40 000-character Slack text, 12 000 block characters), valid
  UTF-8 everywhere (a lone surrogate cannot be sent) and URL buttons Telegram would accept;
* fuzz the query parser with huge mixed input and check more than "raises only QueryError": the
  canonical form is a fixed point (it is what duplicate detection compares), the explanation
  renders in Hindi and English, errors render as valid Telegram HTML when echoed;
* fuzz the command parsers (Telegram text, Slack slash commands, button data) with huge mixed
  input, and every argument error's echo of the user's text renders as valid Telegram HTML.

Zero unhandled exceptions is the bar. ``max_examples`` stays modest so CI stays fast; each test
prints ``fuzz_<name> examples=N`` figures.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.adapters.sources.reader import ReadOptions, read_document
from bot.domain.cards import (
    DigestEntry,
    DigestKind,
    build_alert_card,
    build_backlog_fold,
    build_digest_card,
)
from bot.domain.commands import (
    CommandArgumentError,
    ParsedCommand,
    decode_callback,
    encode_callback,
    parse_clock,
    parse_command,
    parse_digest,
    parse_duration,
    parse_language,
    parse_mute,
    parse_number,
    parse_quiet,
    parse_timezone,
    parse_untrack_target,
    parse_url,
    parse_weekday,
    parse_why,
)
from bot.domain.i18n import catalogue
from bot.domain.lexicon import load_lexicon
from bot.domain.matcher import MatchIndex
from bot.domain.models import Article, Match
from bot.domain.outgoing import SlackMessage, TelegramMessage
from bot.domain.query import QueryError, explain, parse_query
from bot.domain.render import console_text, slack_blocks, telegram_html
from bot.domain.replies import Reply, to_slack_mrkdwn, to_telegram_html
from bot.errors import ParseError
from tests.fakes.slack_blocks import block_errors, visible_text_length
from tests.fakes.telegram_html import HtmlParseError, parse_html

LEXICON = load_lexicon()
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
FALLBACK_QUERY = '"डेटा लीक" OR tiktok'
TELEGRAM_LIMIT = 4096
TELEGRAM_RAW_BYTES = 32_768
SLACK_TEXT_LIMIT = 40_000
SLACK_BLOCK_CHARS = 12_000
CALLBACK_BYTES = 64
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HINDI = [
    "सरकार ने",
    "टिकटॉक पर प्रतिबंध",
    "डेटा लीक",
    "डाटा लीक",
    "साइबर हमला",
    "हैकरों ने बैंक के सर्वर में सेंध लगाई",
    "आधार नंबर उजागर",
    "करोड़ उपभोक्ताओं",
    "प्याज़ निर्यात पर रोक",
    "बैन",
    "फिल्म के बैनर तले",
    "क्षत्रिय ज्ञान",
    "जांच के आदेश",
    "२०२६",
    "।",
]
LATIN = [
    "TikTok",
    "ban",
    "banned",
    "data leak",
    "PUBG",
    "Aadhaar",
    "crore",
    "cricket",
    "site:example.com",
    "intitle:",
    "lang:hi",
    "#ban",
    " OR ",
    " -",
    '"',
    "(",
    ")",
    "|",
]
MARKUP = [
    "<b>",
    "</b>",
    "</a>",
    '<a href="javascript:alert(1)">x</a>',
    "<script>alert(1)</script>",
    "<p>",
    "<br/>",
    "&",
    "&amp;",
    "&amp;amp;",
    "&lt;b&gt;",
    "&#0;",
    "&#x1F525;",
    "&nbsp;",
    "&bogus;",
    "<",
    ">",
    "*bold*",
    "_it_",
    "~s~",
    "`c`",
    "```",
    "<!channel>",
    "<@U0ATTACK>",
    "<https://evil.example|click>",
    "\\",
    "'",
    "http://x.example/?a=1&b=<2>",
]
EMOJI = [
    "🔥",
    "👨\u200d👩\u200d👧\u200d👦",
    "🇮🇳",
    "👍🏽",
    "🙏",
    "❤️",
    "🧑🏾\u200d💻",
    "🏳️\u200d🌈",
    "#️⃣",
    "\U0001f9d1",
]
ODD = [
    *"\x00\x01\x08\x0b\x0c\r\x1b\x7f\x85\x9b",
    "\x1b[31m",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\ud800",
    "\udfff",
    "\U000e0001",
    "\uffff",
    "\ufffe",
    "्",
    "़",
    "ं",
    "ँ",
    "ा",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u3000",
]
PIECES = HINDI + LATIN + MARKUP + EMOJI + ODD
# What people type reaches us from Telegram/Slack as valid Unicode: no lone surrogates.
TYPED_PIECES = [p for p in PIECES if not any(0xD800 <= ord(c) <= 0xDFFF for c in p)]


def mixed(
    min_size: int = 0, max_size: int = 40, *, pieces: list[str] = PIECES
) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(pieces), st.text(max_size=4))
    return st.lists(piece, min_size=min_size, max_size=max_size).map("".join)


def _repeat(piece: str, times: int) -> str:
    return (piece * times)[:60_000]


huge = st.builds(_repeat, mixed(min_size=1, max_size=12), st.integers(50, 4000))
any_text = st.one_of(mixed(), mixed(), mixed(), huge)
typed = st.one_of(
    mixed(pieces=TYPED_PIECES),
    mixed(pieces=TYPED_PIECES),
    st.builds(_repeat, mixed(min_size=1, max_size=12, pieces=TYPED_PIECES), st.integers(50, 4000)),
)
Story = tuple[str, str, str, datetime | None, str | None]
urls = st.one_of(
    st.just("https://hindi-tech.example/tech/tiktok-ban-1187342.html"),
    st.builds(lambda s: "https://news.example/" + s, mixed(max_size=10)),
    st.builds(lambda s: "https://उदाहरण.भारत/समाचार/" + s, mixed(max_size=6)),
    st.builds(lambda s, n: "https://x.example/?q=" + s * n, mixed(max_size=6), st.integers(1, 900)),
    st.sampled_from(
        [
            "javascript:alert(1)",
            "https://user:pass@bank.example/",
            "http://[::1]:8080/x",
            "https://x.example/a b",
            "//no-scheme.example/path",
            "https://",
            "",
        ]
    ),
    mixed(max_size=8),
)
moments = st.one_of(
    st.none(),
    st.integers(-90 * 24 * 60, 3 * 24 * 60).map(lambda m: NOW - timedelta(minutes=m)),
)
langs = st.sampled_from(["hi", "en"])
zones = st.sampled_from(["Asia/Kolkata", "UTC", "America/St_Johns", "Pacific/Chatham", "bogus"])
queries = st.one_of(
    st.sampled_from(["टिकटॉक बैन", '"data leak" -cricket', "(tiktok OR pubg) ban", "#ban"]),
    st.lists(st.sampled_from(HINDI + LATIN + EMOJI + ODD[:8]), max_size=12).map("".join),
    mixed(max_size=20, pieces=TYPED_PIECES),
)

_CONSOLE_CONTROL = regex.compile(r"[\p{Cc}\p{Cs}--[\n]]", regex.V1)
_counts: dict[str, int] = {}


def _count(name: str) -> None:
    _counts[name] = _counts.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _print_figures() -> Iterator[None]:
    yield
    print("\n" + " ".join(f"fuzz_{k}_examples={v}" for k, v in sorted(_counts.items())))


# ---------------------------------------------------------------- validators (the fakes')


def _utf8(text: str, where: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no client can send this
        raise AssertionError(f"{where}: not UTF-8 encodable: {exc}") from None


def check_telegram(message: TelegramMessage) -> None:
    """What FakeTelegram's sendMessage (tdlib's parser, Telegram's limits) would accept."""
    raw = _utf8(message.text, "telegram text")
    assert len(raw) <= TELEGRAM_RAW_BYTES, len(raw)
    try:
        parsed = parse_html(message.text)
    except HtmlParseError as exc:
        raise AssertionError(f"Telegram would answer: can't parse entities: {exc.detail}") from exc
    assert parsed.text.strip(), "Telegram refuses an empty message"
    assert parsed.utf16_length <= TELEGRAM_LIMIT, parsed.utf16_length
    for row in message.buttons:
        for button in row:
            _utf8(button.label, "button label")
            assert button.label.strip()
            assert (button.url is None) != (button.callback_data is None), button
            if button.callback_data is not None:
                assert len(_utf8(button.callback_data, "callback")) <= CALLBACK_BYTES
            if button.url is not None:
                _check_button_url(button.url)
    if message.preview_url is not None:
        _check_button_url(message.preview_url)


def _check_button_url(url: str) -> None:
    """Telegram rejects a whole message for a button URL it cannot parse."""
    assert url.isascii() and not any(c.isspace() or ord(c) < 32 for c in url), url
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.hostname, url


def check_slack(message: SlackMessage) -> None:
    """What FakeSlack's chat.postMessage (Block Kit validation, Slack's limits) would accept."""
    _utf8(message.text, "slack text")
    assert message.text.strip() and len(message.text) <= SLACK_TEXT_LIMIT
    blocks = [dict(block) for block in message.blocks]
    _utf8(json.dumps(blocks, ensure_ascii=False), "slack blocks")
    assert block_errors(blocks) == []
    assert visible_text_length(blocks) <= SLACK_BLOCK_CHARS


def check_console(text: str) -> None:
    assert _CONSOLE_CONTROL.search(text) is None, repr(text[:200])


# ---------------------------------------------------------------- the whole path


def _json_feed(stories: list[Story], source: str) -> bytes:
    """A JSON Feed as a site would serve it (``json.dumps`` escapes a lone surrogate as
    ``\\ud800``, exactly what a buggy CMS emits)."""
    items = [
        {
            "id": f"item-{n}",
            "url": url,
            "title": title,
            "summary": summary,
            **({"date_published": published.isoformat()} if published else {}),
            **({"language": lang} if lang else {}),
        }
        for n, (title, summary, url, published, lang) in enumerate(stories)
    ]
    document = {"version": "https://jsonfeed.org/version/1.1", "title": source, "items": items}
    return json.dumps(document).encode("utf-8")


def _articles(stories: list[Story], source: str, *, through_reader: bool) -> list[Article]:
    """What the feed reader makes of the stories (``through_reader``: the real JSON Feed path,
    clean_text, language detection), or the stories as a source might hand them over raw."""
    if through_reader:
        try:
            document = read_document(
                _json_feed(stories, source),
                url="https://feeds.example/desk.json",
                headers={"Content-Type": "application/feed+json"},
                options=ReadOptions(source_name=""),
            )
        except ParseError:
            return []
        articles = list(document.articles)
        for article in articles:  # storable: SQLite and PostgreSQL want valid UTF-8
            for name in ("url", "title", "summary", "body", "source_name", "guid", "author"):
                value = getattr(article, name)
                if value is not None:
                    _utf8(value, f"article.{name}")
        return articles
    return [
        Article(
            url=url,
            title=title,
            summary=summary,
            published_at=published,
            lang=lang,
            source_name=source,
        )
        for title, summary, url, published, lang in stories
        if title.strip()
    ]


def _matches(article: Article, query_text: str) -> tuple[list[Match], dict[int, str]]:
    """The real matcher's verdict for a fuzzed query and a fixed one (best first); when neither
    holds, a match without evidence, as a forced alert (``/why``, tests) would carry."""
    index = MatchIndex(LEXICON)
    queries = {2: FALLBACK_QUERY}
    index.add(2, parse_query(FALLBACK_QUERY, lexicon=LEXICON))
    try:
        index.add(1, parse_query(query_text, lexicon=LEXICON))
        queries[1] = query_text
    except QueryError:
        pass
    found = index.match(article, now=NOW, threshold=0.0)
    for sid in queries:
        explained = index.explain(sid, article, now=NOW)
        if explained is not None and all(m.subscription_id != sid for m in found):
            found.append(explained)
    return found or [Match(subscription_id=2, score=0.42)], queries


@SETTINGS
@given(
    stories=st.lists(
        st.tuples(any_text, any_text, urls, moments, st.sampled_from([None, "hi", "en", "xx"])),
        min_size=1,
        max_size=4,
    ),
    source=any_text,
    query_text=queries,
    through_reader=st.booleans(),
    lang=langs,
    zone=zones,
)
@example(  # a JSON feed escaping half a surrogate pair, once broke storing the whole batch
    stories=[
        ("टिकटॉक \ud800 पर प्रतिबंध", "डेटा लीक \udfff", "https://x.example/1", None, "hi"),
        ("Data leak at bank", "Aadhaar details exposed", "https://x.example/2", NOW, None),
    ],
    source="हिंदी \ud800 खबर",
    query_text="टिकटॉक बैन",
    through_reader=True,
    lang="hi",
    zone="Asia/Kolkata",
)
def test_feed_text_through_match_and_card_renders_valid_everywhere(
    stories: list[Story],
    source: str,
    query_text: str,
    through_reader: bool,
    lang: str,
    zone: str,
) -> None:
    entries: list[DigestEntry] = []
    for article in _articles(stories, source, through_reader=through_reader):
        matches, subscription_queries = _matches(article, query_text)
        card = build_alert_card(
            article,
            matches,
            subscription_queries=subscription_queries,
            chat_lang=lang,
            chat_timezone=zone,
            found_at=NOW,
        )
        check_telegram(telegram_html.render_alert(card))
        check_telegram(telegram_html.render_alert(card, silent=True))
        check_slack(slack_blocks.render_alert(card))
        check_console(console_text.render_alert(card).text)
        entries.append(
            DigestEntry(
                title=article.title,
                url=article.url,
                source_name=article.source_name,
                published_at=article.published_at or NOW,
                group=subscription_queries.get(matches[0].subscription_id, ""),
                score=matches[0].score,
                other_sources=len(entries),
            )
        )
    if not entries:
        return
    _count("feed_to_render" + ("_via_reader" if through_reader else "_raw"))
    digest = build_digest_card(
        entries * 3,
        kind=DigestKind.DAILY,
        period_start=NOW - timedelta(days=1),
        period_end=NOW,
        chat_lang=lang,
        chat_timezone=zone,
    )
    for message in telegram_html.render_digest(digest):
        check_telegram(message)
    slack_pages = slack_blocks.render_digest(digest)
    assert slack_pages
    for slack_message in slack_pages:
        check_slack(slack_message)
    check_console(console_text.render_digest(digest).text)
    fold = build_backlog_fold(entries, chat_lang=lang, chat_timezone=zone)
    check_telegram(telegram_html.render_backlog_fold(fold))
    check_slack(slack_blocks.render_backlog_fold(fold))
    check_console(console_text.render_backlog_fold(fold).text)


# ---------------------------------------------------------------- the query parser


def _echo_renders(text: str) -> None:
    """Text the bot echoes back in a reply must make valid Telegram HTML and Slack mrkdwn."""
    reply = Reply.plain(text)
    check_telegram(TelegramMessage(text=to_telegram_html(reply)))
    mrkdwn = to_slack_mrkdwn(reply)
    _utf8(mrkdwn, "slack reply")
    assert (
        block_errors([{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:3000]}}]) == []
    )


@SETTINGS
@given(text=st.one_of(queries, typed))
@example(text="in-app ban")  # canonical form was "ban in app", which parses as "app ban"
@example(text="ban-tiktok")  # its canonical form equalled that of "tiktok ban"
def test_query_parser_on_huge_mixed_input(text: str) -> None:
    _count("query_parser")
    try:
        parsed = parse_query(text, lexicon=LEXICON)
    except QueryError as error:
        for lang in ("hi", "en"):
            _echo_renders(error.message(lang))
        return
    canonical = parsed.canonical()
    again = parse_query(canonical, lexicon=LEXICON)
    assert again.canonical() == canonical, (text, canonical, again.canonical())
    for lang in ("hi", "en"):
        shown = explain(parsed, lexicon=LEXICON, lang=lang)
        assert shown.strip()
        _echo_renders(shown)
    index = MatchIndex(LEXICON)
    try:
        index.add(1, parsed)
    except QueryError:
        return  # nothing to anchor on: refused with a reason, not a crash
    index.match(Article(url="https://x.example/", title=text[:500], summary=text), now=NOW)


# ---------------------------------------------------------------- the command parsers

ARGUMENT_PARSERS: list[Callable[[str], object]] = [
    parse_duration,
    parse_quiet,
    parse_digest,
    parse_language,
    parse_timezone,
    parse_untrack_target,
    parse_mute,
    parse_why,
    parse_url,
    parse_number,
    parse_clock,
    parse_weekday,
]
command_text = st.one_of(
    st.builds(
        lambda name, args: f"/{name} {args}",
        st.sampled_from(
            [
                "track",
                "untrack",
                "mute",
                "digest",
                "quiet",
                "tz",
                "lang",
                "addsource",
                "ट्रैक",
                "x" * 70,
            ]
        ),
        typed,
    ),
    st.builds(lambda a, b: a + "/" + b, mixed(max_size=3, pieces=TYPED_PIECES), typed),
    typed,
)


def _argument_error_renders(error: CommandArgumentError) -> None:
    template = catalogue()[error.key]
    for lang in ("hi", "en"):
        fields = {f for _, f, _, _ in string.Formatter().parse(template[lang]) if f}
        assert fields <= set(error.params)
        _echo_renders(error.message(lang))


@SETTINGS
@given(text=command_text, bot=st.sampled_from([None, "khabardar_bot", "@Khabardar_Bot"]))
def test_command_parsers_on_huge_mixed_input(text: str, bot: str | None) -> None:
    _count("command_parsers")
    parsed = parse_command(text, bot_username=bot)
    if parsed is not None:
        assert parsed.args in text
        parsed.suggestion()
        args = parsed.args
    else:
        args = text
    slack = ParsedCommand.from_slack(text[:80], args)
    if slack is not None:
        slack.suggestion()
    for parser in ARGUMENT_PARSERS:
        try:
            parser(args)
        except CommandArgumentError as error:
            _argument_error_renders(error)


callback_data = st.one_of(
    typed,
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(["mute:", "mute:7:", "unmute:", "untrack:", "untrack_all", "cancel", "m:"]),
        st.one_of(
            mixed(max_size=6, pieces=TYPED_PIECES),
            st.from_regex(r"[0-9०-९]{0,20}(:[0-9a-zघंटे]{0,8})?"),
        ),
    ),
)


@SETTINGS
@given(data=callback_data)
def test_button_data_on_huge_mixed_input(data: str) -> None:
    """Forged button data: decoded only into a well-formed press that encodes back the same."""
    _count("button_data")
    decoded = decode_callback(data)
    if decoded is None:
        return
    args: list[int | timedelta] = []
    if decoded.subscription_id is not None:
        args.append(decoded.subscription_id)
    if decoded.duration is not None:
        args.append(decoded.duration)
    assert decode_callback(encode_callback(decoded.action, *args)) == decoded
