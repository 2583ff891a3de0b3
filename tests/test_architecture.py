"""The layers of DESIGN §2 hold: the domain is pure, the services touch no SDK, HTTP, parser or DB.

Imports are read from the source with ``ast`` (not by importing), so a forbidden import hidden in
a function body or behind ``if TYPE_CHECKING`` is caught too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bot"

# Pure third-party packages the domain may use (no I/O, no SDKs).
DOMAIN_ALLOWED_THIRD_PARTY = frozenset({"regex", "babel", "snowballstemmer"})
DOMAIN_ALLOWED_OWN = ("bot.domain", "bot.errors")
# What the services must never import: SDKs, HTTP clients, parsers, database drivers, schedulers.
SERVICES_FORBIDDEN = frozenset(
    {
        "telegram",
        "slack_bolt",
        "slack_sdk",
        "httpx",
        "httpcore",
        "aiohttp",
        "requests",
        "urllib3",
        "feedparser",
        "fastfeedparser",
        "trafilatura",
        "lxml",
        "sqlalchemy",
        "alembic",
        "aiosqlite",
        "asyncpg",
        "sqlite3",
        "psycopg",
        "psycopg2",
        "apscheduler",
        "bot.adapters",
        "bot.app",
    }
)


def imported_modules(source: str, package: str = "bot.domain") -> list[str]:
    """Absolute names of the modules a source imports; relative imports resolved in ``package``."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            names.append(".".join([*base, node.module] if node.module else base))
    return names


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).parent.parts)


def domain_violations(source: str, package: str = "bot.domain") -> list[str]:
    bad = []
    for name in imported_modules(source, package):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top in DOMAIN_ALLOWED_THIRD_PARTY:
            continue
        if name.startswith(DOMAIN_ALLOWED_OWN):
            continue
        bad.append(name)
    return bad


def services_violations(source: str, package: str = "bot.services") -> list[str]:
    bad = []
    for name in imported_modules(source, package):
        for forbidden in SERVICES_FORBIDDEN:
            if name == forbidden or name.startswith(forbidden + "."):
                bad.append(name)
    return bad


def _files(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", _files("domain"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_domain_imports_only_stdlib_and_allowed_pure_packages(path: Path) -> None:
    assert domain_violations(path.read_text(encoding="utf-8"), _package_of(path)) == []


@pytest.mark.parametrize("path", _files("services"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_services_import_no_sdk_http_parser_or_database(path: Path) -> None:
    assert services_violations(path.read_text(encoding="utf-8"), _package_of(path)) == []


def test_the_checks_catch_forbidden_imports() -> None:
    """The architecture test would fail if someone added a forbidden import."""
    assert domain_violations("import httpx\n") == ["httpx"]
    assert domain_violations("def f():\n    from sqlalchemy import select\n") == ["sqlalchemy"]
    assert domain_violations("from bot.adapters.storage import x\n") == ["bot.adapters.storage"]
    assert domain_violations("import regex, json\nfrom bot.domain.text import normalise\n") == []
    assert services_violations("from telegram import Bot\n") == ["telegram"]
    assert services_violations("import slack_sdk.web\n") == ["slack_sdk.web"]
    assert services_violations("from bot.adapters.sources.fetcher import x\n") == [
        "bot.adapters.sources.fetcher"
    ]
    assert services_violations("from bot.domain.models import Article\n") == []
    assert services_violations("from ..adapters import storage\n") == ["bot.adapters"]
    assert domain_violations("from .text import normalise\n") == []


def test_the_layers_exist() -> None:
    assert _files("domain"), "bot/domain has no modules"
    assert (PACKAGE / "services").is_dir()
