"""Settings: public variable names, defaults, conversions, clear errors, secrets kept secret."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import async_database_url, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"


def test_defaults_match_the_documented_surface() -> None:
    s = load_settings({})
    assert s.database_url == "sqlite+aiosqlite:///khabardar.db"
    assert s.telegram_api_base_url == "https://api.telegram.org"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.port == 8080
    assert s.sources_file == Path("config/sources.toml")
    assert s.poll_interval_s == 300
    assert s.allow_private_urls is False
    assert s.timezone == "Asia/Kolkata"
    assert s.commands_per_minute == 20
    assert not s.telegram_enabled and not s.slack_enabled


def test_every_public_variable_is_read() -> None:
    s = load_settings(
        {
            "DATABASE_URL": "postgres://k:pw-secret-1@db.internal:5432/khabardar",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/",
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret_token-1",
            "SLACK_BOT_TOKEN": "xoxb-1111-2222-abcdefgh",
            "SLACK_SIGNING_SECRET": SIGNING,
            "SLACK_APP_TOKEN": "xapp-1-A111-222-abcdef",
            "SLACK_API_URL": "http://127.0.0.1:9000/api",
            "PORT": "9090",
            "KHABARDAR_SOURCES": "/etc/khabardar/sources.toml",
            "KHABARDAR_POLL_INTERVAL": "120",
            "KHABARDAR_ALLOW_PRIVATE_URLS": "1",
            "KHABARDAR_TIMEZONE": "Europe/London",
            "KHABARDAR_COMMANDS_PER_MINUTE": "5",
        }
    )
    assert s.commands_per_minute == 5
    assert s.database_url == "postgresql+asyncpg://k:pw-secret-1@db.internal:5432/khabardar"
    assert s.telegram_api_base_url == "http://127.0.0.1:8081"
    assert s.slack_api_url == "http://127.0.0.1:9000/api/"
    assert s.port == 9090 and s.poll_interval_s == 120 and s.allow_private_urls is True
    assert s.sources_file == Path("/etc/khabardar/sources.toml")
    assert s.timezone == "Europe/London"
    assert s.telegram_webhook_url == "https://bot.example.org/telegram"
    assert s.telegram_enabled and s.slack_enabled


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_url_forms_are_converted(url: str, expected: str) -> None:
    assert async_database_url(url) == expected


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"KHABARDAR_POLL_INTERVAL": "0"}, "KHABARDAR_POLL_INTERVAL"),
        ({"KHABARDAR_COMMANDS_PER_MINUTE": "0"}, "KHABARDAR_COMMANDS_PER_MINUTE"),
        ({"KHABARDAR_TIMEZONE": "India/Delhi"}, "KHABARDAR_TIMEZONE"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"TELEGRAM_API_BASE_URL": "ftp://files"}, "TELEGRAM_API_BASE_URL"),
        ({"KHABARDAR_ALLOW_PRIVATE_URLS": "maybe"}, "KHABARDAR_ALLOW_PRIVATE_URLS"),
        ({"TELEGRAM_WEBHOOK_SECRET": "has spaces!"}, "TELEGRAM_WEBHOOK_SECRET"),
    ],
)
def test_invalid_values_fail_with_one_line_naming_the_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert variable in message
    assert "\n" not in message


def test_secrets_never_appear_in_repr_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING,
        "SLACK_BOT_TOKEN": "xoxb-1111-2222-abcdefgh",
        "DATABASE_URL": "postgresql://k:pw-secret-1@db/khabardar",
    }
    s = load_settings(env)
    shown = repr(s) + str(s)
    for secret in (TOKEN, SIGNING, "xoxb-1111-2222-abcdefgh", "pw-secret-1"):
        assert secret not in shown
    assert "pw-secret-1" not in s.database_url_display
    logging.getLogger("test").warning("settings %s", s)
    assert TOKEN not in caplog.text
    with pytest.raises(ConfigError) as caught:
        load_settings({**env, "TELEGRAM_WEBHOOK_SECRET": "bad secret " + TOKEN})
    assert TOKEN not in str(caught.value)


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("KHABARDAR_POLL_INTERVAL=42\nPORT=8181\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("KHABARDAR_POLL_INTERVAL", raising=False)
    s = load_settings()
    assert (s.poll_interval_s, s.port) == (42, 8181)


def test_settings_are_frozen() -> None:
    s = load_settings({})
    with pytest.raises(Exception, match="frozen"):
        s.port = 1  # type: ignore[misc]
