"""Fixtures for the platform-edge tests: the fake Telegram and Slack servers on loopback.

Rate limits are off in the default fixtures (tests that exercise them build their own fake with
limits tuned to a fraction of a second), so the suite stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

# `tests.fakes` is imported as a package; pytest puts only `tests/` on sys.path (there is no
# tests/__init__.py), so the repository root is added here. Asked the lead for
# `pythonpath = ["."]` in pyproject's pytest options, which would make this unnecessary.
REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.fakes.slack_server import FakeSlack  # noqa: E402
from tests.fakes.telegram_server import FakeTelegram  # noqa: E402


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(rate_limits=None) as fake:
        yield fake


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(rate_limits=None) as fake:
        yield fake


@pytest.fixture(scope="session")
def telegram_spec(shared_dir: Path) -> dict[str, Any]:
    """The Bot API 10.0 spec (the version python-telegram-bot 22.8 implements)."""
    path = shared_dir / "specs" / "telegram" / "api-botapi-10.0.json"
    if not path.is_file():
        pytest.skip("the Telegram Bot API spec is not in ../shared/specs")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def slack_signature_vector(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "specs" / "slack" / "signature-test-vector.json"
    if not path.is_file():
        pytest.skip("the Slack signature test vector is not in ../shared/specs")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
