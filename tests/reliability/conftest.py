"""Reliability suite fixtures: a local feed server and clean-up of service subprocesses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.reliability.service_harness import FeedServer, ServiceProcess, serve_feed


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with serve_feed() as server:
        yield server


@pytest.fixture
async def service_factory() -> AsyncIterator[list[ServiceProcess]]:
    """Every ServiceProcess a test registers is killed at teardown if it is still running."""
    made: list[ServiceProcess] = []
    yield made
    for service in made:
        await service.aclose()
