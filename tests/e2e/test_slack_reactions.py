"""Reactions in the incident thread against the real `incident-bot serve`.

A state emoji on a reply publishes the reply's text; on the status card it publishes a generated
line; anywhere else it does nothing. However often Slack delivers one event, it publishes once.
"""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.harness import wait_until
from tests.e2e.slack_flows import (
    RESPONDER,
    WAIT_SECONDS,
    Room,
    SlackSession,
    running_session,
    shown,
)

ADA = "U0ADA00001"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process for every test of this module."""
    home: Path = tmp_path_factory.mktemp("reactions")
    with running_session(home) as running:
        running.slack.seed_user(ADA, "ada", real_name="Ada Lovelace", display_name="Ada")
        yield running


def incident_room(session: SlackSession) -> Room:
    """A linked room whose first update was delivered, so its status card exists."""
    room = session.new_room()
    session.link(room)
    session.command(room.channel, "investigating Checkout is failing")
    session.wait_receipts(room.channel, "Phare")
    session.wait_receipts(room.channel, "Checkly")
    return room


def contents(session: SlackSession, room: Room) -> tuple[list[str], list[str]]:
    """The content each provider received for the room, in order."""
    phare = [str(b["content"]) for b in session.phare_bodies(room)]
    checkly = [str(b["description"]) for b in session.checkly_bodies(room)]
    return phare, checkly


def test_a_reaction_on_a_thread_reply_publishes_its_text(session: SlackSession) -> None:
    room = incident_room(session)
    reply = session.seed_reply(room.channel, "Failover done &amp; traffic is back &lt;EU&gt;")

    answer = session.react(room.channel, reply, "hourglass_flowing_sand")

    assert answer.status_code == 200
    session.wait_published(room, phare=2, checkly=2)
    assert session.phare_bodies(room)[1] == {
        "state": "monitoring",
        "content": "Failover done & traffic is back <EU>",
    }
    assert session.checkly_bodies(room)[1] == {
        "status": "MONITORING",
        "description": "Failover done & traffic is back <EU>",
    }
    phare_receipts = session.wait_receipts(room.channel, "Phare", 2)
    checkly_receipts = session.wait_receipts(room.channel, "Checkly", 2)
    phare_id = session.stack.phare.applied(room.phare_id)[1]["id"]
    checkly_id = session.stack.checkly.applied(room.checkly_id)[1]["id"]
    assert f"update id {phare_id}" in phare_receipts[1]
    assert f"update id {checkly_id}" in checkly_receipts[1]


def test_one_event_delivered_three_times_publishes_once(session: SlackSession) -> None:
    room = incident_room(session)
    first = session.seed_reply(room.channel, "Root cause: expired TLS certificate")
    second = session.seed_reply(room.channel, "New certificate is rolling out")
    barrier = session.seed_reply(room.channel, "All regions serve the new certificate")

    event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    answers = [
        session.react(room.channel, first, "mag", event_id=event_id),
        session.react(room.channel, first, "mag", event_id=event_id, retry_num=1),
        session.react(room.channel, first, "mag", event_id=event_id, retry_num=2),
    ]
    concurrent_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers += pool.map(
            lambda retry: session.react(
                room.channel, second, "eyes", event_id=concurrent_id, retry_num=retry
            ),
            [None, 1, 2],
        )
    # The same emoji on the same message again, as a new event (removed and added back).
    answers.append(session.react(room.channel, first, "mag"))
    answers.append(session.react(room.channel, barrier, "hourglass_flowing_sand"))

    assert [a.status_code for a in answers] == [200] * 8
    wait_until(
        lambda: (
            "All regions serve the new certificate" in contents(session, room)[0]
            and "All regions serve the new certificate" in contents(session, room)[1]
        ),
        timeout=WAIT_SECONDS,
    )
    phare, checkly = contents(session, room)
    assert sorted(phare[1:]) == sorted(
        [
            "Root cause: expired TLS certificate",
            "New certificate is rolling out",
            "All regions serve the new certificate",
        ]
    )
    assert sorted(checkly[1:]) == sorted(phare[1:])
    assert len(session.stack.phare.applied(room.phare_id)) == 4


def test_a_reaction_on_the_card_publishes_a_generated_line(session: SlackSession) -> None:
    room = incident_room(session)
    card = session.card_ts(room.channel)

    answer = session.react(room.channel, card, "hourglass_flowing_sand", user=ADA)

    assert answer.status_code == 200
    session.wait_published(room, phare=2, checkly=2)
    assert session.phare_bodies(room)[1] == {
        "state": "monitoring",
        "content": "Now monitoring — set by Ada",
    }
    assert session.checkly_bodies(room)[1] == {
        "status": "MONITORING",
        "description": "Now monitoring — set by Ada",
    }
    wait_until(lambda: "*Monitoring*" in shown(_message(session, room, card)), timeout=WAIT_SECONDS)


def test_a_reaction_outside_the_incident_thread_does_nothing(session: SlackSession) -> None:
    room = incident_room(session)
    card = session.card_ts(room.channel)
    seconds = int(card.split(".")[0])
    top_level = f"{seconds + 5}.000001"
    other_thread = f"{seconds + 6}.000001"
    elsewhere = f"{seconds + 7}.000001"
    session.slack.seed_message(room.channel, top_level, "Is checkout down for anyone else?", ADA)
    session.slack.seed_message(room.channel, other_thread, "Lunch order thread", ADA)
    session.slack.seed_message(room.channel, elsewhere, "Pizza", ADA, thread_ts=other_thread)
    thread_before = len(session.replies(room.channel))

    outside = [
        session.react(room.channel, top_level, "white_check_mark"),
        session.react(room.channel, elsewhere, "white_check_mark"),
        session.react(room.channel, other_thread, "white_check_mark"),
    ]
    looked_up = {top_level, elsewhere, other_thread}
    wait_until(
        lambda: (
            looked_up
            <= {str(c.params.get("ts")) for c in session.slack.calls("conversations.replies")}
        ),
        timeout=WAIT_SECONDS,
    )
    barrier = session.seed_reply(room.channel, "Checkout works again")
    session.react(room.channel, barrier, "white_check_mark")

    assert [a.status_code for a in outside] == [200, 200, 200]
    session.wait_published(room, phare=2, checkly=2)
    phare, checkly = contents(session, room)
    assert phare == ["Checkout is failing", "Checkout works again"]
    assert checkly == ["Checkout is failing", "Checkout works again"]
    # Nothing was said about the reactions outside the thread, there or anywhere else.
    new_replies = session.replies(room.channel)[thread_before:]
    assert not any("Nothing was published" in shown(m) for m in new_replies)
    assert [m["text"] for m in session.slack.thread(room.channel, other_thread)] == [
        "Lunch order thread",
        "Pizza",
    ]
    assert session.card_ts(room.channel) == card
    assert [e for e in session.slack.ephemeral() if e["channel"] == room.channel] == []


def test_maintenance_by_reaction_skips_phare_and_says_why(session: SlackSession) -> None:
    room = incident_room(session)
    reply = session.seed_reply(room.channel, "Planned database upgrade starts now")

    answer = session.react(room.channel, reply, "wrench")

    assert answer.status_code == 200
    session.wait_published(room, phare=1, checkly=2)
    assert session.checkly_bodies(room)[1] == {
        "status": "MAINTENANCE",
        "description": "Planned database upgrade starts now",
    }
    session.wait_receipts(room.channel, "Checkly", 2)
    said = "\n".join(shown(m) for m in session.slack.messages(room.channel))
    assert (
        f"Skipped Phare incident `{room.phare_id}`: Phare has no 'maintenance' state "
        "(it has: unknown, investigating, identified, monitoring, resolved)."
    ) in said
    assert len(session.phare_bodies(room)) == 1


def test_slacks_retry_publishes_a_reaction_that_failed_before_it_was_stored(
    session: SlackSession,
) -> None:
    room = incident_room(session)
    reply = session.seed_reply(room.channel, "Payments are flowing again")
    event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    session.slack.fail_next("conversations.replies", "internal_error")

    first = session.react(room.channel, reply, "hourglass_flowing_sand", event_id=event_id)

    def told() -> list[object]:
        return [e["user"] for e in session.slack.ephemeral() if e["channel"] == room.channel]

    wait_until(told, timeout=WAIT_SECONDS)
    assert told() == [RESPONDER]
    assert contents(session, room) == (["Checkout is failing"], ["Checkout is failing"])

    retried = session.react(
        room.channel, reply, "hourglass_flowing_sand", event_id=event_id, retry_num=1
    )
    session.wait_published(room, phare=2, checkly=2)
    again = session.react(
        room.channel, reply, "hourglass_flowing_sand", event_id=event_id, retry_num=2
    )
    barrier = session.seed_reply(room.channel, "Monitoring for another hour")
    session.react(room.channel, barrier, "hourglass_flowing_sand")
    session.wait_published(room, phare=3, checkly=3)

    assert [a.status_code for a in (first, retried, again)] == [200, 200, 200]
    phare, checkly = contents(session, room)
    assert phare == [
        "Checkout is failing",
        "Payments are flowing again",
        "Monitoring for another hour",
    ]
    assert checkly == phare
    assert told() == [RESPONDER]


def _message(session: SlackSession, room: Room, ts: str) -> dict[str, object]:
    """One message of the room's channel, by ts."""
    return next(m for m in session.slack.messages(room.channel) if m["ts"] == ts)
