"""Slack's own validation of blocks and views, with its error wording (json-pointer messages)."""

import json
from typing import Any

from tests.fakes.slack_state import JSON, ApiError

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_CALLBACK_ID = 255


def as_json(value: Any, name: str) -> Any:
    """A parameter that may arrive as a JSON string (form bodies) or as JSON (JSON bodies)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ApiError(f"invalid_{name}_format") from None
    return value


def block_problems(blocks: Any, limit: int, pointer: str) -> list[str]:
    """Slack's complaints about a list of blocks, each naming its json-pointer."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, block in enumerate(blocks):
        problems.extend(_one_block(block, f"{pointer}/{index}"))
    return problems


def _one_block(block: Any, pointer: str) -> list[str]:
    """Complaints about one block: type present, text within its limit."""
    if not isinstance(block, dict) or "type" not in block:
        return [f"[ERROR] missing required field: type [json-pointer:{pointer}]"]
    text = block.get("text")
    text_value = text.get("text", "") if isinstance(text, dict) else ""
    if block["type"] == "section" and len(text_value) > MAX_SECTION_TEXT:
        return [_too_long(MAX_SECTION_TEXT, f"{pointer}/text/text")]
    if block["type"] == "header" and len(text_value) > MAX_HEADER_TEXT:
        return [_too_long(MAX_HEADER_TEXT, f"{pointer}/text/text")]
    if block["type"] == "section" and not text_value and not block.get("fields"):
        return [f"[ERROR] must provide text or fields [json-pointer:{pointer}]"]
    return []


def _too_long(limit: int, pointer: str) -> str:
    """Slack's message for a string over its limit."""
    return f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"


def check_message_blocks(params: JSON) -> list[JSON] | None:
    """The message's blocks, parsed; raise `invalid_blocks` like Slack when they break limits."""
    if "blocks" not in params:
        return None
    blocks = as_json(params["blocks"], "blocks")
    problems = block_problems(blocks, MAX_MESSAGE_BLOCKS, "/blocks")
    if problems:
        raise ApiError("invalid_blocks", messages=problems)
    assert isinstance(blocks, list)
    return blocks


def check_view(raw: Any) -> JSON:
    """The view, parsed; raise `invalid_arguments` like Slack when it breaks limits."""
    view = as_json(raw, "view")
    if not isinstance(view, dict):
        raise ApiError(
            "invalid_arguments", messages=["[ERROR] must be an object [json-pointer:/view]"]
        )
    problems = block_problems(view.get("blocks", []), MAX_VIEW_BLOCKS, "/view/blocks")
    for key in ("title", "submit", "close"):
        part = view.get(key)
        if isinstance(part, dict) and len(str(part.get("text", ""))) > MAX_VIEW_TITLE:
            problems.append(_too_long(MAX_VIEW_TITLE, f"/view/{key}/text"))
    if "title" not in view:
        problems.append("[ERROR] missing required field: title [json-pointer:/view]")
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        problems.append(_too_long(MAX_PRIVATE_METADATA, "/view/private_metadata"))
    if len(str(view.get("callback_id", ""))) > MAX_CALLBACK_ID:
        problems.append(_too_long(MAX_CALLBACK_ID, "/view/callback_id"))
    if problems:
        raise ApiError("invalid_arguments", messages=problems)
    return view
