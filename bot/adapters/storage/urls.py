"""Database URL forms: turn what people paste into the async driver URL SQLAlchemy needs.

Pure string work (no SQLAlchemy import) so ``bot/settings.py`` can validate ``DATABASE_URL``
without loading the database stack.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

SQLITE_ASYNC_PREFIX = "sqlite+aiosqlite://"
POSTGRES_ASYNC_PREFIX = "postgresql+asyncpg://"

# Scheme (before "://") → the async scheme we run with. Sync drivers are mapped to their async
# counterpart so a URL copied from another tool (psycopg2, pg8000, plain sqlite) just works.
_SCHEMES = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+pg8000": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}


def async_database_url(url: str) -> str:
    """``postgres://…`` / ``postgresql://…`` → ``postgresql+asyncpg://…``, ``sqlite:///…`` →
    ``sqlite+aiosqlite:///…``; anything else is returned stripped but unchanged.

    libpq's ``sslmode=`` (Heroku and most hosted PostgreSQL URLs carry it) becomes asyncpg's
    ``ssl=``, because asyncpg rejects the libpq spelling as an unknown keyword.
    """
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    target = _SCHEMES.get(scheme.lower())
    if target is None:
        return url
    if target == "postgresql+asyncpg":
        rest = _libpq_query_to_asyncpg(rest)
    return f"{target}://{rest}"


def is_sqlite_url(url: str) -> bool:
    """True for any SQLite URL (sync or async spelling)."""
    return async_database_url(url).startswith(SQLITE_ASYNC_PREFIX)


def is_postgres_url(url: str) -> bool:
    """True for any PostgreSQL URL (``postgres://``, ``postgresql://``, driver variants)."""
    return async_database_url(url).startswith(POSTGRES_ASYNC_PREFIX)


def _libpq_query_to_asyncpg(rest: str) -> str:
    location, sep, query = rest.partition("?")
    if not sep:
        return rest
    pairs = [("ssl" if key == "sslmode" else key, value) for key, value in parse_qsl(query)]
    return f"{location}?{urlencode(pairs)}" if pairs else location
