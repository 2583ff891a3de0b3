"""Reading API call parameters the way the real Telegram and Slack servers do.

Both accept the same parameters as a query string, an ``application/x-www-form-urlencoded`` or
``multipart/form-data`` body (every value a string; structured values JSON-encoded, as
python-telegram-bot sends them) or a JSON object body (values typed). ``read_params`` merges
them into one dict; the ``as_*`` helpers coerce a value from either form.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class BodyParseError(ValueError):
    """The body claims to be JSON (or a form) but cannot be read as one."""


async def read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise BodyParseError(str(exc)) from exc
            if not isinstance(body, dict):
                raise BodyParseError("the JSON body is not an object")
            params.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            params[key] = value if isinstance(value, str) else getattr(value, "filename", "")
    return params


def as_int(value: Any) -> int | None:
    """An integer from ``42``, ``"42"`` or ``"-100123"``; ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and text.count("-") <= 1 and not text.endswith("-"):
            return int(text)
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def as_bool(value: Any) -> bool:
    """Telegram and Slack read ``true``/``1`` (any case) as true, anything else as false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return False


def as_json(value: Any) -> Any:
    """A structured value: JSON-decoded from a string (form bodies), or as given (JSON bodies).

    Raises ``BodyParseError`` when a string is not valid JSON.
    """
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise BodyParseError(str(exc)) from exc
    return value
