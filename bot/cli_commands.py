"""Bodies of the maintenance commands: ``inspect``, ``preview``, ``sources …`` and ``db upgrade``.

Each reads Settings, does its one job through the adapters and services, and returns an exit
code; errors are one clear line (the CLI prints ``KhabardarError`` messages), never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from bot.errors import KhabardarError, SourceError
from bot.settings import Settings, load_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def _settings() -> Settings:
    return load_settings()


def inspect_command(args: argparse.Namespace) -> int:
    """``khabardar inspect SOURCE... [--json]``."""
    from bot.adapters.sources.inspect_cmd import run_inspect

    settings = _settings()
    return run_inspect(
        args.sources,
        as_json=args.json,
        out=sys.stdout,
        err=sys.stderr,
        allow_private=settings.allow_private_urls,
        timezone=settings.timezone,
    )


def preview_command(args: argparse.Namespace) -> int:
    """``khabardar preview QUERY SOURCE... [--json]``: what a /track query would match."""
    from bot.adapters.sources.loader import load_articles_async
    from bot.adapters.sources.reader import ReadOptions
    from bot.domain.lexicon import DEFAULT_TOPICS_PATH, load_lexicon
    from bot.domain.query import QueryError, parse_query
    from bot.services.preview import preview

    settings = _settings()
    lexicon = load_lexicon(DEFAULT_TOPICS_PATH, extra_path=settings.topics_file)
    try:
        parse_query(args.query, lexicon=lexicon)
    except QueryError as exc:
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_USAGE

    async def load_all() -> tuple[list, int]:  # type: ignore[type-arg]
        articles = []
        failures = 0
        for source in args.sources:
            try:
                articles.extend(
                    await load_articles_async(
                        source,
                        options=ReadOptions(timezone=settings.timezone),
                        allow_private=settings.allow_private_urls,
                    )
                )
            except SourceError as exc:
                print(f"khabardar: {source}: {exc}", file=sys.stderr)
                failures += 1
        return articles, failures

    articles, failures = asyncio.run(load_all())
    results = preview(args.query, articles, lexicon=lexicon, now=datetime.now(UTC))
    for result in results:
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            found = ", ".join(result.matched)
            print(f"{result.score:5.2f}  {result.article.title}\n       {result.article.url}")
            print(f"       matched: {found}  story: {result.story_id}")
    if not args.json:
        print(f"{len(results)} of {len(articles)} articles match", file=sys.stderr)
    return EXIT_FAILURE if failures else EXIT_OK


def db_upgrade_command(_args: argparse.Namespace) -> int:
    """``khabardar db upgrade``: apply migrations (also done on every start)."""
    from bot.adapters.storage.migrate import current_revision, upgrade_database

    settings = _settings()

    async def upgrade() -> str | None:
        await upgrade_database(settings.database_url)
        return await current_revision(settings.database_url)

    try:
        revision = asyncio.run(upgrade())
    except KhabardarError:
        raise
    except Exception as exc:
        raise KhabardarError(
            f"cannot migrate {settings.database_url_display}: {type(exc).__name__}: {exc}"
        ) from None
    print(f"database {settings.database_url_display} is at revision {revision}")
    return EXIT_OK


def sources_check_command(_args: argparse.Namespace) -> int:
    from bot.adapters.sources.check import run_sources_check

    settings = _settings()
    return asyncio.run(
        run_sources_check(
            settings.sources_file,
            console=Console(),
            allow_private=settings.allow_private_urls,
            timezone=settings.timezone,
        )
    )


def sources_import_command(args: argparse.Namespace) -> int:
    from bot.adapters.sources.check import run_opml_import

    settings = _settings()
    return asyncio.run(
        run_opml_import(
            args.opml,
            settings.sources_file,
            console=Console(),
            allow_private=settings.allow_private_urls,
            timezone=settings.timezone,
        )
    )


def sources_export_command(_args: argparse.Namespace) -> int:
    from bot.adapters.sources.config import load_sources
    from bot.adapters.sources.opml import write_opml

    sys.stdout.write(write_opml(load_sources(_settings().sources_file)))
    return EXIT_OK


def sources_add_command(args: argparse.Namespace) -> int:
    """Check the URL once (SSRF guard, fetch, parse), then add it to the sources file."""
    from bot.adapters.sources.check import check_source
    from bot.adapters.sources.config import ConfiguredSource, add_source
    from bot.adapters.sources.fetcher import SourceFetcher

    settings = _settings()
    source = ConfiguredSource(
        url=args.url,
        name=args.name,
        lang=args.lang,
        interval_s=args.interval,
        timezone=args.timezone,
    )

    async def check():  # type: ignore[no-untyped-def]
        async with SourceFetcher(allow_private=settings.allow_private_urls) as fetcher:
            return await check_source(source, fetcher=fetcher, default_timezone=settings.timezone)

    outcome = asyncio.run(check())
    if not outcome.ok:
        print(f"khabardar: not added: {outcome.kind}: {outcome.reason}", file=sys.stderr)
        return EXIT_FAILURE
    add_source(settings.sources_file, outcome.source)
    print(f"added {outcome.source.url} to {settings.sources_file}")
    return EXIT_OK


def sources_remove_command(args: argparse.Namespace) -> int:
    from bot.adapters.sources.config import remove_source

    settings = _settings()
    if not remove_source(settings.sources_file, args.url):
        print(f"khabardar: {args.url} is not in {settings.sources_file}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"removed {args.url} from {settings.sources_file}")
    return EXIT_OK


def sources_list_command(_args: argparse.Namespace) -> int:
    """Configured sources with the health the running bot recorded in the database."""
    from bot.adapters.sources.config import load_sources
    from bot.adapters.storage.migrate import upgrade_database
    from bot.adapters.storage.store import Store

    settings = _settings()
    configured = load_sources(settings.sources_file)

    async def health() -> dict[str, object]:
        await upgrade_database(settings.database_url)
        store = Store.open(settings.database_url)
        try:
            return {row.url: row for row in await store.sources.list_all()}
        finally:
            await store.close()

    rows = asyncio.run(health())
    table = Table(title=f"Sources ({settings.sources_file})")
    for column in ("#", "source", "lang", "last ok", "failures", "next poll", "last error"):
        table.add_column(column)
    urls = [s.url for s in configured] + [u for u in rows if u not in {s.url for s in configured}]
    names = {s.url: s.name for s in configured}
    for number, url in enumerate(urls, 1):
        row = rows.get(url)
        label = f"{names.get(url) or ''}\n{url}".strip()
        if row is None:
            table.add_row(str(number), label, "-", "never polled", "0", "-", "")
            continue
        table.add_row(
            str(number),
            label,
            getattr(row, "lang", None) or "-",
            _when(getattr(row, "last_ok_at", None)),
            str(getattr(row, "failures", 0))
            + (" (paused)" if getattr(row, "paused", False) else ""),
            _when(getattr(row, "next_poll_at", None)),
            (getattr(row, "last_error", None) or "")[:80],
        )
    Console().print(table)
    return EXIT_OK


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"
