"""Checkly status-page incidents through the real `incident-bot serve`: link, form, command,
reaction and `post` each reach `/v3/status-pages/{page}/incidents/{incident}/incident-updates`
with a body the Checkly fake checks against Checkly's document; failures read as for dashboard
incidents. The bot runs with CHECKLY_NOTIFY_SUBSCRIBERS=true.
"""

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli.process import run_cli
from tests.e2e.harness import wait_until
from tests.e2e.slack_flows import (
    CHECKLY_ACTION,
    MESSAGE_ACTION,
    PUBLISHED_AT_ACTION,
    STATE_ACTION,
    Room,
    SlackSession,
    block_of,
    running_session,
    shown,
)
from tests.fakes.checkly_pages import PREDATES_INCIDENT
from tests.fakes.replies import Reply

NOTIFY_ACTION = "notify_subscribers_choice"
FORBIDDEN = "Your API key may not post updates to this status page."


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process for every test of this module, notifying subscribers by default."""
    home: Path = tmp_path_factory.mktemp("status-pages")
    with running_session(home, CHECKLY_NOTIFY_SUBSCRIBERS="true") as running:
        yield running


def page_room(session: SlackSession, opened_at: datetime | None = None) -> tuple[Room, str]:
    """A fresh room and a fresh status-page incident (`<page>/<incident>`) at Checkly."""
    room = session.new_room()
    incident = f"{uuid.uuid4()}/{uuid.uuid4()}"
    session.stack.checkly.add_page_incident(incident, opened_at)
    return room, incident


def page_bodies(session: SlackSession, incident: str) -> list[dict[str, Any]]:
    """The JSON bodies POSTed to the status-page incident, in arrival order."""
    page, _, number = incident.partition("/")
    path = f"/v3/status-pages/{page}/incidents/{number}/incident-updates"
    return [r.json for r in session.stack.checkly.requests_to("POST", path)]


def alike(receipt: str) -> str:
    """A receipt with what differs between two updates (its number, a jittered delay) blanked."""
    return re.sub(r"update #[0-9]+|in [0-9]+ s", "#", receipt)


def linked_to_page(session: SlackSession) -> tuple[Room, str]:
    """A room linked to Phare and a status-page incident."""
    room, incident = page_room(session)
    answer = session.command(room.channel, f"link {room.phare_target} checkly:{incident}")
    assert answer == (
        f"This channel now publishes to Phare incident `{room.phare_id}`, "
        f"Checkly status-page incident `{incident}`."
    )
    return room, incident


def test_link_binds_one_checkly_incident_of_either_kind(session: SlackSession) -> None:
    room, incident = linked_to_page(session)

    dashboard = session.command(room.channel, f"link {room.checkly_target}")
    back = session.command(room.channel, f"link checkly:{incident.upper()}")

    phare = f"Phare incident `{room.phare_id}`"
    assert (
        dashboard == f"This channel now publishes to {phare}, Checkly incident `{room.checkly_id}`."
    )
    assert back == (
        f"This channel now publishes to {phare}, Checkly status-page incident `{incident}`."
    )
    status = session.command(room.channel, "status")
    assert (
        f"*Linked:* Phare incident `{room.phare_id}`, Checkly status-page incident `{incident}`"
        in status
    )
    assert room.checkly_id not in status


def test_an_inline_update_reaches_the_status_page_and_its_receipt_names_it(
    session: SlackSession,
) -> None:
    room, incident = linked_to_page(session)

    answer = session.command(room.channel, "identified A bad deploy; rolling back")

    assert f"Checkly status-page incident `{incident}`" in answer
    receipts = session.wait_receipts(room.channel, "Checkly")
    (stored,) = session.stack.checkly.applied(incident)
    assert page_bodies(session, incident) == [
        {
            "status": "IDENTIFIED",
            "description": "A bad deploy; rolling back",
            "notifySubscribers": True,
        }
    ]
    assert f"Checkly accepted the update (update id {stored['id']})." in receipts[0]
    assert f"Checkly status-page incident `{incident}`" in receipts[0]
    card = shown(session.slack.messages(room.channel)[0])
    assert f"Checkly status-page incident `{incident}`: :white_check_mark: accepted" in card


def test_maintenance_inline_is_refused_with_the_reason(session: SlackSession) -> None:
    room, incident = page_room(session)
    session.command(room.channel, f"link checkly:{incident}")
    before = session.provider_requests()

    answer = session.command(room.channel, "maintenance Database upgrade")

    assert answer == (
        "Nothing was sent:\n• A Checkly status page has no 'maintenance' state "
        "(it has: investigating, identified, monitoring, resolved)."
    )
    assert session.provider_requests() == before


def test_the_form_shows_the_checkbox_and_sends_the_publish_time_and_choice(
    session: SlackSession,
) -> None:
    room, incident = linked_to_page(session)
    view = session.open_modal(room.channel)
    when = (datetime.now(UTC) - timedelta(minutes=10)).replace(second=0, microsecond=0)

    answer = session.submit(
        view,
        {
            STATE_ACTION: "monitoring",
            MESSAGE_ACTION: "Fix deployed; watching",
            PUBLISHED_AT_ACTION: int(when.timestamp()),
            NOTIFY_ACTION: [],
        },
    )

    assert answer.status_code == 200, answer.text
    block_of(view, NOTIFY_ACTION)  # shown, since a status-page incident is named
    [box] = [b["element"] for b in view["blocks"] if b.get("block_id") == "notify_subscribers"]
    assert [o["value"] for o in box["initial_options"]] == ["notify"]  # as configured
    session.wait_receipts(room.channel, "Checkly")
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert page_bodies(session, incident) == [
        {
            "status": "MONITORING",
            "description": "Fix deployed; watching",
            "publicIncidentUpdateDate": stamp,
            "notifySubscribers": False,
        }
    ]
    (phare,) = session.phare_bodies(room)
    assert datetime.fromisoformat(phare["published_at"]) == when


def test_a_publish_time_before_the_incident_is_refused_in_checklys_words(
    session: SlackSession,
) -> None:
    room, incident = page_room(session, opened_at=datetime.now(UTC) - timedelta(minutes=5))
    session.command(room.channel, f"link checkly:{incident}")
    view = session.open_modal(room.channel)
    early = datetime.now(UTC) - timedelta(hours=2)

    session.submit(
        view, {MESSAGE_ACTION: "Looking into it", PUBLISHED_AT_ACTION: int(early.timestamp())}
    )

    (receipt,) = session.wait_receipts(room.channel, "Checkly")
    assert f"Checkly refused the update (HTTP 400): {PREDATES_INCIDENT}" in receipt
    assert session.stack.checkly.applied(incident) == []


def test_the_form_takes_a_status_page_incident_typed_in(session: SlackSession) -> None:
    room, incident = page_room(session)
    view = session.open_modal(room.channel)

    session.submit(view, {MESSAGE_ACTION: "Checking", CHECKLY_ACTION: f"checkly:{incident}"})

    session.wait_receipts(room.channel, "Checkly")
    assert page_bodies(session, incident) == [
        {"status": "INVESTIGATING", "description": "Checking", "notifySubscribers": True}
    ]


def test_reactions_publish_there_and_skip_maintenance_with_the_reason(
    session: SlackSession,
) -> None:
    room, incident = page_room(session)
    session.command(room.channel, f"link checkly:{incident}")
    session.command(room.channel, "investigating Checkout is failing")
    session.wait_receipts(room.channel, "Checkly")
    reply = session.seed_reply(room.channel, "Checkout works again")

    session.react(room.channel, reply, "white_check_mark")
    session.wait_receipts(room.channel, "Checkly", 2)
    session.react(room.channel, reply, "wrench")

    expected = (
        "A Checkly status page has no 'maintenance' state "
        "(it has: investigating, identified, monitoring, resolved)."
    )

    def noted() -> bool:
        return any(expected in shown(m) for m in session.slack.messages(room.channel))

    wait_until(noted, timeout=15)
    assert [b["status"] for b in page_bodies(session, incident)] == ["INVESTIGATING", "RESOLVED"]
    assert page_bodies(session, incident)[1] == {
        "status": "RESOLVED",
        "description": "Checkout works again",
        "notifySubscribers": True,
    }


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (Reply.forbidden(FORBIDDEN), f"Checkly refused the update (HTTP 403): {FORBIDDEN}"),
        (Reply.not_found(), "was not found at Checkly"),
        (Reply.rate_limited(), "Checkly is limiting requests (HTTP 429)"),
    ],
    ids=["403", "404", "429"],
)
def test_failures_there_read_as_for_dashboard_incidents(
    session: SlackSession, reply: Reply, said: str
) -> None:
    room, incident = page_room(session)
    session.command(room.channel, f"link checkly:{incident}")
    session.stack.checkly.script(reply)
    dashboard = session.new_room()
    session.command(dashboard.channel, f"link {dashboard.checkly_target}")

    session.command(room.channel, "investigating Checkout is failing")
    (receipt, *_) = session.wait_receipts(room.channel, "Checkly")
    session.stack.checkly.script(reply)
    session.command(dashboard.channel, "investigating Checkout is failing")
    (plain, *_) = session.wait_receipts(dashboard.channel, "Checkly")

    assert said in receipt
    page_words = receipt.replace(f"status-page incident `{incident}`", "incident `X`")
    assert alike(page_words.replace(incident, "X")) == alike(
        plain.replace(dashboard.checkly_id, "X")
    )
    if reply.code == 404:
        assert f"incident {incident} was not found at Checkly" in receipt


def test_post_reaches_the_status_page(session: SlackSession, tmp_path: Path) -> None:
    _, incident = page_room(session)
    env = session.stack.env(3000)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'post.db'}"

    result = run_cli(
        [
            "post",
            "--to",
            f"checkly:{incident}",
            "--state",
            "resolved",
            "--message",
            "All clear",
            "--no-notify-subscribers",
        ],
        cwd=tmp_path,
        env=env,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    (stored,) = session.stack.checkly.applied(incident)
    assert f"checkly:{incident}  accepted  (update id {stored['id']})" in result.stdout
    assert page_bodies(session, incident) == [
        {"status": "RESOLVED", "description": "All clear", "notifySubscribers": False}
    ]
