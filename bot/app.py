"""Composition root: builds every part from Settings and runs them in one event loop.

``khabardar run`` and ``khabardar demo`` both go through ``Runtime``: scheduler + sources +
matcher + outbox delivery + every chat adapter whose settings are present (the console chat
when none are) + the HTTP server (health, readiness, metrics, Slack events, Telegram webhook).
Shutdown (SIGTERM/SIGINT) stops taking work, lets in-flight sends finish, releases claims and
closes connections within 10 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import secrets
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from aiohttp import web

from bot.adapters.console.chat import ConsoleChat, ConsoleOutput
from bot.adapters.outlets.platforms import ConsoleOutlet, SlackOutlet, TelegramOutlet
from bot.adapters.scheduler import Scheduler
from bot.adapters.sources.articles import canonical_url
from bot.adapters.sources.config import ConfiguredSource, load_sources
from bot.adapters.sources.fetcher import SourceFetcher
from bot.adapters.sources.service_reader import FetchingProbe, FetchingReader
from bot.adapters.storage.leadership import Duty, LeaderDuties, Leadership
from bot.adapters.storage.liveness import Liveness, process_owner_name
from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.adapters.web.metrics import PrometheusTelemetry
from bot.adapters.web.server import NamedCheck, WebServer
from bot.domain.i18n import t
from bot.domain.lexicon import DEFAULT_TOPICS_PATH, Lexicon, load_lexicon
from bot.domain.matcher import MatchIndex
from bot.domain.models import Platform
from bot.domain.outgoing import ConsoleMessage, SlackMessage, TelegramMessage
from bot.domain.query import ParsedQuery, parse_query
from bot.domain.replies import Reply, to_console, to_slack_mrkdwn, to_telegram_html
from bot.errors import ConfigError, StorageError
from bot.logs import configure_logging
from bot.services.alerting import AlertPipeline
from bot.services.commands import CommandService
from bot.services.delivery import DeliveryWorker
from bot.services.digests import DigestService
from bot.services.pacing import PlatformLimits, SendPacer, WindowLimit
from bot.services.polling import PollService
from bot.services.ports import SourceRow
from bot.services.story_assignment import FingerprintStories
from bot.services.tracking import TrackingIndex, renormalise_queries
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)

SHUTDOWN_BUDGET_S = 8.0
POLL_TICK_S = 1.0
SQLITE_OWNER = "sqlite-single-process"  # the lease owner of every run on a SQLite file
LEADERSHIP_RETRY_S = 2.0  # a standby tries to take a dead leader's duties this often
DIGEST_RESYNC_S = 30.0  # the digest leader picks up schedules changed in other processes
TELEGRAM_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SingleProcessLock:
    """SQLite is single-process: a second ``khabardar run`` on the same file refuses to start."""

    def __init__(self, database_url: str) -> None:
        path = database_url.split(":///", 1)[1] if ":///" in database_url else "khabardar.db"
        self.path = Path(path + ".lock")
        self._handle: TextIO | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ConfigError(
                f"another khabardar process is already using this SQLite database "
                f"({self.path.with_suffix('')}); SQLite is single-process — use PostgreSQL "
                f"(DATABASE_URL=postgresql://…) to run several"
            ) from None
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def load_query(lexicon: Lexicon) -> Callable[[str, Any], ParsedQuery]:
    def load(text: str, parsed: Any) -> ParsedQuery:
        if parsed:
            try:
                return ParsedQuery.from_json(parsed)
            except Exception:  # stored by an older version: parse the text again
                pass
        return parse_query(text, lexicon=lexicon)

    return load


class AdminNotices:
    """Tells the chat that added a source (else the operator chat) that it was paused.

    Never every subscriber: a broken feed is an admin's problem, not a reader's.
    """

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def source_paused(self, source: SourceRow, error: str) -> None:
        runtime = self._runtime
        chat = None
        if source.added_by_chat_id is not None:
            chat = await runtime.store.chats.get(source.added_by_chat_id)
        target = (chat.platform, chat.platform_chat_id, chat.lang) if chat else None
        if target is None and runtime.settings.operator_chat:
            platform, _, chat_id = runtime.settings.operator_chat.partition(":")
            try:
                target = (Platform(platform), chat_id, "en")
            except ValueError:
                log.warning("KHABARDAR_OPERATOR_CHAT must look like telegram:<chat id>")
        if target is None:
            log.warning("source paused", extra={"source": source.url, "error": error})
            return
        platform, chat_id, lang = target
        text = t(
            "notice.source_paused",
            lang,
            source=source.name or source.url,
            failures=source.failures + 1,
            error=error,
        )
        await runtime.send_notice(platform, chat_id, Reply.plain(text))


class LeaderCronJobs:
    """Digest cron jobs that exist only in the process leading digest scheduling.

    Any process may change a chat's schedule (``/digest``); elsewhere the change is ignored
    here and the leader picks it up from the database (``Runtime._resync_digests``).
    """

    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        self._names: set[str] = set()
        self.active = False

    def cron(
        self,
        name: str,
        function: Callable[[], Awaitable[object]],
        *,
        fields: Mapping[str, object],
        timezone: str,
    ) -> None:
        if self.active:
            self._scheduler.cron(name, function, fields=fields, timezone=timezone)
            self._names.add(name)

    def remove(self, name: str) -> bool:
        self._names.discard(name)
        return self._scheduler.remove(name)

    def clear(self) -> None:
        """Leadership lost or given up: no digest job stays behind."""
        for name in list(self._names):
            self.remove(name)


def bot_id(token: str) -> str:
    """The public bot id of a Telegram token (the part before ':'), never the secret part."""
    head = token.split(":", 1)[0]
    return head if head.isdigit() else hashlib.sha256(token.encode()).hexdigest()[:12]


@dataclass
class Runtime:
    """Every running part, built from Settings; ``start``/``stop`` own their life cycle."""

    settings: Settings
    console_stream: TextIO | None = None
    console_input: Callable[[], str] | None = None
    clock: Callable[[], datetime] = utc_now
    with_console: bool | None = None  # None: only when no chat platform is configured
    serve_http: bool = True
    store: Store = field(init=False)
    telemetry: PrometheusTelemetry = field(init=False)
    owner: str = field(init=False)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list, init=False)
    _closers: list[Callable[[], Any]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.lock: SingleProcessLock | None = None
        self.workers: dict[Platform, DeliveryWorker] = {}
        self.scheduler = Scheduler()
        self.web: WebServer | None = None
        self.console_chat: ConsoleChat | None = None
        self._webhook_registration: Any = None
        self.digest_jobs = LeaderCronJobs(self.scheduler)
        self.duties: LeaderDuties | None = None
        self._digest_seen: dict[int, tuple[str, str]] = {}
        self._sending: dict[Platform, asyncio.Task[None]] = {}  # the sender duties held here
        self._polling: asyncio.Task[Any] | None = None  # the poll tick running now, if any
        # Sends the platform accepted but the database could not record yet, kept across
        # delivery workers (the Telegram sender restarts when a database outage cost its lock).
        self._unrecorded_sends: dict[int, tuple[str, datetime]] = {}

    # -- building ---------------------------------------------------------------------------
    async def build(self) -> None:
        settings = self.settings
        self.owner = process_owner_name()
        self.telemetry = PrometheusTelemetry()
        if settings.database_url.startswith("sqlite"):
            self.lock = SingleProcessLock(settings.database_url)
            self.lock.acquire()
            # SQLite is single-process (the lock): any lease left in the file belongs to an
            # earlier run that died without releasing it (kill -9, power loss). One stable owner
            # name lets this run take those leases back at start instead of leaving the claimed
            # alerts and sources untouched until their leases expire (minutes of silence).
            self.owner = SQLITE_OWNER
        try:
            await upgrade_database(settings.database_url, schema=settings.database_schema)
        except Exception as exc:
            raise StorageError(
                f"database {settings.database_url_display} is unreachable or could not be "
                f"migrated: {type(exc).__name__}: {exc}"
            ) from None
        self.store = Store.open(settings.database_url, schema=settings.database_schema)
        self._closers.append(self.store.close)
        # Singleton duties (PostgreSQL advisory locks; on SQLite this process leads them all).
        self.leadership = Leadership(self.store.engine, scope=settings.database_schema or "public")
        # This process's alive lock (PostgreSQL): if it dies, the others free its claims in
        # seconds; closed first among the closers, once the claims were released.
        self.liveness = Liveness(
            self.store.engine, scope=settings.database_schema or "public", owner=self.owner
        )
        self._closers.insert(0, self.liveness.close)
        if self.owner == SQLITE_OWNER:
            outbox = await self.store.outbox.release_all(self.owner)
            polled = await self.store.sources.release_all(self.owner)
            if outbox or polled:
                log.warning(
                    "took back the leases of a run that did not stop cleanly",
                    extra={"alerts": outbox, "sources": polled},
                )
        self.lexicon = load_lexicon(DEFAULT_TOPICS_PATH, extra_path=settings.topics_file)
        self.configured = self._configured_sources()
        await self.store.sources.upsert_from_config(
            [s.spec() for s in self.configured],
            default_interval_s=settings.poll_interval_s,
            now=self.clock(),
        )
        self.fetcher = SourceFetcher(
            allow_private=settings.allow_private_urls,
            allowed_networks=settings.allowed_network_list,
        )
        self._closers.append(self.fetcher.aclose)
        self.tracking = TrackingIndex(MatchIndex(self.lexicon), load_query(self.lexicon))
        active = await renormalise_queries(
            self.store.subscriptions,
            await self.store.subscriptions.list_all_active(),
            lambda text: parse_query(text, lexicon=self.lexicon).canonical(),
        )
        self.tracking.load(active)
        self.pipeline = AlertPipeline(
            storage=self.store,
            tracking=self.tracking,
            stories=FingerprintStories(self.lexicon),
            clock=self.clock,
            telemetry=self.telemetry,
            on_enqueued=self._wake_workers,
        )
        self.poll = PollService(
            storage=self.store,
            reader=FetchingReader(self.fetcher, default_timezone=settings.timezone),
            sink=self.pipeline,
            clock=self.clock,
            owner=self.owner,
            telemetry=self.telemetry,
            notifier=AdminNotices(self),
            backfill_by_url={s.url: s.backfill for s in self.configured},
        )
        outlets = await self._outlets()
        self.outlets = outlets
        self.digests = DigestService(
            storage=self.store,
            outlets=outlets,
            clock=self.clock,
            jobs=self.digest_jobs,
            grace=_seconds(settings.digest_grace_s),
            telemetry=self.telemetry,
            take_back_claims=self.owner == SQLITE_OWNER,  # single process: claims are a dead run's
            owner=self.owner,
        )
        self.conversation = CommandService(
            storage=self.store,
            tracking=self.tracking,
            lexicon=self.lexicon,
            clock=self.clock,
            source_probe=FetchingProbe(self.fetcher, default_timezone=settings.timezone),
            digests=self.digests,
            default_timezone=settings.timezone,
            max_subscriptions=settings.max_subscriptions_per_chat,
            rate_limit=WindowLimit(settings.commands_per_minute, 60.0),
            source_interval_s=settings.poll_interval_s,
            canonical_url=canonical_url,
        )
        for platform, outlet in outlets.items():
            if platform is Platform.CONSOLE:  # chat platforms' senders are singleton duties
                self.workers[platform] = self._delivery_worker(outlet, owner=self.owner)

    def _delivery_worker(self, outlet: Any, *, owner: str) -> DeliveryWorker:
        return DeliveryWorker(
            storage=self.store,
            outlet=outlet,
            pacer=SendPacer(_limits(outlet.platform)),
            clock=self.clock,
            owner=owner,
            telemetry=self.telemetry,
            unrecorded=self._unrecorded_sends,
            # A chat platform's sender claims follow its leadership lock, not this process's.
            may_send=self.liveness.alive if owner == self.owner else None,
        )

    def _configured_sources(self) -> list[ConfiguredSource]:
        path = self.settings.sources_file
        if not path.exists() and not path.is_absolute():
            packaged = Path(__file__).resolve().parents[1] / path
            path = packaged if packaged.exists() else path
        return load_sources(path)

    async def _outlets(self) -> dict[Platform, TelegramOutlet | SlackOutlet | ConsoleOutlet]:
        settings = self.settings
        outlets: dict[Platform, Any] = {}
        self.telegram_sender = None
        self.slack_sender = None
        if settings.telegram_bot_token is not None:
            from bot.adapters.telegram.sender import TelegramSender

            self.telegram_sender = TelegramSender(
                settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url
            )
            await self.telegram_sender.start()
            self._closers.append(self.telegram_sender.aclose)
            outlets[Platform.TELEGRAM] = TelegramOutlet(self.telegram_sender)
        if settings.slack_bot_token is not None:
            from bot.adapters.slack.sender import SlackSender

            self.slack_sender = SlackSender(
                settings.slack_bot_token.get_secret_value(), settings.slack_api_url
            )
            await self.slack_sender.start()
            self._closers.append(self.slack_sender.aclose)
            outlets[Platform.SLACK] = SlackOutlet(self.slack_sender)
        if self.with_console or (self.with_console is None and not outlets):
            self.console_output = ConsoleOutput(self.console_stream)
            outlets[Platform.CONSOLE] = ConsoleOutlet(self.console_output)
        return outlets

    async def send_notice(self, platform: Platform, chat_id: str, reply: Reply) -> None:
        """A plain message to one chat (admin notices), outside the alert outbox."""
        try:
            if platform is Platform.TELEGRAM and self.telegram_sender is not None:
                await self.telegram_sender.send(
                    chat_id, TelegramMessage(text=to_telegram_html(reply))
                )
            elif platform is Platform.SLACK and self.slack_sender is not None:
                text = to_slack_mrkdwn(reply)
                await self.slack_sender.send(chat_id, SlackMessage(text=text[:3000]))
            elif platform is Platform.CONSOLE and hasattr(self, "console_output"):
                await self.console_output.send(chat_id, ConsoleMessage(to_console(reply)))
            else:
                log.warning("notice not sent: platform not running", extra={"chat": chat_id})
        except Exception as exc:
            log.warning("notice not sent", extra={"chat": chat_id, "error": str(exc)})

    def _wake_workers(self) -> None:
        for worker in self.workers.values():
            worker.wake()

    # -- running ----------------------------------------------------------------------------
    async def start(self) -> str:
        """Start everything; returns the one-line start-up summary."""
        settings = self.settings
        await self.liveness.start()  # the alive lock is held before anything is claimed
        self.scheduler.start()
        await self.poll.recover_unmatched()
        self.scheduler.every("poll", self._poll_due, seconds=POLL_TICK_S)
        for worker in self.workers.values():
            self._tasks.append(asyncio.create_task(worker.run(), name=f"deliver:{worker.platform}"))
        self.web = WebServer(telemetry=self.telemetry, checks=self._readiness_checks())
        platforms = []
        if settings.telegram_bot_token is not None:
            platforms.append(await self._start_telegram())
        if settings.slack_bot_token is not None:
            platforms.append(await self._start_slack())
        if Platform.CONSOLE in self.workers:
            platforms.append("console")
            self.console_chat = ConsoleChat(
                self.conversation, self.console_output, read_line=self.console_input
            )
            if self.console_input is not None or sys.stdin.isatty():
                self._tasks.append(asyncio.create_task(self.console_chat.run(), name="console"))
        if self.serve_http:
            await self.web.start(host="0.0.0.0", port=settings.port)
        if self._webhook_registration is not None:
            await self._webhook_registration
            self._webhook_registration = None
        self.duties = LeaderDuties(self.leadership, self._duties(), retry_s=LEADERSHIP_RETRY_S)
        await self.duties.step()
        self._tasks.append(asyncio.create_task(self.duties.run(), name="leadership"))
        sources = len(await self.store.sources.list_all())
        port = self.web.port if self.serve_http else "-"
        return (
            f"khabardar running: platforms={','.join(platforms) or 'none'} "
            f"database={self.store.dialect_name} sources={sources} "
            f"subscriptions={len(self.tracking)} http_port={port} "
            f"leading={','.join(self.duties.running) or 'none'}"
        )

    async def _poll_due(self) -> None:
        """The poll tick: nothing is claimed while the alive lock is lost (another process may
        be taking this one's claims back). The polls run in their own task, shielded: the
        scheduler's shutdown cancels running jobs, and a poll cut short there had its claim
        released by ``stop`` and the source polled again at once by another process; ``stop``
        waits for this task instead."""
        if not self.liveness.alive():
            return
        self._polling = asyncio.ensure_future(self.poll.poll_due())
        await asyncio.shield(self._polling)

    # -- singleton duties -------------------------------------------------------------------
    def _duties(self) -> list[Duty]:
        """What only one process of a deployment may do, each under its own lock.

        Each chat platform has one sender per bot token: its pacer is the only thing that
        keeps a deployment under the platform's rate limits (Telegram's 30 messages/s, Slack's
        1 message/s per channel), and a pacer per process would multiply them."""
        duties = [Duty(name="digests", start=self._start_digests, stop=self._stop_digests)]
        token = self.settings.telegram_bot_token
        if token is not None:
            bot = bot_id(token.get_secret_value())
            duties.append(self._sender_duty(Platform.TELEGRAM, f"telegram-sender:{bot}"))
            if self.settings.telegram_webhook_url is None:
                duties.append(
                    Duty(
                        name=f"telegram-polling:{bot}",
                        start=self._start_telegram_polling,
                        stop=self._stop_telegram_polling,
                    )
                )
        slack_token = self.settings.slack_bot_token
        if slack_token is not None:
            owner = f"slack-sender:{bot_id(slack_token.get_secret_value())}"
            duties.append(self._sender_duty(Platform.SLACK, owner))
        return duties

    def _sender_duty(self, platform: Platform, owner: str) -> Duty:
        return Duty(
            name=owner,
            start=functools.partial(self._start_sender, platform, owner),
            stop=functools.partial(self._stop_sender, platform),
        )

    async def _start_digests(self) -> None:
        self.digest_jobs.active = True
        await self.digests.start()
        self._digest_seen = {
            chat.id: (chat.digest_schedule, chat.timezone)
            for chat in await self.store.chats.list_active()
        }
        self.scheduler.every("digests:resync", self._resync_digests, seconds=DIGEST_RESYNC_S)

    async def _resync_digests(self) -> None:
        """Schedules changed through another process: (re)schedule only those chats, so a
        job about to fire is never replaced (a replaced cron job computes its next run anew).
        Also finishes digests whose claimer died (stale claims), e.g. a killed leader's."""
        await self.digests.recover(retry_failed=False)
        for chat in await self.store.chats.list_active():
            seen = (chat.digest_schedule, chat.timezone)
            if self._digest_seen.get(chat.id) != seen:
                await self.digests.reschedule(chat)
                self._digest_seen[chat.id] = seen

    async def _stop_digests(self) -> None:
        self.digest_jobs.active = False
        self.scheduler.remove("digests:resync")
        self.digest_jobs.clear()

    async def _start_sender(self, platform: Platform, owner: str) -> None:
        # One sender per bot token at a time (the lock), so its lease owner name can be the
        # same in every process: the new leader takes back the claims of a leader that died
        # (kill -9) at once instead of waiting for their leases to expire.
        taken_back = await self.store.outbox.release_all(owner)
        if taken_back:
            log.warning(
                "took back the claims of a sender that died",
                extra={"platform": platform.value, "alerts": taken_back},
            )
        worker = self._delivery_worker(self.outlets[platform], owner=owner)
        self.workers[platform] = worker
        self._sending[platform] = asyncio.create_task(
            worker.run(), name=f"deliver:{platform.value}"
        )

    async def _stop_sender(self, platform: Platform) -> None:
        worker = self.workers.pop(platform, None)
        task = self._sending.pop(platform, None)
        if worker is None or task is None:
            return
        worker.stop()  # in-flight sends finish; unsent claims are released
        _, pending = await asyncio.wait([task], timeout=SHUTDOWN_BUDGET_S / 2)
        for late in pending:
            late.cancel()

    async def _start_telegram_polling(self) -> None:
        updater = self.telegram_chat.application.updater
        assert updater is not None  # built with polling=True when there is no webhook
        await updater.start_polling(allowed_updates=TELEGRAM_UPDATES, timeout=10)

    async def _stop_telegram_polling(self) -> None:
        updater = self.telegram_chat.application.updater
        if updater is not None and updater.running:
            await updater.stop()

    async def _start_telegram(self) -> str:
        from bot.adapters.telegram.chat import TelegramChat, build_application

        settings = self.settings
        assert settings.telegram_bot_token is not None
        webhook = settings.telegram_webhook_url
        application = build_application(
            token=settings.telegram_bot_token.get_secret_value(),
            api_root=settings.telegram_api_base_url,
            polling=webhook is None,
        )
        self.telegram_chat = TelegramChat(application, self.conversation)
        # Long polling is a singleton duty per bot token (``_duties``), started by leadership.
        await self.telegram_chat.start(polling=False)
        self._closers.insert(0, self.telegram_chat.stop)
        if webhook is None:
            return "telegram(polling)"
        secret = (
            settings.telegram_webhook_secret.get_secret_value()
            if settings.telegram_webhook_secret is not None
            else secrets.token_urlsafe(32)
        )
        self._telegram_secret = secret
        path = urlsplit(webhook).path or "/"
        assert self.web is not None  # created in start() before the adapters
        self.web.add_route("POST", path, self._telegram_webhook)
        self._webhook_registration = application.bot.set_webhook(
            webhook,
            secret_token=secret,
            allowed_updates=TELEGRAM_UPDATES,
        )  # awaited once the web server listens, so no update meets a closed port
        return "telegram(webhook)"

    async def _telegram_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secrets.compare_digest(given.encode(), self._telegram_secret.encode()):
            return web.json_response({"ok": False}, status=401)
        try:
            payload = await request.json()
        except ValueError:
            return web.json_response({"ok": False}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"ok": False}, status=400)
        task = asyncio.create_task(self.telegram_chat.feed_webhook_update(payload))
        self._tasks.append(task)
        task.add_done_callback(lambda t: self._tasks.remove(t) if t in self._tasks else None)
        return web.json_response({"ok": True})

    async def _start_slack(self) -> str:
        from bot.adapters.slack.chat import SlackChat

        settings = self.settings
        assert settings.slack_bot_token is not None
        signing = settings.slack_signing_secret
        if signing is None and settings.slack_app_token is None:
            raise ConfigError(
                "invalid setting SLACK_SIGNING_SECRET: required for Slack HTTP mode "
                "(or set SLACK_APP_TOKEN for Socket Mode)"
            )
        self.slack_chat = SlackChat(
            conversation=self.conversation,
            bot_token=settings.slack_bot_token.get_secret_value(),
            signing_secret=signing.get_secret_value() if signing else "socket-mode",
            api_url=settings.slack_api_url,
            managers=settings.slack_channel_managers,
            default_language=settings.slack_language,
        )
        if settings.slack_app_token is not None:
            await self.slack_chat.start_socket_mode(settings.slack_app_token.get_secret_value())
            self._closers.insert(0, self.slack_chat.stop)
            return "slack(socket)"
        assert self.web is not None
        self.web.add_route("POST", "/slack/events", self.slack_chat.handle_http)
        return "slack(http)"

    def _readiness_checks(self) -> list[NamedCheck]:
        started = time.time()

        async def database() -> tuple[bool, str]:
            try:
                seconds = await self.store.ping()
            except Exception as exc:
                return False, f"unreachable: {type(exc).__name__}"
            return True, f"ok in {seconds * 1000:.0f} ms"

        async def scheduler() -> tuple[bool, str]:
            return self.scheduler.running, "running" if self.scheduler.running else "stopped"

        async def polling() -> tuple[bool, str]:
            last = self.telemetry.last_poll_ok
            window = 3 * self.settings.poll_interval_s + 60
            if last is None:
                fresh = time.time() - started < window
                return fresh, "no successful poll yet"
            age = time.time() - last
            return age < window, f"last successful poll {age:.0f} s ago"

        return [
            NamedCheck("database", database),
            NamedCheck("scheduler", scheduler),
            NamedCheck("polling", polling),
        ]

    async def stop(self) -> None:
        """Graceful shutdown: no new work, in-flight sends finish, claims released."""
        with contextlib.suppress(Exception):
            self.scheduler.shutdown()
        if self.duties is not None:  # the senders finish their sends, locks released
            try:
                await asyncio.wait_for(self.duties.stop(), timeout=SHUTDOWN_BUDGET_S / 2)
            except Exception as exc:
                log.warning("stopping duties failed", extra={"error": f"{type(exc).__name__}"})
        elif hasattr(self, "leadership"):
            with contextlib.suppress(Exception):
                await self.leadership.close()
        for worker in self.workers.values():
            worker.stop()
        if self.console_chat is not None:
            self.console_chat.stop()
        # A poll in flight finishes too: releasing its claim first would let another process
        # poll that source again at once.
        tasks = [t for t in [*self._tasks, self._polling] if t is not None and not t.done()]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_BUDGET_S / 2)
            for task in pending:
                task.cancel()
        if self.web is not None:
            await self.web.stop()
        if hasattr(self, "store"):
            with contextlib.suppress(Exception):
                await self.store.sources.release_all(self.owner)
        for close in self._closers:
            try:
                await asyncio.wait_for(close(), timeout=2)
            except Exception as exc:
                log.warning("close failed", extra={"error": f"{type(exc).__name__}: {exc}"})
        if self.lock is not None:
            self.lock.release()


def _seconds(value: int) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)


def _limits(platform: Platform) -> PlatformLimits:
    if platform is Platform.TELEGRAM:
        return PlatformLimits.telegram()
    if platform is Platform.SLACK:
        return PlatformLimits.slack()
    return PlatformLimits.slack(per_channel_per_s=100, overall_per_s=1000)


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """Run until SIGTERM/SIGINT (or ``stop``); 0 on a clean shutdown."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    runtime = Runtime(settings)
    try:
        await runtime.build()
        summary = await runtime.start()
    except BaseException:
        with contextlib.suppress(Exception):
            await runtime.stop()
        raise
    print(summary, flush=True)
    log.info("started", extra={"summary": summary})
    await stop.wait()
    log.info("shutting down")
    await runtime.stop()
    log.info("stopped")
    return 0


def run_command(args: Any) -> int:
    """``khabardar run``."""
    settings = load_settings()
    configure_logging(
        level=args.log_level or settings.log_level,
        fmt=args.log_format or settings.log_format,
        secrets=settings.secret_values(),
    )
    return asyncio.run(serve(settings))


def describe_source(row: SourceRow) -> str:
    health = "ok" if row.failures == 0 else f"failing ({row.failures}): {row.last_error}"
    return f"{row.url} [{health}]"
