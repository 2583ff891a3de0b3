"""Checking many sources at once (``khabardar sources check`` and OPML import): fetch and parse
each once, concurrently, with a rich progress bar, and end with a table of ok / failing (reason).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bot.adapters.sources.config import ConfiguredSource, add_source, load_sources
from bot.adapters.sources.dates import DEFAULT_TIMEZONE, zone
from bot.adapters.sources.fetcher import SourceFetcher
from bot.adapters.sources.opml import read_opml_file
from bot.adapters.sources.reader import ReadOptions, parse
from bot.errors import ConfigError, KhabardarError, SourceError

DEFAULT_CONCURRENCY = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOutcome:
    """How one source did: ok with its article count and newest date, or failing and why."""

    source: ConfiguredSource
    ok: bool
    articles: int = 0
    newest: datetime | None = None
    kind: str | None = None
    reason: str | None = None
    moved_to: str | None = None  # set when every redirect was permanent
    elapsed_s: float = 0.0


async def check_source(
    source: ConfiguredSource, *, fetcher: SourceFetcher, default_timezone: str
) -> CheckOutcome:
    """Fetch and parse one source; never raises for a broken source."""
    started = time.monotonic()
    options = ReadOptions(
        timezone=source.timezone or default_timezone,
        lang=source.lang,
        source_name=source.name or "",
    )
    try:
        result = await fetcher.fetch(source.url)
        articles = parse(result, options=options)
    except SourceError as exc:
        return CheckOutcome(
            source=source,
            ok=False,
            kind=exc.kind,
            reason=" ".join(str(exc).split()),
            elapsed_s=time.monotonic() - started,
        )
    except Exception as exc:  # one odd source must not stop the check of the others
        return CheckOutcome(
            source=source,
            ok=False,
            kind="error",
            reason=f"unexpected {type(exc).__name__}: {exc}",
            elapsed_s=time.monotonic() - started,
        )
    dates = [a.published_at for a in articles if a.published_at is not None]
    return CheckOutcome(
        source=source,
        ok=True,
        articles=len(articles),
        newest=max(dates) if dates else None,
        moved_to=result.final_url if result.permanent_redirect else None,
        elapsed_s=time.monotonic() - started,
    )


async def check_sources(
    sources: Sequence[ConfiguredSource],
    *,
    fetcher: SourceFetcher,
    console: Console | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    default_timezone: str = DEFAULT_TIMEZONE,
) -> list[CheckOutcome]:
    """Check every source (``concurrency`` at a time) with a progress bar; outcomes in order."""
    gate = asyncio.Semaphore(max(1, concurrency))
    progress = Progress(
        TextColumn("[bold]checking sources"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )

    async def one(source: ConfiguredSource, task: TaskID) -> CheckOutcome:
        async with gate:
            outcome = await check_source(source, fetcher=fetcher, default_timezone=default_timezone)
        progress.advance(task)
        return outcome

    with progress:
        task = progress.add_task("check", total=len(sources))
        return list(await asyncio.gather(*(one(source, task) for source in sources)))


def summary_table(outcomes: Sequence[CheckOutcome], *, timezone: str = DEFAULT_TIMEZONE) -> Table:
    """The closing table: one row per source, ok first-class, failures with their reason."""
    local = zone(timezone)
    ok_count = sum(1 for outcome in outcomes if outcome.ok)
    table = Table(title=f"{ok_count} ok, {len(outcomes) - ok_count} failing", title_justify="left")
    table.add_column("source", overflow="fold")
    table.add_column("status")
    table.add_column("articles", justify="right")
    table.add_column("newest")
    table.add_column("reason / note", overflow="fold")
    for outcome in outcomes:
        label = outcome.source.name or outcome.source.url
        if outcome.ok:
            newest = (
                outcome.newest.astimezone(local).strftime("%Y-%m-%d %H:%M")
                if outcome.newest
                else "-"
            )
            note = f"moved permanently to {outcome.moved_to}" if outcome.moved_to else ""
            table.add_row(label, "[green]ok[/]", str(outcome.articles), newest, note)
        else:
            reason = f"{outcome.kind}: {outcome.reason}" if outcome.kind else outcome.reason or ""
            table.add_row(label, "[red]failing[/]", "-", "-", reason)
    return table


async def run_sources_check(
    sources_path: str | Path,
    *,
    console: Console,
    allow_private: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
) -> int:
    """Body of ``khabardar sources check``: 0 when every source is ok, 1 otherwise."""
    try:
        sources = load_sources(sources_path)
    except ConfigError as exc:
        console.print(f"[red]configuration error:[/] {exc}", highlight=False)
        return 2
    async with SourceFetcher(allow_private=allow_private) as fetcher:
        outcomes = await check_sources(
            sources, fetcher=fetcher, console=console, default_timezone=timezone
        )
    console.print(summary_table(outcomes, timezone=timezone))
    return 0 if all(outcome.ok for outcome in outcomes) else 1


async def run_opml_import(
    opml_path: str | Path,
    sources_path: str | Path,
    *,
    console: Console,
    allow_private: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
) -> int:
    """Body of ``khabardar sources import``: check the OPML's new feeds, add the working ones.

    Feeds already configured are left alone; failing ones are listed and not added.
    """
    try:
        imported = read_opml_file(opml_path)
        existing = load_sources(sources_path) if Path(sources_path).exists() else []
    except KhabardarError as exc:
        console.print(f"[red]import failed:[/] {exc}", highlight=False)
        return 2
    for problem in imported.skipped:
        console.print(f"[yellow]skipped:[/] {problem}", highlight=False)
    known = {source.url.rstrip("/").lower() for source in existing}
    new = [s for s in imported.sources if s.url.rstrip("/").lower() not in known]
    if not new:
        console.print("nothing new to import")
        return 0
    async with SourceFetcher(allow_private=allow_private) as fetcher:
        outcomes = await check_sources(
            new, fetcher=fetcher, console=console, default_timezone=timezone
        )
    working = [outcome.source for outcome in outcomes if outcome.ok]
    for source in working:
        add_source(sources_path, source)
    console.print(summary_table(outcomes, timezone=timezone))
    console.print(f"added {len(working)} of {len(new)} new sources to {sources_path}")
    return 0 if len(working) == len(new) else 1
