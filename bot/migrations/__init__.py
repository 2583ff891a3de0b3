"""Alembic migrations for the Khabardar database, shipped inside the package.

Run them with ``khabardar db upgrade`` or ``bot.adapters.storage.migrate.upgrade_database``;
``alembic -c bot/migrations/alembic.ini …`` works too for development (new revisions).
"""
