"""Settings: one frozen object built at start-up from the environment and ``.env``.

The environment variable names are part of the product's public surface (README lists them).
Invalid values fail at start-up with one clear line naming the variable (``ConfigError``), and
secrets (tokens, signing secrets, a database password) never appear in ``repr``, logs or errors.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.adapters.storage.urls import async_database_url
from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///khabardar.db"
__all__ = ["DEFAULT_DATABASE_URL", "Settings", "async_database_url", "load_settings"]
_SECRET_FIELDS = frozenset(
    {
        "telegram_bot_token",
        "telegram_webhook_secret",
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "database_url",
    }
)


def redact_url_password(url: str) -> str:
    """``postgresql+asyncpg://user:secret@host/db`` → ``...user:***@host/db`` for display."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Everything configurable, with the defaults the README documents."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        case_sensitive=False,
        populate_by_name=True,
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias=_env("DATABASE_URL"), repr=False
    )
    # PostgreSQL schema holding the tables (several deployments or test runs in one database).
    database_schema: str | None = Field(None, validation_alias=_env("KHABARDAR_DB_SCHEMA"))
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_api_base_url: str = Field(
        "https://api.telegram.org", validation_alias=_env("TELEGRAM_API_BASE_URL")
    )
    telegram_webhook_url: str | None = Field(None, validation_alias=_env("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("TELEGRAM_WEBHOOK_SECRET")
    )
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    port: int = Field(8080, ge=1, le=65535, validation_alias=_env("PORT"))
    sources_file: Path = Field(
        Path("config/sources.toml"), validation_alias=_env("KHABARDAR_SOURCES")
    )
    poll_interval_s: int = Field(
        300, ge=1, le=7 * 24 * 3600, validation_alias=_env("KHABARDAR_POLL_INTERVAL")
    )
    allow_private_urls: bool = Field(False, validation_alias=_env("KHABARDAR_ALLOW_PRIVATE_URLS"))
    # Comma-separated networks (an intranet feed host) the SSRF guard lets through; all else
    # private stays refused. Narrower than KHABARDAR_ALLOW_PRIVATE_URLS, which lifts the guard.
    allowed_networks: str = Field("", validation_alias=_env("KHABARDAR_ALLOWED_NETWORKS"))
    timezone: str = Field("Asia/Kolkata", validation_alias=_env("KHABARDAR_TIMEZONE"))
    topics_file: Path | None = Field(None, validation_alias=_env("KHABARDAR_TOPICS"))
    operator_chat: str | None = Field(None, validation_alias=_env("KHABARDAR_OPERATOR_CHAT"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("KHABARDAR_LOG_LEVEL")
    )
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=_env("KHABARDAR_LOG_FORMAT")
    )
    max_subscriptions_per_chat: int = Field(
        50, ge=1, le=10_000, validation_alias=_env("KHABARDAR_MAX_SUBSCRIPTIONS")
    )
    digest_grace_s: int = Field(6 * 3600, ge=0, validation_alias=_env("KHABARDAR_DIGEST_GRACE"))
    commands_per_minute: int = Field(
        20, ge=1, le=1_000, validation_alias=_env("KHABARDAR_COMMANDS_PER_MINUTE")
    )
    slack_channel_managers: Literal["anyone", "admins"] = Field(
        "anyone", validation_alias=_env("KHABARDAR_SLACK_MANAGERS")
    )
    slack_language: Literal["en", "hi"] = Field(
        "en", validation_alias=_env("KHABARDAR_SLACK_LANGUAGE")
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        url = async_database_url(value)
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return url

    @field_validator("database_schema")
    @classmethod
    def _schema(cls, value: str | None, info: ValidationInfo) -> str | None:
        # The same rule as storage.engine.checked_schema_name (not imported: settings must not
        # load SQLAlchemy); the name goes into search_path and CREATE SCHEMA.
        if value is None or value == "":
            return None
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
            raise ValueError("must be lower-case letters, digits and _ (a PostgreSQL schema)")
        if not str(info.data.get("database_url", "")).startswith("postgresql"):
            raise ValueError("needs a postgresql:// DATABASE_URL (SQLite has no schemas)")
        return value

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        networks = [part.strip() for part in value.split(",") if part.strip()]
        for network in networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(f"{network!r} is not an IP network such as 10.20.0.0/16") from None
        return ",".join(networks)

    @field_validator("telegram_api_base_url", "slack_api_url", "telegram_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None if value == "" else value
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _telegram_root(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("slack_api_url")
    @classmethod
    def _slack_root(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters A-Z a-z 0-9 _ - for secret_token.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name such as Asia/Kolkata") from None
        return value

    @property
    def database_url_display(self) -> str:
        """The database URL with any password masked, for logs and start-up lines."""
        return redact_url_password(self.database_url)

    @property
    def allowed_network_list(self) -> tuple[str, ...]:
        """``KHABARDAR_ALLOWED_NETWORKS`` as the SSRF guard's ``allowed_networks``."""
        return tuple(network for network in self.allowed_networks.split(",") if network)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None

    def secret_values(self) -> list[str]:
        """Every secret string in force, so log redaction can mask them wherever they appear."""
        values: list[str] = []
        for name in _SECRET_FIELDS:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                values.append(value.get_secret_value())
        password = re.search(r"://[^:/@]+:([^@/]+)@", self.database_url)
        if password:
            values.append(password.group(1))
        return [v for v in values if len(v) >= 6]


class _ExplicitSettings(Settings):
    """Settings read only from the mapping given to ``load_settings`` (no env, no .env)."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return (init_settings,)


_ALIASES: dict[str, str] = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}


def load_settings(
    env: Mapping[str, str] | None = None, *, env_file: str | None = ".env"
) -> Settings:
    """Build the one Settings object, or raise ConfigError with one line per bad variable.

    ``env`` replaces the process environment (tests, subprocesses); ``env_file=None`` skips .env.
    """
    try:
        if env is None:
            return Settings(_env_file=env_file)  # type: ignore[call-arg]
        known = {alias: env[alias] for alias in _ALIASES.values() if alias in env}
        return _ExplicitSettings(**known)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        field_name = str(error["loc"][0]) if error["loc"] else "?"
        variable = _ALIASES.get(field_name, field_name.upper())
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"invalid setting {variable}: {message}")
    return "; ".join(lines)
