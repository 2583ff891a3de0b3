"""Helpers for the command-service tests: in-memory implementations of the service's two ports
(source probe, digest scheduler), a movable clock, the people and chats that talk to the bot,
and a way to store a few real-looking articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.storage.store import Store
from bot.domain.lexicon import Lexicon
from bot.domain.models import Article, ChatKind, Platform
from bot.domain.replies import Reply, Span
from bot.services.alerting import AlertPipeline
from bot.services.commands import CommandService, ProbeResult
from bot.services.conversation import ChatContext
from bot.services.ports import ChatRow, StoredArticle, StoryFingerprint
from bot.services.tracking import TrackingIndex

START = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 08:30 in India


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class MemoryProbe:
    """``SourceProbe`` over a dict: the URL's scripted result, else "could not connect"."""

    def __init__(self) -> None:
        self.results: dict[str, ProbeResult] = {}
        self.probed: list[str] = []

    async def probe(self, url: str) -> ProbeResult:
        self.probed.append(url)
        return self.results.get(url, ProbeResult(ok=False, kind="connect", message="refused"))


class MemoryDigests:
    """``DigestScheduler`` that records what it was asked to do."""

    def __init__(self) -> None:
        self.rescheduled: list[ChatRow] = []
        self.sent_now: list[ChatRow] = []
        self.stories_to_send = 0

    async def reschedule(self, chat: ChatRow) -> None:
        self.rescheduled.append(chat)

    async def send_now(self, chat: ChatRow) -> int:
        self.sent_now.append(chat)
        return self.stories_to_send


@dataclass
class Bot:
    """Everything one test talks to."""

    service: CommandService
    store: Store
    tracking: TrackingIndex
    clock: Clock
    probe: MemoryProbe
    digests: MemoryDigests
    lexicon: Lexicon
    options: dict[str, Any] = field(default_factory=dict)

    async def say(self, ctx: ChatContext, text: str) -> list[Reply]:
        replies = await self.service.handle_text(ctx, text)
        assert isinstance(replies, list)
        return replies

    async def said(self, ctx: ChatContext, text: str) -> str:
        """The replies' console text, joined (what a person would read)."""
        return text_of(await self.say(ctx, text))

    async def chat(self, ctx: ChatContext) -> ChatRow:
        chat = await self.store.chats.get_by_platform_id(ctx.platform, ctx.chat_id)
        assert chat is not None
        return chat


BotFactory = Callable[..., Bot]


def text_of(replies: Sequence[Reply]) -> str:
    return "\n\n".join(reply.plain_text() for reply in replies)


def spans(replies: Sequence[Reply]) -> list[Span]:
    return [span for reply in replies for line in reply.lines for span in line]


# --- who is talking ------------------------------------------------------------------------------


def private(user: str = "501", *, language: str | None = "en") -> ChatContext:
    return ChatContext(
        platform=Platform.TELEGRAM,
        chat_id=user,
        kind=ChatKind.PRIVATE,
        title="Asha",
        user_id=user,
        user_name="asha",
        user_language=language,
    )


def group(
    *,
    admin: bool | None,
    user: str = "601",
    chat_id: str = "-100200",
    language: str | None = "en",
    thread_id: str | None = None,
) -> ChatContext:
    return ChatContext(
        platform=Platform.TELEGRAM,
        chat_id=chat_id,
        kind=ChatKind.SUPERGROUP,
        title="Newsroom",
        thread_id=thread_id,
        user_id=user,
        user_name="ravi",
        user_language=language,
        user_is_admin=admin,
    )


def channel(chat_id: str = "-100900", *, language: str | None = None) -> ChatContext:
    """A Telegram channel post: no user, only admins can post."""
    return ChatContext(
        platform=Platform.TELEGRAM,
        chat_id=chat_id,
        kind=ChatKind.CHANNEL,
        title="खबर चैनल",
        user_language=language,
        user_is_admin=True,
    )


def slack_channel(
    *, user: str = "U123", chat_id: str = "C777", workspace_language: str | None = None
) -> ChatContext:
    return ChatContext(
        platform=Platform.SLACK,
        chat_id=chat_id,
        kind=ChatKind.CHANNEL,
        title="news-desk",
        user_id=user,
        user_is_admin=True,
        workspace_language=workspace_language,
    )


# --- news ----------------------------------------------------------------------------------------


class KeyedStories:
    """The pipeline's story port: articles share a story when the test says so (by URL), else
    one story per title (the real near-duplicate clusterer is tested on its own)."""

    def __init__(self, same_story: dict[str, str] | None = None) -> None:
        self.same_story = same_story or {}

    def assign(
        self, article: StoredArticle, recent: list[StoryFingerprint]
    ) -> tuple[str, int | None]:
        key = self.same_story.get(article.canonical_url, article.title.casefold())
        return f"story:{key}", None


async def store_articles(
    bot: Bot,
    items: Sequence[tuple[str, str, str]],
    *,
    minutes_ago: int = 30,
    summary: str = "",
    body: str = "",
) -> list[StoredArticle]:
    """Articles (url, title, lang) as fetched ``minutes_ago`` from "Samachar Test"."""
    published = bot.clock() - timedelta(minutes=minutes_ago)
    articles = [
        Article(
            url=url,
            title=title,
            summary=summary,
            body=body,
            lang=lang,
            published_at=published,
            source_name="Samachar Test",
        )
        for url, title, lang in items
    ]
    inserted = await bot.store.articles.insert_new(None, articles, fetched_at=published)
    assert len(inserted.new) == len(items)
    by_url = {article.canonical_url: article for article in inserted.new}
    return [by_url[url] for url, _, _ in items]


async def match_and_queue(
    bot: Bot, articles: Sequence[StoredArticle], *, same_story: dict[str, str] | None = None
) -> int:
    """Run the real alert pipeline over the articles: stories, matches, outbox rows."""
    pipeline = AlertPipeline(
        storage=bot.store,
        tracking=bot.tracking,
        stories=KeyedStories(same_story),
        clock=bot.clock,
    )
    return await pipeline.process(articles)
