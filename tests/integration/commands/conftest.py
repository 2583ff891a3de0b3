"""Fixtures for the command service: a real migrated SQLite store per test (copied from a
template migrated once), the shipped lexicon and matcher, a hand-moved clock, and the in-memory
ports of ``commands_harness``."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from commands_harness import Bot, BotFactory, Clock, MemoryDigests, MemoryProbe

from bot.adapters.sources.articles import canonical_url
from bot.adapters.storage.migrate import upgrade_database
from bot.adapters.storage.store import Store
from bot.domain.lexicon import Lexicon, load_lexicon
from bot.domain.matcher import MatchIndex
from bot.services.commands import CommandService
from bot.services.commands_context import load_query
from bot.services.pacing import WindowLimit
from bot.services.tracking import TrackingIndex


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("commands-db") / "template.db"
    asyncio.run(upgrade_database(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(migrated_template: Path, tmp_path: Path, clock: Clock) -> AsyncIterator[Store]:
    path = tmp_path / "khabardar.db"
    shutil.copy(migrated_template, path)
    opened = Store.open(f"sqlite:///{path}", clock=clock)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def make_bot(store: Store, lexicon: Lexicon, clock: Clock) -> BotFactory:
    """A service over the test's store; keyword options go to ``CommandService``."""

    def build(**options: Any) -> Bot:
        tracking = TrackingIndex(
            MatchIndex(lexicon),
            lambda text, parsed: load_query(text, parsed, lexicon=lexicon),
        )
        probe, digests = MemoryProbe(), MemoryDigests()
        options.setdefault("canonical_url", canonical_url)
        options.setdefault("rate_limit", WindowLimit(count=1000, seconds=60.0))
        service = CommandService(
            storage=store,
            tracking=tracking,
            lexicon=lexicon,
            clock=clock,
            source_probe=probe,
            digests=digests,
            **options,
        )
        return Bot(service, store, tracking, clock, probe, digests, lexicon, options)

    return build


@pytest.fixture
def bot(make_bot: BotFactory) -> Bot:
    return make_bot()
