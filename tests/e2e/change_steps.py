"""Edit and Delete on a receipt of the real `serve`, clicked and submitted as Slack signs them.

    receipt = accepted_receipt(session, room.channel, "Phare")   # the raw thread message
    view = open_edit(session, room.channel, receipt)             # Edit clicked; views.open
    session.submit(view, {MESSAGE_ACTION: "New words"})
    click(session, room.channel, receipt, DELETE)                # Delete, after Slack's confirm
    reply = wait_reply(session, room.channel, "edited the Phare update")

The button ids are copied as literals: they are what Slack echoes back.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from tests.e2e.harness import wait_until
from tests.e2e.slack_flows import JSON, RESPONDER, WAIT_SECONDS, Room, SlackSession, shown
from tests.fakes.checkly import ChecklyFake
from tests.fakes.phare import PhareFake
from tests.fakes.vendor import RecordedRequest
from tests.interactive.live import button_action
from tests.slack.signing import block_actions_payload, interaction

EDIT = "delivery_edit"
DELETE = "delivery_delete"
NOT_ALLOWED = "You are not on the list of people allowed to publish status updates with this bot."


def accepted_receipt(session: SlackSession, channel: str, provider: str, count: int = 1) -> JSON:
    """The `count`-th receipt in the thread saying the provider accepted an update (waits)."""

    def accepted() -> list[JSON]:
        return [
            m
            for m in session.replies(channel)
            if str(m.get("text", "")).startswith(f"{provider}: ")
            and f"{provider} accepted" in shown(m)
        ]

    wait_until(lambda: len(accepted()) >= count, timeout=WAIT_SECONDS)
    return accepted()[count - 1]


def message_at(session: SlackSession, channel: str, ts: object) -> JSON:
    """A message of the channel as Slack shows it now (after any chat.update)."""
    return next(m for m in session.slack.messages(channel) if m["ts"] == ts)


def redraws_of(session: SlackSession, channel: str, ts: object) -> list[dict[str, Any]]:
    """The chat.update calls the bot made on one message, oldest first."""
    return [
        c.params
        for c in session.slack.calls("chat.update")
        if c.params.get("channel") == channel and c.params.get("ts") == ts
    ]


def click_request(
    session: SlackSession, channel: str, message: JSON, action_id: str, user: str, trigger: str
) -> Any:
    """The signed block_actions Slack sends when `user` clicks a button of `message`."""
    payload = block_actions_payload(
        [button_action(message, action_id)],
        user_id=user,
        channel_id=channel,
        message_ts=str(message["ts"]),
    )
    payload["trigger_id"] = trigger
    return interaction(session.secret, payload)


def click(
    session: SlackSession, channel: str, message: JSON, action_id: str, *, user: str = RESPONDER
) -> str:
    """Click a button of a message (Slack acks at once); the trigger id the click carried."""
    trigger = session.slack.issue_trigger_id()
    answer = session.bot.post(click_request(session, channel, message, action_id, user, trigger))
    assert answer.status_code == 200, answer.text
    return trigger


def double_click(session: SlackSession, channel: str, message: JSON, action_id: str) -> None:
    """The same button clicked twice at once, each click its own signed request."""

    def one() -> int:
        trigger = session.slack.issue_trigger_id()
        request = click_request(session, channel, message, action_id, RESPONDER, trigger)
        with httpx.Client(base_url=session.bot.url, timeout=10.0) as http:
            sent = http.post("/slack/events", content=request.body, headers=request.headers)
            return sent.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(lambda _: one(), range(2)))
    assert statuses == [200, 200]


def open_edit(session: SlackSession, channel: str, receipt: JSON) -> JSON:
    """Click Edit on a receipt; the form the bot opened with that click's trigger id."""
    trigger = click(session, channel, receipt, EDIT)

    def opened() -> list[JSON]:
        calls = session.slack.calls("views.open")
        return [c.response for c in calls if c.params.get("trigger_id") == trigger]

    wait_until(opened, timeout=WAIT_SECONDS)
    (answer,) = opened()
    assert answer["ok"], answer
    view: JSON = answer["view"]
    return view


def field_value(view: JSON, action_id: str) -> Any:
    """The initial value or option of one of a view's inputs."""
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        if block.get("type") == "input" and element.get("action_id") == action_id:
            return element.get("initial_value", element.get("initial_option"))
    raise AssertionError(f"no input {action_id!r} in the view")


def thread_replies(session: SlackSession, channel: str, containing: str) -> list[JSON]:
    """The thread's replies whose shown text contains `containing`."""
    return [m for m in session.replies(channel) if containing in shown(m)]


def wait_reply(session: SlackSession, channel: str, containing: str) -> JSON:
    """Wait for the one thread reply containing `containing`; it."""
    wait_until(lambda: thread_replies(session, channel, containing), timeout=WAIT_SECONDS)
    (reply,) = thread_replies(session, channel, containing)
    return reply


def told(session: SlackSession, channel: str, user: str, count: int) -> list[str]:
    """Wait until `user` was told `count` things privately in a channel; what, oldest first."""

    def said() -> list[str]:
        return [
            str(e["text"])
            for e in session.slack.ephemeral()
            if (e["user"], e["channel"]) == (user, channel)
        ]

    wait_until(lambda: len(said()) >= count, timeout=WAIT_SECONDS)
    return said()


@dataclass(frozen=True)
class Published:
    """Updates published in a fresh room to one incident, each accepted by its vendor."""

    room: Room
    vendor: str
    incident: str
    receipts: list[JSON]
    updates: list[dict[str, Any]]


def publish(session: SlackSession, where: str, *commands: str) -> Published:
    """A fresh room linked to one incident — `phare`, `checkly` (a dashboard incident) or
    `page` (a new status-page incident) — and each command's update accepted there."""
    room = session.new_room()
    incident = {"phare": room.phare_id, "checkly": room.checkly_id}.get(where)
    if incident is None:
        incident = f"{uuid.uuid4()}/{uuid.uuid4()}"
        session.stack.checkly.add_page_incident(incident)
    vendor = "Phare" if where == "phare" else "Checkly"
    session.command(room.channel, f"link {vendor.lower()}:{incident}")
    receipts = []
    for count, command in enumerate(commands, 1):
        session.command(room.channel, command)
        receipts.append(accepted_receipt(session, room.channel, vendor, count))
    return Published(room, vendor, incident, receipts, held(session, vendor, incident))


def fake_of(session: SlackSession, vendor: str) -> PhareFake | ChecklyFake:
    """The vendor's fake ("Phare" or "Checkly")."""
    return session.stack.phare if vendor == "Phare" else session.stack.checkly


def held(session: SlackSession, vendor: str, incident: str) -> list[dict[str, Any]]:
    """The updates a vendor holds for an incident now, oldest first."""
    return fake_of(session, vendor).applied(incident)


def lists_of(session: SlackSession, published: Published) -> list[RecordedRequest]:
    """The requests that read the incident's updates (the bot looking at what it did)."""
    incident = published.incident
    if published.vendor == "Phare":
        path = f"/uptime/incidents/{incident}/updates"
    elif "/" not in incident:
        path = f"/v1/incidents/{incident}"
    else:
        page, _, number = incident.partition("/")
        path = f"/v3/status-pages/{page}/incidents/{number}/incident-updates"
    requests = fake_of(session, published.vendor).requests
    return [r for r in requests if (r.method, r.path) == ("GET", path)]


def update_path(published: Published, update_id: object) -> str:
    """The vendor's path of one update of the incident (Phare, Checkly v1 or v3)."""
    incident = published.incident
    if published.vendor == "Phare":
        return f"/uptime/incidents/{incident}/updates/{update_id}"
    if "/" not in incident:
        return f"/v1/incidents/{incident}/updates/{update_id}"
    page, _, number = incident.partition("/")
    return f"/v3/status-pages/{page}/incidents/{number}/incident-updates/{update_id}"


def save_edit(session: SlackSession, channel: str, receipt: JSON, **entries: str) -> None:
    """Open the edit form on a receipt and save it with these entries (by action id)."""
    view = open_edit(session, channel, receipt)
    answer = session.submit(view, entries)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"response_action": "clear"}
