"""Column types that make both backends behave alike: tz-aware UTC datetimes and unsigned
64-bit fingerprints.

SQLite has no timestamp type: SQLAlchemy stores datetimes as fixed-width ISO text and reads
them back naive. ``UTCDateTime`` stores naive UTC text on SQLite (so text order is time order
and ``<=`` in SQL compares correctly) and ``timestamptz`` on PostgreSQL, and always hands back
an aware UTC datetime. Naive datetimes are refused: a wall-clock time without a zone is a bug.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

_TWO_TO_63 = 1 << 63
_TWO_TO_64 = 1 << 64


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored as UTC, returned as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: pass a timezone-aware UTC time")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers always give datetimes
            raise TypeError(f"database returned {type(value).__name__} for a datetime column")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class UnsignedBigInteger(TypeDecorator[int]):
    """An unsigned 64-bit integer (e.g. a SimHash) in a signed BIGINT column.

    Values 2**63..2**64-1 are stored as their two's-complement negative and turned back on read,
    so every 64-bit fingerprint round-trips exactly on both backends.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected an int, got {type(value).__name__}")
        if not 0 <= value < _TWO_TO_64:
            raise ValueError(f"{value} is not an unsigned 64-bit integer")
        return value - _TWO_TO_64 if value >= _TWO_TO_63 else value

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        value = int(value)
        return value + _TWO_TO_64 if value < 0 else value
