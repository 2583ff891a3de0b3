"""Storage adapter: SQLAlchemy 2 Core (async) over SQLite (default) or PostgreSQL.

Public surface: ``Store`` (all repositories, implements ``bot.services.ports.Storage``),
``upgrade_database`` (Alembic ``upgrade head``, safe on every start), ``create_engine`` and
``async_database_url``. The schema is in ``schema``; migrations ship in ``bot/migrations``.

Names are loaded lazily: ``bot.settings`` imports ``bot.adapters.storage.urls`` and must not pay
for (or depend on) SQLAlchemy and Alembic just to validate a URL.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.adapters.storage.engine import create_engine
    from bot.adapters.storage.migrate import (
        current_revision,
        downgrade_database,
        head_revision,
        upgrade_database,
    )
    from bot.adapters.storage.store import Store
    from bot.adapters.storage.urls import async_database_url

_EXPORTS = {
    "Store": "bot.adapters.storage.store",
    "async_database_url": "bot.adapters.storage.urls",
    "create_engine": "bot.adapters.storage.engine",
    "current_revision": "bot.adapters.storage.migrate",
    "downgrade_database": "bot.adapters.storage.migrate",
    "head_revision": "bot.adapters.storage.migrate",
    "upgrade_database": "bot.adapters.storage.migrate",
}

__all__ = [
    "Store",
    "async_database_url",
    "create_engine",
    "current_revision",
    "downgrade_database",
    "head_revision",
    "upgrade_database",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
