"""Block Kit validation as Slack's API applies it to ``blocks`` (messages) and views (App Home).

Slack publishes no JSON Schema for blocks, so the limits come from docs.slack.dev and the
validators in slack_sdk's ``models/blocks`` (../shared/reference/protocols.md B4): ≤ 50 blocks
per message (100 per view), section text 1–3000 and ≤ 10 fields of ≤ 2000, header plain_text
≤ 150, context ≤ 10 elements, actions ≤ 25 elements, button text ≤ 75, block_id ≤ 255, image
url ≤ 3000 / alt_text ≤ 2000, markdown block ≤ 12,000.

Errors use the shape of Slack's observed ``invalid_blocks`` answers, e.g.
``must be less than 3001 characters [json-pointer:/blocks/0/text/text]``. Hand-written because
Slack's rules exist only as prose; slack_sdk's model classes validate only objects built with them,
not the raw JSON a client posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
_INTERACTIVE_ELEMENTS = frozenset(
    {
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "timepicker",
        "overflow",
        "radio_buttons",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "image",
        "plain_text_input",
        "number_input",
        "email_text_input",
        "url_text_input",
        "rich_text_input",
        "workflow_button",
        "file_input",
    }
)


def _too_long(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _too_many(limit: int, pointer: str) -> str:
    return f"no more than {limit} items allowed [json-pointer:{pointer}]"


def _schema(pointer: str) -> str:
    return f"failed to match all allowed schemas [json-pointer:{pointer}]"


def _missing(name: str, pointer: str) -> str:
    return f"missing required field: {name} [json-pointer:{pointer}]"


def _text_object(
    value: Any, pointer: str, *, max_length: int, plain_only: bool = False
) -> Iterator[str]:
    if not isinstance(value, dict):
        yield _schema(pointer)
        return
    kind = value.get("type")
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if kind not in allowed:
        yield f"must be a valid enum value [json-pointer:{pointer}/type]"
        return
    text = value.get("text")
    if not isinstance(text, str):
        yield _missing("text", pointer)
    elif not text:
        yield f"must be more than 0 characters [json-pointer:{pointer}/text]"
    elif len(text) > max_length:
        yield _too_long(max_length, f"{pointer}/text")


def _optional_string(block: dict[str, Any], key: str, pointer: str, limit: int) -> Iterator[str]:
    value = block.get(key)
    if value is None:
        return
    if not isinstance(value, str):
        yield _schema(f"{pointer}/{key}")
    elif len(value) > limit:
        yield _too_long(limit, f"{pointer}/{key}")


def _element(element: Any, pointer: str) -> Iterator[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        yield _schema(pointer)
        return
    kind = element["type"]
    if kind not in _INTERACTIVE_ELEMENTS:
        yield _schema(pointer)
        return
    yield from _optional_string(element, "action_id", pointer, 255)
    if kind == "button":
        if "text" not in element:
            yield _missing("text", pointer)
        else:
            yield from _text_object(
                element["text"], f"{pointer}/text", max_length=75, plain_only=True
            )
        yield from _optional_string(element, "url", pointer, 3000)
        yield from _optional_string(element, "value", pointer, 2000)
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            yield f"must be a valid enum value [json-pointer:{pointer}/style]"
    elif kind == "image":
        yield from _image_fields(element, pointer)


def _image_fields(block: dict[str, Any], pointer: str) -> Iterator[str]:
    if "image_url" not in block and "slack_file" not in block:
        yield _missing("image_url", pointer)
    yield from _optional_string(block, "image_url", pointer, 3000)
    if not isinstance(block.get("alt_text"), str):
        yield _missing("alt_text", pointer)
    else:
        yield from _optional_string(block, "alt_text", pointer, 2000)


def _elements(block: dict[str, Any], pointer: str, *, limit: int) -> tuple[list[Any], list[str]]:
    elements = block.get("elements")
    if not isinstance(elements, list):
        return [], [_missing("elements", pointer)]
    if not elements:
        return [], [f"must contain at least 1 item [json-pointer:{pointer}/elements]"]
    if len(elements) > limit:
        return elements, [_too_many(limit, f"{pointer}/elements")]
    return elements, []


def _block(block: Any, pointer: str) -> Iterator[str]:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        yield _schema(pointer)
        return
    yield from _optional_string(block, "block_id", pointer, 255)
    kind = block["type"]
    if kind == "section":
        if "text" not in block and "fields" not in block:
            yield _missing("text", pointer)
        if "text" in block:
            yield from _text_object(block["text"], f"{pointer}/text", max_length=3000)
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or not fields:
                yield _schema(f"{pointer}/fields")
            elif len(fields) > 10:
                yield _too_many(10, f"{pointer}/fields")
            else:
                for index, field in enumerate(fields):
                    yield from _text_object(field, f"{pointer}/fields/{index}", max_length=2000)
        if "accessory" in block:
            yield from _element(block["accessory"], f"{pointer}/accessory")
    elif kind == "header":
        if "text" not in block:
            yield _missing("text", pointer)
        else:
            yield from _text_object(
                block["text"], f"{pointer}/text", max_length=150, plain_only=True
            )
    elif kind == "divider":
        return
    elif kind == "context":
        elements, errors = _elements(block, pointer, limit=10)
        yield from errors
        if not errors:
            for index, element in enumerate(elements):
                where = f"{pointer}/elements/{index}"
                if isinstance(element, dict) and element.get("type") == "image":
                    yield from _image_fields(element, where)
                else:
                    yield from _text_object(element, where, max_length=3000)
    elif kind == "actions":
        elements, errors = _elements(block, pointer, limit=25)
        yield from errors
        if not errors:
            seen: set[str] = set()
            for index, element in enumerate(elements):
                yield from _element(element, f"{pointer}/elements/{index}")
                action_id = element.get("action_id") if isinstance(element, dict) else None
                if isinstance(action_id, str):
                    if action_id in seen:
                        yield f"duplicate action_id [json-pointer:{pointer}/elements/{index}]"
                    seen.add(action_id)
    elif kind == "image":
        yield from _image_fields(block, pointer)
        if "title" in block:
            yield from _text_object(
                block["title"], f"{pointer}/title", max_length=2000, plain_only=True
            )
    elif kind == "markdown":
        text = block.get("text")
        if not isinstance(text, str) or not text:
            yield _missing("text", pointer)
        elif len(text) > 12_000:
            yield _too_long(12_000, f"{pointer}/text")
    elif kind == "rich_text":
        if not isinstance(block.get("elements"), list):
            yield _missing("elements", pointer)
    elif kind == "input":
        if "label" not in block:
            yield _missing("label", pointer)
        else:
            yield from _text_object(
                block["label"], f"{pointer}/label", max_length=2000, plain_only=True
            )
        if "element" not in block:
            yield _missing("element", pointer)
        if "hint" in block:
            yield from _text_object(
                block["hint"], f"{pointer}/hint", max_length=2000, plain_only=True
            )
    elif kind not in ("file", "video", "call", "table"):
        yield _schema(pointer)


def block_errors(
    blocks: list[Any], *, max_blocks: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks"
) -> list[str]:
    """Every violation, in Slack's wording; ``[]`` when Slack would accept the blocks."""
    if len(blocks) > max_blocks:
        return [_too_many(max_blocks, pointer)]
    errors: list[str] = []
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        errors.extend(_block(block, where))
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in block_ids:
                errors.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            block_ids.add(block_id)
    return errors


def visible_text_length(value: Any) -> int:
    """Characters of every ``text`` string in the blocks (Slack's cumulative size check)."""
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                total += len(item)
            else:
                total += visible_text_length(item)
        return total
    if isinstance(value, list):
        return sum(visible_text_length(item) for item in value)
    return 0
