"""The one message catalogue for every fixed text the bot shows, in English and Hindi.

Each area keeps its messages in its own module ``messages_<area>.py`` in this package, as a dict
``MESSAGES = {key: {"en": "...", "hi": "..."}}`` with ``str.format`` placeholders. This module
merges them, refuses duplicate keys, and renders a key in a chat's language. Hindi is written for
Indian readers (natural, idiomatic), never word-for-word from the English.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from typing import Final

LANGUAGES: Final = ("en", "hi")
DEFAULT_LANGUAGE: Final = "en"


def normalise_language(code: str | None) -> str:
    """Map any language code (``hi-IN``, ``HI``, ``en-US``, None) to one we speak."""
    if code and code.strip().lower().split("-")[0].split("_")[0] == "hi":
        return "hi"
    return DEFAULT_LANGUAGE


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """All messages of all areas, merged once."""
    merged: dict[str, Mapping[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module_info.name.startswith("messages_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice ({module_info.name})")
            merged[key] = texts
    return merged


def t(key: str, lang: str | None, /, **params: object) -> str:
    """Render message ``key`` in ``lang`` (falls back to English only for unknown languages)."""
    texts = catalogue()[key]
    text = texts[normalise_language(lang)]
    return text.format(**params) if params else text
