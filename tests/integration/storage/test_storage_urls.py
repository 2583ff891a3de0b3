"""Database URL normalisation (pure) and the promise that it needs no SQLAlchemy import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.adapters.storage.urls import async_database_url, is_postgres_url, is_sqlite_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/news", "postgresql+asyncpg://u:p@db.example:5432/news"),
        (
            "postgresql://postgres@127.0.0.1:5432/test",
            "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        ),
        ("postgresql+asyncpg://h/db", "postgresql+asyncpg://h/db"),
        ("postgresql+psycopg2://h/db", "postgresql+asyncpg://h/db"),
        ("  postgres://h/db\n", "postgresql+asyncpg://h/db"),
        ("postgres://u:p@h/db?sslmode=require", "postgresql+asyncpg://u:p@h/db?ssl=require"),
        ("sqlite:///khabardar.db", "sqlite+aiosqlite:///khabardar.db"),
        ("sqlite:////var/lib/khabardar/k.db", "sqlite+aiosqlite:////var/lib/khabardar/k.db"),
        ("sqlite+aiosqlite:///k.db", "sqlite+aiosqlite:///k.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("mysql://h/db", "mysql://h/db"),
        ("not a url", "not a url"),
    ],
)
def test_async_database_url(given: str, expected: str) -> None:
    assert async_database_url(given) == expected


def test_password_with_special_characters_survives() -> None:
    url = "postgres://bot:p%40ss%3Aw0rd@db:5432/khabardar"
    assert async_database_url(url) == "postgresql+asyncpg://bot:p%40ss%3Aw0rd@db:5432/khabardar"


def test_url_kind_checks() -> None:
    assert is_postgres_url("postgres://h/db") and not is_sqlite_url("postgres://h/db")
    assert is_sqlite_url("sqlite:///x.db") and not is_postgres_url("sqlite:///x.db")


def test_urls_module_does_not_import_sqlalchemy() -> None:
    """bot/settings.py imports it; validating a URL must not load the database stack."""
    code = (
        "import sys, bot.adapters.storage.urls\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'alembic'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
