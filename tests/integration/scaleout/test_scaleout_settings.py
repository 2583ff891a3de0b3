"""``KHABARDAR_DB_SCHEMA``: the PostgreSQL schema a deployment (or a test run) lives in.

Pure settings checks: these run without a database.
"""

from __future__ import annotations

import pytest

from bot.app import bot_id
from bot.errors import ConfigError
from bot.settings import load_settings

POSTGRES = "postgresql://khabardar:s3cret-pass@db.internal:5432/news"


def test_schema_is_read_for_postgresql() -> None:
    settings = load_settings({"DATABASE_URL": POSTGRES, "KHABARDAR_DB_SCHEMA": "khabar_prod"})
    assert settings.database_schema == "khabar_prod"
    assert load_settings({"DATABASE_URL": POSTGRES}).database_schema is None
    empty = load_settings({"DATABASE_URL": POSTGRES, "KHABARDAR_DB_SCHEMA": ""})
    assert empty.database_schema is None


@pytest.mark.parametrize("bad", ["Prod", "khabar-prod", "x; DROP SCHEMA public", "9lives"])
def test_a_schema_that_is_not_a_plain_identifier_is_refused(bad: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"DATABASE_URL": POSTGRES, "KHABARDAR_DB_SCHEMA": bad})
    assert str(error.value).startswith("invalid setting KHABARDAR_DB_SCHEMA:")
    assert "s3cret-pass" not in str(error.value)


def test_a_schema_needs_postgresql() -> None:
    with pytest.raises(ConfigError, match="KHABARDAR_DB_SCHEMA: needs a postgresql"):
        load_settings({"DATABASE_URL": "sqlite:///k.db", "KHABARDAR_DB_SCHEMA": "khabar"})


def test_duty_names_carry_the_bot_id_never_the_token_secret() -> None:
    assert bot_id("7000000001:AAH-secret-part") == "7000000001"
    odd = bot_id("not-a-telegram-token")
    assert len(odd) == 12 and "token" not in odd
