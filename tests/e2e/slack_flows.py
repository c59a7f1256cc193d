"""Drive the real `incident-bot serve` as Slack does, and read what users would see.

    with running_session(tmp_path) as session:      # fakes + one bot process
        room = session.new_room()                   # fresh channel and incidents at both fakes
        session.command(room.channel, f"link {room.phare_target} {room.checkly_target}")
        view = session.open_modal(room.channel)     # views.open with the command's trigger
        session.submit(view, {MESSAGE_ACTION: "DB is back"})

Every request is signed with the stack's signing secret exactly as Slack signs it. Tests in one
module share one bot; each test takes its own room so tests stay independent.
"""

import itertools
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.harness import BotProcess, Stack, wait_until
from tests.fakes.slack import FakeSlack
from tests.slack.signing import (
    event_callback,
    interaction,
    reaction_added_event,
    slash_command,
    view_submission_payload,
)

JSON = dict[str, Any]

RESPONDER = "U0RESP0001"
# The bot's ids of the update form, copied as literals: they are what Slack echoes back.
STATE_ACTION = "state_select"
MESSAGE_ACTION = "message_input"
PHARE_ACTION = "phare_incident_input"
CHECKLY_ACTION = "checkly_incident_input"
PUBLISHED_AT_ACTION = "published_at_picker"
WAIT_SECONDS = 15.0

_rooms = itertools.count(1)
_messages = itertools.count(1)


@dataclass(frozen=True)
class Room:
    """One incident channel of a test, with its own incident at each provider."""

    channel: str
    phare_id: str
    checkly_id: str

    @property
    def phare_target(self) -> str:
        """`phare:<id>` as typed in `link`."""
        return f"phare:{self.phare_id}"

    @property
    def checkly_target(self) -> str:
        """`checkly:<uuid>` as typed in `link`."""
        return f"checkly:{self.checkly_id}"


def _text_of(item: Mapping[str, Any]) -> str:
    """The text of a block or element: a string, or a text object's `text`."""
    text = item.get("text")
    if isinstance(text, Mapping):
        return str(text.get("text", ""))
    return str(text) if text is not None else ""


def shown(message: Mapping[str, Any]) -> str:
    """Everything a message shows: its fallback text and the text of every block."""
    parts = [str(message.get("text") or "")]
    for block in message.get("blocks") or []:
        parts.append(_text_of(block))
        parts.extend(_text_of(e) for e in block.get("elements") or [])
    return "\n".join(p for p in parts if p)


def block_of(view: Mapping[str, Any], action_id: str) -> str:
    """The block id of the input holding `action_id` in a view the bot sent."""
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and block["element"].get("action_id") == action_id:
            return str(block["block_id"])
    raise AssertionError(f"no input {action_id!r} in the view")


class SlackSession:
    """One bot process and its fakes, with the steps a Slack user takes."""

    def __init__(self, stack: Stack, bot: BotProcess) -> None:
        self.stack = stack
        self.bot = bot

    @property
    def slack(self) -> FakeSlack:
        """The fake Slack Web API the bot talks to."""
        return self.stack.slack

    @property
    def secret(self) -> str:
        """The signing secret the bot verifies with."""
        return self.stack.signing_secret

    def new_room(self) -> Room:
        """A channel nobody used yet, and a new incident at Phare and at Checkly."""
        number = next(_rooms)
        room = Room(f"C0E2E{number:05d}", str(500 + number), str(uuid.uuid4()))
        self.stack.phare.add_incident(room.phare_id)
        self.stack.checkly.add_incident(room.checkly_id)
        return room

    # ---- requests, signed as Slack signs them ---------------------------------------------

    def command_response(
        self, channel: str, text: str, *, user: str = RESPONDER, trigger_id: str | None = None
    ) -> httpx.Response:
        """`/incident-update TEXT` typed in `channel`: the raw HTTP answer."""
        request = slash_command(
            self.secret, text=text, channel_id=channel, user_id=user, trigger_id=trigger_id
        )
        return self.bot.post(request)

    def command(self, channel: str, text: str, *, user: str = RESPONDER) -> str:
        """`/incident-update TEXT`: the text only the caller sees (the ack's ephemeral text)."""
        response = self.command_response(channel, text, user=user)
        assert response.status_code == 200, response.text
        body: JSON = response.json()
        assert body.get("response_type") == "ephemeral", body
        return str(body["text"])

    def link(self, room: Room) -> str:
        """Bind the room's channel to both of its incidents."""
        return self.command(room.channel, f"link {room.phare_target} {room.checkly_target}")

    def open_modal(self, channel: str, *, user: str = RESPONDER) -> JSON:
        """`/incident-update` with no text; the view the bot opened with that trigger id."""
        trigger = self.slack.issue_trigger_id()
        before = len(self.slack.calls("views.open"))
        response = self.command_response(channel, "", user=user, trigger_id=trigger)
        assert response.status_code == 200, response.text
        assert response.content in (b"", b"{}"), response.text
        calls = self.slack.wait_for_calls("views.open", before + 1, timeout=WAIT_SECONDS)
        opened = [c for c in calls if c.params.get("trigger_id") == trigger]
        assert len(opened) == 1, [c.params.get("trigger_id") for c in calls]
        assert opened[0].response["ok"], opened[0].response
        view: JSON = opened[0].response["view"]
        return view

    def submit(
        self, view: Mapping[str, Any], entries: Mapping[str, Any], *, user: str = RESPONDER
    ) -> httpx.Response:
        """Submit the form as opened, with what the user entered (by action id)."""
        payload = view_submission_payload(view, entries, user_id=user, view_id=str(view["id"]))
        return self.bot.post(interaction(self.secret, payload))

    def react(
        self,
        channel: str,
        ts: str,
        emoji: str,
        *,
        user: str = RESPONDER,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> httpx.Response:
        """A signed `reaction_added` delivery (with Slack's retry headers when retry_num is set)."""
        event = reaction_added_event(reaction=emoji, channel_id=channel, ts=ts, user_id=user)
        request = event_callback(self.secret, event, event_id=event_id, retry_num=retry_num)
        return self.bot.post(request)

    # ---- what Slack shows ---------------------------------------------------------------

    def card_ts(self, channel: str) -> str:
        """The ts of the channel's status card (waits for it to be posted)."""
        wait_until(lambda: self._top_level(channel), timeout=WAIT_SECONDS)
        cards = self._top_level(channel)
        assert len(cards) == 1, cards
        return str(cards[0]["ts"])

    def _top_level(self, channel: str) -> list[JSON]:
        """The bot's top-level messages in a channel."""
        bot_user = self.slack.workspace.bot_user_id
        return [
            m
            for m in self.slack.messages(channel)
            if m.get("user") == bot_user and m.get("thread_ts") in (None, m["ts"])
        ]

    def replies(self, channel: str) -> list[JSON]:
        """The replies in the channel's incident thread, oldest first."""
        return self.slack.thread(channel, self.card_ts(channel))[1:]

    def receipts(self, channel: str, provider: str) -> list[str]:
        """What the thread shows for each of a provider's receipts ("Phare" / "Checkly")."""
        return [
            shown(m)
            for m in self.replies(channel)
            if str(m.get("text", "")).startswith(f"{provider}: ")
        ]

    def wait_receipts(self, channel: str, provider: str, count: int = 1) -> list[str]:
        """Wait until the thread holds `count` receipts of the provider; return them."""
        wait_until(lambda: len(self.receipts(channel, provider)) >= count, timeout=WAIT_SECONDS)
        return self.receipts(channel, provider)

    def seed_reply(self, channel: str, text: str, *, user: str = RESPONDER) -> str:
        """A person's reply in the incident thread, stored as Slack stores it; its ts."""
        card = self.card_ts(channel)
        ts = f"{int(card.split('.')[0]) + 1}.{next(_messages):06d}"
        self.slack.seed_message(channel, ts, text, user, thread_ts=card)
        return ts

    # ---- what the providers received ------------------------------------------------------

    def phare_bodies(self, room: Room) -> list[JSON]:
        """The JSON bodies POSTed to the room's Phare incident, in arrival order."""
        path = f"/uptime/incidents/{room.phare_id}/updates"
        return [r.json for r in self.stack.phare.requests_to("POST", path)]

    def checkly_bodies(self, room: Room) -> list[JSON]:
        """The JSON bodies POSTed to the room's Checkly incident, in arrival order."""
        path = f"/v1/incidents/{room.checkly_id}/updates"
        return [r.json for r in self.stack.checkly.requests_to("POST", path)]

    def wait_published(
        self, room: Room, phare: int, checkly: int, timeout: float = WAIT_SECONDS
    ) -> None:
        """Wait until each provider has received this many updates for the room."""
        wait_until(
            lambda: (
                len(self.phare_bodies(room)) >= phare and len(self.checkly_bodies(room)) >= checkly
            ),
            timeout=timeout,
        )

    def provider_requests(self) -> int:
        """How many requests both providers have received so far."""
        return len(self.stack.phare.requests) + len(self.stack.checkly.requests)


@contextmanager
def running_session(home: Path, **env: str) -> Iterator[SlackSession]:
    """The fakes and one `incident-bot serve` (with `env` added) for a whole test module."""
    with Stack(home, **env) as stack:
        bot = stack.start_bot()
        yield SlackSession(stack, bot)
