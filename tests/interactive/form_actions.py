"""The update form as Slack holds it: what the person typed, kept across redraws as Slack does.

Slack keeps what was entered in an input while its block_id and action_id stay the same across
`views.update`, and shows the new `initial_value` when the block_id changes. `Form` models that:
`typed` is keyed by (block_id, action_id).
"""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.slack import signing

JSON = dict[str, Any]
_ts = itertools.count(1)


@dataclass
class HeldForm:
    """The view Slack currently shows (with its id and hash) and what the person typed in it."""

    view: JSON
    typed: dict[tuple[str, str], Any] = field(default_factory=dict)

    def block(self, prefix: str) -> JSON:
        """The first block whose id starts with `prefix`."""
        return next(b for b in self.view["blocks"] if str(b.get("block_id", "")).startswith(prefix))

    def type(self, action_id: str, value: Any) -> None:
        """Enter a value in the element with this action id (in its current block)."""
        self.typed[(self._block_of(action_id), action_id)] = value

    def values(self) -> JSON:
        """`view.state.values`: what was typed where the block is unchanged, else the initial."""
        values: JSON = {}
        for block in self.view["blocks"]:
            if block.get("type") != "input":
                continue
            element = block["element"]
            key = (block["block_id"], element["action_id"])
            entry = self.typed[key] if key in self.typed else _initial(element)
            values.setdefault(block["block_id"], {})[element["action_id"]] = _state(element, entry)
        return values

    def action_payload(self, action_id: str, user_id: str = signing.USER_ID) -> JSON:
        """The block_actions Slack sends when a dispatching element changes (view container)."""
        block_id = self._block_of(action_id)
        state = self.values()[block_id][action_id]
        action = {"action_id": action_id, "block_id": block_id, "action_ts": _action_ts(), **state}
        return {
            "type": "block_actions",
            "team": {"id": signing.TEAM_ID, "domain": "example"},
            "user": {"id": user_id, "username": "responder", "team_id": signing.TEAM_ID},
            "api_app_id": signing.APP_ID,
            "token": "verification-token-unused",
            "container": {"type": "view", "view_id": self.view["id"]},
            "trigger_id": f"1000.5000.{next(_ts)}",
            "view": {**self.view, "state": {"values": self.values()}, "team_id": signing.TEAM_ID},
            "actions": [action],
            "is_enterprise_install": False,
        }

    def submission_payload(self, user_id: str = signing.USER_ID) -> JSON:
        """The view_submission Slack sends when the person clicks Publish."""
        payload = signing.view_submission_payload(self.view, {}, user_id=user_id)
        payload["view"]["id"] = self.view["id"]
        payload["view"]["state"] = {"values": self.values()}
        return payload

    def _block_of(self, action_id: str) -> str:
        """The id of the block holding the element."""
        for block in self.view["blocks"]:
            element = block.get("element") or {}
            if element.get("action_id") == action_id:
                return str(block["block_id"])
        raise KeyError(action_id)


def _initial(element: Mapping[str, Any]) -> Any:
    """What an element holds before anyone types."""
    if element["type"] == "static_select":
        option = element.get("initial_option")
        return option["value"] if option else None
    if element["type"] == "datetimepicker":
        return element.get("initial_date_time")
    return element.get("initial_value")


def _state(element: Mapping[str, Any], entry: Any) -> JSON:
    """One element's entry in `state.values`, in Slack's shape."""
    kind = element["type"]
    if kind == "static_select":
        option = next((o for o in element["options"] if o["value"] == entry), None)
        return {"type": kind, "selected_option": option}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": entry}
    return {"type": kind, "value": entry}


def _action_ts() -> str:
    """A fresh action timestamp."""
    return f"1700000002.{next(_ts):06d}"
